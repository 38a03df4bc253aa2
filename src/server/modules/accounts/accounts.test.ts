import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEntry } from '../../platform/schema.ts';
import { type TestApp, apiKeyFor, call, createTestApp, memberWithRole, ownerWithWorkspace } from '../../test/harness.ts';
import { upsertAccount } from './service.ts';

let t: TestApp;
let owner: Awaited<ReturnType<typeof ownerWithWorkspace>>;
let other: Awaited<ReturnType<typeof ownerWithWorkspace>>;
let partnerId: string;
let otherPartnerId: string;

beforeAll(async () => {
  t = await createTestApp();
  owner = await ownerWithWorkspace(t, 'Accounts Co');
  other = await ownerWithWorkspace(t, 'Elsewhere Inc');
  partnerId = (await call(t, 'POST', '/api/v1/partners', { ...owner.as, body: { name: 'Kestrel Integrators', type: 'reseller' } })).body.id;
  otherPartnerId = (await call(t, 'POST', '/api/v1/partners', { ...other.as, body: { name: 'Foreign Partner', type: 'reseller' } })).body.id;
});
afterAll(async () => {
  await t.close();
});

const auditActions = async (workspaceId: string, entityId: string) =>
  (await t.services.db.select().from(auditEntry).where(and(eq(auditEntry.workspaceId, workspaceId), eq(auditEntry.entityId, entityId)))).map((a) => a.action);

