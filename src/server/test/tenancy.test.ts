import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDeal, partnerUser } from '../modules/deals/test-fixtures.ts';
import { registrationFixtures } from '../modules/registrations/test-fixtures.ts';
import { payoutFixture } from '../modules/payouts/testing/fixtures.ts';
import { payoutDispute } from '../modules/payouts/schema.ts';
import { newId } from '../platform/ids.ts';
import { billingFixtures } from '../modules/billing/test-corpus.ts';
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
  'PATCH /api/v1/enrollments/{id}': { tierId: null },
  'GET /api/v1/programs/{id}/tiers': undefined,
  'POST /api/v1/programs/{id}/tiers': { name: 'Platinum' },
  'PATCH /api/v1/tiers/{id}': { name: 'Renamed' },
  'DELETE /api/v1/tiers/{id}': undefined,
  'GET /api/v1/partners/{id}/users': undefined,
  'POST /api/v1/partners/{id}/users': { email: 'someone@example.com', name: 'Someone', role: 'seller' },
  'GET /api/v1/partner-imports/{id}': undefined,
  'POST /api/v1/partner-imports/{id}/commit': { mode: 'valid_only' },
  'POST /api/v1/partner-imports/{id}/discard': undefined,
  'GET /api/v1/mail-outbox/{id}': undefined,
  'GET /api/v1/accounts/{id}': undefined,
  'PATCH /api/v1/accounts/{id}': { name: 'Renamed' },
  'GET /api/v1/accounts/{id}/contacts': undefined,
  'POST /api/v1/accounts/{id}/contacts': { name: 'Someone' },
  'GET /api/v1/programs/{id}/registration-policy': undefined,
  'PUT /api/v1/programs/{id}/registration-policy': { protectionDays: 30 },
  'GET /api/v1/registrations/{id}': undefined,
  'POST /api/v1/registrations/{id}/approve': {},
  'POST /api/v1/registrations/{id}/reject': { reason: 'x' },
  'POST /api/v1/registrations/{id}/request-info': { message: 'x' },
  'POST /api/v1/registration-extensions/{id}/approve': {},
  'POST /api/v1/registration-extensions/{id}/reject': {},
  'GET /api/v1/conflicts/{id}': undefined,
  'PATCH /api/v1/conflicts/{id}': { ownerMemberId: null },
  'POST /api/v1/conflicts/{id}/resolve': { resolution: 'x' },
  'POST /api/v1/conflicts/{id}/escalate': {},
  'GET /api/v1/partners/{id}/registration-links': undefined,
  'POST /api/v1/partners/{id}/registration-links': { programId: '$program' },
  'DELETE /api/v1/registration-links/{id}': undefined,
  'GET /api/v1/pipelines/{id}': undefined,
  'PATCH /api/v1/pipelines/{id}/stages': {
    stages: [
      { name: 'Open', winProbabilityBp: 1000 },
      { name: 'Won', winProbabilityBp: 10000, kind: 'won' },
      { name: 'Lost', winProbabilityBp: 0, kind: 'lost' },
    ],
  },
  'GET /api/v1/deals/{id}': undefined,
  'PATCH /api/v1/deals/{id}': { nextStep: 'x' },
  'POST /api/v1/deals/{id}/stage': { stageId: 'stg_x' },
  'PUT /api/v1/deals/{id}/credits': { credits: [] },
  'POST /api/v1/deals/{id}/signed-links': { partnerId: 'ptr_x' },
  'GET /api/v1/deals/{id}/signed-links': undefined,
  'DELETE /api/v1/signed-links/{id}': undefined,
  'DELETE /api/v1/sharing-rules/{id}': undefined,
  'GET /api/v1/programs/{id}/payout-schedule': undefined,
  'PUT /api/v1/programs/{id}/payout-schedule': { cadence: 'weekly', weekday: 1, threshold: { amountMinor: '0', currency: 'USD' } },
  'GET /api/v1/partners/{id}/payout-method': undefined,
  'GET /api/v1/partners/{id}/tax-profile': undefined,
  'GET /api/v1/payout-runs/{id}': undefined,
  'POST /api/v1/payout-runs/{id}/approve': undefined,
  'POST /api/v1/payout-runs/{id}/execute': undefined,
  'POST /api/v1/payout-runs/{id}/cancel': undefined,
  'GET /api/v1/payout-runs/{id}/bank-file': undefined,
  'GET /api/v1/payouts/{id}': undefined,
  'POST /api/v1/payouts/{id}/retry': undefined,
  'POST /api/v1/payouts/{id}/refresh': undefined,
  'POST /api/v1/payouts/{id}/mark-paid': { reference: 'x' },
  'POST /api/v1/payouts/{id}/cancel': undefined,
  'GET /api/v1/payouts/{id}/statement.csv': undefined,
  'GET /api/v1/payouts/{id}/statement.pdf': undefined,
  'GET /api/v1/payout-disputes/{id}': undefined,
  'POST /api/v1/payout-disputes/{id}/resolve': { resolution: 'Owed', adjustment: { amountMinor: '100', currency: 'USD' } },
  'POST /api/v1/payout-disputes/{id}/reject': { resolution: 'Not owed' },
  'GET /api/v1/links/{id}': undefined,
  'PATCH /api/v1/links/{id}': { name: 'Renamed' },
  'GET /api/v1/links/{id}/analytics': undefined,
  'GET /api/v1/programs/{id}/tracking-settings': undefined,
  'PUT /api/v1/programs/{id}/tracking-settings': { attributionWindowDays: 30 },
  'GET /api/v1/conversions/{id}': undefined,
  'POST /api/v1/conversions/{id}/attribute': { partnerId: 'ptr_x' },
  'GET /api/v1/billing-endpoints/{id}': undefined,
  'PATCH /api/v1/billing-endpoints/{id}': { name: 'Renamed' },
  'DELETE /api/v1/billing-endpoints/{id}': undefined,
  'POST /api/v1/billing-endpoints/{id}/rotate-secret': {},
  'GET /api/v1/billing-events/{id}': undefined,
  'GET /api/v1/commission-plans/{id}': undefined,
  'PATCH /api/v1/commission-plans/{id}': { name: 'Renamed' },
  'POST /api/v1/commission-plans/{id}/activate': undefined,
  'DELETE /api/v1/commission-plans/{id}': undefined,
  'GET /api/v1/commission-entries/{id}': undefined,
  'POST /api/v1/commission-entries/{id}/approve': {},
  'POST /api/v1/commission-entries/{id}/hold': { reason: 'Looks odd' },
  'POST /api/v1/commission-entries/{id}/reverse': { reason: 'Looks odd' },
};

