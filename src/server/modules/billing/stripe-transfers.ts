/**
 * Stripe Connect transfer reversals (pure): `transfer.reversed` and `transfer.updated` → the
 * transfer's cumulative reversed amount, which payouts/reversals.ts applies to the payout that
 * transfer paid. The vendor's Stripe account that makes the payout transfers is the one whose
 * events reach the Stripe billing endpoint, so these events arrive there (docs/payouts.md).
 *
 * Both events carry the Transfer object in its state after the change: `amount_reversed` is the
 * total reversed so far, whichever event (or replay, or order) says it. Billing never writes
 * payouts tables: the service hands the fact to the payouts module.
 */
import type { TransferReversal } from '../payouts/reversals.ts';

export const STRIPE_TRANSFER_TYPES = ['transfer.reversed', 'transfer.updated'] as const;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);
const int = (v: unknown): bigint | null => (typeof v === 'number' && Number.isSafeInteger(v) ? BigInt(v) : typeof v === 'string' && /^\d{1,18}$/.test(v) ? BigInt(v) : null);
const unix = (v: unknown): Date | null => (typeof v === 'number' && Number.isFinite(v) ? new Date(v * 1000) : null);

export type TransferFact = { reversal: TransferReversal; ignoredReason: null } | { reversal: null; ignoredReason: string };

/**
 * The reversal a transfer event reports, or why it reports none. `toMinor` turns Stripe's amount
 * into ISO 4217 minor units (normalize.ts `stripeAmount`).
 */
export function stripeTransferReversal(
  event: { id: string; type: string; created: Date | null },
  object: Obj,
  toMinor: (amount: bigint, currency: string) => bigint,
): TransferFact {
  const none = (reason: string): TransferFact => ({ reversal: null, ignoredReason: reason });
  const transferId = str(object.id);
  if (object.object !== 'transfer' || !transferId?.startsWith('tr')) return none(`Stripe ${event.type} does not carry a Connect transfer`);
  const currency = str(object.currency)?.toUpperCase() ?? null;
  const reversedRaw = int(object.amount_reversed);
  // Pre-2017 transfers (bank payouts of the account itself) have no amount_reversed.
  if (!currency || reversedRaw === null) return none(`Stripe transfer ${transferId} has no amount_reversed: not a Connect transfer reversal`);
  if (reversedRaw === 0n) return none(`Stripe transfer ${transferId} was not reversed (${event.type} of another change)`);
  const reversals = isObj(object.reversals) && Array.isArray(object.reversals.data) ? object.reversals.data.filter(isObj) : [];
  const reversalIds = reversals.map((r) => str(r.id)).filter((id): id is string => id !== null);
  const times = reversals.map((r) => unix(r.created)).filter((d): d is Date => d !== null);
  const latest = times.length ? new Date(Math.max(...times.map((d) => d.getTime()))) : event.created;
  const amount = int(object.amount);
  const metadata = isObj(object.metadata) ? object.metadata : {};
  return {
    reversal: {
      transferId,
      amountReversedMinor: toMinor(reversedRaw, currency),
      currency,
      transferAmountMinor: amount === null ? null : toMinor(amount, currency),
      reversed: object.reversed === true,
      reversalIds,
      reversedAt: latest,
      payoutIdHint: str(metadata.openprm_payout_id),
      eventId: event.id,
      eventType: event.type,
    },
    ignoredReason: null,
  };
}
