import { readFileSync } from 'node:fs';
import path from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEntry, event } from '../../platform/schema.ts';
import { call, createTestApp, memberWithRole, ownerWithWorkspace, type TestApp } from '../../test/harness.ts';
import { billingEvent } from '../billing/schema.ts';
import { CORPORA_DIR, deliver } from '../billing/test-corpus.ts';
import { ledgerTotals } from '../commissions/ledger.ts';
import { commissionEntry } from '../commissions/schema.ts';
import { makePartner, partnerUser } from '../deals/test-fixtures.ts';
import { payout } from './schema.ts';
import { addEntry } from './testing/fixtures.ts';
import { type StripeContractServer, type StripeTransfer, startStripeContractServer } from './testing/stripe-server.ts';

/**
 * Stripe Connect transfer reversals reach the vendor's Stripe billing endpoint and are reflected
 * on the payout the transfer paid (payouts/reversals.ts), once, whatever the order or replays.
 *
 * Payloads: the Transfer is the one the local Stripe contract server returned when the run paid
 * (stripe-mock's `transfer` fixture shape), merged over stripe-mock-openapi-fixtures/fixtures3.json
 * `resources.transfer`; each reversal is that file's `resources.transfer_reversal` with its id,
 * amount and transfer set; the envelope is its `resources.event`. The legacy transfer is
 * stripe-ruby-mock-webhook-events/transfer.updated.json as is (no stripe-cli trigger makes transfers).
 */
type Obj = Record<string, unknown>;
const fixtures = (JSON.parse(readFileSync(path.join(CORPORA_DIR, 'stripe-mock-openapi-fixtures', 'fixtures3.json'), 'utf8')) as { resources: Record<string, Obj> }).resources;
const legacyTransferUpdated = readFileSync(path.join(CORPORA_DIR, 'stripe-ruby-mock-webhook-events', 'transfer.updated.json'), 'utf8');

const SECRET = 'whsec_transfer_reversal_test';
const OTHER_SECRET = 'whsec_transfer_reversal_other';

let t: TestApp;
let vendor: Awaited<ReturnType<typeof ownerWithWorkspace>>;
let other: Awaited<ReturnType<typeof ownerWithWorkspace>>;
let finance: Awaited<ReturnType<typeof memberWithRole>>;
let stripe: StripeContractServer;
let endpointId: string;
let otherEndpointId: string;
let prg: string;
let partner: { id: string; cookie: string; email: string };
let sellerEmail: string;

const usd = (amountMinor: string | number) => ({ amountMinor: String(amountMinor), currency: 'USD' });

/** A reversal of `transfer` (stripe-mock's transfer_reversal fixture with our ids). */
const reversalOf = (transfer: StripeTransfer, id: string, amount: number, created: number) => ({ ...fixtures.transfer_reversal, id, amount, currency: transfer.currency, transfer: transfer.id, created });

/** The Transfer after these reversals (newest first, as Stripe lists them). */
function reversedTransfer(transfer: StripeTransfer, reversals: Array<{ id: string; amount: number; created: number }>): Obj {
  const total = reversals.reduce((s, r) => s + r.amount, 0);
  const data = reversals.map((r) => reversalOf(transfer, r.id, r.amount, r.created)).reverse();
  return { ...fixtures.transfer, ...transfer, amount_reversed: total, reversed: total === transfer.amount, reversals: { ...(fixtures.transfer.reversals as Obj), data, url: `/v1/transfers/${transfer.id}/reversals` } };
}

const envelope = (id: string, type: string, object: Obj, extra: Obj = {}) =>
  JSON.stringify({ ...fixtures.event, id, type, created: 1_790_000_000, api_version: '2025-03-31.basil', data: { object, ...extra } });

async function receive(body: string, endpoint = endpointId, secret: string | null = SECRET) {
  const res = await deliver(t.app, 'stripe', endpoint, body, secret);
  return res;
}

async function payoutRow(id: string) {
  const [row] = await t.services.db.select().from(payout).where(eq(payout.id, id));
  return row;
}

