import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEntry } from '../../platform/schema.ts';
import { type TestApp, call, createTestApp, memberWithRole, ownerWithWorkspace } from '../../test/harness.ts';
import { makePartner, partnerUser } from '../deals/test-fixtures.ts';
import { accruePending } from './accrual.ts';
import { activePlan, ledger, record } from './test-fixtures.ts';

let t: TestApp;
let vendor: Awaited<ReturnType<typeof ownerWithWorkspace>>;
let other: Awaited<ReturnType<typeof ownerWithWorkspace>>;
let programId: string;
let otherProgramId: string;
let northwind: string;
let kestrel: string;
let otherEntryId: string;
let otherPlanId: string;

const PLAN = {
  holdDays: 14,
  rules: [
    { id: 'std', name: 'Standard', type: 'percentage', rateBp: 2000, duration: { type: 'recurring', months: 12 } },
    { id: 'lead', name: 'Leads', type: 'flat', conversionKind: 'lead', flat: { amountMinor: '500', currency: 'USD' } },
  ],
};

beforeAll(async () => {
  t = await createTestApp();
  vendor = await ownerWithWorkspace(t, 'Commission Vendor');
  other = await ownerWithWorkspace(t, 'Other Vendor');
  programId = (await call(t, 'POST', '/api/v1/programs', { ...vendor.as, body: { name: 'Affiliates', partnerType: 'affiliate', currency: 'USD', status: 'active' } })).body.id;
  otherProgramId = (await call(t, 'POST', '/api/v1/programs', { ...other.as, body: { name: 'Theirs', partnerType: 'affiliate', currency: 'USD', status: 'active' } })).body.id;
  northwind = await makePartner(t, vendor.as, 'Northwind', programId);
  kestrel = await makePartner(t, vendor.as, 'Kestrel', programId);
  const otherPartner = await makePartner(t, other.as, 'Elsewhere', otherProgramId);
  otherPlanId = await activePlan(t, other.as, otherProgramId, PLAN);
  const adj = await call(t, 'POST', '/api/v1/commission-entries', { ...other.as, body: { partnerId: otherPartner, programId: otherProgramId, amount: { amountMinor: '100', currency: 'USD' }, reason: 'Theirs' } });
  otherEntryId = adj.body.id;
});
afterAll(async () => {
  await t.close();
});

