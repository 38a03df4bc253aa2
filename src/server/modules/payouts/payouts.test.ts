import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEntry } from '../../platform/schema.ts';
import { type Caller, type TestApp, call, createTestApp, memberWithRole, ownerWithWorkspace } from '../../test/harness.ts';
import { makePartner, partnerUser } from '../deals/test-fixtures.ts';
import { now } from '../../platform/clock.ts';
import { sendRunPayouts } from './runs.ts';
import { draftScheduledRuns } from './scheduled.ts';
import { statementPdf } from './statements.ts';
import { buildStatement } from './statements.ts';
import { payoutMethod, taxProfile } from './schema.ts';
import { addEntry, entryStates, entryStatus } from './testing/fixtures.ts';
import { type PayPalContractServer, startPayPalContractServer } from './testing/paypal-server.ts';
import { type StripeContractServer, startStripeContractServer } from './testing/stripe-server.ts';

let t: TestApp;

/**
 * Executes a run the way a client does (202, sending happens in the background), lets the
 * background sender run (`bus.drain()`), then reads the run back.
 */
async function execute(runId: string, as: Caller) {
  const res = await call(t, 'POST', `/api/v1/payout-runs/${runId}/execute`, as);
  if (res.status !== 202) return res;
  expect(res.body.status).toBe('processing');
  await t.services.bus.drain();
  const after = await call(t, 'GET', `/api/v1/payout-runs/${runId}`, as);
  return { ...after, status: 202 };
}
let vendor: Awaited<ReturnType<typeof ownerWithWorkspace>>;
let other: Awaited<ReturnType<typeof ownerWithWorkspace>>;
let finance: Awaited<ReturnType<typeof memberWithRole>>;
let sales: Awaited<ReturnType<typeof memberWithRole>>;
let stripe: StripeContractServer;
let paypal: PayPalContractServer;

const usd = (amountMinor: string | number) => ({ amountMinor: String(amountMinor), currency: 'USD' });

