import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { advanceClock, resetClock } from '../../platform/clock.ts';
import { newId } from '../../platform/ids.ts';
import { type TestApp, call, createTestApp, ownerWithWorkspace } from '../../test/harness.ts';
import { makePartner, stageIds } from '../deals/test-fixtures.ts';
import { click } from '../tracking/schema.ts';
import { accrueDealWon, accruePending, releaseHolds } from './accrual.ts';
import { ledgerTotals } from './ledger.ts';
import { closeRebates } from './service.ts';
import { accrualStatus, activePlan, ledger, record } from './test-fixtures.ts';

let t: TestApp;
const DAY = 86_400_000;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});
afterEach(() => resetClock());

async function setup(name: string, document: Record<string, unknown>, currency = 'USD') {
  const vendor = await ownerWithWorkspace(t, name);
  const programId = (await call(t, 'POST', '/api/v1/programs', { ...vendor.as, body: { name: 'Affiliates', partnerType: 'affiliate', currency, status: 'active' } })).body.id as string;
  const partnerId = await makePartner(t, vendor.as, 'Northwind', programId);
  const planId = await activePlan(t, vendor.as, programId, document);
  return { vendor, ws: vendor.workspaceId, programId, partnerId, planId };
}

const sums = (entries: { amount_minor: string }[]) => entries.reduce((s, e) => s + BigInt(e.amount_minor), 0n);