const adjustmentsOf = (payoutId: string) =>
  t.services.db
    .select({ id: commissionEntry.id, amountMinor: commissionEntry.amountMinor, status: commissionEntry.status, payoutId: commissionEntry.payoutId, explanation: commissionEntry.explanation })
    .from(commissionEntry)
    .where(and(eq(commissionEntry.workspaceId, vendor.workspaceId), eq(commissionEntry.sourceId, payoutId), eq(commissionEntry.kind, 'adjustment')))
    .orderBy(commissionEntry.amountMinor);

const reversedEvents = async (payoutId: string) =>
  (await t.services.db.select().from(event).where(and(eq(event.workspaceId, vendor.workspaceId), eq(event.type, 'payout.reversed')))).filter((e) => (e.payload as { payoutId: string }).payoutId === payoutId);

const balanced = async () => (await ledgerTotals({ db: t.services.db, workspaceId: vendor.workspaceId })).data.every((x) => x.balanced);

/** Approve + execute a run of the program and let the background sender pay it; returns the partner's payout. */
async function payRun(): Promise<{ runId: string; payoutId: string; transfer: StripeTransfer }> {
  const run = await call(t, 'POST', '/api/v1/payout-runs', { ...vendor.as, body: { programId: prg } });
  expect(run.status, JSON.stringify(run.body)).toBe(201);
  const line = run.body.payouts.find((p: { partnerId: string }) => p.partnerId === partner.id);
  expect(line).toBeTruthy();
  expect((await call(t, 'POST', `/api/v1/payout-runs/${run.body.id}/approve`, finance.as)).status).toBe(200);
  expect((await call(t, 'POST', `/api/v1/payout-runs/${run.body.id}/execute`, vendor.as)).status).toBe(202);
  await t.services.bus.drain();
  const paid = await call(t, 'GET', `/api/v1/payouts/${line.id}`, vendor.as);
  expect(paid.body.status, JSON.stringify(paid.body)).toBe('paid');
  const transfer = stripe.transfers.find((x) => x.metadata.openprm_payout_id === line.id);
  if (!transfer) throw new Error('no transfer');
  expect(paid.body.providerRef).toBe(transfer.id);
  return { runId: run.body.id, payoutId: line.id, transfer };
}

beforeAll(async () => {
  t = await createTestApp();
  vendor = await ownerWithWorkspace(t, 'Reversal Vendor');
  other = await ownerWithWorkspace(t, 'Other Reversal Vendor');
  finance = await memberWithRole(t, vendor, 'finance');
  stripe = await startStripeContractServer();
  expect((await call(t, 'PUT', '/api/v1/payout-settings', { ...finance.as, body: { stripe: { secretKey: 'sk_test_openprm_local', apiBase: stripe.url } } })).status).toBe(200);
  prg = (await call(t, 'POST', '/api/v1/programs', { ...vendor.as, body: { name: 'Connect program', partnerType: 'affiliate', currency: 'USD', status: 'active' } })).body.id;
  expect((await call(t, 'PUT', `/api/v1/programs/${prg}/payout-schedule`, { ...finance.as, body: { cadence: 'monthly', dayOfMonth: 31, threshold: usd(100) } })).status).toBe(200);
  const id = await makePartner(t, vendor.as, 'Connect Partner', prg);
  const admin = await partnerUser(t, vendor.as, id, 'admin');
  partner = { id, cookie: admin.cookie, email: admin.email };
  sellerEmail = (await partnerUser(t, vendor.as, id, 'seller')).email;
  await call(t, 'PUT', '/api/v1/portal/payout-method', { cookie: partner.cookie, body: { type: 'stripe_connect', currency: 'USD', stripeAccountId: 'acct_1PgafTB7WZ01zgkW' } });
  const created = await call(t, 'POST', '/api/v1/billing-endpoints', { ...vendor.as, body: { provider: 'stripe', signingSecret: SECRET } });
  expect(created.status).toBe(201);
  endpointId = created.body.endpoint.id;
  const otherCreated = await call(t, 'POST', '/api/v1/billing-endpoints', { ...other.as, body: { provider: 'stripe', signingSecret: OTHER_SECRET } });
  otherEndpointId = otherCreated.body.endpoint.id;
});

afterAll(async () => {
  await stripe?.close();
  await t.close();
});

