import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEntry, event } from '../../platform/schema.ts';
import { type TestApp, call, createTestApp, memberWithRole, ownerWithWorkspace } from '../../test/harness.ts';
import { account } from '../accounts/schema.ts';
import { registration } from '../registrations/schema.ts';
import { attributionErrors, createDealFromRegistration, memberIdOfUser } from './service.ts';
import { insertRegistration, makeDeal, makePartner, stageIds } from './test-fixtures.ts';

let t: TestApp;
let vendor: Awaited<ReturnType<typeof ownerWithWorkspace>>;
let other: Awaited<ReturnType<typeof ownerWithWorkspace>>;
let northwind: string;
let kestrel: string;
let programId: string;
let stages: Record<string, string>;
let otherDealId: string;

beforeAll(async () => {
  t = await createTestApp();
  vendor = await ownerWithWorkspace(t, 'Deals Vendor');
  other = await ownerWithWorkspace(t, 'Other Vendor');
  programId = (await call(t, 'POST', '/api/v1/programs', { ...vendor.as, body: { name: 'Resellers', partnerType: 'reseller', currency: 'EUR', status: 'active' } })).body.id;
  northwind = await makePartner(t, vendor.as, 'Northwind', programId);
  kestrel = await makePartner(t, vendor.as, 'Kestrel', programId);
  otherDealId = (await makeDeal(t, other.as, { name: 'Elsewhere', account: { name: 'Elsewhere Inc' } })).id;
});
afterAll(async () => {
  await t.close();
});

