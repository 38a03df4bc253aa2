import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEntry } from '../../platform/schema.ts';
import { type TestApp, call, createTestApp, memberWithRole, ownerWithWorkspace } from '../../test/harness.ts';
import { makeDeal, makePartner, partnerUser } from '../deals/test-fixtures.ts';
import { signedLink } from './schema.ts';

let t: TestApp;
let vendor: Awaited<ReturnType<typeof ownerWithWorkspace>>;
let other: Awaited<ReturnType<typeof ownerWithWorkspace>>;
let programId: string;
let northwind: string;
let kestrel: string;
let nwSeller: string;
let nwAdmin: string;
let nwTechnical: string;
let kSeller: string;
let nwDeal: Record<string, any>;
let kDeal: Record<string, any>;
let otherDeal: Record<string, any>;

beforeAll(async () => {
  t = await createTestApp();
  vendor = await ownerWithWorkspace(t, 'Sharing Vendor');
  other = await ownerWithWorkspace(t, 'Other Vendor');
  programId = (await call(t, 'POST', '/api/v1/programs', { ...vendor.as, body: { name: 'Resellers', partnerType: 'reseller', currency: 'EUR', status: 'active' } })).body.id;
  northwind = await makePartner(t, vendor.as, 'Northwind', programId);
  kestrel = await makePartner(t, vendor.as, 'Kestrel', programId);
  nwSeller = (await partnerUser(t, vendor.as, northwind, 'seller')).cookie;
  nwAdmin = (await partnerUser(t, vendor.as, northwind, 'admin')).cookie;
  nwTechnical = (await partnerUser(t, vendor.as, northwind, 'technical')).cookie;
  kSeller = (await partnerUser(t, vendor.as, kestrel, 'seller')).cookie;
  nwDeal = await makeDeal(t, vendor.as, {
    name: 'Globex platform',
    account: { name: 'Globex', domain: 'globex.example' },
    amount: { amountMinor: '7500000', currency: 'EUR' },
    credits: [{ partnerId: northwind, role: 'sourced', shareBp: 10000 }],
    nextStep: 'Send proposal',
    internalNotes: 'internal: churn risk',
    discountBp: 1800,
  });
  kDeal = await makeDeal(t, vendor.as, { name: 'Kestrel only', account: { name: 'Umbrella' }, credits: [{ partnerId: kestrel, role: 'sourced', shareBp: 10000 }] });
  const otherPartner = await makePartner(t, other.as, 'Foreign');
  otherDeal = await makeDeal(t, other.as, { name: 'Foreign deal', account: { name: 'Foreign Co' }, credits: [{ partnerId: otherPartner, role: 'sourced', shareBp: 10000 }] });
});
afterAll(async () => {
  await t.close();
});

describe('portal pipeline', () => {
  it("lists only the partner's own deals, with only the base fields by default", async () => {
    const res = await call(t, 'GET', '/api/v1/portal/deals', { cookie: nwSeller });
    expect(res.status).toBe(200);
    expect(res.body.data.map((d: { id: string }) => d.id)).toEqual([nwDeal.id]);
    expect(res.body.data[0]).toEqual({
      id: nwDeal.id,
      name: 'Globex platform',
      stage: { id: nwDeal.stage.id, name: 'Registered', kind: 'open' },
      closeDate: null,
      nextStep: 'Send proposal',
      role: 'sourced',
    });
    const detail = await call(t, 'GET', `/api/v1/portal/deals/${nwDeal.id}`, { cookie: nwSeller });
    expect(detail.body).toEqual(res.body.data[0]);
  });

  it("answers 404 for another partner's deal and another workspace's deal; 403 without portal:pipeline", async () => {
    expect((await call(t, 'GET', `/api/v1/portal/deals/${kDeal.id}`, { cookie: nwSeller })).status).toBe(404);
    expect((await call(t, 'GET', `/api/v1/portal/deals/${otherDeal.id}`, { cookie: nwSeller })).status).toBe(404);
    expect((await call(t, 'GET', `/api/v1/portal/deals/${nwDeal.id}`, { cookie: kSeller })).status).toBe(404);
    expect((await call(t, 'GET', '/api/v1/portal/deals', { cookie: nwTechnical })).status).toBe(403);
    expect((await call(t, 'GET', '/api/v1/portal/deals', { cookie: nwSeller, partnerId: kestrel })).status).toBe(404);
    expect((await call(t, 'GET', '/api/v1/portal/deals', vendor.as)).status).not.toBe(200);
  });

  it('shows what the sharing rules share: banded for sellers, visible for admins in the program', async () => {
    const put = await call(t, 'PUT', '/api/v1/sharing-rules', {
      ...vendor.as,
      body: {
        rules: [
          { object: 'deal', field: 'amount', mode: 'banded' },
          { object: 'deal', field: 'amount', mode: 'visible', audience: 'admin' },
          { object: 'deal', field: 'ownerEmail', mode: 'masked' },
          { object: 'deal', field: 'accountName', mode: 'visible' },
        ],
      },
    });
    expect(put.status).toBe(200);
    expect(put.body.data).toHaveLength(4);
    const seller = (await call(t, 'GET', `/api/v1/portal/deals/${nwDeal.id}`, { cookie: nwSeller })).body;
    expect(seller).toMatchObject({ amount: '€50k–100k', accountName: 'Globex' });
    const admin = (await call(t, 'GET', `/api/v1/portal/deals/${nwDeal.id}`, { cookie: nwAdmin })).body;
    expect(admin.amount).toEqual({ amountMinor: '7500000', currency: 'EUR' });
    for (const body of [seller, admin]) {
      expect(JSON.stringify(body)).not.toContain('churn');
      expect(body).not.toHaveProperty('discountBp');
      expect(body).not.toHaveProperty('credits');
    }
    // Clean up so later tests see the defaults.
    for (const r of put.body.data) await call(t, 'DELETE', `/api/v1/sharing-rules/${r.id}`, vendor.as);
  });
});

