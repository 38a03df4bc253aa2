import { eq } from 'drizzle-orm';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Db } from './db.ts';
import { AppError } from './errors.ts';
import { newId } from './ids.ts';
import { mailMessage } from './schema.ts';

export interface OutgoingMail {
  workspaceId: string | null;
  /** Makes a redelivered event send its email once: e.g. `${eventId}:partner-invitation`. */
  idempotencyKey: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

/**
 * Every outgoing email becomes a `mail_message` row first. With SMTP_URL it is then sent and
 * marked sent (or failed, and the delivery retries); without it the row is the email,
 * shown in the console's mail outbox — nothing is ever silently dropped.
 */
export class Mailer {
  private readonly transport: Transporter | null;

  constructor(
    private readonly db: Db,
    smtpUrl: string | null,
    private readonly from: string,
  ) {
    this.transport = smtpUrl ? nodemailer.createTransport(smtpUrl) : null;
  }

  get mode(): 'smtp' | 'captured' {
    return this.transport ? 'smtp' : 'captured';
  }

  async send(mail: OutgoingMail): Promise<string> {
    const id = newId('mailMessage');
    const transport = this.mode;
    await this.db
      .insert(mailMessage)
      .values({
        id,
        workspaceId: mail.workspaceId,
        idempotencyKey: mail.idempotencyKey,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        transport,
        status: transport === 'captured' ? 'captured' : 'queued',
        sentAt: transport === 'captured' ? new Date() : null,
      })
      .onConflictDoNothing();
    const [row] = await this.db.select().from(mailMessage).where(eq(mailMessage.idempotencyKey, mail.idempotencyKey));
    if (!row || row.status === 'sent' || row.status === 'captured' || !this.transport) return row?.id ?? id;
    try {
      const info = await this.transport.sendMail({ from: this.from, to: row.to, subject: row.subject, text: row.text, html: row.html });
      await this.db
        .update(mailMessage)
        .set({ status: 'sent', sentAt: new Date(), error: null, providerMessageId: info.messageId ?? null })
        .where(eq(mailMessage.id, row.id));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await this.db.update(mailMessage).set({ status: 'failed', error: message }).where(eq(mailMessage.id, row.id));
      throw new AppError('internal', `SMTP delivery to ${row.to} failed: ${message}`, { cause: error });
    }
    return row.id;
  }

  async close(): Promise<void> {
    this.transport?.close();
  }
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** A plain, readable transactional email: a greeting, a paragraph, one button, a footer. */
export function renderEmail(input: { heading: string; paragraphs: string[]; action: { label: string; url: string }; footer: string }): {
  text: string;
  html: string;
} {
  const text = [input.heading, '', ...input.paragraphs.flatMap((p) => [p, '']), `${input.action.label}: ${input.action.url}`, '', input.footer].join('\n');
  const html = `<!doctype html><html><body style="font-family:system-ui,-apple-system,Segoe UI,sans-serif;background:#f8fafc;padding:24px;color:#0f172a">
<div style="max-width:520px;margin:0 auto;background:#fff;border:1px solid #e2e8f0;border-radius:12px;padding:28px">
<h1 style="font-size:20px;margin:0 0 16px">${escapeHtml(input.heading)}</h1>
${input.paragraphs.map((p) => `<p style="font-size:15px;line-height:1.5;margin:0 0 14px">${escapeHtml(p)}</p>`).join('\n')}
<p style="margin:22px 0"><a href="${escapeHtml(input.action.url)}" style="background:#4f46e5;color:#fff;text-decoration:none;padding:10px 18px;border-radius:8px;font-weight:600">${escapeHtml(input.action.label)}</a></p>
<p style="font-size:13px;color:#64748b;margin:0">${escapeHtml(input.footer)}</p>
</div></body></html>`;
  return { text, html };
}