describe('pipelines', () => {
  it('creates the default partner pipeline lazily, once', async () => {
    const first = await call(t, 'GET', '/api/v1/pipelines', vendor.as);
    expect(first.status).toBe(200);
    expect(first.body.data).toHaveLength(1);
    expect(first.body.data[0]).toMatchObject({ name: 'Partner pipeline', isDefault: true });
    expect(first.body.data[0].stages.map((s: { name: string; winProbabilityBp: number; kind: string }) => [s.name, s.winProbabilityBp, s.kind])).toEqual([
      ['Registered', 1000, 'open'],
      ['Qualified', 2500, 'open'],
      ['Proposal', 5000, 'open'],
      ['Negotiation', 7500, 'open'],
      ['Closed won', 10000, 'won'],
      ['Closed lost', 0, 'lost'],
    ]);
    const again = await call(t, 'GET', '/api/v1/pipelines', vendor.as);
    expect(again.body.data).toHaveLength(1);
    stages = await stageIds(t, vendor.as);
    const got = await call(t, 'GET', `/api/v1/pipelines/${first.body.data[0].id}`, vendor.as);
    expect(got.body.stages).toHaveLength(6);
  });

  it('creates a pipeline, rejects a duplicate name (409) and invalid stages (422 per field)', async () => {
    const created = await call(t, 'POST', '/api/v1/pipelines', {
      ...vendor.as,
      body: {
        name: 'Co-sell',
        stages: [
          { name: 'Discovery', winProbabilityBp: 2000 },
          { name: 'Won', winProbabilityBp: 10000, kind: 'won' },
          { name: 'Lost', winProbabilityBp: 0, kind: 'lost' },
        ],
      },
    });
    expect(created.status).toBe(201);
    expect(created.body.stages.map((s: { position: number }) => s.position)).toEqual([0, 1, 2]);
    const dup = await call(t, 'POST', '/api/v1/pipelines', { ...vendor.as, body: { name: 'Co-sell' } });
    expect(dup.status).toBe(409);

    const bad = await call(t, 'POST', '/api/v1/pipelines', {
      ...vendor.as,
      body: {
        name: 'Broken',
        stages: [
          { name: 'Won', winProbabilityBp: 9000, kind: 'won' },
          { name: 'Open', winProbabilityBp: 20000 },
          { name: 'open', winProbabilityBp: 100, requiredFields: ['colour'] },
        ],
      },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['stages.1.winProbabilityBp', 'stages.2.requiredFields.0']);
    const bad2 = await call(t, 'POST', '/api/v1/pipelines', {
      ...vendor.as,
      body: { name: 'Broken', stages: [{ name: 'Won', winProbabilityBp: 9000, kind: 'won' }, { name: 'Open', winProbabilityBp: 2000 }, { name: 'open', winProbabilityBp: 100 }] },
    });
    expect(bad2.status).toBe(422);
    expect(bad2.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['stages', 'stages.0.winProbabilityBp', 'stages.1.kind', 'stages.2.kind', 'stages.2.name']);
  });

  it('replaces stages: keeps stages by id, adds, reorders; refuses to drop a stage holding deals (409)', async () => {
    const p = (await call(t, 'POST', '/api/v1/pipelines', { ...vendor.as, body: { name: 'Replaceable' } })).body;
    const [reg, qual, prop, neg, won, lost] = p.stages;
    const deal = await makeDeal(t, vendor.as, { name: 'In qualified', account: { name: 'Replace Co' }, pipelineId: p.id, stageId: qual.id });
    const keepAll = (extra: object[] = []) => [
      { id: qual.id, name: 'Qualified', winProbabilityBp: 3000, requiredFields: ['closeDate'] },
      { id: reg.id, name: 'Registered', winProbabilityBp: 1000 },
      ...extra,
      { id: won.id, name: 'Won', winProbabilityBp: 10000, kind: 'won' },
      { id: lost.id, name: 'Lost', winProbabilityBp: 0, kind: 'lost' },
    ];
    const ok = await call(t, 'PATCH', `/api/v1/pipelines/${p.id}/stages`, { ...vendor.as, body: { stages: keepAll([{ name: 'Demo', winProbabilityBp: 4000 }]) } });
    expect(ok.status).toBe(200);
    expect(ok.body.stages.map((s: { name: string }) => s.name)).toEqual(['Qualified', 'Registered', 'Demo', 'Won', 'Lost']);
    expect(ok.body.stages[0]).toMatchObject({ id: qual.id, winProbabilityBp: 3000, requiredFields: ['closeDate'] });
    expect(ok.body.stages.some((s: { id: string }) => s.id === prop.id || s.id === neg.id)).toBe(false);
    expect((await call(t, 'GET', `/api/v1/deals/${deal.id}`, vendor.as)).body.stage).toMatchObject({ id: qual.id, winProbabilityBp: 3000 });

    const drop = await call(t, 'PATCH', `/api/v1/pipelines/${p.id}/stages`, {
      ...vendor.as,
      body: { stages: [{ id: reg.id, name: 'Registered', winProbabilityBp: 1000 }, { id: won.id, name: 'Won', winProbabilityBp: 10000, kind: 'won' }, { id: lost.id, name: 'Lost', winProbabilityBp: 0, kind: 'lost' }] },
    });
    expect(drop.status).toBe(409);
    expect(drop.body.detail).toContain('Qualified');

    const foreign = await call(t, 'PATCH', `/api/v1/pipelines/${p.id}/stages`, { ...vendor.as, body: { stages: keepAll([{ id: stages.Proposal, name: 'Stolen', winProbabilityBp: 5000 }]) } });
    expect(foreign.status).toBe(422);
    expect(foreign.body.errors[0].path).toBe('stages.2.id');
  });
});

describe('deals', () => {
  it('creates a deal with an exact amount, a weighted amount and an account found or created', async () => {
    const created = await makeDeal(t, vendor.as, {
      name: 'Globex platform',
      account: { name: 'Globex GmbH', domain: 'https://www.globex.example/', country: 'de' },
      amount: { amountMinor: '123456789012345678', currency: 'EUR' },
      credits: [{ partnerId: northwind, role: 'sourced', shareBp: 10000 }],
      internalNotes: 'churn risk',
      discountBp: 1500,
    });
    expect(created).toMatchObject({
      name: 'Globex platform',
      stage: { name: 'Registered', kind: 'open', winProbabilityBp: 1000 },
      account: { name: 'Globex GmbH', domain: 'globex.example', country: 'DE' },
      amount: { amountMinor: '123456789012345678', currency: 'EUR' },
      // 10 % of 123456789012345678 = 12345678901234567.8 → half-even 12345678901234568
      weightedAmount: { amountMinor: '12345678901234568', currency: 'EUR' },
      origin: 'partner',
      credits: [{ partnerId: northwind, partnerName: 'Northwind', role: 'sourced', shareBp: 10000 }],
      internalNotes: 'churn risk',
      discountBp: 1500,
    });
    // Same domain → same account.
    const again = await makeDeal(t, vendor.as, { name: 'Globex add-on', account: { name: 'Globex', domain: 'globex.example' } });
    expect(again.account.id).toBe(created.account.id);
    expect(again.origin).toBe('direct');
    // Half-even at .5: 1,000,005 × 10 % = 100,000.5 → 100,000.
    const half = await makeDeal(t, vendor.as, { name: 'Half', accountId: created.account.id, amount: { amountMinor: '1000005', currency: 'EUR' } });
    expect(half.weightedAmount.amountMinor).toBe('100000');

    const audits = await t.services.db.select().from(auditEntry).where(and(eq(auditEntry.entityId, created.id), eq(auditEntry.action, 'deal.created')));
    expect(audits).toHaveLength(1);
  });

  it('reports each invalid field (422)', async () => {
    const res = await call(t, 'POST', '/api/v1/deals', { ...vendor.as, body: { name: '', amount: { amountMinor: '1.5', currency: 'XYZ' }, discountBp: 20000, closeDate: '31/12/2026' } });
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['amount.amountMinor', 'amount.currency', 'closeDate', 'discountBp', 'name']);
    const noAccount = await call(t, 'POST', '/api/v1/deals', { ...vendor.as, body: { name: 'X', amount: { amountMinor: '1', currency: 'EUR' } } });
    expect(noAccount.status).toBe(422);
    expect(noAccount.body.errors[0].path).toBe('accountId');
    const badRefs = await call(t, 'POST', '/api/v1/deals', { ...vendor.as, body: { name: 'X', amount: { amountMinor: '1', currency: 'EUR' }, accountId: 'acct_nope' } });
    expect(badRefs.body.errors[0].path).toBe('accountId');
    const badStage = await call(t, 'POST', '/api/v1/deals', { ...vendor.as, body: { name: 'X', amount: { amountMinor: '1', currency: 'EUR' }, account: { name: 'Y' }, stageId: stages['Closed won'] } });
    expect(badStage.status).toBe(422);
    expect(badStage.body.errors[0].path).toBe('stageId');
    const badOwner = await call(t, 'POST', '/api/v1/deals', { ...vendor.as, body: { name: 'X', amount: { amountMinor: '1', currency: 'EUR' }, account: { name: 'Y' }, ownerMemberId: 'mem_nope' } });
    expect(badOwner.body.errors[0].path).toBe('ownerMemberId');
  });

  it('lists with filters and cursor pagination, each row with credits and weighted amount', async () => {
    const a = await makeDeal(t, vendor.as, { name: 'Filter Alpha', account: { name: 'Filter Co' }, credits: [{ partnerId: kestrel, role: 'reseller', shareBp: 10000 }] });
    const b = await makeDeal(t, vendor.as, { name: 'Filter Beta', account: { name: 'Filter Co' }, credits: [{ partnerId: kestrel, role: 'sourced', shareBp: 10000 }], stageId: stages.Proposal });
    const byPartner = await call(t, 'GET', `/api/v1/deals?partnerId=${kestrel}`, vendor.as);
    expect(byPartner.body.data.map((d: { id: string }) => d.id)).toEqual([b.id, a.id]);
    expect(byPartner.body.data[0].credits[0]).toMatchObject({ partnerId: kestrel, role: 'sourced' });
    expect(byPartner.body.data[0].weightedAmount).toEqual({ amountMinor: '500000', currency: 'EUR' });
    const byRole = await call(t, 'GET', `/api/v1/deals?partnerId=${kestrel}&role=reseller`, vendor.as);
    expect(byRole.body.data.map((d: { id: string }) => d.id)).toEqual([a.id]);
    const byStage = await call(t, 'GET', `/api/v1/deals?stageId=${stages.Proposal}&q=filter`, vendor.as);
    expect(byStage.body.data.map((d: { id: string }) => d.id)).toEqual([b.id]);
    const byOrigin = await call(t, 'GET', '/api/v1/deals?origin=direct&q=globex', vendor.as);
    expect(byOrigin.body.data.every((d: { origin: string }) => d.origin === 'direct')).toBe(true);
    const byAccountName = await call(t, 'GET', '/api/v1/deals?q=filter%20co', vendor.as);
    expect(byAccountName.body.data).toHaveLength(2);

    const page1 = await call(t, 'GET', `/api/v1/deals?partnerId=${kestrel}&limit=1`, vendor.as);
    expect(page1.body.data).toHaveLength(1);
    const page2 = await call(t, 'GET', `/api/v1/deals?partnerId=${kestrel}&limit=1&cursor=${page1.body.nextCursor}`, vendor.as);
    expect(page2.body.data[0].id).toBe(a.id);
    expect(page2.body.nextCursor).toBeNull();
  });

  it('updates fields and audits the change', async () => {
    const d = await makeDeal(t, vendor.as, { name: 'Patch me', account: { name: 'Patch Co' } });
    const ownerMember = await memberIdOfUser(t.services.db, vendor.workspaceId, vendor.userId);
    const res = await call(t, 'PATCH', `/api/v1/deals/${d.id}`, {
      ...vendor.as,
      body: { nextStep: 'Call CFO', internalNotes: 'budget tight', discountBp: 500, ownerMemberId: ownerMember, closeDate: '2026-12-31', amount: { amountMinor: '250000', currency: 'USD' } },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ nextStep: 'Call CFO', internalNotes: 'budget tight', discountBp: 500, owner: { memberId: ownerMember, name: 'Deals Vendor Owner' }, closeDate: '2026-12-31', amount: { amountMinor: '250000', currency: 'USD' } });
    const bad = await call(t, 'PATCH', `/api/v1/deals/${d.id}`, { ...vendor.as, body: { ownerMemberId: 'mem_x', discountBp: -1 } });
    expect(bad.status).toBe(422);
    const [entry] = await t.services.db.select().from(auditEntry).where(and(eq(auditEntry.entityId, d.id), eq(auditEntry.action, 'deal.updated')));
    expect(entry.changes).toMatchObject({ nextStep: { from: null, to: 'Call CFO' } });
  });
});

