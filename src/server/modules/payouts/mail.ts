import { and, eq, inArray } from 'drizzle-orm';
import type { Config } from '../../platform/config.ts';
import type { Db } from '../../platform/db.ts';
import type { DomainEvent } from '../../platform/events.ts';
import type { Mailer } from '../../platform/mail.ts';
import { formatMoney } from '../../platform/money.ts';
import { payoutReversedEmail, statementDisputeAnsweredEmail, statementDisputeOpenedEmail } from '../mail/templates.ts';
import { authUser } from '../../platform/schema.ts';
import { partnerUser } from '../partners/schema.ts';
import { member, workspace } from '../workspaces/schema.ts';
import { findDispute, myDisputeView } from './disputes.ts';
import { statementLabel } from './runs.ts';
import { payout } from './schema.ts';

/**
 * Tells the partner's payout people (admins and finance users: those who can dispute) that a
 * dispute was answered. Written only from the partner's view of the dispute.
 */
export async function sendDisputeAnsweredMail(event: DomainEvent, db: Db, deps: { mailer: Mailer; config: Config }): Promise<void> {
  const { disputeId, partnerId } = event.payload as { disputeId: string; partnerId: string };
  if (!event.workspaceId) return;
  const seen = await myDisputeView(db, event.workspaceId, partnerId, disputeId);
  if (!seen || seen.status === 'open' || !seen.resolution) return;
  const [ws] = await db.select({ name: workspace.name }).from(workspace).where(eq(workspace.id, event.workspaceId));
  const users = await db
    .select({ name: partnerUser.name, email: partnerUser.email })
    .from(partnerUser)
    .where(and(eq(partnerUser.partnerId, partnerId), inArray(partnerUser.role, ['admin', 'finance'])));
  for (const u of users) {
    const mail = statementDisputeAnsweredEmail({
      recipientName: u.name,
      vendorName: ws?.name ?? 'Your vendor',
      statement: seen.statementNumber ?? seen.payoutId,
      outcome: seen.status,
      resolution: seen.resolution,
      adjustment: seen.adjustment ? formatMoney({ amountMinor: BigInt(seen.adjustment.amountMinor), currency: seen.adjustment.currency }) : null,
      url: `${deps.config.publicUrl}/portal/payouts`,
    });
    await deps.mailer.send({ workspaceId: event.workspaceId, idempotencyKey: `${event.id}:${event.type}:${u.email}`, to: u.email, ...mail });
  }
}

/**
 * Tells the partner's payout people (admins and finance users) that a payment to them was
 * reversed in Stripe and is owed again (`payout.reversed`): the amount and the statement only.
 */
export async function sendPayoutReversedMail(event: DomainEvent, db: Db, deps: { mailer: Mailer; config: Config }): Promise<void> {
  const p = event.payload as { payoutId: string; partnerId: string; reversed: { amountMinor: string; currency: string }; full: boolean };
  if (!event.workspaceId) return;
  const [row] = await db
    .select({ statementNumber: payout.statementNumber, vendorName: workspace.name })
    .from(payout)
    .innerJoin(workspace, eq(workspace.id, payout.workspaceId))
    .where(and(eq(payout.workspaceId, event.workspaceId), eq(payout.id, p.payoutId), eq(payout.partnerId, p.partnerId)));
  if (!row) return;
  const users = await db
    .select({ name: partnerUser.name, email: partnerUser.email })
    .from(partnerUser)
    .where(and(eq(partnerUser.workspaceId, event.workspaceId), eq(partnerUser.partnerId, p.partnerId), inArray(partnerUser.role, ['admin', 'finance'])));
  for (const u of users) {
    const mail = payoutReversedEmail({
      recipientName: u.name,
      vendorName: row.vendorName,
      statement: statementLabel(row.statementNumber) ?? p.payoutId,
      reversed: formatMoney({ amountMinor: BigInt(p.reversed.amountMinor), currency: p.reversed.currency }),
      full: p.full,
      url: `${deps.config.publicUrl}/portal/payouts`,
    });
    await deps.mailer.send({ workspaceId: event.workspaceId, idempotencyKey: `${event.id}:${event.type}:${u.email}`, to: u.email, ...mail });
  }
}

const REASONS: Record<string, string> = { missing_commission: 'Missing commission', wrong_amount: 'Wrong amount', other: 'Other question' };

/**
 * Tells the workspace's finance members (owners and admins when it has none) that a partner
 * disputed a statement, so it does not wait unseen in Payouts › Disputes.
 */
export async function sendDisputeOpenedMail(event: DomainEvent, db: Db, deps: { mailer: Mailer; config: Config }): Promise<void> {
  const { disputeId } = event.payload as { disputeId: string };
  if (!event.workspaceId) return;
  const d = await findDispute(db, event.workspaceId, disputeId);
  if (!d || d.status !== 'open') return;
  const staff = await db
    .select({ name: authUser.name, email: authUser.email, role: member.role })
    .from(member)
    .innerJoin(authUser, eq(authUser.id, member.userId))
    .where(and(eq(member.workspaceId, event.workspaceId), inArray(member.role, ['finance', 'owner', 'admin'])));
  const finance = staff.filter((m) => m.role === 'finance');
  for (const m of finance.length > 0 ? finance : staff) {
    const mail = statementDisputeOpenedEmail({
      recipientName: m.name || m.email,
      partnerName: d.partnerName,
      statement: d.statementNumber ?? d.payoutId,
      reason: REASONS[d.reason] ?? d.reason,
      message: d.message,
      expected: d.expectedAmount ? formatMoney({ amountMinor: BigInt(d.expectedAmount.amountMinor), currency: d.expectedAmount.currency }) : null,
      url: `${deps.config.publicUrl}/app/payouts`,
    });
    await deps.mailer.send({ workspaceId: event.workspaceId, idempotencyKey: `${event.id}:${event.type}:${m.email}`, to: m.email, ...mail });
  }
}