describe('accrual from conversions', () => {
  it('accrues a sale, is idempotent (run twice → same ledger), and marks conversions', async () => {
    const s = await setup('Accrue Co', { rules: [{ id: 'std', name: 'Standard', type: 'percentage', rateBp: 1000, duration: { type: 'lifetime' } }] });
    const c1 = await record(t, s.ws, { partnerCode: s.partnerId, externalRef: 'inv_1', amount: { amountMinor: 12_345n, currency: 'USD' }, customer: { externalId: 'cust_1' } });
    const c2 = await record(t, s.ws, { kind: 'lead', partnerCode: s.partnerId, amount: null, customer: { externalId: 'cust_2' } });
    const stats = await accruePending(t.services.db, s.ws);
    expect(stats).toMatchObject({ processed: 2, accrued: 2, entries: 1 });
    const first = await ledger(t, s.ws);
    expect(first.map((e) => [e.kind, e.rule_id, e.amount_minor, e.status])).toEqual([['commission', 'std', '1234', 'pending']]); // 10 % of 123.45 = 12.345 → 12.34 (half-even)
    expect(await accrualStatus(t, c1.id)).toBe('accrued');
    expect(await accrualStatus(t, c2.id)).toBe('accrued');

    // Replays: a second run, and the conversion reset to pending, change nothing.
    await accruePending(t.services.db, s.ws);
    await t.services.db.execute(sql`update conversion set accrual_status = 'pending' where id = ${c1.id}`);
    await accruePending(t.services.db, s.ws);
    expect(await ledger(t, s.ws)).toEqual(first);
    expect(first[0].explanation).toMatchObject({ rateBp: 1000, base: { amountMinor: '12345', currency: 'USD' }, plan: { version: 1 } });
  });

  it('no active plan → no_plan', async () => {
    const vendor = await ownerWithWorkspace(t, 'No Plan Co');
    const programId = (await call(t, 'POST', '/api/v1/programs', { ...vendor.as, body: { name: 'Plain', partnerType: 'affiliate', currency: 'USD', status: 'active' } })).body.id;
    const partnerId = await makePartner(t, vendor.as, 'Lonely', programId);
    const c = await record(t, vendor.workspaceId, { partnerCode: partnerId, customer: { externalId: 'x' } });
    await accruePending(t.services.db, vendor.workspaceId);
    expect(await accrualStatus(t, c.id)).toBe('no_plan');
  });

  it('recurring for N months counts from the first sale by occurred time, not arrival order', async () => {
    const s = await setup('Recurring Co', { rules: [{ id: 'rec', name: 'Recurring', type: 'percentage', rateBp: 2000, duration: { type: 'recurring', months: 2 } }] });
    const base = Date.UTC(2026, 0, 10);
    // Month 3 and month 2 arrive first; the first sale arrives last (before the accrual run).
    await record(t, s.ws, { partnerCode: s.partnerId, externalRef: 'm3', recurring: true, occurredAt: new Date(base + 62 * DAY), customer: { externalId: 'sub' } });
    await record(t, s.ws, { partnerCode: s.partnerId, externalRef: 'm2', recurring: true, occurredAt: new Date(base + 31 * DAY), customer: { externalId: 'sub' } });
    await record(t, s.ws, { partnerCode: s.partnerId, externalRef: 'm1', recurring: false, occurredAt: new Date(base), customer: { externalId: 'sub' } });
    await accruePending(t.services.db, s.ws);
    await accruePending(t.services.db, s.ws);
    const entries = await ledger(t, s.ws);
    // m1 and m2 fall within 2 months of 10 Jan; m3 (13 Mar) does not.
    expect(entries.map((e) => e.kind).sort()).toEqual(['commission', 'recurring']);
    expect(sums(entries)).toBe(4000n);
  });

  it('per-period caps and the first-sale bonus hold across a batch (serialized per partner)', async () => {
    const s = await setup('Caps Co', {
      rules: [{ id: 'capped', name: 'Capped', type: 'percentage', rateBp: 5000, duration: { type: 'lifetime' }, caps: { perPartnerPerPeriod: { amount: { amountMinor: '12000', currency: 'USD' }, period: 'month' } } }],
      bonuses: [{ id: 'welcome', name: 'Welcome', trigger: 'first_sale', amount: { amountMinor: '5000', currency: 'USD' } }],
    });
    const at = Date.UTC(2026, 4, 3);
    for (let i = 0; i < 3; i++) {
      await record(t, s.ws, { partnerCode: s.partnerId, externalRef: `cap_${i}`, occurredAt: new Date(at + i * 1000), customer: { externalId: `c${i}` }, amount: { amountMinor: 10_000n, currency: 'USD' } });
    }
    await accruePending(t.services.db, s.ws);
    const entries = await ledger(t, s.ws);
    const commission = entries.filter((e) => e.kind === 'commission');
    expect(commission.map((e) => e.amount_minor).sort()).toEqual(['2000', '5000', '5000']);
    expect(entries.filter((e) => e.kind === 'bonus')).toHaveLength(1);
    expect(JSON.stringify(commission.find((e) => e.amount_minor === '2000')?.explanation)).toContain('cap_per_period');
  });

  it('two accrual runs at once (a job and a manual run) keep a per-period cap: neither run works from a stale view of the other', async () => {
    const s = await setup('Two Runs Co', {
      rules: [{ id: 'capped', name: 'Capped', type: 'percentage', rateBp: 5000, duration: { type: 'lifetime' }, caps: { perPartnerPerPeriod: { amount: { amountMinor: '12000', currency: 'USD' }, period: 'month' } } }],
    });
    const at = Date.UTC(2026, 4, 3);
    for (let i = 0; i < 8; i++) {
      await record(t, s.ws, { partnerCode: s.partnerId, externalRef: `run_${i}`, occurredAt: new Date(at + i * 1000), customer: { externalId: `c${i}` }, amount: { amountMinor: 10_000n, currency: 'USD' } });
    }
    // Batches of one: the two runs' batches interleave, each run keeping its own per-run caches.
    const [a, b] = await Promise.all([
      accruePending(t.services.db, s.ws, { batchSize: 1, workers: 1 }),
      accruePending(t.services.db, s.ws, { batchSize: 1, workers: 1 }),
    ]);
    expect(a.processed + b.processed).toBe(8);
    expect(a.processed).toBeGreaterThan(0);
    expect(b.processed).toBeGreaterThan(0);
    const entries = await ledger(t, s.ws);
    expect(sums(entries)).toBe(12_000n);
    expect(entries.map((e) => e.amount_minor).sort()).toEqual(['2000', '5000', '5000']);
  });

  it('two workers (lanes by partner) write exactly the ledger of one, caps, bonuses and refunds included', async () => {
    const document = {
      rules: [{ id: 'capped', name: 'Capped', type: 'percentage', rateBp: 5000, duration: { type: 'lifetime' }, caps: { perPartnerPerPeriod: { amount: { amountMinor: '12000', currency: 'USD' }, period: 'month' } } }],
      bonuses: [{ id: 'welcome', name: 'Welcome', trigger: 'first_sale', amount: { amountMinor: '5000', currency: 'USD' } }],
    };
    const facts = async (workers: 1 | 2) => {
      const s = await setup(`Lanes ${workers}`, document);
      const partners = [s.partnerId];
      for (const name of ['Contoso', 'Fabrikam', 'Litware', 'Tailspin']) partners.push(await makePartner(t, s.vendor.as, name, s.programId));
      const at = Date.UTC(2026, 4, 3);
      for (let i = 0; i < 20; i++) {
        const partner = partners[i % partners.length];
        await record(t, s.ws, { partnerCode: partner, externalRef: `s${i}`, occurredAt: new Date(at + i * 1000), customer: { externalId: `c${i}` }, amount: { amountMinor: 10_000n, currency: 'USD' } });
        if (i % 4 === 3) await record(t, s.ws, { kind: 'refund', externalRef: `r${i}`, originalRef: `s${i}`, occurredAt: new Date(at + i * 1000 + 500), customer: { externalId: `c${i}` }, amount: { amountMinor: 4_000n, currency: 'USD' } });
      }
      const stats = await accruePending(t.services.db, s.ws, { workers, batchSize: 7 });
      const names = new Map(partners.map((p, i) => [p, i]));
      const rows = (await ledger(t, s.ws)).map((e) => `${names.get(e.partner_id)} ${e.kind} ${e.amount_minor} ${e.status}`).sort();
      return { stats, rows, balanced: (await ledgerTotals({ db: t.services.db, workspaceId: s.ws })).data.every((x) => x.balanced) };
    };
    const one = await facts(1);
    const two = await facts(2);
    expect(two.rows).toEqual(one.rows);
    expect(two.stats).toEqual(one.stats);
    expect(one.rows.filter((r) => r.includes(' bonus '))).toHaveLength(5);
    expect(one.rows.some((r) => r.includes(' reversal '))).toBe(true);
    expect(one.balanced && two.balanced).toBe(true);
  });
});