describe('sharing rules API', () => {
  it('upserts by key, lists with the catalogue, deletes; every change audited', async () => {
    const first = await call(t, 'PUT', '/api/v1/sharing-rules', { ...vendor.as, body: { rules: [{ object: 'deal', field: 'amount', mode: 'banded', programId, bandSizeMinor: '2500000' }] } });
    expect(first.status).toBe(200);
    expect(first.body.data).toEqual([expect.objectContaining({ programId, object: 'deal', field: 'amount', audience: '*', mode: 'banded', bandSizeMinor: '2500000' })]);
    const ruleId = first.body.data[0].id;
    const second = await call(t, 'PUT', '/api/v1/sharing-rules', { ...vendor.as, body: { rules: [{ object: 'deal', field: 'amount', mode: 'visible', programId }] } });
    expect(second.body.data).toEqual([expect.objectContaining({ id: ruleId, mode: 'visible', bandSizeMinor: null })]);
    const list = await call(t, 'GET', '/api/v1/sharing-rules', vendor.as);
    const dealCatalog = list.body.catalog.find((c: { object: string }) => c.object === 'deal');
    expect(dealCatalog.alwaysVisible).toEqual(['id', 'name', 'stage', 'closeDate', 'nextStep', 'role']);
    expect(dealCatalog.shareable.find((f: { field: string }) => f.field === 'amount').modes).toContain('banded');
    expect(dealCatalog.shareable.map((f: { field: string }) => f.field)).not.toContain('internalNotes');

    expect((await call(t, 'DELETE', `/api/v1/sharing-rules/${ruleId}`, vendor.as)).status).toBe(204);
    expect((await call(t, 'DELETE', `/api/v1/sharing-rules/${ruleId}`, vendor.as)).status).toBe(404);
    const audits = await t.services.db.select().from(auditEntry).where(eq(auditEntry.entityId, ruleId));
    expect(audits.map((a) => a.action)).toEqual(['sharing_rule.created', 'sharing_rule.updated', 'sharing_rule.deleted']);
  });

  it('rejects fields that cannot be shared, wrong modes and unknown programs (422 per rule)', async () => {
    const foreignProgram = (await call(t, 'POST', '/api/v1/programs', { ...other.as, body: { name: 'Theirs', partnerType: 'referral', currency: 'USD' } })).body.id;
    const res = await call(t, 'PUT', '/api/v1/sharing-rules', {
      ...vendor.as,
      body: {
        rules: [
          { object: 'deal', field: 'internalNotes', mode: 'visible' },
          { object: 'deal', field: 'discountBp', mode: 'visible' },
          { object: 'deal', field: 'nextStep', mode: 'hidden' },
          { object: 'deal', field: 'ownerName', mode: 'banded' },
          { object: 'deal', field: 'accountName', mode: 'visible', bandSizeMinor: '100' },
          { object: 'deal', field: 'amount', mode: 'banded', programId: foreignProgram },
          { object: 'registration', field: 'reviewerName', mode: 'visible', audience: 'wizard' },
          { object: 'contract', field: 'x', mode: 'visible' },
        ],
      },
    });
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['rules.6.audience', 'rules.7.object']);
    const res2 = await call(t, 'PUT', '/api/v1/sharing-rules', {
      ...vendor.as,
      body: {
        rules: [
          { object: 'deal', field: 'internalNotes', mode: 'visible' },
          { object: 'deal', field: 'discountBp', mode: 'visible' },
          { object: 'deal', field: 'nextStep', mode: 'hidden' },
          { object: 'deal', field: 'ownerName', mode: 'banded' },
          { object: 'deal', field: 'accountName', mode: 'visible', bandSizeMinor: '100' },
          { object: 'deal', field: 'amount', mode: 'banded', programId: foreignProgram },
        ],
      },
    });
    expect(res2.status).toBe(422);
    expect(res2.body.errors.map((e: { path: string }) => e.path)).toEqual([
      'rules.0.field',
      'rules.1.field',
      'rules.2.field',
      'rules.3.mode',
      'rules.4.bandSizeMinor',
      'rules.5.programId',
    ]);
    expect((await call(t, 'GET', '/api/v1/sharing-rules', vendor.as)).body.data).toEqual([]);
  });

  it("answers 403 without sharing:manage and 404 for another workspace's rule", async () => {
    const manager = await memberWithRole(t, vendor, 'partner_manager');
    expect((await call(t, 'GET', '/api/v1/sharing-rules', manager.as)).status).toBe(403);
    expect((await call(t, 'PUT', '/api/v1/sharing-rules', { ...manager.as, body: { rules: [{ object: 'deal', field: 'amount', mode: 'visible' }] } })).status).toBe(403);
    const theirs = await call(t, 'PUT', '/api/v1/sharing-rules', { ...other.as, body: { rules: [{ object: 'deal', field: 'amount', mode: 'visible' }] } });
    const theirId = theirs.body.data[0].id;
    expect((await call(t, 'DELETE', `/api/v1/sharing-rules/${theirId}`, vendor.as)).status).toBe(404);
    expect((await call(t, 'DELETE', `/api/v1/sharing-rules/${theirId}`, manager.as)).status).toBe(403);
    // Their rule never applies here.
    const seller = (await call(t, 'GET', `/api/v1/portal/deals/${nwDeal.id}`, { cookie: nwSeller })).body;
    expect(seller).not.toHaveProperty('amount');
  });
});