describe('plans API', () => {
  let draftId: string;
  it('creates a draft, edits it, activates it; versions count up; one active per program', async () => {
    const created = await call(t, 'POST', '/api/v1/commission-plans', { ...vendor.as, body: { programId, document: PLAN } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ version: 1, status: 'draft', name: 'Affiliates plan v1', document: { holdDays: 14, spiffs: [], rules: [{ id: 'std', source: 'conversion' }, { id: 'lead' }] } });
    draftId = created.body.id;
    const edited = await call(t, 'PATCH', `/api/v1/commission-plans/${draftId}`, { ...vendor.as, body: { name: 'Launch plan', document: { ...PLAN, holdDays: 30 } } });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ name: 'Launch plan', document: { holdDays: 30 } });
    const active = await call(t, 'POST', `/api/v1/commission-plans/${draftId}/activate`, vendor.as);
    expect(active.body.status).toBe('active');
    const v2 = await call(t, 'POST', '/api/v1/commission-plans', { ...vendor.as, body: { programId, document: PLAN, activate: true } });
    expect(v2.body).toMatchObject({ version: 2, status: 'active' });
    const list = await call(t, 'GET', `/api/v1/commission-plans?programId=${programId}`, vendor.as);
    expect(list.body.data.map((p: { version: number; status: string }) => [p.version, p.status])).toEqual([
      [2, 'active'],
      [1, 'archived'],
    ]);
    expect((await call(t, 'PATCH', `/api/v1/commission-plans/${draftId}`, { ...vendor.as, body: { name: 'Nope' } })).status).toBe(409);
    expect((await call(t, 'DELETE', `/api/v1/commission-plans/${draftId}`, vendor.as)).status).toBe(409);
    const audits = await t.services.db.select().from(auditEntry).where(sql`${auditEntry.entityId} = ${draftId}`);
    expect(audits.map((a) => a.action).sort()).toEqual(['commission_plan.activated', 'commission_plan.created', 'commission_plan.updated']);
  });

  it('a bad plan document answers 422 naming the field', async () => {
    const bad = await call(t, 'POST', '/api/v1/commission-plans', {
      ...vendor.as,
      body: { programId, document: { rules: [{ id: 'x', name: 'X', type: 'percentage', rateBp: 12_000 }, { id: 'y', name: 'Y', type: 'flat' }] } },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['document.rules.0.rateBp', 'document.rules.1.flat']);
    const badTier = await call(t, 'POST', '/api/v1/commission-plans', {
      ...vendor.as,
      body: { programId, document: { rules: [{ id: 'x', name: 'X', type: 'percentage', rateBp: 100, conditions: { tierIds: ['tier_nope'] } }] } },
    });
    expect(badTier.status).toBe(422);
    expect(badTier.body.errors[0].path).toBe('document.rules.0.conditions.tierIds.0');
    const foreignProgram = await call(t, 'POST', '/api/v1/commission-plans', { ...vendor.as, body: { programId: otherProgramId, document: PLAN } });
    expect(foreignProgram.status).toBe(422);
    expect(foreignProgram.body.errors[0].path).toBe('programId');
  });

  it('a draft can be deleted', async () => {
    const d = await call(t, 'POST', '/api/v1/commission-plans', { ...vendor.as, body: { programId, document: {} } });
    expect((await call(t, 'DELETE', `/api/v1/commission-plans/${d.body.id}`, vendor.as)).status).toBe(204);
    expect((await call(t, 'GET', `/api/v1/commission-plans/${d.body.id}`, vendor.as)).status).toBe(404);
  });

  it('wrong role → 403; another workspace → 404', async () => {
    const sales = await memberWithRole(t, vendor, 'sales');
    expect((await call(t, 'POST', '/api/v1/commission-plans', { ...sales.as, body: { programId, document: PLAN } })).status).toBe(403);
    expect((await call(t, 'GET', '/api/v1/commission-plans', sales.as)).status).toBe(200);
    expect((await call(t, 'GET', `/api/v1/commission-plans/${otherPlanId}`, vendor.as)).status).toBe(404);
    expect((await call(t, 'POST', `/api/v1/commission-plans/${otherPlanId}/activate`, vendor.as)).status).toBe(404);
  });
});

