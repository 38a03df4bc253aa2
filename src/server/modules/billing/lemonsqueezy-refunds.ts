/**
 * Lemon Squeezy refund events (`order_refunded`, `subscription_payment_refunded`) carry the
 * **cumulative** `refunded_amount` of the order or invoice, not the amount of this refund. The
 * commission accrual adds up the refunds of a sale, so a refund is recorded as what is new: its
 * total less the highest total already recorded against the same sale. A total lower than or equal
 * to one already recorded (an older event arriving late, or the second of two events reporting
 * one refund) adds nothing and records nothing. In any arrival order the refunds recorded against
 * a sale add up to the highest total Lemon Squeezy reported. Runs inside the delivery's
 * transaction, after `lockLemonSqueezy`, so concurrent deliveries see each other's refunds.
 */
import { and, desc, eq, ne, sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db.ts';
import type { RecordedConversion } from '../tracking/conversions.ts';
import { conversion } from '../tracking/schema.ts';
import type { BillingConversion } from './normalize.ts';

/** The cumulative total a Lemon Squeezy refund conversion reports (`details.refundedTotal`), or null for any other conversion. */
function refundedTotalOf(c: BillingConversion): bigint | null {
  if (c.kind !== 'refund' || c.source !== 'lemonsqueezy' || !c.originalRef || !c.amount) return null;
  const total = (c.details as Record<string, unknown> | undefined)?.refundedTotal;
  return typeof total === 'string' && /^\d+$/.test(total) ? BigInt(total) : null;
}

/**
 * Records `c` through `record`, a Lemon Squeezy refund as the amount its cumulative total adds
 * (see above); anything else unchanged. A refund that adds nothing answers with the recorded refund
 * whose total covers it (`created: false`).
 */
export async function recordLemonSqueezyRefund(
  db: Executor,
  workspaceId: string,
  c: BillingConversion,
  record: (c: BillingConversion) => Promise<RecordedConversion>,
): Promise<RecordedConversion> {
  const total = refundedTotalOf(c);
  if (total === null || !c.amount) return record(c);
  const total$ = sql<string>`(${conversion.details}->>'refundedTotal')`;
  const [highest] = await db
    .select({ id: conversion.id, partnerId: conversion.partnerId, total: total$ })
    .from(conversion)
    .where(
      and(
        eq(conversion.workspaceId, workspaceId),
        eq(conversion.source, 'lemonsqueezy'),
        eq(conversion.kind, 'refund'),
        eq(conversion.originalRef, c.originalRef as string),
        ne(conversion.idempotencyKey, c.idempotencyKey),
        sql`${total$} ~ '^[0-9]+$'`,
      ),
    )
    .orderBy(desc(sql`(${total$})::numeric`))
    .limit(1);
  const before = highest ? BigInt(highest.total) : 0n;
  if (highest && total <= before) return { id: highest.id, created: false, partnerId: highest.partnerId, status: highest.partnerId ? 'pending' : 'unattributed' };
  return record({
    ...c,
    amount: { ...c.amount, amountMinor: total - before },
    details: { ...(c.details ?? {}), refundedBefore: before.toString() },
  });
}