describe('signed links', () => {
  it('lets the partner view the deal and update only its next step, audited; revoked → 404', async () => {
    const created = await call(t, 'POST', `/api/v1/deals/${nwDeal.id}/signed-links`, { ...vendor.as, body: { partnerId: northwind, expiresInDays: 7 } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ dealId: nwDeal.id, partnerId: northwind, partnerName: 'Northwind', revokedAt: null });
    const url = new URL(created.body.url);
    expect(url.pathname).toMatch(/^\/shared\/deals\/[A-Za-z0-9_-]{20,}$/);
    const token = url.pathname.split('/').pop() as string;
    const [stored] = await t.services.db.select().from(signedLink).where(eq(signedLink.id, created.body.id));
    expect(stored.tokenHash).not.toContain(token);
    expect(stored.tokenHash).toBe(t.services.tokens.hash(token));

    const view = await call(t, 'GET', `/api/v1/shared/deals/${token}`);
    expect(view.status).toBe(200);
    expect(view.body).toEqual({ id: nwDeal.id, name: 'Globex platform', stage: expect.objectContaining({ name: 'Registered' }), closeDate: null, nextStep: 'Send proposal', role: 'sourced' });

    const patched = await call(t, 'PATCH', `/api/v1/shared/deals/${token}`, { body: { nextStep: 'Customer signs Friday' } });
    expect(patched.status).toBe(200);
    expect(patched.body.nextStep).toBe('Customer signs Friday');
    expect((await call(t, 'GET', `/api/v1/deals/${nwDeal.id}`, vendor.as)).body.nextStep).toBe('Customer signs Friday');
    const sneaky = await call(t, 'PATCH', `/api/v1/shared/deals/${token}`, { body: { nextStep: 'x', internalNotes: 'hacked', amount: { amountMinor: '1', currency: 'EUR' } } });
    expect(sneaky.status).toBe(422);
    expect((await call(t, 'GET', `/api/v1/deals/${nwDeal.id}`, vendor.as)).body.internalNotes).toBe('internal: churn risk');

    const audits = await t.services.db.select().from(auditEntry).where(eq(auditEntry.entityId, nwDeal.id));
    const viaLink = audits.filter((a) => a.actorName === 'Signed link for Northwind');
    expect(viaLink.map((a) => a.action).sort()).toEqual(['deal.updated', 'signed_link.viewed']);

    const links = await call(t, 'GET', `/api/v1/deals/${nwDeal.id}/signed-links`, vendor.as);
    expect(links.body.data[0]).toMatchObject({ id: created.body.id, url: created.body.url, lastViewedAt: expect.any(String) });

    expect((await call(t, 'DELETE', `/api/v1/signed-links/${created.body.id}`, vendor.as)).status).toBe(204);
    expect((await call(t, 'GET', `/api/v1/shared/deals/${token}`)).status).toBe(404);
    expect((await call(t, 'PATCH', `/api/v1/shared/deals/${token}`, { body: { nextStep: 'late' } })).status).toBe(404);
    expect((await call(t, 'GET', `/api/v1/deals/${nwDeal.id}/signed-links`, vendor.as)).body.data[0]).toMatchObject({ url: null, revokedAt: expect.any(String) });
  });

  it('expires; refuses uncredited partners (422), foreign deals and links (404), and roles without deals:write (403)', async () => {
    const created = await call(t, 'POST', `/api/v1/deals/${nwDeal.id}/signed-links`, { ...vendor.as, body: { partnerId: northwind } });
    const token = new URL(created.body.url).pathname.split('/').pop() as string;
    await t.services.db.update(signedLink).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(signedLink.id, created.body.id));
    expect((await call(t, 'GET', `/api/v1/shared/deals/${token}`)).status).toBe(404);
    expect((await call(t, 'GET', '/api/v1/shared/deals/not-a-real-token-at-all')).status).toBe(404);

    const uncredited = await call(t, 'POST', `/api/v1/deals/${nwDeal.id}/signed-links`, { ...vendor.as, body: { partnerId: kestrel, expiresInDays: 500 } });
    expect(uncredited.status).toBe(422);
    expect(uncredited.body.errors.map((e: { path: string }) => e.path)).toEqual(['expiresInDays']);
    const uncredited2 = await call(t, 'POST', `/api/v1/deals/${nwDeal.id}/signed-links`, { ...vendor.as, body: { partnerId: kestrel } });
    expect(uncredited2.body.errors.map((e: { path: string }) => e.path)).toEqual(['partnerId']);

    expect((await call(t, 'POST', `/api/v1/deals/${otherDeal.id}/signed-links`, { ...vendor.as, body: { partnerId: northwind } })).status).toBe(404);
    expect((await call(t, 'GET', `/api/v1/deals/${otherDeal.id}/signed-links`, vendor.as)).status).toBe(404);
    const theirs = await call(t, 'POST', `/api/v1/deals/${otherDeal.id}/signed-links`, { ...other.as, body: { partnerId: otherDeal.credits[0].partnerId } });
    expect((await call(t, 'DELETE', `/api/v1/signed-links/${theirs.body.id}`, vendor.as)).status).toBe(404);

    const analyst = await memberWithRole(t, vendor, 'analyst');
    expect((await call(t, 'POST', `/api/v1/deals/${nwDeal.id}/signed-links`, { ...analyst.as, body: { partnerId: northwind } })).status).toBe(403);
    expect((await call(t, 'DELETE', `/api/v1/signed-links/${created.body.id}`, analyst.as)).status).toBe(403);

    // A partner whose credit is removed loses the link.
    const live = await call(t, 'POST', `/api/v1/deals/${kDeal.id}/signed-links`, { ...vendor.as, body: { partnerId: kestrel } });
    const liveToken = new URL(live.body.url).pathname.split('/').pop() as string;
    expect((await call(t, 'GET', `/api/v1/shared/deals/${liveToken}`)).status).toBe(200);
    await call(t, 'PUT', `/api/v1/deals/${kDeal.id}/credits`, { ...vendor.as, body: { credits: [{ partnerId: northwind, role: 'sourced', shareBp: 10000 }] } });
    expect((await call(t, 'GET', `/api/v1/shared/deals/${liveToken}`)).status).toBe(404);
    const [a] = await t.services.db.select().from(auditEntry).where(and(eq(auditEntry.entityId, kDeal.id), eq(auditEntry.action, 'signed_link.created')));
    expect(a).toBeDefined();
  });

  it('rate-limits the public link', async () => {
    const limited = await createTestApp({ rateLimits: { signIn: 1000, magicLink: 1000, publicLinks: 3 } });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) codes.push((await call(limited, 'GET', '/api/v1/shared/deals/not-a-real-token-at-all')).status);
      expect(codes).toEqual([404, 404, 404, 429, 429]);
    } finally {
      await limited.close();
    }
  });
});