describe('stage changes', () => {
  it('requires the target stage fields (422 listing them) and a lost reason; emits events; a won deal is final (409)', async () => {
    const p = (await call(t, 'POST', '/api/v1/pipelines', { ...vendor.as, body: { name: 'Strict' } })).body;
    const [reg, qual, prop, neg, won, lost] = p.stages;
    await call(t, 'PATCH', `/api/v1/pipelines/${p.id}/stages`, {
      ...vendor.as,
      body: {
        stages: [
          { id: reg.id, name: reg.name, winProbabilityBp: 1000 },
          { id: qual.id, name: qual.name, winProbabilityBp: 2500 },
          { id: prop.id, name: prop.name, winProbabilityBp: 5000, requiredFields: ['nextStep', 'closeDate', 'credits'] },
          { id: neg.id, name: neg.name, winProbabilityBp: 7500 },
          { id: won.id, name: won.name, winProbabilityBp: 10000, kind: 'won' },
          { id: lost.id, name: lost.name, winProbabilityBp: 0, kind: 'lost' },
        ],
      },
    });
    const d = await makeDeal(t, vendor.as, { name: 'Strict deal', account: { name: 'Strict Co' }, pipelineId: p.id });
    const missing = await call(t, 'POST', `/api/v1/deals/${d.id}/stage`, { ...vendor.as, body: { stageId: prop.id } });
    expect(missing.status).toBe(422);
    expect(missing.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['closeDate', 'credits', 'nextStep']);

    await call(t, 'PATCH', `/api/v1/deals/${d.id}`, { ...vendor.as, body: { nextStep: 'Demo', closeDate: '2026-11-30' } });
    await call(t, 'PUT', `/api/v1/deals/${d.id}/credits`, { ...vendor.as, body: { credits: [{ partnerId: northwind, role: 'sourced', shareBp: 10000 }] } });
    const moved = await call(t, 'POST', `/api/v1/deals/${d.id}/stage`, { ...vendor.as, body: { stageId: prop.id } });
    expect(moved.status).toBe(200);
    expect(moved.body.stage).toMatchObject({ id: prop.id, name: 'Proposal' });

    const same = await call(t, 'POST', `/api/v1/deals/${d.id}/stage`, { ...vendor.as, body: { stageId: prop.id } });
    expect(same.status).toBe(409);
    const elsewhere = await call(t, 'POST', `/api/v1/deals/${d.id}/stage`, { ...vendor.as, body: { stageId: stages.Qualified } });
    expect(elsewhere.status).toBe(422);
    expect(elsewhere.body.errors[0].path).toBe('stageId');

    const noReason = await call(t, 'POST', `/api/v1/deals/${d.id}/stage`, { ...vendor.as, body: { stageId: lost.id } });
    expect(noReason.status).toBe(422);
    expect(noReason.body.errors.map((e: { path: string }) => e.path)).toEqual(['lostReason']);
    const lostRes = await call(t, 'POST', `/api/v1/deals/${d.id}/stage`, { ...vendor.as, body: { stageId: lost.id, lostReason: 'Went with a competitor' } });
    expect(lostRes.body).toMatchObject({ lostReason: 'Went with a competitor', closedAt: expect.any(String) });
    const fromLost = await call(t, 'POST', `/api/v1/deals/${d.id}/stage`, { ...vendor.as, body: { stageId: won.id } });
    expect(fromLost.status).toBe(409);
    expect(fromLost.body.allowedStages.map((s: { name: string }) => s.name)).toEqual(['Registered', 'Qualified', 'Proposal', 'Negotiation']);
    const reopened = await call(t, 'POST', `/api/v1/deals/${d.id}/stage`, { ...vendor.as, body: { stageId: neg.id } });
    expect(reopened.body).toMatchObject({ lostReason: null, closedAt: null });

    const wonRes = await call(t, 'POST', `/api/v1/deals/${d.id}/stage`, { ...vendor.as, body: { stageId: won.id } });
    expect(wonRes.status).toBe(200);
    expect(wonRes.body.weightedAmount).toEqual(wonRes.body.amount);
    const out = await call(t, 'POST', `/api/v1/deals/${d.id}/stage`, { ...vendor.as, body: { stageId: neg.id } });
    expect(out.status).toBe(409);
    expect(out.body.allowedStages).toEqual([]);
    expect(out.body.detail).toContain('allowed stages: none');

    const events = await t.services.db.select().from(event).where(eq(event.workspaceId, vendor.workspaceId));
    const mine = events.filter((e) => e.payload.dealId === d.id);
    expect(mine.filter((e) => e.type === 'deal.stage_changed')).toHaveLength(4);
    const wonEvent = mine.find((e) => e.type === 'deal.won');
    expect(wonEvent?.payload).toMatchObject({ amount: { amountMinor: '1000000', currency: 'EUR' }, credits: [{ partnerId: northwind, role: 'sourced', shareBp: 10000 }] });
    // The first win makes the credited partner the account's incumbent.
    const [acct] = await t.services.db.select().from(account).where(eq(account.id, d.account.id));
    expect(acct.incumbentPartnerId).toBe(northwind);
  });
});