describe('accounts API', () => {
  it('creates an account with a normalized domain and match name, audited; 409 with existingId on a duplicate domain', async () => {
    const created = await call(t, 'POST', '/api/v1/accounts', {
      ...owner.as,
      body: { name: 'Sony Europa, B.V.,', domain: 'https://WWW.Sony.eu/about', country: 'nl', incumbentPartnerId: partnerId },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: expect.stringMatching(/^acct_/),
      name: 'Sony Europa, B.V.,',
      matchName: 'sony europa',
      domain: 'sony.eu',
      country: 'NL',
      incumbentPartnerId: partnerId,
      incumbentPartnerName: 'Kestrel Integrators',
    });
    expect(await auditActions(owner.workspaceId, created.body.id)).toEqual(['account.created']);

    const dup = await call(t, 'POST', '/api/v1/accounts', { ...owner.as, body: { name: 'Sony again', domain: 'sony.eu' } });
    expect(dup.status).toBe(409);
    expect(dup.body.existingId).toBe(created.body.id);
    // The same domain in another workspace is fine.
    expect((await call(t, 'POST', '/api/v1/accounts', { ...other.as, body: { name: 'Sony', domain: 'sony.eu' } })).status).toBe(201);
  });

  it('reports every invalid field (422)', async () => {
    const res = await call(t, 'POST', '/api/v1/accounts', { ...owner.as, body: { name: '', country: 'Narnia', incumbentPartnerId: 42 } });
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['country', 'incumbentPartnerId', 'name']);
    const badDomain = await call(t, 'POST', '/api/v1/accounts', { ...owner.as, body: { name: 'X', domain: 'not a domain' } });
    expect(badDomain.status).toBe(422);
    expect(badDomain.body.errors).toEqual([{ path: 'domain', message: 'is not a valid website or domain' }]);
    const foreignPartner = await call(t, 'POST', '/api/v1/accounts', { ...owner.as, body: { name: 'Y', incumbentPartnerId: otherPartnerId } });
    expect(foreignPartner.status).toBe(422);
    expect(foreignPartner.body.errors[0].path).toBe('incumbentPartnerId');
    const contact = await call(t, 'POST', '/api/v1/accounts', { ...owner.as, body: { name: 'Z Corp' } });
    const badContact = await call(t, 'POST', `/api/v1/accounts/${contact.body.id}/contacts`, { ...owner.as, body: { name: '', email: 'nope' } });
    expect(badContact.status).toBe(422);
    expect(badContact.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['email', 'name']);
  });

  it('updates name (and match name), domain, country and incumbent; audits the diff; 409 on a taken domain', async () => {
    const a = await call(t, 'POST', '/api/v1/accounts', { ...owner.as, body: { name: 'Gist Brocades', domain: 'gist.example' } });
    const b = await call(t, 'POST', '/api/v1/accounts', { ...owner.as, body: { name: 'Other Co', domain: 'other-co.example' } });
    const updated = await call(t, 'PATCH', `/api/v1/accounts/${a.body.id}`, {
      ...owner.as,
      body: { name: 'GIST - BROCADES N.V.', domain: 'www.gist-brocades.example', country: 'NL', incumbentPartnerId: partnerId },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ name: 'GIST - BROCADES N.V.', matchName: 'gist brocades', domain: 'gist-brocades.example', country: 'NL', incumbentPartnerId: partnerId });
    const cleared = await call(t, 'PATCH', `/api/v1/accounts/${a.body.id}`, { ...owner.as, body: { incumbentPartnerId: null, domain: null } });
    expect(cleared.body).toMatchObject({ incumbentPartnerId: null, incumbentPartnerName: null, domain: null });
    expect(await auditActions(owner.workspaceId, a.body.id)).toEqual(['account.created', 'account.updated', 'account.updated']);

    const taken = await call(t, 'PATCH', `/api/v1/accounts/${a.body.id}`, { ...owner.as, body: { domain: 'other-co.example' } });
    expect(taken.status).toBe(409);
    expect(taken.body.existingId).toBe(b.body.id);
    const foreign = await call(t, 'PATCH', `/api/v1/accounts/${a.body.id}`, { ...owner.as, body: { incumbentPartnerId: otherPartnerId } });
    expect(foreign.status).toBe(422);
    const bad = await call(t, 'PATCH', `/api/v1/accounts/${a.body.id}`, { ...owner.as, body: { name: '', country: 'XX' } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['country', 'name']);
  });

  it('searches by name or domain and pages by name with a cursor', async () => {
    const ws = await ownerWithWorkspace(t, 'Paging Co');
    for (const name of ['Delta', 'alpha', 'Charlie', 'Bravo', 'Echo']) {
      await call(t, 'POST', '/api/v1/accounts', { ...ws.as, body: { name, domain: `${name.toLowerCase()}-corp.example` } });
    }
    const page1 = await call(t, 'GET', '/api/v1/accounts?limit=2', ws.as);
    expect(page1.body.data.map((a: { name: string }) => a.name)).toEqual(['Bravo', 'Charlie']);
    const page2 = await call(t, 'GET', `/api/v1/accounts?limit=2&cursor=${page1.body.nextCursor}`, ws.as);
    expect(page2.body.data.map((a: { name: string }) => a.name)).toEqual(['Delta', 'Echo']);
    const page3 = await call(t, 'GET', `/api/v1/accounts?limit=2&cursor=${page2.body.nextCursor}`, ws.as);
    expect(page3.body).toEqual({ data: [expect.objectContaining({ name: 'alpha' })], nextCursor: null });
    expect((await call(t, 'GET', '/api/v1/accounts?q=char', ws.as)).body.data.map((a: { name: string }) => a.name)).toEqual(['Charlie']);
    expect((await call(t, 'GET', '/api/v1/accounts?q=echo-corp', ws.as)).body.data.map((a: { name: string }) => a.name)).toEqual(['Echo']);
    expect((await call(t, 'GET', '/api/v1/accounts?q=100%25', ws.as)).body.data).toEqual([]);
    expect((await call(t, 'GET', '/api/v1/accounts?cursor=garbage', ws.as)).status).toBe(422);
    expect((await call(t, 'GET', '/api/v1/accounts?limit=0', ws.as)).status).toBe(422);
  });

  it('adds and lists contacts, audited', async () => {
    const a = await call(t, 'POST', '/api/v1/accounts', { ...owner.as, body: { name: 'Contact Holder' } });
    const c = await call(t, 'POST', `/api/v1/accounts/${a.body.id}/contacts`, {
      ...owner.as,
      body: { name: 'Ada Buyer', email: 'Ada@Buyer.Example', phone: '+31 20 123 4567', title: 'CIO' },
    });
    expect(c.status).toBe(201);
    expect(c.body).toMatchObject({ id: expect.stringMatching(/^con_/), accountId: a.body.id, email: 'ada@buyer.example', title: 'CIO' });
    const list = await call(t, 'GET', `/api/v1/accounts/${a.body.id}/contacts`, owner.as);
    expect(list.body).toEqual({ data: [c.body], nextCursor: null });
    expect(await auditActions(owner.workspaceId, c.body.id)).toEqual(['contact.created']);
  });

  it("answers 404 for another workspace's account on every route, for sessions and API keys", async () => {
    const foreign = await call(t, 'POST', '/api/v1/accounts', { ...other.as, body: { name: 'Foreign Customer' } });
    const key = await apiKeyFor(t, owner);
    for (const caller of [owner.as, { apiKey: key }]) {
      expect((await call(t, 'GET', `/api/v1/accounts/${foreign.body.id}`, caller)).status).toBe(404);
      expect((await call(t, 'PATCH', `/api/v1/accounts/${foreign.body.id}`, { ...caller, body: { name: 'Mine now' } })).status).toBe(404);
      expect((await call(t, 'GET', `/api/v1/accounts/${foreign.body.id}/contacts`, caller)).status).toBe(404);
      expect((await call(t, 'POST', `/api/v1/accounts/${foreign.body.id}/contacts`, { ...caller, body: { name: 'Spy' } })).status).toBe(404);
    }
    const list = await call(t, 'GET', '/api/v1/accounts?q=Foreign', owner.as);
    expect(list.body.data).toEqual([]);
  });

  it('lets read-only roles read but not write (403)', async () => {
    const a = await call(t, 'POST', '/api/v1/accounts', { ...owner.as, body: { name: 'Read Only Target' } });
    for (const role of ['finance', 'marketing', 'analyst']) {
      const m = await memberWithRole(t, owner, role);
      expect((await call(t, 'GET', '/api/v1/accounts', m.as)).status).toBe(200);
      expect((await call(t, 'GET', `/api/v1/accounts/${a.body.id}`, m.as)).status).toBe(200);
      expect((await call(t, 'GET', `/api/v1/accounts/${a.body.id}/contacts`, m.as)).status).toBe(200);
      expect((await call(t, 'POST', '/api/v1/accounts', { ...m.as, body: { name: `By ${role}` } })).status).toBe(403);
      expect((await call(t, 'PATCH', `/api/v1/accounts/${a.body.id}`, { ...m.as, body: { name: 'x' } })).status).toBe(403);
      expect((await call(t, 'POST', `/api/v1/accounts/${a.body.id}/contacts`, { ...m.as, body: { name: 'x' } })).status).toBe(403);
    }
    const sales = await memberWithRole(t, owner, 'sales');
    expect((await call(t, 'POST', '/api/v1/accounts', { ...sales.as, body: { name: 'By sales' } })).status).toBe(201);
  });
});

