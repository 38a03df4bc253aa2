import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, apiKeyFor, call, createTestApp, memberWithRole, ownerWithWorkspace } from './harness.ts';

/**
 * Proves, for every API route that takes an id, that an id from another workspace answers
 * 404 — as if it did not exist — for a session and for an API key. A new route with an id
 * must be added to SAMPLE_BODIES (or this test fails), so tenancy is checked by default.
 */
const SAMPLE_BODIES: Record<string, unknown> = {
  'PATCH /api/v1/members/{id}': { role: 'analyst' },
  'DELETE /api/v1/members/{id}': undefined,
  'DELETE /api/v1/invitations/{id}': undefined,
  'DELETE /api/v1/api-keys/{id}': undefined,
  'GET /api/v1/programs/{id}': undefined,
  'PATCH /api/v1/programs/{id}': { name: 'Renamed' },
  'GET /api/v1/partners/{id}': undefined,
  'PATCH /api/v1/partners/{id}': { name: 'Renamed' },
  'GET /api/v1/partners/{id}/enrollments': undefined,
  'POST /api/v1/partners/{id}/enrollments': { programId: '$program' },
  'GET /api/v1/partners/{id}/users': undefined,
  'POST /api/v1/partners/{id}/users': { email: 'someone@example.com', name: 'Someone', role: 'seller' },
  'GET /api/v1/partner-imports/{id}': undefined,
  'POST /api/v1/partner-imports/{id}/commit': { mode: 'valid_only' },
  'POST /api/v1/partner-imports/{id}/discard': undefined,
  'GET /api/v1/mail-outbox/{id}': undefined,
};

/** Which of workspace B's records an `{id}` in this path refers to. */
function resourceOf(path: string): string {
  const segment = path.split('/')[3];
  return segment;
}

let t: TestApp;
let a: Awaited<ReturnType<typeof ownerWithWorkspace>>;
let aKey: string;
const bIds: Record<string, string> = {};
let aProgram: string;

beforeAll(async () => {
  t = await createTestApp();
  a = await ownerWithWorkspace(t, 'Tenant A');
  aKey = await apiKeyFor(t, a, 'owner');
  aProgram = (await call(t, 'POST', '/api/v1/programs', { ...a.as, body: { name: 'A program', partnerType: 'referral', currency: 'USD' } })).body.id;

  const b = await ownerWithWorkspace(t, 'Tenant B');
  await memberWithRole(t, b, 'sales');
  const members = await call(t, 'GET', '/api/v1/members', b.as);
  bIds.members = members.body.data[1].id;
  bIds.invitations = (await call(t, 'POST', '/api/v1/invitations', { ...b.as, body: { email: 'x@b.example', role: 'sales' } })).body.id;
  bIds['api-keys'] = (await call(t, 'POST', '/api/v1/api-keys', { ...b.as, body: { name: 'k', role: 'admin' } })).body.apiKey.id;
  bIds.programs = (await call(t, 'POST', '/api/v1/programs', { ...b.as, body: { name: 'B program', partnerType: 'referral', currency: 'USD' } })).body.id;
  bIds.partners = (await call(t, 'POST', '/api/v1/partners', { ...b.as, body: { name: 'B partner', type: 'referral' } })).body.id;
  await call(t, 'POST', `/api/v1/partners/${bIds.partners}/users`, { ...b.as, body: { email: 'pu@b.example', name: 'PU', role: 'admin' } });
  bIds['partner-imports'] = (await call(t, 'POST', '/api/v1/partner-imports', { ...b.as, body: { csv: 'name,type\nZed,agency\n' } })).body.id;
  await t.services.bus.drain();
  const outbox = await call(t, 'GET', '/api/v1/mail-outbox', b.as);
  bIds['mail-outbox'] = outbox.body.data[0].id;
});
afterAll(async () => {
  await t.close();
});

describe('tenancy', () => {
  it('covers every route that takes an id', async () => {
    const doc = (await (await t.app.request('/api/openapi.json')).json()) as any;
    const withIds = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
      .filter(([path]) => path.includes('{id}'))
      .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} /api/v1${path.replace('/api/v1', '')}`));
    expect(withIds.sort()).toEqual(Object.keys(SAMPLE_BODIES).sort());
  });

  for (const [route, body] of Object.entries(SAMPLE_BODIES)) {
    it(`${route} answers 404 for another workspace's id`, async () => {
      const [method, path] = route.split(' ');
      const id = bIds[resourceOf(path)];
      expect(id, `fixture for ${resourceOf(path)}`).toBeTruthy();
      const url = path.replace('{id}', id);
      const payload = body && typeof body === 'object' && 'programId' in body ? { programId: aProgram } : body;
      for (const caller of [a.as, { apiKey: aKey }]) {
        const res = await call(t, method, url, { ...caller, body: payload });
        expect(res.status, `${route} as ${'apiKey' in caller ? 'API key' : 'session'}: ${JSON.stringify(res.body)}`).toBe(404);
        expect(JSON.stringify(res.body)).not.toContain('B partner');
      }
    });
  }

  it('never lists another workspace\u2019s records', async () => {
    for (const path of ['/api/v1/partners', '/api/v1/programs', '/api/v1/members', '/api/v1/invitations', '/api/v1/api-keys', '/api/v1/audit-entries', '/api/v1/mail-outbox']) {
      const res = await call(t, 'GET', path, a.as);
      expect(res.status).toBe(200);
      for (const id of Object.values(bIds)) expect(JSON.stringify(res.body), path).not.toContain(id);
    }
  });
});