describe('attribution', () => {
  it('applies the rules (pure)', () => {
    const n = (partnerId: string, role: 'sourced' | 'influenced', shareBp: number) => ({ partnerId, role, shareBp });
    expect(attributionErrors('primary_only', [])).toEqual([]);
    expect(attributionErrors('primary_only', [n('a', 'sourced', 10000), n('b', 'influenced', 0)])).toEqual([]);
    expect(attributionErrors('primary_only', [n('a', 'sourced', 10000), n('b', 'influenced', 10000)])[0].path).toBe('credits');
    expect(attributionErrors('primary_only', [n('a', 'sourced', 6000), n('b', 'influenced', 4000)])[0].path).toBe('credits.0.shareBp');
    expect(attributionErrors('split', [n('a', 'sourced', 6000), n('b', 'influenced', 4000)])).toEqual([]);
    expect(attributionErrors('split', [n('a', 'sourced', 6000), n('b', 'influenced', 3000)])[0].message).toContain('sum to 9000');
    expect(attributionErrors('split', [n('a', 'sourced', 5000), n('a', 'sourced', 5000)])[0].path).toBe('credits.1');
  });

  it('replaces credits under primary_only, then split; 422 with the field and reason', async () => {
    const d = await makeDeal(t, vendor.as, { name: 'Attributed', account: { name: 'Attr Co' } });
    const two = await call(t, 'PUT', `/api/v1/deals/${d.id}/credits`, {
      ...vendor.as,
      body: { credits: [{ partnerId: northwind, role: 'sourced', shareBp: 5000 }, { partnerId: kestrel, role: 'influenced', shareBp: 5000 }] },
    });
    expect(two.status).toBe(422);
    expect(two.body.errors[0]).toMatchObject({ path: 'credits.0.shareBp', message: expect.stringContaining('primary-only') });
    const primary = await call(t, 'PUT', `/api/v1/deals/${d.id}/credits`, {
      ...vendor.as,
      body: { credits: [{ partnerId: northwind, role: 'sourced', shareBp: 10000 }, { partnerId: kestrel, role: 'influenced', shareBp: 0 }] },
    });
    expect(primary.status).toBe(200);
    expect(primary.body.credits).toHaveLength(2);

    expect((await call(t, 'GET', '/api/v1/attribution-settings', vendor.as)).body.model).toBe('primary_only');
    const sales = await memberWithRole(t, vendor, 'sales');
    expect((await call(t, 'PUT', '/api/v1/attribution-settings', { ...sales.as, body: { model: 'split' } })).status).toBe(403);
    const set = await call(t, 'PUT', '/api/v1/attribution-settings', { ...vendor.as, body: { model: 'split' } });
    expect(set.body.model).toBe('split');
    const badModel = await call(t, 'PUT', '/api/v1/attribution-settings', { ...vendor.as, body: { model: 'evenly' } });
    expect(badModel.status).toBe(422);

    const short = await call(t, 'PUT', `/api/v1/deals/${d.id}/credits`, {
      ...vendor.as,
      body: { credits: [{ partnerId: northwind, role: 'sourced', shareBp: 6000 }, { partnerId: kestrel, role: 'influenced', shareBp: 3000 }] },
    });
    expect(short.status).toBe(422);
    expect(short.body.errors[0]).toEqual({ path: 'credits', message: 'split shares must sum to 10000 bp (100 %); they sum to 9000' });
    const unknown = await call(t, 'PUT', `/api/v1/deals/${d.id}/credits`, { ...vendor.as, body: { credits: [{ partnerId: 'ptr_nope', role: 'sourced', shareBp: 10000 }] } });
    expect(unknown.body.errors[0].path).toBe('credits.0.partnerId');
    const split = await call(t, 'PUT', `/api/v1/deals/${d.id}/credits`, {
      ...vendor.as,
      body: { credits: [{ partnerId: northwind, role: 'sourced', shareBp: 6000 }, { partnerId: kestrel, role: 'influenced', shareBp: 4000 }] },
    });
    expect(split.status).toBe(200);
    expect(split.body.credits.map((c: { shareBp: number }) => c.shareBp)).toEqual([6000, 4000]);
    await call(t, 'PUT', '/api/v1/attribution-settings', { ...vendor.as, body: { model: 'primary_only' } });
    const audits = await t.services.db.select().from(auditEntry).where(and(eq(auditEntry.entityId, d.id), eq(auditEntry.action, 'deal.credits_replaced')));
    expect(audits).toHaveLength(2);
  });

  it('credits the incumbent partner on a renewal (as reseller)', async () => {
    const acct = await makeDeal(t, vendor.as, { name: 'Initial', account: { name: 'Renewal Co', domain: 'renewal.example' }, credits: [{ partnerId: kestrel, role: 'sourced', shareBp: 10000 }] });
    await call(t, 'POST', `/api/v1/deals/${acct.id}/stage`, { ...vendor.as, body: { stageId: stages['Closed won'] } });
    const renewal = await makeDeal(t, vendor.as, { name: 'Renewal 2027', accountId: acct.account.id, isRenewal: true });
    expect(renewal).toMatchObject({ isRenewal: true, origin: 'partner', credits: [{ partnerId: kestrel, role: 'reseller', shareBp: 10000 }] });
    const notRenewal = await makeDeal(t, vendor.as, { name: 'Upsell', accountId: acct.account.id });
    expect(notRenewal.credits).toEqual([]);
  });
});

