import { and, eq } from 'drizzle-orm';
import { audit } from '../../platform/audit.ts';
import { now } from '../../platform/clock.ts';
import type { Principal } from '../../platform/context.ts';
import type { Executor } from '../../platform/db.ts';
import { emit } from '../../platform/events.ts';
import { newId } from '../../platform/ids.ts';
import { formatMoney, moneyToJson } from '../../platform/money.ts';
import { insertEntries } from '../commissions/ledger.ts';
import { attachReturnedEntry } from './ledger.ts';
import { statementLabel } from './runs.ts';
import { payout } from './schema.ts';

export const PAYOUT_REVERSED = 'payout.reversed';

/**
 * A Stripe Connect transfer reversal as the billing webhook reports it (billing/stripe-transfers.ts):
 * the transfer and its CUMULATIVE reversed amount. Events carry the transfer's state, not the
 * increment, so `transfer.reversed`, `transfer.updated`, replays and out-of-order deliveries of one
 * reversal all say the same thing and are applied once.
 */
export interface TransferReversal {
  /** The transfer id (`tr_…`) the Stripe provider stored as the payout's `provider_ref`. */
  transferId: string;
  /** `amount_reversed` in ISO 4217 minor units of `currency`. */
  amountReversedMinor: bigint;
  currency: string;
  /** The transfer's amount (minor units), when the payload has one. */
  transferAmountMinor: bigint | null;
  /** Stripe's `reversed` flag: the whole transfer was reversed. */
  reversed: boolean;
  /** The reversal ids (`trr_…`) listed on the transfer, newest first as Stripe lists them. */
  reversalIds: string[];
  /** When the latest reversal was created (else when the event was; null: when it is applied). */
  reversedAt: Date | null;
  /** `metadata.openprm_payout_id` of the transfer (runs.ts sets it), to recognise a payout whose transfer id we never learned. */
  payoutIdHint: string | null;
  /** The event that reported it (`evt_…`, `transfer.reversed`), for the audit trail. */
  eventId: string;
  eventType: string;
}

export interface ReversalOutcome {
  /** applied: money was made owed again · ignored: nothing to do (unknown transfer, already applied) · failed: inconsistent, finance must look. */
  status: 'applied' | 'ignored' | 'failed';
  reason: string;
  payoutId: string | null;
  /** The ledger lines written (the returned line and the owed-again adjustment). */
  entryIds: string[];
}

const SYSTEM: Principal = { kind: 'system', name: 'Stripe (transfer reversal)' };

/**
 * Reflects a reversal of the Stripe transfer that paid a payout, exactly once:
 *
 * - The payout is found by its provider reference (the transfer id) within the workspace whose
 *   endpoint received the event, and locked, so concurrent deliveries apply one after the other.
 * - Only the growth of the cumulative `amount_reversed` over what the payout already records is
 *   new: a replay, the other event type of the same reversal, or an older state changes nothing.
 * - The paid history is not rewritten: the payout stays `paid` with `amount_reversed_minor`,
 *   `reversed_at` and `reversal_reason` set; the ledger gets two appended lines for the new amount R
 *   (idempotent keys on the cumulative amount): a `paid` line of −R attached to the payout (the
 *   money that came back, so `paid` totals equal what the partner kept) and an `approved`
 *   adjustment of +R in the payout's program and currency, paid by the next run. A full reversal
 *   is the same with R = the whole payout: the owed amount is exactly the money the partner did
 *   not get, in the currency it was sent in (returning the original lines would re-convert them
 *   at a later FX rate and unmark lines that were, in fact, paid once).
 * - Audited (`payout.reversed`) and announced through the outbox (`payout.reversed`).
 *
 * Runs inside the caller's transaction (the billing event is stored in the same one).
 */