async function program(name: string, currency = 'USD') {
  const res = await call(t, 'POST', '/api/v1/programs', { ...vendor.as, body: { name, partnerType: 'affiliate', currency, status: 'active' } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

async function partnerWithUser(name: string, programId: string) {
  const id = await makePartner(t, vendor.as, name, programId);
  const user = await partnerUser(t, vendor.as, id, 'admin');
  return { id, cookie: user.cookie };
}

const ws = () => vendor.workspaceId;

/** The text runs of an uncompressed pdfkit document (pdfkit writes text as hex strings in TJ arrays). */
function pdfText(pdf: Buffer): string {
  const runs = [...pdf.toString('latin1').matchAll(/\[(.*?)\] TJ/g)];
  return runs.map((m) => [...m[1].matchAll(/<([0-9a-f]*)>/g)].map((h) => Buffer.from(h[1], 'hex').toString('latin1')).join('')).join('\n');
}

beforeAll(async () => {
  t = await createTestApp();
  vendor = await ownerWithWorkspace(t, 'Payout Vendor');
  other = await ownerWithWorkspace(t, 'Other Payout Vendor');
  finance = await memberWithRole(t, vendor, 'finance');
  sales = await memberWithRole(t, vendor, 'sales');
  stripe = await startStripeContractServer();
  paypal = await startPayPalContractServer();
  const settings = await call(t, 'PUT', '/api/v1/payout-settings', {
    ...finance.as,
    body: {
      stripe: { secretKey: 'sk_test_openprm_local', apiBase: stripe.url },
      paypal: { clientId: 'paypal-client', secret: 'paypal-secret', apiBase: paypal.url },
      bank: { sourceCurrency: 'USD' },
    },
  });
  expect(settings.status, JSON.stringify(settings.body)).toBe(200);
});

afterAll(async () => {
  await stripe?.close();
  await paypal?.close();
  await t.close();
});

describe('settings', () => {
  it('stores provider secrets encrypted and never returns them', async () => {
    const res = await call(t, 'GET', '/api/v1/payout-settings', vendor.as);
    expect(res.status).toBe(200);
    expect(res.body.stripe).toMatchObject({ configured: true, secretKeyHint: 'sk_test_…ocal' });
    expect(res.body.paypal).toMatchObject({ configured: true, clientId: 'paypal-client' });
    expect(JSON.stringify(res.body)).not.toContain('paypal-secret');
    const raw = await t.services.db.execute(sql`select * from payout_settings`);
    expect(JSON.stringify(raw)).not.toContain('sk_test_openprm_local');
    expect(JSON.stringify(raw)).not.toContain('paypal-secret');
    const bad = await call(t, 'PUT', '/api/v1/payout-settings', { ...vendor.as, body: { stripe: { secretKey: 'pk_live_nope' } } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].path).toBe('stripe.secretKey');
    expect((await call(t, 'PUT', '/api/v1/payout-settings', { ...sales.as, body: { requireFourEyes: true } })).status).toBe(403);
  });
});

describe('FX rates', () => {
  it('adds exact rates (decimal strings), rejects floats-in-disguise and duplicates, audits', async () => {
    const created = await call(t, 'POST', '/api/v1/fx-rates', { ...finance.as, body: { base: 'USD', quote: 'EUR', rate: '0.92150000', effectiveDate: '2026-01-01' } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ base: 'USD', quote: 'EUR', rate: '0.9215', effectiveDate: '2026-01-01' });
    const dup = await call(t, 'POST', '/api/v1/fx-rates', { ...finance.as, body: { base: 'USD', quote: 'EUR', rate: '0.93', effectiveDate: '2026-01-01' } });
    expect(dup.status).toBe(409);
    expect(dup.body.existingId).toBe(created.body.id);
    for (const rate of ['1e-3', '0.123456789', '-1', '0', 'abc']) {
      const bad = await call(t, 'POST', '/api/v1/fx-rates', { ...finance.as, body: { base: 'USD', quote: 'GBP', rate, effectiveDate: '2026-01-01' } });
      expect(bad.status, rate).toBe(422);
      expect(bad.body.errors[0].path).toBe('rate');
    }
    expect((await call(t, 'POST', '/api/v1/fx-rates', { ...sales.as, body: { base: 'USD', quote: 'GBP', rate: '0.8', effectiveDate: '2026-01-01' } })).status).toBe(403);
    const [a] = await t.services.db.select().from(auditEntry).where(eq(auditEntry.entityId, created.body.id));
    expect(a.action).toBe('fx_rate.created');
    const list = await call(t, 'GET', '/api/v1/fx-rates', sales.as);
    expect(list.body.data.map((r: { rate: string }) => r.rate)).toEqual(['0.9215']);
  });
});

describe('schedules', () => {
  it('validates and computes the next payout date in the workspace time zone', async () => {
    const prg = await program('Schedule program');
    const bad = await call(t, 'PUT', `/api/v1/programs/${prg}/payout-schedule`, { ...finance.as, body: { cadence: 'monthly', threshold: usd(5000) } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].path).toBe('dayOfMonth');
    const ok = await call(t, 'PUT', `/api/v1/programs/${prg}/payout-schedule`, {
      ...finance.as,
      body: { cadence: 'semi_monthly', threshold: usd(5000), currencyMode: 'per_currency', holdUntilTaxComplete: true },
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toMatchObject({ cadence: 'semi_monthly', threshold: usd(5000), holdUntilTaxComplete: true, timeZone: 'UTC' });
    expect(ok.body.nextPayoutDate).toMatch(/^\d{4}-\d{2}-(15|28|29|30|31)$/);
    expect((await call(t, 'GET', `/api/v1/programs/${prg}/payout-schedule`, other.as)).status).toBe(404);
    expect((await call(t, 'PUT', `/api/v1/programs/${prg}/payout-schedule`, { ...sales.as, body: { cadence: 'weekly', weekday: 5, threshold: usd(0) } })).status).toBe(403);
  });
});

describe('payout methods and tax profiles (portal)', () => {
  let prg: string;
  let p: { id: string; cookie: string };
  beforeAll(async () => {
    prg = await program('Portal details program');
    p = await partnerWithUser('Method Partner', prg);
  });

  it('stores a bank account encrypted and shows it masked to the partner and the vendor', async () => {
    const bad = await call(t, 'PUT', '/api/v1/portal/payout-method', { cookie: p.cookie, body: { type: 'stripe_connect', currency: 'USD' } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].path).toBe('stripeAccountId');
    const res = await call(t, 'PUT', '/api/v1/portal/payout-method', {
      cookie: p.cookie,
      body: { type: 'bank', currency: 'EUR', bank: { holderName: 'Method Partner GmbH', country: 'DE', iban: 'DE89 3704 0044 0532 0130 00', bic: 'COBADEFFXXX' } },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.method.bank).toMatchObject({ holderName: 'Method Partner GmbH', account: '•••• 3000', country: 'DE' });
    expect(JSON.stringify(res.body)).not.toContain('37040044');
    const vendorView = await call(t, 'GET', `/api/v1/partners/${p.id}/payout-method`, sales.as);
    expect(vendorView.body.method.bank.account).toBe('•••• 3000');
    expect(JSON.stringify(vendorView.body)).not.toContain('37040044');
    const [row] = await t.services.db.select().from(payoutMethod).where(eq(payoutMethod.partnerId, p.id));
    expect(JSON.stringify(row)).not.toContain('37040044');
    expect((await call(t, 'GET', `/api/v1/partners/${p.id}/payout-method`, other.as)).status).toBe(404);
  });

  it('keeps the tax id encrypted at rest, masks it, and tracks completeness', async () => {
    const draft = await call(t, 'PUT', '/api/v1/portal/tax-profile', { cookie: p.cookie, body: { formType: 'w9', legalName: 'Method Partner LLC', country: 'US' } });
    expect(draft.status, JSON.stringify(draft.body)).toBe(200);
    expect(draft.body.profile).toMatchObject({ status: 'incomplete', missing: ['entityType', 'taxId', 'address', 'signatureName', 'signedOn'] });
    const wrong = await call(t, 'PUT', '/api/v1/portal/tax-profile', { cookie: p.cookie, body: { formType: 'w9', country: 'DE', taxId: '12345' } });
    expect(wrong.status).toBe(422);
    expect(wrong.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['country', 'taxId']);
    const full = await call(t, 'PUT', '/api/v1/portal/tax-profile', {
      cookie: p.cookie,
      body: {
        formType: 'w9', entityType: 'individual', taxId: '123-45-6789', signatureName: 'Pat Method', signedOn: '2026-01-15',
        address: { line1: '1 Main St', city: 'Austin', region: 'TX', postalCode: '78701', country: 'US' },
      },
    });
    expect(full.status, JSON.stringify(full.body)).toBe(200);
    expect(full.body.profile).toMatchObject({ status: 'complete', missing: [], taxId: '•••-••-6789', legalName: 'Method Partner LLC' });
    const [row] = await t.services.db.select().from(taxProfile).where(eq(taxProfile.partnerId, p.id));
    expect(JSON.stringify(row)).not.toContain('123456789');
    expect(JSON.stringify(row)).not.toContain('123-45-6789');
    const vendorView = await call(t, 'GET', `/api/v1/partners/${p.id}/tax-profile`, sales.as);
    expect(vendorView.body.profile.taxId).toBe('•••-••-6789');
    expect(JSON.stringify(vendorView.body)).not.toContain('123456789');
  });

  it('lets only partner admins and finance users see payouts and tax data', async () => {
    const seller = await partnerUser(t, vendor.as, p.id, 'seller');
    expect((await call(t, 'GET', '/api/v1/portal/payouts', { cookie: seller.cookie })).status).toBe(403);
    expect((await call(t, 'PUT', '/api/v1/portal/tax-profile', { cookie: seller.cookie, body: { formType: 'w9' } })).status).toBe(403);
  });
});

describe('payout run with Stripe Connect', () => {
  let prg: string;
  let alpha: { id: string; cookie: string };
  let small: string;
  let entries: string[];
  let smallEntry: string;
  let runId: string;
  let payoutId: string;

  beforeAll(async () => {
    prg = await program('Stripe program');
    await call(t, 'PUT', `/api/v1/programs/${prg}/payout-schedule`, { ...finance.as, body: { cadence: 'monthly', dayOfMonth: 31, threshold: usd(5000) } });
    alpha = await partnerWithUser('Alpha Affiliates', prg);
    small = await makePartner(t, vendor.as, 'Small Fry', prg);
    await call(t, 'PUT', '/api/v1/portal/payout-method', { cookie: alpha.cookie, body: { type: 'stripe_connect', currency: 'USD', stripeAccountId: 'acct_1PgafTB7WZ01zgkW' } });
    entries = [
      await addEntry(t.services.db, { workspaceId: ws(), programId: prg, partnerId: alpha.id, amountMinor: 10_000n, baseMinor: 50_000n, rateBp: 2000, summary: 'Sale inv_1 × 20 %' }),
      await addEntry(t.services.db, { workspaceId: ws(), programId: prg, partnerId: alpha.id, amountMinor: 5_033n, summary: 'Sale inv_2' }),
      await addEntry(t.services.db, { workspaceId: ws(), programId: prg, partnerId: alpha.id, amountMinor: -2_000n, summary: 'Refund of inv_0 (clawback)' }),
    ];
    smallEntry = await addEntry(t.services.db, { workspaceId: ws(), programId: prg, partnerId: small, amountMinor: 1_000n });
    await addEntry(t.services.db, { workspaceId: ws(), programId: prg, partnerId: alpha.id, amountMinor: 7_777n, status: 'pending' });
  });

  it('computes a draft: clawbacks net, below-threshold balances carried over, nothing reserved in the ledger', async () => {
    expect((await call(t, 'POST', '/api/v1/payout-runs', { ...sales.as, body: { programId: prg } })).status).toBe(403);
    const res = await call(t, 'POST', '/api/v1/payout-runs', { ...vendor.as, body: { programId: prg } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    runId = res.body.id;
    expect(res.body).toMatchObject({ status: 'draft', totals: [usd(13_033)], carriedOver: [usd(1_000)], allowedTransitions: ['approve', 'cancel'] });
    const lines = Object.fromEntries(res.body.payouts.map((p: { partnerName: string }) => [p.partnerName, p]));
    expect(lines['Alpha Affiliates']).toMatchObject({ status: 'draft', amount: usd(13_033), entryCount: 3 });
    expect(lines['Small Fry']).toMatchObject({ status: 'carried_over', amount: usd(1_000), holdReason: 'carried over: below the minimum payout of $50.00' });
    payoutId = lines['Alpha Affiliates'].id;
    expect((await entryStatus(t.services.db, entries[0])).status).toBe('approved');
  });

  it('applies four-eyes: the creator cannot approve; finance can; entries become payable', async () => {
    await call(t, 'PUT', '/api/v1/payout-settings', { ...vendor.as, body: { requireFourEyes: true } });
    const self = await call(t, 'POST', `/api/v1/payout-runs/${runId}/approve`, vendor.as);
    expect(self.status).toBe(403);
    expect((await call(t, 'POST', `/api/v1/payout-runs/${runId}/approve`, sales.as)).status).toBe(403);
    const ok = await call(t, 'POST', `/api/v1/payout-runs/${runId}/approve`, finance.as);
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toMatchObject({ status: 'approved', allowedTransitions: ['execute'], approvedBy: 'A finance' });
    const states = await entryStates(t.services.db, entries);
    for (const id of entries) expect(states[id]).toMatchObject({ status: 'payable', payoutId });
    expect((await entryStatus(t.services.db, smallEntry)).status).toBe('approved');
    const again = await call(t, 'POST', `/api/v1/payout-runs/${runId}/approve`, finance.as);
    expect(again.status).toBe(409);
    expect(again.body.detail).toContain('allowed: execute');
    expect(again.body.allowedTransitions).toEqual(['execute']);
    await call(t, 'PUT', '/api/v1/payout-settings', { ...vendor.as, body: { requireFourEyes: false } });
  });

  it('a provider failure never marks commissions paid; the retry pays once', async () => {
    stripe.balance.usd = 100; // the platform balance is dry
    const exec = await execute(runId, vendor.as);
    expect(exec.status, JSON.stringify(exec.body)).toBe(202);
    expect(exec.body.status).toBe('processing');
    const failed = exec.body.payouts.find((p: { id: string }) => p.id === payoutId);
    expect(failed).toMatchObject({ status: 'failed', attempt: 2, outcomeUnknown: false, allowedActions: ['retry', 'mark_paid', 'cancel'] });
    expect(failed.failureReason).toContain('balance_insufficient');
    for (const id of entries) expect((await entryStatus(t.services.db, id)).status).toBe('payable');
    expect(stripe.transfers).toHaveLength(0);

    stripe.balance.usd = 10_000_000;
    const retried = await call(t, 'POST', `/api/v1/payouts/${payoutId}/retry`, vendor.as);
    expect(retried.status, JSON.stringify(retried.body)).toBe(200);
    expect(retried.body).toMatchObject({ status: 'paid', idempotencyKey: `${payoutId}-attempt-2` });
    expect(stripe.transfers).toHaveLength(1);
    expect(stripe.transfers[0]).toMatchObject({ amount: 13_033, currency: 'usd', destination: 'acct_1PgafTB7WZ01zgkW', transfer_group: runId, metadata: { openprm_payout_id: payoutId } });
    expect(stripe.requests.map((r) => r.idempotencyKey)).toEqual([`${payoutId}-attempt-1`, `${payoutId}-attempt-2`]);
    const states = await entryStates(t.services.db, entries);
    for (const id of entries) expect(states[id].status).toBe('paid');
    const run = await call(t, 'GET', `/api/v1/payout-runs/${runId}`, sales.as);
    expect(run.body).toMatchObject({ status: 'completed', counts: { payouts: 1, carriedOver: 1, paid: 1, failed: 0 } });
    const again = await call(t, 'POST', `/api/v1/payouts/${payoutId}/retry`, vendor.as);
    expect(again.status).toBe(409);
  });

  it('numbers a statement listing every entry, as CSV and PDF, for the console and the partner', async () => {
    const csv = await call(t, 'GET', `/api/v1/payouts/${payoutId}/statement.csv`, sales.as);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const text = String(csv.body);
    expect(text).toContain('Alpha Affiliates');
    expect(text).toContain('Sale inv_1 × 20 %,500.00,20.00%,100.00,USD');
    expect(text).toContain('Sale inv_2,,,50.33,USD');
    expect(text).toContain('Refund of inv_0 (clawback),,,-20.00,USD');
    expect(text).toContain('Payout total,,,130.33,USD');
    expect(text).toMatch(/statement,S-\d{6}/);

    const pdf = await t.app.request(`/api/v1/portal/payouts/${payoutId}/statement.pdf`, { headers: { cookie: alpha.cookie, origin: 'http://localhost:3999' } });
    expect(pdf.status).toBe(200);
    const bytes = Buffer.from(await pdf.arrayBuffer());
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const plain = pdfText(await statementPdf(await buildStatement(t.services.db, ws(), payoutId), { compress: false }));
    expect(plain).toContain('Alpha Affiliates');
    expect(plain).toContain('Payout total');
    expect(plain).toContain('Sale inv_2');
    expect(plain).toContain('-$20.00');
    expect(plain).toContain('$130.33');

    const mine = await call(t, 'GET', '/api/v1/portal/payouts', { cookie: alpha.cookie });
    expect(mine.body.data).toEqual([expect.objectContaining({ id: payoutId, status: 'paid', amount: usd(13_033) })]);
    expect(mine.body.data[0]).not.toHaveProperty('failureReason');
    const portalCsv = await call(t, 'GET', `/api/v1/portal/payouts/${payoutId}/statement.csv`, { cookie: alpha.cookie });
    expect(String(portalCsv.body)).toContain('Payout total,,,130.33,USD');
    const summary = await call(t, 'GET', '/api/v1/portal/payouts/summary', { cookie: alpha.cookie });
    expect(summary.body).toMatchObject({ balances: { paid: [usd(13_033)], pending: [usd(7_777)] }, payoutMethod: 'stripe_connect', taxProfileStatus: 'missing' });
    expect(summary.body.nextPayouts[0]).toMatchObject({ programName: 'Stripe program', timeZone: 'UTC' });
  });

  it('carries the small balance into the next run once it crosses the threshold', async () => {
    await addEntry(t.services.db, { workspaceId: ws(), programId: prg, partnerId: small, amountMinor: 4_500n });
    const res = await call(t, 'POST', '/api/v1/payout-runs', { ...vendor.as, body: { programId: prg } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.payouts).toEqual([expect.objectContaining({ partnerName: 'Small Fry', status: 'draft', amount: usd(5_500), entryCount: 2 })]);
    // Cancelling the draft returns its entries: the next draft has them again.
    const cancelled = await call(t, 'POST', `/api/v1/payout-runs/${res.body.id}/cancel`, vendor.as);
    expect(cancelled.body.status).toBe('cancelled');
    const again = await call(t, 'POST', '/api/v1/payout-runs', { ...vendor.as, body: { programId: prg } });
    expect(again.body.payouts[0]).toMatchObject({ amount: usd(5_500), entryCount: 2 });
    const cancelAgain = await execute(res.body.id, vendor.as);
    expect(cancelAgain.status).toBe(409);
    expect(cancelAgain.body.detail).toContain('no transitions are allowed');
  });

  it('answers 404 for another workspace and another partner', async () => {
    for (const path of [`/api/v1/payout-runs/${runId}`, `/api/v1/payouts/${payoutId}`, `/api/v1/payouts/${payoutId}/statement.csv`]) {
      expect((await call(t, 'GET', path, other.as)).status, path).toBe(404);
    }
    expect((await call(t, 'POST', `/api/v1/payout-runs/${runId}/approve`, other.as)).status).toBe(404);
    const stranger = await partnerWithUser('Stranger', prg);
    expect((await call(t, 'GET', `/api/v1/portal/payouts/${payoutId}/statement.csv`, { cookie: stranger.cookie })).status).toBe(404);
    expect((await call(t, 'GET', '/api/v1/portal/payouts', { cookie: stranger.cookie })).body.data).toEqual([]);
  });
});

describe('retry after a lost response', () => {
  it('reuses the idempotency key when the outcome is unknown, so Stripe replays instead of paying twice', async () => {
    const prg = await program('Lost response program');
    const p = await partnerWithUser('Lost Response Ltd', prg);
    await call(t, 'PUT', '/api/v1/portal/payout-method', { cookie: p.cookie, body: { type: 'stripe_connect', currency: 'USD', stripeAccountId: 'acct_lostresponse1' } });
    const entry = await addEntry(t.services.db, { workspaceId: ws(), programId: prg, partnerId: p.id, amountMinor: 25_000n });
    const run = (await call(t, 'POST', '/api/v1/payout-runs', { ...vendor.as, body: { programId: prg } })).body;
    await call(t, 'POST', `/api/v1/payout-runs/${run.id}/approve`, finance.as);
    const before = stripe.transfers.length;
    stripe.dropResponses = 2; // the first call and stripe-node's own same-key retry both lose their answer
    const exec = await execute(run.id, vendor.as);
    const payout = exec.body.payouts[0];
    expect(payout).toMatchObject({ status: 'failed', outcomeUnknown: true, attempt: 1 });
    expect(stripe.transfers.length).toBe(before + 1); // Stripe did move the money
    expect(stripe.requests.slice(-2)).toEqual([
      { path: '/v1/transfers', idempotencyKey: `${payout.id}-attempt-1`, replayed: false },
      { path: '/v1/transfers', idempotencyKey: `${payout.id}-attempt-1`, replayed: true },
    ]);
    expect((await entryStatus(t.services.db, entry)).status).toBe('payable');
    expect((await call(t, 'POST', `/api/v1/payouts/${payout.id}/cancel`, vendor.as)).status).toBe(409);
    const retried = await call(t, 'POST', `/api/v1/payouts/${payout.id}/retry`, vendor.as);
    expect(retried.body).toMatchObject({ status: 'paid', attempt: 1 });
    expect(stripe.transfers.length).toBe(before + 1);
    expect(stripe.requests.at(-1)).toMatchObject({ idempotencyKey: `${payout.id}-attempt-1`, replayed: true });
    expect(retried.body.providerRef).toBe(stripe.transfers.at(-1)?.id);
    expect((await entryStatus(t.services.db, entry)).status).toBe('paid');
  });
});

describe('concurrent retries', () => {
  it('claims a failed payout once: two retries at the same time make one transfer', async () => {
    const prg = await program('Concurrent retry program');
    const p = await partnerWithUser('Twice Clicked Inc', prg);
    await call(t, 'PUT', '/api/v1/portal/payout-method', { cookie: p.cookie, body: { type: 'stripe_connect', currency: 'USD', stripeAccountId: 'acct_twiceclicked1' } });
    const entry = await addEntry(t.services.db, { workspaceId: ws(), programId: prg, partnerId: p.id, amountMinor: 4_200n });
    const run = (await call(t, 'POST', '/api/v1/payout-runs', { ...vendor.as, body: { programId: prg } })).body;
    await call(t, 'POST', `/api/v1/payout-runs/${run.id}/approve`, finance.as);
    stripe.failNext = { status: 402, type: 'card_error', code: 'card_declined', message: 'Your card was declined.' };
    const exec = await execute(run.id, vendor.as);
    const payoutId = exec.body.payouts[0].id;
    expect(exec.body.payouts[0]).toMatchObject({ status: 'failed', failureReason: 'Stripe card_error (card_declined): Your card was declined.' });
    const before = stripe.transfers.length;
    const [a, b] = await Promise.all([
      call(t, 'POST', `/api/v1/payouts/${payoutId}/retry`, vendor.as),
      call(t, 'POST', `/api/v1/payouts/${payoutId}/retry`, finance.as),
    ]);
    expect([a.status, b.status].sort()).toEqual(a.status === b.status ? [200, 200] : [200, 409]);
    expect(stripe.transfers.length).toBe(before + 1);
    expect((await call(t, 'GET', `/api/v1/payouts/${payoutId}`, vendor.as)).body.status).toBe('paid');
    expect((await entryStatus(t.services.db, entry)).status).toBe('paid');
  });
});

describe('background sending', () => {
  it('answers 202 before any provider call; two senders at once pay each payout once', async () => {
    const prg = await program('Background run program');
    const a = await partnerWithUser('Background One', prg);
    const b = await partnerWithUser('Background Two', prg);
    await call(t, 'PUT', '/api/v1/portal/payout-method', { cookie: a.cookie, body: { type: 'stripe_connect', currency: 'USD', stripeAccountId: 'acct_background01' } });
    await call(t, 'PUT', '/api/v1/portal/payout-method', { cookie: b.cookie, body: { type: 'stripe_connect', currency: 'USD', stripeAccountId: 'acct_background02' } });
    const e1 = await addEntry(t.services.db, { workspaceId: ws(), programId: prg, partnerId: a.id, amountMinor: 7_000n });
    const e2 = await addEntry(t.services.db, { workspaceId: ws(), programId: prg, partnerId: b.id, amountMinor: 8_000n });
    const run = (await call(t, 'POST', '/api/v1/payout-runs', { ...vendor.as, body: { programId: prg } })).body;
    await call(t, 'POST', `/api/v1/payout-runs/${run.id}/approve`, finance.as);
    const before = stripe.transfers.length;

    expect((await call(t, 'POST', `/api/v1/payout-runs/${run.id}/execute`, sales.as)).status).toBe(403);
    const res = await call(t, 'POST', `/api/v1/payout-runs/${run.id}/execute`, vendor.as);
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.status).toBe('processing');
    expect(res.body.payouts.map((p: { status: string }) => p.status)).toEqual(['approved', 'approved']);
    expect(stripe.transfers.length).toBe(before);

    // A redelivered event and a second process both pick the run up at once.
    const deps = { secrets: t.services.secrets };
    await Promise.all([sendRunPayouts(t.services.db, deps, ws(), run.id), sendRunPayouts(t.services.db, deps, ws(), run.id)]);
    expect(stripe.transfers.length).toBe(before + 2);
    await t.services.bus.drain(); // the event's own delivery finds nothing left to send
    expect(stripe.transfers.length).toBe(before + 2);
    const after = await call(t, 'GET', `/api/v1/payout-runs/${run.id}`, vendor.as);
    expect(after.body).toMatchObject({ status: 'completed', counts: { paid: 2, failed: 0 } });
    for (const id of [e1, e2]) expect((await entryStatus(t.services.db, id)).status).toBe('paid');
  });
});

describe('PayPal payouts', () => {
  it('pays through a batch, reads it back, and keeps a failed item unpaid', async () => {
    const prg = await program('PayPal program');
    const p = await partnerWithUser('PayPal Partner', prg);
    await call(t, 'PUT', '/api/v1/portal/payout-method', { cookie: p.cookie, body: { type: 'paypal', currency: 'USD', paypalEmail: 'Payee@Example.com' } });
    const e1 = await addEntry(t.services.db, { workspaceId: ws(), programId: prg, partnerId: p.id, amountMinor: 12_345n });
    paypal.settleAs = 'PENDING';
    const run = (await call(t, 'POST', '/api/v1/payout-runs', { ...vendor.as, body: { programId: prg } })).body;
    await call(t, 'POST', `/api/v1/payout-runs/${run.id}/approve`, finance.as);
    const exec = await execute(run.id, vendor.as);
    const payout = exec.body.payouts[0];
    expect(payout).toMatchObject({ status: 'processing', methodType: 'paypal', allowedActions: ['refresh', 'mark_paid'] });
    expect(paypal.batches.at(-1)).toMatchObject({ senderBatchId: `${payout.id}-attempt-1`, items: [{ receiver: 'payee@example.com', amount: { value: '123.45', currency: 'USD' } }] });
    expect((await entryStatus(t.services.db, e1)).status).toBe('payable');
    paypal.settleAs = 'SUCCESS';
    const refreshed = await call(t, 'POST', `/api/v1/payouts/${payout.id}/refresh`, vendor.as);
    expect(refreshed.body.status).toBe('paid');
    expect((await entryStatus(t.services.db, e1)).status).toBe('paid');

    const e2 = await addEntry(t.services.db, { workspaceId: ws(), programId: prg, partnerId: p.id, amountMinor: 9_900n });
    paypal.settleAs = 'FAILED';
    const run2 = (await call(t, 'POST', '/api/v1/payout-runs', { ...vendor.as, body: { programId: prg } })).body;
    await call(t, 'POST', `/api/v1/payout-runs/${run2.id}/approve`, finance.as);
    const exec2 = await execute(run2.id, vendor.as);
    expect(exec2.body.payouts[0]).toMatchObject({ status: 'failed', attempt: 2 });
    expect(exec2.body.payouts[0].failureReason).toContain('RECEIVER_ACCOUNT_LOCKED');
    expect((await entryStatus(t.services.db, e2)).status).toBe('payable');
    // The partner fixes its account; the retry is a new batch with a new sender_batch_id.
    paypal.settleAs = 'SUCCESS';
    const retried = await call(t, 'POST', `/api/v1/payouts/${exec2.body.payouts[0].id}/retry`, vendor.as);
    expect(retried.body.status).toBe('paid');
    expect(paypal.batches.at(-1)?.senderBatchId).toBe(`${exec2.body.payouts[0].id}-attempt-2`);
  });
});

describe('bank file, FX and manual payment', () => {
  it('converts into the partner currency exactly, records the rate, exports a Wise CSV and marks paid with a reference', async () => {
    const prg = await program('FX program');
    await call(t, 'PUT', `/api/v1/programs/${prg}/payout-schedule`, { ...finance.as, body: { cadence: 'weekly', weekday: 5, threshold: usd(5000), currencyMode: 'partner' } });
    const p = await partnerWithUser('Euro Partner', prg);
    await call(t, 'PUT', '/api/v1/portal/payout-method', {
      cookie: p.cookie,
      body: { type: 'bank', currency: 'EUR', bank: { holderName: 'Euro Partner GmbH', country: 'DE', iban: 'DE89370400440532013000', email: 'billing@euro.example' } },
    });
    const usdEntry = await addEntry(t.services.db, { workspaceId: ws(), programId: prg, partnerId: p.id, amountMinor: 10_001n, currency: 'USD' });
    await addEntry(t.services.db, { workspaceId: ws(), programId: prg, partnerId: p.id, amountMinor: 2_500n, currency: 'EUR' });
    // 100.01 USD × 0.9215 = 92.159215 EUR → 92.16 (half-even), + 25.00 EUR = 117.16 EUR; threshold 50 USD → 46.08 EUR
    const run = await call(t, 'POST', '/api/v1/payout-runs', { ...vendor.as, body: { programId: prg } });
    expect(run.status, JSON.stringify(run.body)).toBe(201);
    const line = run.body.payouts[0];
    expect(line).toMatchObject({ status: 'draft', amount: { amountMinor: '11716', currency: 'EUR' }, entryCount: 2 });
    expect(line.sources).toEqual(
      expect.arrayContaining([
        { amount: { amountMinor: '10001', currency: 'USD' }, converted: { amountMinor: '9216', currency: 'EUR' }, rate: '0.9215', fxRateId: expect.stringMatching(/^fx_/) },
        { amount: { amountMinor: '2500', currency: 'EUR' }, converted: { amountMinor: '2500', currency: 'EUR' }, rate: null, fxRateId: null },
      ]),
    );
    await call(t, 'POST', `/api/v1/payout-runs/${run.body.id}/approve`, finance.as);
    await execute(run.body.id, vendor.as);
    const file = await call(t, 'GET', `/api/v1/payout-runs/${run.body.id}/bank-file`, finance.as);
    expect(file.status).toBe(200);
    const lines = String(file.body).trim().split('\r\n');
    expect(lines[0]).toBe('name,recipientEmail,paymentReference,receiverType,amountCurrency,amount,sourceCurrency,targetCurrency,IBAN,BIC,accountNumber,abartn,sortCode,addressCountryCode');
    expect(lines[1]).toMatch(/^Euro Partner GmbH,billing@euro\.example,S-\d{6} Euro Partner,BUSINESS,EUR,117\.16,USD,EUR,DE89370400440532013000,,,,,DE$/);
    const stmt = String((await call(t, 'GET', `/api/v1/payouts/${line.id}/statement.csv`, finance.as)).body);
    expect(stmt).toContain('1 USD = 0.9215 EUR,,0.9215,92.16,EUR');
    const bad = await call(t, 'POST', `/api/v1/payouts/${line.id}/mark-paid`, { ...finance.as, body: { reference: '' } });
    expect(bad.status).toBe(422);
    const paid = await call(t, 'POST', `/api/v1/payouts/${line.id}/mark-paid`, { ...finance.as, body: { reference: 'WISE-BATCH-42' } });
    expect(paid.body).toMatchObject({ status: 'paid', reference: 'WISE-BATCH-42' });
    expect((await entryStatus(t.services.db, usdEntry)).status).toBe('paid');
  });

  it('names a missing exchange rate (422)', async () => {
    const prg = await program('No rate program');
    await call(t, 'PUT', `/api/v1/programs/${prg}/payout-schedule`, { ...finance.as, body: { cadence: 'weekly', weekday: 1, threshold: usd(0), currencyMode: 'per_currency' } });
    const p = await partnerWithUser('Yen Partner', prg);
    await call(t, 'PUT', '/api/v1/portal/payout-method', { cookie: p.cookie, body: { type: 'manual', currency: 'JPY' } });
    await call(t, 'PUT', `/api/v1/programs/${prg}/payout-schedule`, { ...finance.as, body: { cadence: 'weekly', weekday: 1, threshold: usd(100), currencyMode: 'partner' } });
    await addEntry(t.services.db, { workspaceId: ws(), programId: prg, partnerId: p.id, amountMinor: 10_000n });
    const res = await call(t, 'POST', '/api/v1/payout-runs', { ...vendor.as, body: { programId: prg } });
    expect(res.status).toBe(422);
    expect(res.body.errors[0]).toMatchObject({ path: 'fxRates' });
    expect(res.body.errors[0].message).toContain('USD→JPY');
  });
});

describe('tax hold and 1099', () => {
  it('holds payouts until the tax profile is complete, then the 1099 CSV lists US payees above the threshold', async () => {
    const prg = await program('Tax program');
    await call(t, 'PUT', `/api/v1/programs/${prg}/payout-schedule`, { ...finance.as, body: { cadence: 'monthly', dayOfMonth: 15, threshold: usd(0), holdUntilTaxComplete: true } });
    const big = await partnerWithUser('Big Earner', prg);
    const tiny = await partnerWithUser('Tiny Earner', prg);
    await addEntry(t.services.db, { workspaceId: ws(), programId: prg, partnerId: big.id, amountMinor: 70_000n });
    await addEntry(t.services.db, { workspaceId: ws(), programId: prg, partnerId: tiny.id, amountMinor: 10_000n });
    const held = await call(t, 'POST', '/api/v1/payout-runs', { ...vendor.as, body: { programId: prg } });
    expect(held.body.payouts.map((p: { holdReason: string }) => p.holdReason)).toEqual(['held: tax profile missing', 'held: tax profile missing']);
    expect(held.body.counts).toMatchObject({ payouts: 0, held: 2 });
    await call(t, 'POST', `/api/v1/payout-runs/${held.body.id}/cancel`, vendor.as);

    const profile = (taxId: string, name: string) => ({
      formType: 'w9', legalName: name, country: 'US', entityType: 'llc', taxId, signatureName: 'Sig Nature', signedOn: '2026-01-02',
      address: { line1: '9 Elm St', city: 'Boise', region: 'ID', postalCode: '83702', country: 'US' },
    });
    await call(t, 'PUT', '/api/v1/portal/tax-profile', { cookie: big.cookie, body: profile('98-7654321', 'Big Earner LLC') });
    await call(t, 'PUT', '/api/v1/portal/tax-profile', { cookie: tiny.cookie, body: { ...profile('11-2223333', 'Tiny Earner LLC'), signatureName: null } });
    const run = await call(t, 'POST', '/api/v1/payout-runs', { ...vendor.as, body: { programId: prg } });
    const byName = Object.fromEntries(run.body.payouts.map((p: { partnerName: string }) => [p.partnerName, p]));
    expect(byName['Big Earner']).toMatchObject({ status: 'draft', amount: usd(70_000) });
    expect(byName['Tiny Earner']).toMatchObject({ status: 'held', holdReason: 'held: tax profile incomplete' });
    await call(t, 'POST', `/api/v1/payout-runs/${run.body.id}/approve`, finance.as);
    await execute(run.body.id, vendor.as);
    await call(t, 'POST', `/api/v1/payouts/${byName['Big Earner'].id}/mark-paid`, { ...finance.as, body: { reference: 'CHK-1001' } });

    const year = new Date().getUTCFullYear();
    expect((await call(t, 'GET', `/api/v1/tax/1099.csv?year=${year}`, sales.as)).status).toBe(403);
    const csv = await call(t, 'GET', `/api/v1/tax/1099.csv?year=${year}`, finance.as);
    expect(csv.status).toBe(200);
    const text = String(csv.body);
    expect(text).toContain('Big Earner LLC,llc,987654321,9 Elm St,,Boise,ID,83702,US,700.00,USD,complete');
    expect(text).not.toContain('Tiny Earner');
    expect(text).not.toContain('Method Partner'); // paid nothing
    const higher = await call(t, 'GET', `/api/v1/tax/1099.csv?year=${year}&thresholdMinor=70001`, finance.as);
    expect(String(higher.body)).not.toContain('Big Earner');
    const audits = await t.services.db.select().from(auditEntry).where(eq(auditEntry.action, 'tax.1099_exported'));
    expect(audits.length).toBeGreaterThanOrEqual(2);
    expect((await call(t, 'GET', `/api/v1/tax/1099.csv?year=nope`, finance.as)).status).toBe(422);
  });
});

describe('scheduled drafts', () => {
  it('computes the draft run on the payout date, once, and none on other days', async () => {
    const prg = await program('Weekly program');
    const isoWeekday = ((now().getUTCDay() + 6) % 7) + 1; // the vendor workspace runs on UTC
    const tomorrow = (isoWeekday % 7) + 1;
    const partnerId = await makePartner(t, vendor.as, 'Weekly Partner', prg);
    await addEntry(t.services.db, { workspaceId: ws(), programId: prg, partnerId, amountMinor: 12_345n });

    await call(t, 'PUT', `/api/v1/programs/${prg}/payout-schedule`, { ...finance.as, body: { cadence: 'weekly', weekday: tomorrow, threshold: usd(100) } });
    expect(await draftScheduledRuns(t.services.db)).toEqual([]);

    await call(t, 'PUT', `/api/v1/programs/${prg}/payout-schedule`, { ...finance.as, body: { cadence: 'weekly', weekday: isoWeekday, threshold: usd(100) } });
    const created = await draftScheduledRuns(t.services.db);
    const mine = (await call(t, 'GET', `/api/v1/payout-runs?programId=${prg}`, vendor.as)).body.data;
    expect(mine).toHaveLength(1);
    expect(created).toContain(mine[0].id);
    expect(mine[0]).toMatchObject({ status: 'draft', createdBy: 'Payout schedule', totals: [usd(12_345)] });

    // The hourly job runs again the same day: no second draft.
    expect(await draftScheduledRuns(t.services.db)).not.toContain(mine[0].id);
    expect((await call(t, 'GET', `/api/v1/payout-runs?programId=${prg}`, vendor.as)).body.data).toHaveLength(1);
  });
});