describe('custom registration fields as stage requirements', () => {
  it('requires custom.<key> from the deal\'s registration before the stage (422 customFields.<key>), and validates the key', async () => {
    const p = (await call(t, 'POST', '/api/v1/pipelines', { ...vendor.as, body: { name: 'Custom gate' } })).body;
    const [reg, qual, prop, neg, won, lost] = p.stages;
    const body = (required: string[]) => ({
      stages: [
        { id: reg.id, name: reg.name, winProbabilityBp: 1000 },
        { id: qual.id, name: qual.name, winProbabilityBp: 2500, requiredFields: required },
        { id: prop.id, name: prop.name, winProbabilityBp: 5000 },
        { id: neg.id, name: neg.name, winProbabilityBp: 7500 },
        { id: won.id, name: won.name, winProbabilityBp: 10000, kind: 'won' },
        { id: lost.id, name: lost.name, winProbabilityBp: 0, kind: 'lost' },
      ],
    });
    const bad = await call(t, 'PATCH', `/api/v1/pipelines/${p.id}/stages`, { ...vendor.as, body: body(['custom.9lives']) });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(['stages.1.requiredFields.0']);
    const ok = await call(t, 'PATCH', `/api/v1/pipelines/${p.id}/stages`, { ...vendor.as, body: body(['custom.industry', 'closeDate']) });
    expect(ok.status).toBe(200);
    expect(ok.body.stages[1].requiredFields).toEqual(['custom.industry', 'closeDate']);

    const d = await makeDeal(t, vendor.as, { name: 'Gated deal', account: { name: 'Gated Co' }, pipelineId: p.id, closeDate: '2026-12-01' });
    const direct = await call(t, 'POST', `/api/v1/deals/${d.id}/stage`, { ...vendor.as, body: { stageId: qual.id } });
    expect(direct.status).toBe(422);
    expect(direct.body.errors.map((e: { path: string }) => e.path)).toEqual(['customFields.industry']);
    // A registration linked to the deal with the field empty, then filled in.
    const linked = await insertRegistration(t.services.db, {
      workspaceId: vendor.workspaceId, programId, partnerId: northwind, accountName: 'Gated Co', status: 'approved', extra: { dealId: d.id, customFields: { industry: ' ' } },
    });
    expect((await call(t, 'POST', `/api/v1/deals/${d.id}/stage`, { ...vendor.as, body: { stageId: qual.id } })).status).toBe(422);
    await t.services.db.update(registration).set({ customFields: { industry: 'Retail' } }).where(eq(registration.id, linked.id));
    const moved = await call(t, 'POST', `/api/v1/deals/${d.id}/stage`, { ...vendor.as, body: { stageId: qual.id } });
    expect(moved.status).toBe(200);
  });
});