describe('refunds and disputes', () => {
  it('a refund before its sale waits, then reverses once the sale is accrued', async () => {
    const s = await setup('Refund First Co', { rules: [{ id: 'std', name: 'Standard', type: 'percentage', rateBp: 1000 }] });
    // The customer is bound by a lead; the refund arrives before the sale.
    await record(t, s.ws, { kind: 'lead', partnerCode: s.partnerId, amount: null, customer: { externalId: 'early' } });
    const refund = await record(t, s.ws, { kind: 'refund', originalRef: 'inv_late', amount: { amountMinor: 10_000n, currency: 'USD' }, customer: { externalId: 'early' } });
    await accruePending(t.services.db, s.ws);
    expect(await accrualStatus(t, refund.id)).toBe('waiting_original');
    const sale = await record(t, s.ws, { externalRef: 'inv_late', occurredAt: new Date(Date.now() - 60_000), customer: { externalId: 'early' } });
    await accruePending(t.services.db, s.ws);
    expect(await accrualStatus(t, sale.id)).toBe('accrued');
    expect(await accrualStatus(t, refund.id)).toBe('accrued');
    const entries = await ledger(t, s.ws);
    expect(entries.map((e) => [e.kind, e.amount_minor, e.status])).toEqual([
      ['commission', '1000', 'reversed'],
      ['reversal', '-1000', 'reversed'],
    ]);
    await accruePending(t.services.db, s.ws);
    expect(await ledger(t, s.ws)).toHaveLength(2);
  });

  it('partial refunds reverse pro rata (cumulative), a later full refund reverses the rest', async () => {
    const s = await setup('Partial Co', {
      rules: [{ id: 'std', name: 'Standard', type: 'percentage', rateBp: 1001 }],
      bonuses: [{ id: 'welcome', name: 'Welcome', trigger: 'first_sale', amount: { amountMinor: '500', currency: 'USD' } }],
    });
    await record(t, s.ws, { partnerCode: s.partnerId, externalRef: 'inv_p', amount: { amountMinor: 10_000n, currency: 'USD' }, customer: { externalId: 'p' } });
    await accruePending(t.services.db, s.ws);
    await record(t, s.ws, { kind: 'refund', originalRef: 'inv_p', amount: { amountMinor: 2_500n, currency: 'USD' }, customer: { externalId: 'p' } });
    await accruePending(t.services.db, s.ws);
    let entries = await ledger(t, s.ws);
    // 1001 × 25 % = 250.25 → 250; the bonus stays on a partial refund.
    expect(entries.filter((e) => e.kind === 'reversal').map((e) => [e.amount_minor, e.status])).toEqual([['-250', 'pending']]);
    await record(t, s.ws, { kind: 'refund', originalRef: 'inv_p', amount: { amountMinor: 7_500n, currency: 'USD' }, customer: { externalId: 'p' } });
    await accruePending(t.services.db, s.ws);
    entries = await ledger(t, s.ws);
    expect(entries.every((e) => e.status === 'reversed')).toBe(true);
    expect(sums(entries)).toBe(0n);
    const [totals] = (await ledgerTotals({ db: t.services.db, workspaceId: s.ws })).data;
    expect(totals).toMatchObject({ accrued: 1501n, reversed: 1501n, net: 0n, balanced: true });
  });

  it('a reversal after payment is an approved clawback', async () => {
    const s = await setup('Clawback Co', { rules: [{ id: 'std', name: 'Standard', type: 'percentage', rateBp: 1000 }] });
    await record(t, s.ws, { partnerCode: s.partnerId, externalRef: 'inv_c', customer: { externalId: 'c' } });
    await accruePending(t.services.db, s.ws);
    await t.services.db.execute(sql`update commission_entry set status = 'paid' where workspace_id = ${s.ws}`); // as payouts would
    await record(t, s.ws, { kind: 'refund', originalRef: 'inv_c', amount: { amountMinor: 5_000n, currency: 'USD' }, customer: { externalId: 'c' } });
    await accruePending(t.services.db, s.ws);
    const entries = await ledger(t, s.ws);
    expect(entries.map((e) => [e.kind, e.amount_minor, e.status])).toEqual([
      ['commission', '1000', 'paid'],
      ['clawback', '-500', 'approved'],
    ]);
  });

  it('dispute opened reverses; dispute won re-accrues', async () => {
    const s = await setup('Dispute Co', { rules: [{ id: 'std', name: 'Standard', type: 'percentage', rateBp: 1000 }] });
    await record(t, s.ws, { partnerCode: s.partnerId, externalRef: 'ch_1', customer: { externalId: 'd' } });
    await accruePending(t.services.db, s.ws);
    await record(t, s.ws, { kind: 'dispute_opened', originalRef: 'ch_1', customer: { externalId: 'd' } });
    await accruePending(t.services.db, s.ws);
    expect(sums(await ledger(t, s.ws))).toBe(0n);
    await record(t, s.ws, { kind: 'dispute_won', originalRef: 'ch_1', customer: { externalId: 'd' } });
    await accruePending(t.services.db, s.ws);
    const entries = await ledger(t, s.ws);
    expect(sums(entries)).toBe(1000n);
    expect(entries.find((e) => e.idempotency_key.startsWith('reacc:'))).toMatchObject({ amount_minor: '1000', status: 'pending' });
    expect((await ledgerTotals({ db: t.services.db, workspaceId: s.ws })).data[0].balanced).toBe(true);
  });
});