/** Partner-scoped routes with an id: another partner's (or workspace's) record answers 404. */
const PORTAL_SAMPLE_BODIES: Record<string, unknown> = {
  'GET /api/v1/portal/registrations/{id}': undefined,
  'POST /api/v1/portal/registrations/{id}/extensions': { reason: 'More time' },
  'POST /api/v1/portal/registrations/{id}/respond': { message: 'Here you go' },
  'GET /api/v1/portal/programs/{id}/registration-form': undefined,
  'GET /api/v1/portal/programs/{id}/rules-of-engagement': undefined,
  'GET /api/v1/portal/deals/{id}': undefined,
  'GET /api/v1/portal/payouts/{id}/lines': undefined,
  'GET /api/v1/portal/payouts/{id}/statement.csv': undefined,
  'GET /api/v1/portal/payouts/{id}/statement.pdf': undefined,
  'POST /api/v1/portal/payouts/{id}/disputes': { reason: 'other', message: 'Something is wrong here' },
  'GET /api/v1/portal/links/{id}/analytics': undefined,
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
  bIds.tiers = (await call(t, 'POST', `/api/v1/programs/${bIds.programs}/tiers`, { ...b.as, body: { name: 'Gold' } })).body.id;
  bIds.enrollments = (await call(t, 'POST', `/api/v1/partners/${bIds.partners}/enrollments`, { ...b.as, body: { programId: bIds.programs, tierId: bIds.tiers } })).body.id;
  bIds.links = (await call(t, 'POST', '/api/v1/links', { ...b.as, body: { partnerId: bIds.partners, programId: bIds.programs, destinationUrl: 'https://b.example' } })).body.id;
  bIds.conversions = (await call(t, 'POST', '/api/v1/track/lead', { ...b.as, body: { customer: { externalId: 'b-customer' } } })).body.conversion.id;
  bIds['commission-plans'] = (await call(t, 'POST', '/api/v1/commission-plans', { ...b.as, body: { programId: bIds.programs, document: {} } })).body.id;
  bIds['commission-entries'] = (
    await call(t, 'POST', '/api/v1/commission-entries', { ...b.as, body: { partnerId: bIds.partners, programId: bIds.programs, amount: { amountMinor: '100', currency: 'USD' }, reason: 'B bonus' } })
  ).body.id;
  bIds['partner-imports'] = (await call(t, 'POST', '/api/v1/partner-imports', { ...b.as, body: { csv: 'name,type\nZed,agency\n' } })).body.id;
  await t.services.bus.drain();
  const outbox = await call(t, 'GET', '/api/v1/mail-outbox', b.as);
  bIds['mail-outbox'] = outbox.body.data[0].id;
  bIds.accounts = (await call(t, 'POST', '/api/v1/accounts', { ...b.as, body: { name: 'B customer' } })).body.id;
  const registrations = await registrationFixtures(t, b.as, b.workspaceId);
  for (const key of ['registrations', 'conflicts', 'registration-extensions', 'registration-links']) bIds[key] = registrations[key];
  bRegistrationProgram = registrations.programs;
  bIds.pipelines = (await call(t, 'GET', '/api/v1/pipelines', b.as)).body.data[0].id;
  bIds.deals = (
    await makeDeal(t, b.as, { name: 'B deal', account: { name: 'B deal customer' }, credits: [{ partnerId: bIds.partners, role: 'sourced', shareBp: 10000 }] })
  ).id;
  bIds['signed-links'] = (await call(t, 'POST', `/api/v1/deals/${bIds.deals}/signed-links`, { ...b.as, body: { partnerId: bIds.partners } })).body.id;
  const bPayout = await payoutFixture(t, b.as, { workspaceId: b.workspaceId, programId: bIds.programs, partnerId: bIds.partners }, true);
  bIds['payout-runs'] = bPayout.runId;
  bIds.payouts = bPayout.payoutId;
  bIds['payout-disputes'] = newId('payoutDispute');
  await t.services.db.insert(payoutDispute).values({
    id: bIds['payout-disputes'],
    workspaceId: b.workspaceId,
    payoutId: bPayout.payoutId,
    partnerId: bIds.partners,
    reason: 'other',
    message: 'B partner disputes its statement',
    status: 'open',
    openedByName: 'PU',
  });
  Object.assign(bIds, await billingFixtures(t, (path, body) => call(t, 'POST', path, { ...b.as, body })));
  bIds['sharing-rules'] = (await call(t, 'PUT', '/api/v1/sharing-rules', { ...b.as, body: { rules: [{ object: 'deal', field: 'amount', mode: 'banded' }] } })).body.data[0].id;
});
let bRegistrationProgram = '';
afterAll(async () => {
  await t.close();
});

