import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalizeStripe } from './normalize.ts';
import { CORPORA_DIR } from './test-corpus.ts';

/**
 * The pure side of Stripe Connect transfer reversals. Payloads: stripe-mock-openapi-fixtures/
 * fixtures3.json `resources.transfer` / `resources.transfer_reversal` / `resources.event` (the
 * current API shapes), and stripe-ruby-mock-webhook-events/transfer.updated.json (a legacy,
 * pre-Connect transfer without `amount_reversed`).
 */
type Obj = Record<string, unknown>;
const r = (JSON.parse(readFileSync(path.join(CORPORA_DIR, 'stripe-mock-openapi-fixtures', 'fixtures3.json'), 'utf8')) as { resources: Record<string, Obj> }).resources;
const transfer = r.transfer as Obj & { id: string; amount: number };
const reversal = r.transfer_reversal as Obj & { id: string; amount: number; created: number };
const event = (type: string, object: Obj) => ({ ...r.event, id: `evt_tr_${type}`, type, created: 1_790_000_000, data: { object } });

describe('Stripe transfer events → transfer reversal', () => {
  it('the corpus transfer fully reversed by the corpus transfer_reversal: cumulative amount, ids, time, payout hint', () => {
    const reversed = { ...transfer, amount_reversed: reversal.amount, reversed: true, metadata: { openprm_payout_id: 'pay_X' }, reversals: { ...(transfer.reversals as Obj), data: [reversal] } };
    for (const type of ['transfer.reversed', 'transfer.updated']) {
      const n = normalizeStripe(event(type, reversed));
      expect(n.conversions).toEqual([]);
      expect(n.ignoredReason).toBeNull();
      expect(n.transferReversal).toEqual({
        transferId: transfer.id,
        amountReversedMinor: 1100n,
        currency: 'USD',
        transferAmountMinor: 1100n,
        reversed: true,
        reversalIds: [reversal.id],
        reversedAt: new Date(reversal.created * 1000),
        payoutIdHint: 'pay_X',
        eventId: `evt_tr_${type}`,
        eventType: type,
      });
    }
  });

  it('a partial reversal keeps the cumulative amount; without a reversal time it uses the event time', () => {
    const n = normalizeStripe(event('transfer.reversed', { ...transfer, amount_reversed: 400, reversals: { data: [] } }));
    expect(n.transferReversal).toMatchObject({ amountReversedMinor: 400n, reversed: false, reversalIds: [], reversedAt: new Date(1_790_000_000_000) });
  });

  it('Stripe zero-decimal amounts of ISO two-decimal currencies (MGA) become ISO minor units', () => {
    const n = normalizeStripe(event('transfer.reversed', { ...transfer, currency: 'mga', amount: 5000, amount_reversed: 1234 }));
    expect(n.transferReversal).toMatchObject({ currency: 'MGA', amountReversedMinor: 123_400n, transferAmountMinor: 500_000n });
  });

  it('ignores a transfer.updated with nothing reversed, a legacy transfer without amount_reversed, and a non-transfer object', () => {
    const notReversed = normalizeStripe(event('transfer.updated', transfer));
    expect(notReversed.transferReversal).toBeUndefined();
    expect(notReversed.ignoredReason).toBe(`Stripe transfer ${transfer.id} was not reversed (transfer.updated of another change)`);
    const legacy = normalizeStripe(JSON.parse(readFileSync(path.join(CORPORA_DIR, 'stripe-ruby-mock-webhook-events', 'transfer.updated.json'), 'utf8')));
    expect(legacy.transferReversal).toBeUndefined();
    expect(legacy.ignoredReason).toBe('Stripe transfer tr_00000000000000 has no amount_reversed: not a Connect transfer reversal');
    const other = normalizeStripe(event('transfer.reversed', { ...reversal }));
    expect(other.ignoredReason).toBe('Stripe transfer.reversed does not carry a Connect transfer');
    const bad = normalizeStripe(event('transfer.reversed', { ...transfer, amount_reversed: 12.5 }));
    expect(bad.transferReversal).toBeUndefined();
  });

  it('is pure: the same body normalizes the same way', () => {
    const body = event('transfer.reversed', { ...transfer, amount_reversed: 700 });
    expect(normalizeStripe(JSON.parse(JSON.stringify(body)))).toEqual(normalizeStripe(body));
  });
});