describe('holds and fraud signals', () => {
  it('pending → approved when the hold has passed (advanceClock)', async () => {
    const s = await setup('Hold Co', { holdDays: 30, rules: [{ id: 'std', name: 'Standard', type: 'percentage', rateBp: 1000 }] });
    await record(t, s.ws, { partnerCode: s.partnerId, externalRef: 'inv_h', customer: { externalId: 'h' } });
    await accruePending(t.services.db, s.ws);
    expect(await releaseHolds(t.services.db, s.ws)).toBe(0);
    advanceClock(29 * DAY);
    expect(await releaseHolds(t.services.db, s.ws)).toBe(0);
    advanceClock(2 * DAY);
    expect(await releaseHolds(t.services.db, s.ws)).toBe(1);
    expect((await ledger(t, s.ws))[0].status).toBe('approved');
  });

  it('flags self-referral, duplicate IPs, fast conversions and high refund rates; flagged entries stay pending', async () => {
    const s = await setup('Fraud Co', {
      holdDays: 0,
      rules: [{ id: 'std', name: 'Standard', type: 'percentage', rateBp: 1000, duration: { type: 'lifetime' } }],
      fraud: { minClickToConversionSeconds: 10, maxRefundRateBp: 3000, refundRateMinSales: 3 },
    });
    const [{ domain }] = ((await t.services.db.execute(sql`select domain from partner where id = ${s.partnerId}`)) as unknown as { rows: { domain: string }[] }).rows;
    const self = await record(t, s.ws, { partnerCode: s.partnerId, externalRef: 'self', customer: { externalId: 'self', email: `boss@${domain}` } });
    await record(t, s.ws, { partnerCode: s.partnerId, externalRef: 'ip1', ip: '203.0.113.9', customer: { externalId: 'ip-a' } });
    const dup = await record(t, s.ws, { partnerCode: s.partnerId, externalRef: 'ip2', ip: '203.0.113.9', customer: { externalId: 'ip-b' } });
    const clickId = newId('click');
    const linkRow = { id: newId('link'), workspaceId: s.ws, programId: s.programId, partnerId: s.partnerId, code: `fr-${clickId.slice(-6).toLowerCase()}`, destinationUrl: 'https://x.example/' };
    const { link } = await import('../tracking/schema.ts');
    await t.services.db.insert(link).values(linkRow);
    const clickedAt = new Date(Date.now() - 3000);
    await t.services.db.insert(click).values({ id: clickId, workspaceId: s.ws, linkId: linkRow.id, programId: s.programId, partnerId: s.partnerId, visitorId: 'v1', occurredAt: clickedAt });
    const fast = await record(t, s.ws, { clickId, externalRef: 'fast', occurredAt: new Date(clickedAt.getTime() + 2000), customer: { externalId: 'fast' } });
    const clean = await record(t, s.ws, { partnerCode: s.partnerId, externalRef: 'clean', customer: { externalId: 'clean' } });
    await accruePending(t.services.db, s.ws);
    await releaseHolds(t.services.db, s.ws);
    const byConv = new Map((await ledger(t, s.ws)).map((e) => [e.conversion_id, e]));
    expect(byConv.get(self.id)).toMatchObject({ status: 'pending', flags: ['self_referral'] });
    expect(byConv.get(dup.id)).toMatchObject({ status: 'pending', flags: ['duplicate_ip'] });
    expect(byConv.get(fast.id)?.flags).toEqual(['fast_conversion']);
    expect(byConv.get(clean.id)).toMatchObject({ status: 'approved', flags: [] });

    // A correction (a payment recorded twice, undone by the billing module) is not a customer's refund: no flag.
    await record(t, s.ws, { kind: 'refund', originalRef: 'ip2', customer: { externalId: 'ip-b' }, details: { correction: 'same_payment' } });
    await record(t, s.ws, { kind: 'refund', originalRef: 'self', customer: { externalId: 'self' }, details: { correction: 'same_payment' } });
    const quiet = await record(t, s.ws, { partnerCode: s.partnerId, externalRef: 'quiet', customer: { externalId: 'quiet' } });
    await accruePending(t.services.db, s.ws);
    expect((await ledger(t, s.ws)).find((e) => e.conversion_id === quiet.id)?.flags).toEqual([]);

    // Refund three of seven sales (43 % > 30 %): the next sale is flagged.
    await record(t, s.ws, { kind: 'refund', originalRef: 'fast', customer: { externalId: 'fast' } });
    await record(t, s.ws, { kind: 'refund', originalRef: 'ip1', customer: { externalId: 'ip-a' } });
    await record(t, s.ws, { kind: 'refund', originalRef: 'clean', customer: { externalId: 'clean' } });
    const next = await record(t, s.ws, { partnerCode: s.partnerId, externalRef: 'after', customer: { externalId: 'after' } });
    await accruePending(t.services.db, s.ws);
    const after = (await ledger(t, s.ws)).find((e) => e.conversion_id === next.id);
    expect(after?.flags).toEqual(['high_refund_rate']);
    expect(JSON.stringify(after?.explanation)).toContain('refunds or disputes');
  });
});