describe('Stripe Connect transfer reversals', () => {
  let first: Awaited<ReturnType<typeof payRun>>;

  beforeAll(async () => {
    await addEntry(t.services.db, { workspaceId: vendor.workspaceId, programId: prg, partnerId: partner.id, amountMinor: 6_000n });
    await addEntry(t.services.db, { workspaceId: vendor.workspaceId, programId: prg, partnerId: partner.id, amountMinor: 4_033n });
    first = await payRun();
    expect(first.transfer.amount).toBe(10_033);
  });

  it('a bad signature is still 400 and stores nothing', async () => {
    const body = envelope('evt_rev_badsig', 'transfer.reversed', reversedTransfer(first.transfer, [{ id: 'trr_badsig', amount: 100, created: 1_790_000_000 }]));
    expect((await receive(body, endpointId, 'whsec_wrong')).status).toBe(400);
    expect((await receive(body, endpointId, null)).status).toBe(400);
    const stored = await t.services.db.select().from(billingEvent).where(eq(billingEvent.providerEventId, 'evt_rev_badsig'));
    expect(stored).toHaveLength(0);
    expect((await payoutRow(first.payoutId)).amountReversedMinor).toBe(0n);
  });

  it("another workspace's endpoint does not apply this workspace's transfer", async () => {
    const body = envelope('evt_rev_other_ws', 'transfer.reversed', reversedTransfer(first.transfer, [{ id: 'trr_other_ws', amount: 10_033, created: 1_790_000_000 }]));
    const res = await receive(body, otherEndpointId, OTHER_SECRET);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ignored');
    const [stored] = await t.services.db.select().from(billingEvent).where(eq(billingEvent.id, res.body.eventId));
    expect(stored.workspaceId).toBe(other.workspaceId);
    expect(stored.reason).toBe(`no payout of this workspace was paid with Stripe transfer ${first.transfer.id}`);
    expect((await payoutRow(first.payoutId)).amountReversedMinor).toBe(0n);
    expect(await adjustmentsOf(first.payoutId)).toHaveLength(0);
  });

  it('an unknown transfer is stored as ignored with its reason (200), nothing changes', async () => {
    const unknown = { ...first.transfer, id: 'tr_1UnknownTransfer000000', metadata: {} };
    const res = await receive(envelope('evt_rev_unknown', 'transfer.reversed', reversedTransfer(unknown, [{ id: 'trr_unknown', amount: 500, created: 1_790_000_000 }])));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ received: true, status: 'ignored', conversionIds: [] });
    const [stored] = await t.services.db.select().from(billingEvent).where(eq(billingEvent.id, res.body.eventId));
    expect(stored.reason).toBe('no payout of this workspace was paid with Stripe transfer tr_1UnknownTransfer000000');
    // The legacy (pre-Connect) transfer of stripe-ruby-mock has no amount_reversed: ignored.
    const legacy = await receive(legacyTransferUpdated.replace('evt_00000000000000', 'evt_rev_legacy_transfer'));
    expect(legacy.status).toBe(200);
    expect(legacy.body.status).toBe('ignored');
    const [legacyRow] = await t.services.db.select().from(billingEvent).where(eq(billingEvent.id, legacy.body.eventId));
    expect(legacyRow.reason).toContain('has no amount_reversed');
    expect((await payoutRow(first.payoutId)).amountReversedMinor).toBe(0n);
  });

  it('a partial reversal: both event types and replays, delivered at once, apply exactly the reversed minor units once', async () => {
    const partial = reversedTransfer(first.transfer, [{ id: 'trr_1PartialReversal0001', amount: 2_537, created: 1_790_000_100 }]);
    const reversed = envelope('evt_rev_partial_reversed', 'transfer.reversed', partial);
    const updated = envelope('evt_rev_partial_updated', 'transfer.updated', partial, { previous_attributes: { amount_reversed: 0, reversals: { data: [] } } });
    const results = await Promise.all([receive(reversed), receive(updated), receive(reversed), receive(updated), receive(reversed)]);
    for (const r of results) expect(r.status, JSON.stringify(r.body)).toBe(200);
    const statuses = results.map((r) => r.body.status).sort();
    // One delivery applies it; the other event type is stored as already applied; the replays are duplicates.
    expect(statuses).toEqual(['applied', 'duplicate', 'duplicate', 'duplicate', 'ignored']);

    const row = await payoutRow(first.payoutId);
    expect(row.status).toBe('paid');
    expect(row.amountReversedMinor).toBe(2_537n);
    expect(row.reversedAt?.toISOString()).toBe(new Date(1_790_000_100_000).toISOString());
    expect(row.reversalReason).toContain('Part of the Stripe transfer');
    expect(row.reversalReason).toContain('trr_1PartialReversal0001');

    const lines = await adjustmentsOf(first.payoutId);
    expect(lines.map((l) => [l.amountMinor, l.status, l.payoutId])).toEqual([
      [-2_537n, 'paid', first.payoutId],
      [2_537n, 'approved', null],
    ]);
    expect(await reversedEvents(first.payoutId)).toHaveLength(1);
    const audits = await t.services.db.select().from(auditEntry).where(and(eq(auditEntry.entityId, first.payoutId), eq(auditEntry.action, 'payout.reversed')));
    expect(audits).toHaveLength(1);
    expect(audits[0].actorType).toBe('system');
    expect(audits[0].changes).toMatchObject({ newlyReversed: usd(2_537), transferId: first.transfer.id });
    expect(await balanced()).toBe(true);

    // The partner's admin is told, once, that the money came back and is owed again (a seller is not).
    await t.services.bus.drain();
    const outbox = (await call(t, 'GET', '/api/v1/mail-outbox?limit=200', vendor.as)).body.data as { id: string; to: string; subject: string }[];
    const told = outbox.filter((m) => /Part of the payment for statement S-\d{6} was returned/.test(m.subject));
    expect(told.map((m) => m.to)).toEqual([partner.email]);
    expect(outbox.some((m) => m.to === sellerEmail && /returned/.test(m.subject))).toBe(false);
    const mail = await call(t, 'GET', `/api/v1/mail-outbox/${told[0].id}`, vendor.as);
    expect(mail.body.text).toContain('$25.37 of the payment');
    expect(mail.body.text).toContain('goes out with your next payout');
    expect(mail.body.text).not.toContain('trr_');

    const view = await call(t, 'GET', `/api/v1/payouts/${first.payoutId}`, vendor.as);
    expect(view.body).toMatchObject({ status: 'paid', reversal: { amount: usd(2_537), full: false, reversedAt: new Date(1_790_000_100_000).toISOString() } });
    expect(view.body.reversal.reason).toContain(first.transfer.id);
  });

  it('the rest reversed later (full): only the growth is applied; an older state arriving late changes nothing', async () => {
    const full = reversedTransfer(first.transfer, [
      { id: 'trr_1PartialReversal0001', amount: 2_537, created: 1_790_000_100 },
      { id: 'trr_1RestReversal000002', amount: 7_496, created: 1_790_000_200 },
    ]);
    expect(full.reversed).toBe(true);
    const res = await receive(envelope('evt_rev_full_reversed', 'transfer.reversed', full));
    expect(res.body.status).toBe('applied');
    // Its transfer.updated arrives, then the first reversal's transfer.updated delivered very late.
    expect((await receive(envelope('evt_rev_full_updated', 'transfer.updated', full))).body.status).toBe('ignored');
    const late = reversedTransfer(first.transfer, [{ id: 'trr_1PartialReversal0001', amount: 2_537, created: 1_790_000_100 }]);
    const lateRes = await receive(envelope('evt_rev_partial_late', 'transfer.updated', late));
    expect(lateRes.body.status).toBe('ignored');

    const row = await payoutRow(first.payoutId);
    expect(row.amountReversedMinor).toBe(10_033n);
    expect(row.reversalReason).toContain('The whole Stripe transfer');
    const lines = await adjustmentsOf(first.payoutId);
    expect(lines.map((l) => [l.amountMinor, l.status])).toEqual([
      [-7_496n, 'paid'],
      [-2_537n, 'paid'],
      [2_537n, 'approved'],
      [7_496n, 'approved'],
    ]);
    expect(await reversedEvents(first.payoutId)).toHaveLength(2);
    expect(await balanced()).toBe(true);
    // What the partner kept of that payout: paid lines net 10,033 − 10,033.
    const paidOfPayout = await t.services.db.execute(sql`select coalesce(sum(amount_minor), 0)::text as s from commission_entry where payout_id = ${first.payoutId} and status = 'paid'`);
    expect((paidOfPayout as unknown as { rows: Array<{ s: string }> }).rows[0].s).toBe('0');

    const view = await call(t, 'GET', `/api/v1/payouts/${first.payoutId}`, vendor.as);
    expect(view.body.reversal).toMatchObject({ amount: usd(10_033), full: true, reversedAt: new Date(1_790_000_200_000).toISOString() });

    // The partner sees that the money came back (amount, date) — never the provider's ids.
    const mine = await call(t, 'GET', '/api/v1/portal/payouts', { cookie: partner.cookie });
    const p = mine.body.data.find((x: { id: string }) => x.id === first.payoutId);
    expect(p).toMatchObject({ status: 'paid', reversal: { amount: usd(10_033), full: true, reversedAt: new Date(1_790_000_200_000).toISOString() } });
    expect(JSON.stringify(mine.body)).not.toContain(first.transfer.id);
    expect(JSON.stringify(mine.body)).not.toContain('trr_');
    const summary = await call(t, 'GET', '/api/v1/portal/payouts/summary', { cookie: partner.cookie });
    expect(summary.body.balances).toMatchObject({ paid: [usd(0)], approved: [usd(10_033)] });
  });

  it('the next run pays the reversed amount exactly once; replays afterwards change nothing', async () => {
    const next = await payRun();
    expect(next.transfer.amount).toBe(10_033);
    const row = await payoutRow(next.payoutId);
    expect(row.amountMinor).toBe(10_033n);
    expect(row.entryCount).toBe(2);
    const lines = await adjustmentsOf(first.payoutId);
    expect(lines.filter((l) => l.amountMinor > 0n).every((l) => l.status === 'paid' && l.payoutId === next.payoutId)).toBe(true);
    // Nothing left to pay, and replays of every reversal event are duplicates.
    const left = await t.services.db.select().from(commissionEntry).where(and(eq(commissionEntry.workspaceId, vendor.workspaceId), eq(commissionEntry.status, 'approved')));
    expect(left).toHaveLength(0);
    for (const id of ['evt_rev_partial_reversed', 'evt_rev_partial_updated', 'evt_rev_full_reversed', 'evt_rev_full_updated']) {
      const [stored] = await t.services.db.select().from(billingEvent).where(eq(billingEvent.providerEventId, id));
      expect((await receive(JSON.stringify(stored.payload))).body.status).toBe('duplicate');
    }
    // A new event id with the same final state (Stripe "Resend" is the same id; this is a fresh transfer.updated) is ignored.
    const full = reversedTransfer(first.transfer, [
      { id: 'trr_1PartialReversal0001', amount: 2_537, created: 1_790_000_100 },
      { id: 'trr_1RestReversal000002', amount: 7_496, created: 1_790_000_200 },
    ]);
    expect((await receive(envelope('evt_rev_full_updated_again', 'transfer.updated', full))).body.status).toBe('ignored');
    expect((await payoutRow(first.payoutId)).amountReversedMinor).toBe(10_033n);
    expect(await adjustmentsOf(first.payoutId)).toHaveLength(4);
    expect(await balanced()).toBe(true);
    const totals = (await ledgerTotals({ db: t.services.db, workspaceId: vendor.workspaceId })).data[0];
    // 10,033 earned; the partner holds 10,033 (paid once, reversed, paid again).
    expect(totals).toMatchObject({ paid: 10_033n, approved: 0n, payable: 0n, net: 10_033n });
    // Stripe moved 10,033 twice to the partner and took the first 10,033 back.
    const sent = stripe.transfers.filter((x) => x.destination === 'acct_1PgafTB7WZ01zgkW').reduce((s, x) => s + x.amount, 0);
    expect(sent - 10_033).toBe(10_033);
  });

  it('a reversal larger than the payout, or in another currency, is not applied (failed, for finance to look at)', async () => {
    await addEntry(t.services.db, { workspaceId: vendor.workspaceId, programId: prg, partnerId: partner.id, amountMinor: 1_000n });
    const third = await payRun();
    const wrongCurrency = { ...reversedTransfer(third.transfer, [{ id: 'trr_eur', amount: 500, created: 1_790_000_300 }]), currency: 'eur' };
    const res = await receive(envelope('evt_rev_wrong_currency', 'transfer.reversed', wrongCurrency));
    expect(res.body.status).toBe('failed');
    const tooMuch = { ...reversedTransfer(third.transfer, [{ id: 'trr_much', amount: 1_000, created: 1_790_000_300 }]), amount_reversed: 1_001 };
    expect((await receive(envelope('evt_rev_too_much', 'transfer.reversed', tooMuch))).body.status).toBe('failed');
    expect((await payoutRow(third.payoutId)).amountReversedMinor).toBe(0n);
    expect(await adjustmentsOf(third.payoutId)).toHaveLength(0);
    expect(await balanced()).toBe(true);
  });
});