describe('upsertAccount', () => {
  it('finds by domain, else by exact normalized name (filling a missing domain), else creates', async () => {
    const ws = owner.workspaceId;
    const db = t.services.db;
    const first = await db.transaction((tx) => upsertAccount(tx, ws, { name: 'Hunter Douglas Industries B.V.', domain: null, country: null }));
    expect(first).toMatchObject({ matchName: 'hunter douglas industries', domain: null });
    const byName = await db.transaction((tx) => upsertAccount(tx, ws, { name: '* HUNTER DOUGLAS INDUSTRIES B V', domain: 'https://www.hunterdouglas.example', country: 'NL' }));
    expect(byName).toMatchObject({ id: first.id, domain: 'hunterdouglas.example', country: 'NL' });
    const byDomain = await db.transaction((tx) => upsertAccount(tx, ws, { name: 'Totally different name', domain: 'HUNTERDOUGLAS.example', country: null }));
    expect(byDomain.id).toBe(first.id);
    const fresh = await db.transaction((tx) => upsertAccount(tx, ws, { name: 'Hunter Douglas Switzerland', domain: null, country: 'CH' }));
    expect(fresh.id).not.toBe(first.id);
    // Other workspaces never match.
    const elsewhere = await db.transaction((tx) => upsertAccount(tx, other.workspaceId, { name: 'Hunter Douglas Industries BV', domain: 'hunterdouglas.example', country: null }));
    expect(elsewhere.id).not.toBe(first.id);
    await expect(db.transaction((tx) => upsertAccount(tx, ws, { name: 'Bad', domain: 'not a domain', country: null }))).rejects.toMatchObject({
      code: 'validation_failed',
      fieldErrors: [{ path: 'accountDomain', message: 'is not a valid website or domain' }],
    });
  });
});
