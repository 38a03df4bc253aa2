import { z } from '@hono/zod-openapi';
import { type SQL, and, desc, eq, lt, or, sql } from 'drizzle-orm';
import { notFound } from '../../platform/errors.ts';
import { defineRoute, newRouter, workspaceCtx } from '../../platform/http.ts';
import { ZIdParam, errorResponses, jsonResponse } from '../../platform/openapi-common.ts';
import { ZPageQuery, pageOf, toPage } from '../../platform/pagination.ts';
import { authUser, mailMessage } from '../../platform/schema.ts';
import { partnerUser } from '../partners/schema.ts';
import { member } from '../workspaces/schema.ts';

/**
 * Emails of this workspace, plus captured sign-in emails (which belong to no workspace)
 * sent to this workspace's members and partner users, so magic links work with zero setup
 * in development. Captured mode is for evaluation; production sets SMTP_URL (see docs).
 */
function visibleTo(workspaceId: string): SQL {
  return or(
    eq(mailMessage.workspaceId, workspaceId),
    and(
      sql`${mailMessage.workspaceId} is null`,
      eq(mailMessage.transport, 'captured'),
      or(
        sql`lower(${mailMessage.to}) in (select lower(${authUser.email}) from ${member} join ${authUser} on ${authUser.id} = ${member.userId} where ${member.workspaceId} = ${workspaceId})`,
        sql`lower(${mailMessage.to}) in (select lower(${partnerUser.email}) from ${partnerUser} where ${partnerUser.workspaceId} = ${workspaceId})`,
      ),
    ),
  ) as SQL;
}

/** Bodies of emails really sent over SMTP hold live sign-in links for their recipient only. */
const HIDDEN_BODY = 'This email was delivered over SMTP; its body is not shown because it may contain a personal sign-in link.';

const ZMailSummary = z
  .object({
    id: z.string(),
    to: z.string(),
    subject: z.string(),
    status: z.enum(['queued', 'sent', 'captured', 'failed']),
    transport: z.enum(['smtp', 'captured']),
    error: z.string().nullable(),
    createdAt: z.string(),
    sentAt: z.string().nullable(),
  })
  .openapi('MailMessageSummary');
const ZMailMessage = ZMailSummary.extend({ text: z.string(), html: z.string() }).openapi('MailMessage');

type MailRow = typeof mailMessage.$inferSelect;
const summary = (r: MailRow) => ({
  id: r.id,
  to: r.to,
  subject: r.subject,
  status: r.status as z.infer<typeof ZMailSummary>['status'],
  transport: r.transport as 'smtp' | 'captured',
  error: r.error,
  createdAt: r.createdAt.toISOString(),
  sentAt: r.sentAt?.toISOString() ?? null,
});

export function mailRoutes() {
  const r = newRouter();
  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'mail_outbox:read' }, {
      method: 'get', path: '/mail-outbox', tags: ['Mail outbox'], summary: 'Outgoing emails of this workspace, newest first',
      request: { query: ZPageQuery },
      responses: { 200: jsonResponse(pageOf(ZMailSummary, 'MailMessagePage'), 'A page of emails'), ...errorResponses },
    }),
    async (c) => {
      const ctx = workspaceCtx(c);
      const { limit, cursor } = c.req.valid('query');
      const rows = await ctx.db
        .select()
        .from(mailMessage)
        .where(and(visibleTo(ctx.workspaceId), cursor ? lt(mailMessage.id, cursor) : undefined))
        .orderBy(desc(mailMessage.id))
        .limit(limit + 1);
      return c.json(toPage(rows, limit, (m) => m.id, summary), 200);
    },
  );
  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'mail_outbox:read' }, {
      method: 'get', path: '/mail-outbox/{id}', tags: ['Mail outbox'], summary: 'One email with its text and HTML',
      request: { params: ZIdParam },
      responses: { 200: jsonResponse(ZMailMessage, 'The email'), ...errorResponses },
    }),
    async (c) => {
      const ctx = workspaceCtx(c);
      const [row] = await ctx.db
        .select()
        .from(mailMessage)
        .where(and(visibleTo(ctx.workspaceId), eq(mailMessage.id, c.req.valid('param').id)));
      if (!row) throw notFound('Email');
      const captured = row.transport === 'captured';
      return c.json({ ...summary(row), text: captured ? row.text : HIDDEN_BODY, html: captured ? row.html : '' }, 200);
    },
  );
  return r;
}