describe('a reversal that arrives before OpenPRM learned the transfer (outcome unknown)', () => {
  it('is stored as failed with what to do, changes nothing, and applies once the payout is settled and Stripe resends the event', async () => {
    const prg2 = (await call(t, 'POST', '/api/v1/programs', { ...vendor.as, body: { name: 'Lost answer program', partnerType: 'affiliate', currency: 'USD', status: 'active' } })).body.id;
    const pid = await makePartner(t, vendor.as, 'Lost Answer Partner', prg2);
    const cookie = (await partnerUser(t, vendor.as, pid, 'admin')).cookie;
    await call(t, 'PUT', '/api/v1/portal/payout-method', { cookie, body: { type: 'stripe_connect', currency: 'USD', stripeAccountId: 'acct_lostanswer01' } });
    await addEntry(t.services.db, { workspaceId: vendor.workspaceId, programId: prg2, partnerId: pid, amountMinor: 3_000n });
    const run = (await call(t, 'POST', '/api/v1/payout-runs', { ...vendor.as, body: { programId: prg2 } })).body;
    const payoutId = run.payouts[0].id as string;
    await call(t, 'POST', `/api/v1/payout-runs/${run.id}/approve`, finance.as);
    stripe.dropResponses = 2; // Stripe moves the money, OpenPRM never hears back
    await call(t, 'POST', `/api/v1/payout-runs/${run.id}/execute`, vendor.as);
    await t.services.bus.drain();
    expect(await payoutRow(payoutId)).toMatchObject({ status: 'failed', outcomeUnknown: true, providerRef: null });
    const transfer = stripe.transfers.find((x) => x.metadata.openprm_payout_id === payoutId);
    if (!transfer) throw new Error('no transfer');

    const body = envelope('evt_rev_before_outcome', 'transfer.reversed', reversedTransfer(transfer, [{ id: 'trr_1BeforeOutcome00001', amount: 1_200, created: 1_790_000_400 }]));
    const early = await receive(body);
    expect(early.status).toBe(200);
    expect(early.body.status).toBe('failed');
    const [stored] = await t.services.db.select().from(billingEvent).where(eq(billingEvent.id, early.body.eventId));
    expect(stored.reason).toContain(`payout ${payoutId} (failed) was reversed before OpenPRM learned its outcome`);
    expect((await payoutRow(payoutId)).amountReversedMinor).toBe(0n);
    expect(await adjustmentsOf(payoutId)).toHaveLength(0);

    // Finance retries (Stripe replays the original transfer), then Stripe resends the same event.
    const retried = await call(t, 'POST', `/api/v1/payouts/${payoutId}/retry`, vendor.as);
    expect(retried.body).toMatchObject({ status: 'paid', providerRef: transfer.id });
    const resent = await receive(body);
    expect(resent.body).toMatchObject({ eventId: early.body.eventId, status: 'applied' });
    expect((await receive(body)).body.status).toBe('duplicate');
    expect((await payoutRow(payoutId)).amountReversedMinor).toBe(1_200n);
    expect((await adjustmentsOf(payoutId)).map((l) => [l.amountMinor, l.status])).toEqual([
      [-1_200n, 'paid'],
      [1_200n, 'approved'],
    ]);
    expect(await balanced()).toBe(true);
  });
});