describe('createDealFromRegistration', () => {
  it('creates a partner deal in the first open stage, then links a second registration to it', async () => {
    const ctx = { workspaceId: vendor.workspaceId, principal: { kind: 'system' as const, name: 'test' }, requestId: null };
    const reg = await insertRegistration(t.services.db, { workspaceId: vendor.workspaceId, programId, partnerId: northwind, accountName: 'Initech', accountDomain: 'initech.example', status: 'approved', amountMinor: 4_200_000n, extra: { products: ['Core'], expectedCloseDate: '2026-10-01' } });
    const { dealId } = await t.services.db.transaction((tx) => createDealFromRegistration(tx, ctx, reg));
    const d = (await call(t, 'GET', `/api/v1/deals/${dealId}`, vendor.as)).body;
    expect(d).toMatchObject({ name: 'Initech — Core', origin: 'partner', registrationId: reg.id, stage: { name: 'Registered' }, amount: { amountMinor: '4200000', currency: 'EUR' }, closeDate: '2026-10-01', credits: [{ partnerId: northwind, role: 'sourced', shareBp: 10000 }] });

    const reg2 = await insertRegistration(t.services.db, { workspaceId: vendor.workspaceId, programId, partnerId: kestrel, accountName: 'Initech', accountDomain: 'initech.example', status: 'approved' });
    const linked = await t.services.db.transaction((tx) => createDealFromRegistration(tx, ctx, reg2));
    expect(linked.dealId).toBe(dealId);
    const after = (await call(t, 'GET', `/api/v1/deals/${dealId}`, vendor.as)).body;
    expect(after.credits).toEqual([expect.objectContaining({ partnerId: northwind, shareBp: 10000 }), expect.objectContaining({ partnerId: kestrel, role: 'influenced', shareBp: 0 })]);
  });
});