describe('ledger, review and portal', () => {
  let saleEntry: string;
  let flaggedEntry: string;
  let customerEmail: string;

  beforeAll(async () => {
    customerEmail = 'jane.buyer@globex.example';
    await record(t, vendor.workspaceId, { partnerCode: northwind, externalRef: 'inv_api_1', amount: { amountMinor: 49_900n, currency: 'USD' }, customer: { externalId: 'g1', email: customerEmail } });
    const [{ domain }] = ((await t.services.db.execute(sql`select domain from partner where id = ${kestrel}`)) as unknown as { rows: { domain: string }[] }).rows;
    await record(t, vendor.workspaceId, { partnerCode: kestrel, externalRef: 'inv_api_2', customer: { externalId: 'k1', email: `me@${domain}` } });
    await accruePending(t.services.db, vendor.workspaceId);
    const entries = await ledger(t, vendor.workspaceId);
    saleEntry = entries.find((e) => e.partner_id === northwind)?.id as string;
    flaggedEntry = entries.find((e) => e.partner_id === kestrel)?.id as string;
  });

  it('lists with filters, review order (flagged first), totals and detail with explanation', async () => {
    const all = await call(t, 'GET', '/api/v1/commission-entries', vendor.as);
    expect(all.status).toBe(200);
    expect(all.body.data).toHaveLength(2);
    const review = await call(t, 'GET', '/api/v1/commission-entries?sort=review&status=pending', vendor.as);
    expect(review.body.data[0]).toMatchObject({ id: flaggedEntry, flags: ['self_referral'] });
    const mine = await call(t, 'GET', `/api/v1/commission-entries?partnerId=${northwind}&kind=commission`, vendor.as);
    expect(mine.body.data.map((e: { id: string }) => e.id)).toEqual([saleEntry]);
    expect(mine.body.data[0]).toMatchObject({ amount: { amountMinor: '9980', currency: 'USD' }, rateBp: 2000, partnerName: 'Northwind', programName: 'Affiliates', customerEmail });
    const flagged = await call(t, 'GET', '/api/v1/commission-entries?flagged=true', vendor.as);
    expect(flagged.body.data.map((e: { id: string }) => e.id)).toEqual([flaggedEntry]);
    const totals = await call(t, 'GET', `/api/v1/commission-entries/totals?programId=${programId}`, vendor.as);
    expect(totals.body.data[0]).toMatchObject({ currency: 'USD', accrued: '11980', pending: '11980', balanced: true });
    const detail = await call(t, 'GET', `/api/v1/commission-entries/${saleEntry}`, vendor.as);
    expect(detail.body.explanation.summary).toContain('20% of USD 499.00');
    expect(detail.body.explanation).toMatchObject({ rule: { id: 'std' }, plan: { version: 2 }, base: { amountMinor: '49900' } });
    const bad = await call(t, 'GET', '/api/v1/commission-entries?status=lost', vendor.as);
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].path).toBe('status');
  });

  it('approve clears flags; hold with reason; reverse with reason; bulk approve; audited', async () => {
    const finance = await memberWithRole(t, vendor, 'finance');
    const analyst = await memberWithRole(t, vendor, 'analyst');
    expect((await call(t, 'POST', `/api/v1/commission-entries/${flaggedEntry}/approve`, { ...analyst.as, body: {} })).status).toBe(403);
    expect((await call(t, 'GET', `/api/v1/commission-entries/${flaggedEntry}`, analyst.as)).status).toBe(200);
    const approved = await call(t, 'POST', `/api/v1/commission-entries/${flaggedEntry}/approve`, { ...finance.as, body: { note: 'Checked: real customer' } });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', flags: [], reviewNote: 'Checked: real customer', reviewedByName: 'A finance' });
    expect((await call(t, 'POST', `/api/v1/commission-entries/${flaggedEntry}/approve`, { ...finance.as, body: {} })).status).toBe(409);
    const held = await call(t, 'POST', `/api/v1/commission-entries/${flaggedEntry}/hold`, { ...finance.as, body: { reason: 'Customer disputes' } });
    expect(held.body).toMatchObject({ status: 'pending', flags: ['manual_hold'], reviewNote: 'Customer disputes' });
    expect((await call(t, 'POST', `/api/v1/commission-entries/${flaggedEntry}/hold`, { ...finance.as, body: { reason: '' } })).status).toBe(422);
    const reversed = await call(t, 'POST', `/api/v1/commission-entries/${flaggedEntry}/reverse`, { ...finance.as, body: { reason: 'Self-referral confirmed' } });
    expect(reversed.status).toBe(200);
    expect(reversed.body.status).toBe('reversed');
    expect(reversed.body.related).toMatchObject([{ kind: 'reversal', amount: { amountMinor: '-2000' }, status: 'reversed', reversesEntryId: flaggedEntry }]);
    expect((await call(t, 'POST', `/api/v1/commission-entries/${flaggedEntry}/reverse`, { ...finance.as, body: { reason: 'Again' } })).status).toBe(409);
    const bulk = await call(t, 'POST', '/api/v1/commission-entries/bulk-approve', { ...finance.as, body: { ids: [saleEntry, flaggedEntry] } });
    expect(bulk.body.approved).toEqual([saleEntry]);
    expect(bulk.body.skipped.map((s: { id: string }) => s.id)).toEqual([flaggedEntry]);
    const audits = await t.services.db.select().from(auditEntry).where(sql`${auditEntry.entityId} = ${flaggedEntry}`);
    expect(audits.map((a) => a.action).sort()).toEqual(['commission_entry.approved', 'commission_entry.held', 'commission_entry.reversed']);
    const totals = await call(t, 'GET', '/api/v1/commission-entries/totals', vendor.as);
    expect(totals.body.data[0]).toMatchObject({ balanced: true, reversed: '2000', approved: '9980' });
  });

  it('manual adjustments need commissions:review and an enrolled partner', async () => {
    const pm = await memberWithRole(t, vendor, 'partner_manager');
    const body = { partnerId: northwind, programId, amount: { amountMinor: '1500', currency: 'USD' }, reason: 'Conference bonus' };
    expect((await call(t, 'POST', '/api/v1/commission-entries', { ...pm.as, body })).status).toBe(403);
    const created = await call(t, 'POST', '/api/v1/commission-entries', { ...vendor.as, body });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ kind: 'adjustment', status: 'pending', flags: ['needs_review'], amount: { amountMinor: '1500' } });
    const zero = await call(t, 'POST', '/api/v1/commission-entries', { ...vendor.as, body: { ...body, amount: { amountMinor: '0', currency: 'USD' } } });
    expect(zero.status).toBe(422);
    expect(zero.body.errors[0].path).toBe('amount.amountMinor');
  });

  it('another workspace’s entries answer 404', async () => {
    for (const [method, path, body] of [
      ['GET', `/api/v1/commission-entries/${otherEntryId}`, undefined],
      ['POST', `/api/v1/commission-entries/${otherEntryId}/approve`, {}],
      ['POST', `/api/v1/commission-entries/${otherEntryId}/hold`, { reason: 'nope' }],
      ['POST', `/api/v1/commission-entries/${otherEntryId}/reverse`, { reason: 'nope' }],
    ] as const) {
      expect((await call(t, method, path, { ...vendor.as, body })).status, path).toBe(404);
    }
    const bulk = await call(t, 'POST', '/api/v1/commission-entries/bulk-approve', { ...vendor.as, body: { ids: [otherEntryId] } });
    expect(bulk.body.approved).toEqual([]);
    expect(JSON.stringify((await call(t, 'GET', '/api/v1/commission-entries', vendor.as)).body)).not.toContain(otherEntryId);
  });

  it('a partner sees only its own lines, masked, without review internals; roles without portal:earnings get 403', async () => {
    const admin = await partnerUser(t, vendor.as, northwind, 'admin');
    const res = await call(t, 'GET', '/api/v1/portal/earnings', { cookie: admin.cookie });
    expect(res.status).toBe(200);
    const ids = res.body.data.map((e: { id: string }) => e.id);
    expect(ids).toContain(saleEntry);
    expect(ids).not.toContain(flaggedEntry);
    const line = res.body.data.find((e: { id: string }) => e.id === saleEntry);
    expect(line.customer).toBe('j•••@g•••.example');
    const text = JSON.stringify(res.body);
    for (const secret of [customerEmail, 'reviewNote', 'flags', 'signals', 'idempotency', 'Kestrel', 'partnerId']) expect(text).not.toContain(secret);
    expect(line.explanation.summary).toContain('20% of USD 499.00');
    const totals = await call(t, 'GET', '/api/v1/portal/earnings/totals', { cookie: admin.cookie });
    expect(totals.body.data).toEqual([{ currency: 'USD', pending: '1500', approved: '9980', payable: '0', paid: '0', total: '11480' }]);
    const seller = await partnerUser(t, vendor.as, northwind, 'seller');
    expect((await call(t, 'GET', '/api/v1/portal/earnings', { cookie: seller.cookie })).status).toBe(403);
  });
});