describe('deal.won', () => {
  it('credits the partners by role and share; the split adds up exactly; idempotent', async () => {
    const s = await setup('Deals Co', { rules: [{ id: 'deal', name: 'Won deals', source: 'deal', type: 'percentage', rateBp: 1000 }] }, 'EUR');
    const p2 = await makePartner(t, s.vendor.as, 'Kestrel', s.programId);
    const p3 = await makePartner(t, s.vendor.as, 'Osprey', s.programId);
    await call(t, 'PUT', '/api/v1/attribution-settings', { ...s.vendor.as, body: { model: 'split' } });
    const stages = await stageIds(t, s.vendor.as);
    const deal = await call(t, 'POST', '/api/v1/deals', {
      ...s.vendor.as,
      body: {
        name: 'Big one',
        account: { name: 'Globex' },
        amount: { amountMinor: '100001', currency: 'EUR' },
        credits: [
          { partnerId: s.partnerId, role: 'sourced', shareBp: 3334 },
          { partnerId: p2, role: 'influenced', shareBp: 3333 },
          { partnerId: p3, role: 'fulfillment', shareBp: 3333 },
        ],
      },
    });
    expect(deal.status, JSON.stringify(deal.body)).toBe(201);
    const won = await call(t, 'POST', `/api/v1/deals/${deal.body.id}/stage`, { ...s.vendor.as, body: { stageId: stages['Closed won'] } });
    expect(won.status, JSON.stringify(won.body)).toBe(200);
    await t.services.bus.drain();
    const entries = await ledger(t, s.ws);
    expect(entries.map((e) => [e.partner_id, e.amount_minor]).sort()).toEqual(
      [
        [s.partnerId, '3334'],
        [p2, '3333'],
        [p3, '3333'],
      ].sort(),
    );
    expect(sums(entries)).toBe(10_000n); // 10 % of 1,000.01 = 100.00
    await accrueDealWon(t.services.db, s.ws, { dealId: deal.body.id, amount: { amountMinor: '100001', currency: 'EUR' }, credits: deal.body.credits });
    expect(await ledger(t, s.ws)).toHaveLength(3);
  });
});

