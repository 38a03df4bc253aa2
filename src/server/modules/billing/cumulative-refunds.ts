/**
 * Refund events that report a **cumulative** refunded amount, not the amount of this refund:
 * Lemon Squeezy's `order_refunded` / `subscription_payment_refunded` (`refunded_amount` of the
 * order or invoice) and Stripe's `charge.refunded` (`amount_refunded` of the charge). The
 * commission accrual adds up the refunds of a sale, so each refund must be recorded as what it
 * adds, exactly once, in any arrival order.
 *
 * Each recorded refund covers an interval of the cumulative amount, `(refundedBefore,
 * refundedTotal]`. A new event covers `(before, total]`, where `before` is the previous total when
 * the event names it (Stripe's `previous_attributes.amount_refunded`) and otherwise the highest
 * total recorded at or below its own (Lemon Squeezy never names it; Stripe sometimes does not). It
 * is recorded as the part of its interval that no recorded refund covers: nothing when an earlier
 * or larger refund already covers it (an older event arriving late, or the second of two events
 * reporting one refund). The refunds recorded for an order, invoice or charge therefore always add
 * up to the highest total the provider reported, never more; and when every event names its
 * previous total (Stripe's usual case) each records exactly its own step, whatever the order.
 * Before, a Stripe event without `previous_attributes` was taken for the first refund, and counted
 * the earlier refunds of the charge again. A Stripe refund recorded before intervals were kept
 * covers `(amountRefundedTotal − its amount, amountRefundedTotal]`.
 *
 * Runs inside the delivery's transaction, after the provider's workspace lock (`lockLemonSqueezy`;
 * for Stripe the link lock of `beforeStripeConversions`), so concurrent deliveries see each
 * other's refunds.
 */
import { and, eq, ne, sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db.ts';
import type { RecordedConversion } from '../tracking/conversions.ts';
import { conversion } from '../tracking/schema.ts';
import { type BillingConversion, stripeAmount } from './normalize.ts';

/** What a provider's cumulative refunded amount accumulates over (the total is `details.refundedTotal`, in minor units). */
const CUMULATIVE: Partial<Record<BillingConversion['source'], { over: 'originalRef' | 'externalRef' }>> = {
  // The order or subscription invoice that was the sale.
  lemonsqueezy: { over: 'originalRef' },
  // The charge (a sale's refunds may come through several charges, each with its own total).
  stripe: { over: 'externalRef' },
};

const digits = (v: unknown): bigint | null => (typeof v === 'string' && /^\d+$/.test(v) ? BigInt(v) : null);

/** The interval of the cumulative refunded amount a refund covers, in minor units: (before, total]. */
interface Covered {
  before: bigint;
  total: bigint;
}

/** What a recorded refund conversion covers (null when it names no cumulative total). */
function coveredBy(source: string, details: Record<string, unknown> | null, amountMinor: bigint | null, currency: string | null): Covered | null {
  const total = digits(details?.refundedTotal);
  const before = digits(details?.refundedBefore);
  if (total !== null) return { before: before ?? (amountMinor !== null ? total - amountMinor : 0n), total };
  // Stripe refunds recorded before intervals were kept: the charge's own figure, in Stripe's units, less what was recorded.
  const stripeTotal = source === 'stripe' ? digits(details?.amountRefundedTotal) : null;
  if (stripeTotal === null || !currency) return null;
  const inMinor = stripeAmount(stripeTotal, currency);
  return { before: inMinor - (amountMinor ?? 0n), total: inMinor };
}

/** How much of (before, total] the covered intervals leave uncovered. */
export function uncovered(want: Covered, covered: Covered[]): bigint {
  const parts = covered
    .map((c) => ({ from: c.before > want.before ? c.before : want.before, to: c.total < want.total ? c.total : want.total }))
    .filter((p) => p.to > p.from)
    .sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
  let free = 0n;
  let at = want.before;
  for (const p of parts) {
    if (p.from > at) free += p.from - at;
    if (p.to > at) at = p.to;
  }
  return free + (want.total > at ? want.total - at : 0n);
}

/**
 * Records `c` through `record`; a refund with a cumulative total as the part of its interval no
 * recorded refund covers (see above), anything else unchanged. A refund that adds nothing answers
 * with a recorded refund that covers it (`created: false`).
 */
export async function recordCumulativeRefund(
  db: Executor,
  workspaceId: string,
  c: BillingConversion,
  record: (c: BillingConversion) => Promise<RecordedConversion>,
): Promise<RecordedConversion> {
  const rule = CUMULATIVE[c.source];
  const group = rule ? c[rule.over] : null;
  const total = c.kind === 'refund' && c.amount ? digits(c.details?.refundedTotal) : null;
  if (!rule || !group || total === null || !c.amount) return record(c);
  const rows = await db
    .select({ id: conversion.id, partnerId: conversion.partnerId, details: conversion.details, amountMinor: conversion.amountMinor, currency: conversion.currency })
    .from(conversion)
    .where(
      and(
        eq(conversion.workspaceId, workspaceId),
        eq(conversion.source, c.source),
        eq(conversion.kind, 'refund'),
        eq(rule.over === 'originalRef' ? conversion.originalRef : conversion.externalRef, group),
        ne(conversion.idempotencyKey, c.idempotencyKey),
        sql`${conversion.details} is not null`,
      ),
    );
  const recorded = rows.flatMap((r) => {
    const covered = coveredBy(c.source, r.details as Record<string, unknown> | null, r.amountMinor, r.currency);
    return covered ? [{ row: r, covered }] : [];
  });
  const named = digits(c.details?.refundedBefore);
  const before = named ?? recorded.reduce((max, r) => (r.covered.total <= total && r.covered.total > max ? r.covered.total : max), 0n);
  const want = { before: before < total ? before : total, total };
  const adds = uncovered(want, recorded.map((r) => r.covered));
  if (adds <= 0n) {
    const cover = recorded.find((r) => r.covered.total >= total) ?? recorded[0];
    if (cover) return { id: cover.row.id, created: false, partnerId: cover.row.partnerId, status: cover.row.partnerId ? 'pending' : 'unattributed' };
  }
  return record({
    ...c,
    amount: { ...c.amount, amountMinor: adds },
    details: { ...(c.details ?? {}), refundedTotal: total.toString(), refundedBefore: want.before.toString() },
  });
}