export async function applyTransferReversal(tx: Executor, workspaceId: string, r: TransferReversal): Promise<ReversalOutcome> {
  const [p] = await tx
    .select()
    .from(payout)
    .where(and(eq(payout.workspaceId, workspaceId), eq(payout.providerRef, r.transferId), eq(payout.methodType, 'stripe_connect')))
    .for('update');
  if (!p) {
    // Sent, but the outcome was never learned (the transfer id is unknown to us): finance must settle the payout first.
    if (r.payoutIdHint) {
      const [hinted] = await tx
        .select({ id: payout.id, status: payout.status })
        .from(payout)
        .where(and(eq(payout.workspaceId, workspaceId), eq(payout.id, r.payoutIdHint), eq(payout.methodType, 'stripe_connect')));
      if (hinted && hinted.status !== 'paid') {
        return {
          status: 'failed',
          reason: `Stripe transfer ${r.transferId} of payout ${hinted.id} (${hinted.status}) was reversed before OpenPRM learned its outcome: retry or mark the payout paid, then resend this event from Stripe`,
          payoutId: hinted.id,
          entryIds: [],
        };
      }
    }
    return { status: 'ignored', reason: `no payout of this workspace was paid with Stripe transfer ${r.transferId}`, payoutId: null, entryIds: [] };
  }
  if (p.status !== 'paid') {
    return {
      status: 'failed',
      reason: `payout ${p.id} is ${p.status}, not paid: settle it (retry or mark paid), then resend this event from Stripe`,
      payoutId: p.id,
      entryIds: [],
    };
  }
  if (r.currency !== p.currency) {
    return { status: 'failed', reason: `Stripe transfer ${r.transferId} is in ${r.currency}, payout ${p.id} in ${p.currency}: not applied`, payoutId: p.id, entryIds: [] };
  }
  if (r.amountReversedMinor > p.amountMinor || (r.transferAmountMinor !== null && r.transferAmountMinor !== p.amountMinor)) {
    return {
      status: 'failed',
      reason: `Stripe transfer ${r.transferId} (amount ${r.transferAmountMinor ?? '?'}, reversed ${r.amountReversedMinor}) does not match payout ${p.id} (${p.amountMinor} ${p.currency}): not applied`,
      payoutId: p.id,
      entryIds: [],
    };
  }
  const cumulative = r.amountReversedMinor;
  const newly = cumulative - p.amountReversedMinor;
  const label = statementLabel(p.statementNumber) ?? p.id;
  if (newly <= 0n) {
    const already = formatMoney({ amountMinor: p.amountReversedMinor, currency: p.currency });
    return {
      status: 'ignored',
      reason: cumulative === 0n && p.amountReversedMinor === 0n ? `Stripe transfer ${r.transferId} has no reversal` : `the reversal of Stripe transfer ${r.transferId} is already applied to payout ${p.id} (${already} reversed)`,
      payoutId: p.id,
      entryIds: [],
    };
  }

  const at = now();
  const reversedAt = r.reversedAt ?? at;
  const amount = { amountMinor: newly, currency: p.currency };
  const shown = formatMoney(amount);
  const full = cumulative === p.amountMinor;
  const refs = r.reversalIds.length ? ` (${r.reversalIds.join(', ')})` : '';
  const reason = `${full ? 'The whole' : 'Part of the'} Stripe transfer ${r.transferId} was reversed${refs}: ${formatMoney({ amountMinor: cumulative, currency: p.currency })} of ${formatMoney({ amountMinor: p.amountMinor, currency: p.currency })} came back to the platform balance (${r.eventType} ${r.eventId})`;
  const source = { type: 'payout_reversal', id: p.id, statement: label };
  const base = { workspaceId, programId: p.programId, partnerId: p.partnerId, planId: null, ruleId: null, sourceType: 'manual' as const, sourceId: p.id, conversionId: null, dealId: null, reversesEntryId: null, baseMinor: null, rateBp: null, currency: p.currency, holdUntil: at, flags: [], earnedAt: at, approvedAt: at };
  const returnedId = newId('commissionEntry');
  const owedId = newId('commissionEntry');
  // Partner-facing wording: what happened to their money, no provider internals.
  const inserted = await insertEntries(tx, [
    {
      ...base,
      id: returnedId,
      kind: 'adjustment',
      idempotencyKey: `payout_reversal:${p.id}:${cumulative}:returned`,
      amountMinor: -newly,
      status: 'paid',
      explanation: { summary: `${shown} of statement ${label} was returned to the vendor (payment reversed)`, source, plan: null, rule: null, base: null, rateBp: null, tier: null, modifiers: [], reason: 'payout reversed' },
    },
    {
      ...base,
      id: owedId,
      kind: 'adjustment',
      idempotencyKey: `payout_reversal:${p.id}:${cumulative}:owed`,
      amountMinor: newly,
      status: 'approved',
      explanation: { summary: `${shown} returned from statement ${label}: owed again, paid in the next payout`, source, plan: null, rule: null, base: null, rateBp: null, tier: null, modifiers: [], reason: 'payout reversed' },
    },
  ]);
  // The payout row lock makes this unreachable unless someone wrote the keys outside it; never write the money twice.
  if (inserted.length !== 2) throw new Error(`payout ${p.id}: reversal ledger lines for ${cumulative} already exist (${inserted.length} of 2 new)`);
  await attachReturnedEntry(tx, workspaceId, returnedId, p.id, reversedAt);

  await tx
    .update(payout)
    .set({ amountReversedMinor: cumulative, reversedAt, reversalReason: reason, updatedAt: at })
    .where(eq(payout.id, p.id));
  const ctx = { workspaceId, principal: SYSTEM, requestId: null, db: tx };
  await audit(ctx, {
    action: 'payout.reversed',
    entityType: 'payout',
    entityId: p.id,
    changes: {
      amountReversed: { from: moneyToJson({ amountMinor: p.amountReversedMinor, currency: p.currency }), to: moneyToJson({ amountMinor: cumulative, currency: p.currency }) },
      newlyReversed: moneyToJson(amount),
      transferId: r.transferId,
      reversalIds: r.reversalIds,
      event: { id: r.eventId, type: r.eventType },
      reason,
      returnedEntryId: returnedId,
      owedEntryId: owedId,
    },
  });
  await emit(tx, workspaceId, PAYOUT_REVERSED, {
    payoutId: p.id,
    runId: p.runId,
    partnerId: p.partnerId,
    amount: moneyToJson({ amountMinor: p.amountMinor, currency: p.currency }),
    reversed: moneyToJson(amount),
    totalReversed: moneyToJson({ amountMinor: cumulative, currency: p.currency }),
    full,
    reversedAt: reversedAt.toISOString(),
    adjustmentEntryId: owedId,
  });
  return { status: 'applied', reason: `${shown} of payout ${p.id} (${label}) reversed in Stripe: owed to the partner again (adjustment ${owedId})`, payoutId: p.id, entryIds: [returnedId, owedId] };
}