describe('ledger identity', () => {
  it('accrued = paid + payable + approved + pending + reversed after a mixed scenario', async () => {
    const s = await setup('Identity Co', {
      holdDays: 0,
      rules: [{ id: 'std', name: 'Standard', type: 'percentage', rateBp: 1500, duration: { type: 'lifetime' } }],
      spiffs: [{ id: 'push', name: 'Push', type: 'flat', flat: { amountMinor: '700', currency: 'USD' }, startsAt: '2020-01-01T00:00:00Z', endsAt: '2100-01-01T00:00:00Z' }],
      rebates: [{ id: 'vol', name: 'Volume', period: 'month', currency: 'USD', thresholds: [{ minVolume: { amountMinor: '10000', currency: 'USD' }, rateBp: 200 }] }],
    });
    for (let i = 0; i < 6; i++) {
      await record(t, s.ws, { partnerCode: s.partnerId, externalRef: `mix_${i}`, amount: { amountMinor: BigInt(3333 * (i + 1)), currency: 'USD' }, occurredAt: new Date(Date.UTC(2026, 8, 1 + i)), customer: { externalId: `m${i}` } });
    }
    await accruePending(t.services.db, s.ws);
    await releaseHolds(t.services.db, s.ws);
    // Payouts (simulated): two entries paid, one payable.
    const list = await ledger(t, s.ws);
    const commissions = list.filter((e) => e.kind === 'commission');
    await t.services.db.execute(sql`update commission_entry set status = 'paid' where id in (${commissions[0].id}, ${commissions[1].id})`);
    await t.services.db.execute(sql`update commission_entry set status = 'payable' where id = ${commissions[2].id}`);
    // Refunds: one of a paid sale (clawback), one partial of an approved one, one full of another.
    await record(t, s.ws, { kind: 'refund', originalRef: 'mix_0', amount: { amountMinor: 1000n, currency: 'USD' }, customer: { externalId: 'm0' } });
    await record(t, s.ws, { kind: 'refund', originalRef: 'mix_4', amount: { amountMinor: 4000n, currency: 'USD' }, customer: { externalId: 'm4' } });
    await record(t, s.ws, { kind: 'refund', originalRef: 'mix_5', customer: { externalId: 'm5' } });
    await accruePending(t.services.db, s.ws);
    await closeRebates({ db: t.services.db, workspaceId: s.ws }, s.programId, '2026-09', { audit: false });
    const adj = await call(t, 'POST', '/api/v1/commission-entries', { ...s.vendor.as, body: { partnerId: s.partnerId, programId: s.programId, amount: { amountMinor: '-250', currency: 'USD' }, reason: 'Goodwill correction' } });
    expect(adj.status, JSON.stringify(adj.body)).toBe(201);
    const [totals] = (await ledgerTotals({ db: t.services.db, workspaceId: s.ws })).data;
    expect(totals.balanced).toBe(true);
    expect(totals.accrued).toBe(totals.paid + totals.payable + totals.approved + totals.pending + totals.reversed);
    expect(totals.paid).toBeGreaterThan(0n);
    expect(totals.payable).toBeGreaterThan(0n);
    expect(totals.reversed).toBeGreaterThan(0n);
    const kinds = new Set((await ledger(t, s.ws)).map((e) => e.kind));
    expect([...kinds].sort()).toEqual(['adjustment', 'clawback', 'commission', 'rebate', 'reversal', 'spiff']);
    // The API shows the same totals.
    const api = await call(t, 'GET', '/api/v1/commission-entries/totals', s.vendor.as);
    expect(api.body.data[0]).toMatchObject({ currency: 'USD', accrued: totals.accrued.toString(), balanced: true });
  });
});