describe('authorization and tenancy', () => {
  it('answers 403 for roles without the permission', async () => {
    const analyst = await memberWithRole(t, vendor, 'analyst');
    expect((await call(t, 'GET', '/api/v1/deals', analyst.as)).status).toBe(200);
    expect((await call(t, 'POST', '/api/v1/deals', { ...analyst.as, body: { name: 'x', account: { name: 'y' }, amount: { amountMinor: '1', currency: 'EUR' } } })).status).toBe(403);
    expect((await call(t, 'POST', '/api/v1/pipelines', { ...analyst.as, body: { name: 'Nope' } })).status).toBe(403);
    const d = await makeDeal(t, vendor.as, { name: 'Guarded', account: { name: 'Guard Co' } });
    expect((await call(t, 'PATCH', `/api/v1/deals/${d.id}`, { ...analyst.as, body: { nextStep: 'x' } })).status).toBe(403);
    expect((await call(t, 'POST', `/api/v1/deals/${d.id}/stage`, { ...analyst.as, body: { stageId: stages.Qualified } })).status).toBe(403);
    expect((await call(t, 'PUT', `/api/v1/deals/${d.id}/credits`, { ...analyst.as, body: { credits: [] } })).status).toBe(403);
  });

  it("answers 404 for another workspace's deals and pipelines", async () => {
    const foreignPipeline = (await call(t, 'GET', '/api/v1/pipelines', other.as)).body.data[0].id;
    expect((await call(t, 'GET', `/api/v1/deals/${otherDealId}`, vendor.as)).status).toBe(404);
    expect((await call(t, 'PATCH', `/api/v1/deals/${otherDealId}`, { ...vendor.as, body: { nextStep: 'x' } })).status).toBe(404);
    expect((await call(t, 'POST', `/api/v1/deals/${otherDealId}/stage`, { ...vendor.as, body: { stageId: stages.Qualified } })).status).toBe(404);
    expect((await call(t, 'PUT', `/api/v1/deals/${otherDealId}/credits`, { ...vendor.as, body: { credits: [] } })).status).toBe(404);
    expect((await call(t, 'GET', `/api/v1/pipelines/${foreignPipeline}`, vendor.as)).status).toBe(404);
    expect((await call(t, 'PATCH', `/api/v1/pipelines/${foreignPipeline}/stages`, { ...vendor.as, body: { stages: [{ name: 'a', winProbabilityBp: 0 }, { name: 'b', winProbabilityBp: 10000, kind: 'won' }, { name: 'c', winProbabilityBp: 0, kind: 'lost' }] } })).status).toBe(404);
    // Another workspace's partner cannot be credited, and its pipeline cannot be used.
    const foreignPartner = await makePartner(t, other.as, 'Foreign');
    const d = await makeDeal(t, vendor.as, { name: 'Mine', account: { name: 'Mine Co' } });
    const res = await call(t, 'PUT', `/api/v1/deals/${d.id}/credits`, { ...vendor.as, body: { credits: [{ partnerId: foreignPartner, role: 'sourced', shareBp: 10000 }] } });
    expect(res.status).toBe(422);
    const viaPipeline = await call(t, 'POST', '/api/v1/deals', { ...vendor.as, body: { name: 'x', account: { name: 'y' }, amount: { amountMinor: '1', currency: 'EUR' }, pipelineId: foreignPipeline } });
    expect(viaPipeline.body.errors[0].path).toBe('pipelineId');
  });
});