describe('tenancy', () => {
  it('covers every route that takes an id', async () => {
    const doc = (await (await t.app.request('/api/openapi.json')).json()) as any;
    const withIds = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
      .filter(([path]) => path.includes('{id}') && !path.includes('/portal/'))
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
    const lists = ['/api/v1/partners', '/api/v1/programs', '/api/v1/members', '/api/v1/invitations', '/api/v1/api-keys', '/api/v1/audit-entries', '/api/v1/mail-outbox'];
    lists.push('/api/v1/accounts', '/api/v1/registrations', '/api/v1/conflicts', '/api/v1/pipelines', '/api/v1/deals', '/api/v1/sharing-rules');
    lists.push('/api/v1/metrics/partner-performance?groupBy=partner');
    lists.push('/api/v1/commission-plans', '/api/v1/commission-entries');
    lists.push('/api/v1/billing-endpoints', '/api/v1/billing-events');
    lists.push('/api/v1/links', '/api/v1/conversions', '/api/v1/tracking/analytics/partners');
    for (const path of lists) {
      const res = await call(t, 'GET', path, a.as);
      expect(res.status).toBe(200);
      for (const id of Object.values(bIds)) expect(JSON.stringify(res.body), path).not.toContain(id);
    }
  });
});

describe('partner scope', () => {
  it('covers every portal route that takes an id', async () => {
    const doc = (await (await t.app.request('/api/openapi.json')).json()) as any;
    const withIds = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
      .filter(([path]) => path.includes('{id}') && path.includes('/portal/'))
      .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    expect(withIds.sort()).toEqual(Object.keys(PORTAL_SAMPLE_BODIES).sort());
  });

  it("answers 404 for another workspace's and another partner's records", async () => {
    // A partner user of workspace A, and a second partner of A with its own registration and deal.
    const mine = (await call(t, 'POST', '/api/v1/partners', { ...a.as, body: { name: 'A partner', type: 'reseller' } })).body.id;
    await call(t, 'POST', `/api/v1/partners/${mine}/enrollments`, { ...a.as, body: { programId: aProgram } });
    const user = await partnerUser(t, a.as, mine, 'admin');
    const aFixtures = await registrationFixtures(t, a.as, a.workspaceId);
    const otherPartnerDeal = (
      await makeDeal(t, a.as, { name: 'Other partner deal', account: { name: 'Other customer' }, credits: [{ partnerId: aFixtures.partners, role: 'sourced', shareBp: 10000 }] })
    ).id;
    const foreign: Record<string, string[]> = {
      registrations: [bIds.registrations, aFixtures.registrations],
      programs: [bRegistrationProgram, aFixtures.programs],
      deals: [bIds.deals, otherPartnerDeal],
      payouts: [bIds.payouts, (await payoutFixture(t, a.as, { workspaceId: a.workspaceId, programId: aFixtures.programs, partnerId: aFixtures.partners }, true)).payoutId],
      links: [bIds.links, (await call(t, 'POST', '/api/v1/links', { ...a.as, body: { partnerId: aFixtures.partners, programId: aFixtures.programs, destinationUrl: 'https://a.example' } })).body.id],
    };
    for (const [route, body] of Object.entries(PORTAL_SAMPLE_BODIES)) {
      const [method, path] = route.split(' ');
      for (const id of foreign[path.split('/')[4]]) {
        const res = await call(t, method, path.replace('{id}', id), { cookie: user.cookie, body });
        expect(res.status, `${route} with ${id}: ${JSON.stringify(res.body)}`).toBe(404);
      }
    }
  });
});
