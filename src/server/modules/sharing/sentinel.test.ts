import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../platform/ids.ts';
import { type CallResult, type TestApp, call, createTestApp, ownerWithWorkspace, signUp } from '../../test/harness.ts';
import { account } from '../accounts/schema.ts';
import { deal } from '../deals/schema.ts';
import { memberIdOfUser } from '../deals/service.ts';
import { insertRegistration, makeDeal, makePartner, partnerUser, stageIds } from '../deals/test-fixtures.ts';
import { conflict, registration } from '../registrations/schema.ts';

/**
 * The leak test: every field a partner must never see holds a unique sentinel string, and
 * no partner-facing response (portal, signed-link view, public form) may contain any of
 * them — with no sharing rules, and again with rules that share, mask and band fields.
 */
const RUN = randomBytes(4).toString('hex');
const sentinels: Record<string, string> = {};
const S = (field: string) => {
  sentinels[field] = `SENTINEL-${field}-${RUN}`;
  return sentinels[field];
};
/** Numeric hidden fields cannot hold a string: their keys must not appear at all. */
const HIDDEN_KEYS = ['internalNotes', 'discountBp', 'discount', 'credits', 'reviewerMemberId', 'decidedByMemberId', 'ownerMemberId', 'tags', 'managerMemberId', 'managerName', 'conflicts', 'slaBreachedAt', 'remindersSent'];

let t: TestApp;
let vendor: Awaited<ReturnType<typeof ownerWithWorkspace>>;
let partnerCookie: string;
let sellerCookie: string;
let programId: string;
let myDeals: string[] = [];
let otherDealId: string;
let myRegistrationIds: string[] = [];
let otherRegistrationId: string;
let signedToken: string;
let formToken: string | null = null;

async function sentinelMember(name: string, email: string, role: string): Promise<string> {
  const user = await signUp(t, { name, email });
  const inv = await call(t, 'POST', '/api/v1/invitations', { ...vendor.as, body: { email: user.email, role } });
  await call(t, 'POST', `/api/v1/invitations/by-token/${t.services.tokens.derive('invitation', inv.body.id)}/accept`, { cookie: user.cookie });
  return (await memberIdOfUser(t.services.db, vendor.workspaceId, user.userId)) as string;
}

beforeAll(async () => {
  t = await createTestApp();
  vendor = await ownerWithWorkspace(t, 'Sentinel Vendor');
  const db = t.services.db;
  const ws = vendor.workspaceId;
  programId = (await call(t, 'POST', '/api/v1/programs', { ...vendor.as, body: { name: 'Resellers', partnerType: 'reseller', currency: 'EUR', status: 'active', terms: 'Public terms' } })).body.id;
  const stages = await stageIds(t, vendor.as);

  // Internal people: the deal owner, the reviewer and the partner manager.
  const ownerMember = await sentinelMember(S('ownerName'), `${S('ownerEmail').toLowerCase()}@example.com`, 'sales');
  const reviewerMember = await sentinelMember(S('reviewerName'), `${S('reviewerEmail').toLowerCase()}@example.com`, 'partner_manager');
  const managerMember = await sentinelMember(S('managerName'), `${S('managerEmail').toLowerCase()}@example.com`, 'partner_manager');

  // The partner under test, with internal tags and an internal manager.
  const mine = await makePartner(t, vendor.as, 'Northwind', programId);
  await call(t, 'PATCH', `/api/v1/partners/${mine}`, { ...vendor.as, body: { tags: [S('tag').toLowerCase()], managerMemberId: managerMember } });
  const rival = await makePartner(t, vendor.as, S('otherPartnerName'), programId);
  partnerCookie = (await partnerUser(t, vendor.as, mine, 'admin', 'Priya Partner')).cookie;
  sellerCookie = (await partnerUser(t, vendor.as, mine, 'seller', 'Sam Seller')).cookie;
  await partnerUser(t, vendor.as, rival, 'admin', S('otherPartnerUser'));

  // Registrations: ours with every internal field filled, and the rival's on the same account.
  const decided = new Date(Date.now() - 3600_000);
  const ownReg = await insertRegistration(db, {
    workspaceId: ws,
    programId,
    partnerId: mine,
    accountName: 'Globex',
    accountDomain: 'globex.example',
    status: 'approved',
    extra: {
      internalNotes: S('registrationInternalNotes'),
      reviewerMemberId: reviewerMember,
      decidedByMemberId: S('decidedBy'),
      decidedAt: decided,
      decisionReason: 'Approved: first to register',
      protectionStartsAt: decided,
      protectionEndsAt: new Date(Date.now() + 90 * 86400_000),
      slaBreachedAt: decided,
    },
  });
  const pendingReg = await insertRegistration(db, {
    workspaceId: ws,
    programId,
    partnerId: mine,
    accountName: 'Initech',
    status: 'submitted',
    extra: { internalNotes: S('pendingInternalNotes'), reviewerMemberId: reviewerMember },
  });
  myRegistrationIds = [ownReg.id, pendingReg.id];
  const rivalReg = await insertRegistration(db, {
    workspaceId: ws,
    programId,
    partnerId: rival,
    accountName: 'Globex',
    accountDomain: 'globex.example',
    status: 'submitted',
    extra: { notes: S('otherRegistrationNotes'), contactName: S('otherRegistrationContact'), internalNotes: S('otherRegistrationInternal') },
  });
  otherRegistrationId = rivalReg.id;
  await db.insert(conflict).values({
    id: newId('conflict'),
    workspaceId: ws,
    registrationId: ownReg.id,
    otherKind: 'registration',
    otherId: rivalReg.id,
    otherPartnerId: rival,
    matchedAccountId: ownReg.accountId,
    matchKind: 'domain',
    similarity: 1,
    recommendation: { winner: 'registration', reasons: [S('conflictReason')] },
    status: 'resolved',
    ownerMemberId: reviewerMember,
    resolution: S('conflictResolution'),
    resolvedAt: new Date(),
  });
  // The rival is the account's incumbent (internal).
  await db.update(account).set({ incumbentPartnerId: rival }).where(eq(account.id, ownReg.accountId));

  // Deals: one shared with the rival (split credits), one lost with a reason, and one that is only the rival's.
  await call(t, 'PUT', '/api/v1/attribution-settings', { ...vendor.as, body: { model: 'split' } });
  const shared = await makeDeal(t, vendor.as, {
    name: 'Globex platform',
    accountId: ownReg.accountId,
    amount: { amountMinor: '7500000', currency: 'EUR' },
    ownerMemberId: ownerMember,
    nextStep: 'Send the proposal',
    internalNotes: S('dealInternalNotes'),
    discountBp: 1800,
    credits: [
      { partnerId: mine, role: 'sourced', shareBp: 7000 },
      { partnerId: rival, role: 'influenced', shareBp: 3000 },
    ],
  });
  await db.update(deal).set({ registrationId: ownReg.id }).where(eq(deal.id, shared.id));
  await db.update(registration).set({ dealId: shared.id }).where(eq(registration.id, ownReg.id));
  const lost = await makeDeal(t, vendor.as, {
    name: 'Initech expansion',
    account: { name: 'Initech' },
    ownerMemberId: ownerMember,
    internalNotes: S('lostDealInternalNotes'),
    discountBp: 2500,
    credits: [{ partnerId: mine, role: 'reseller', shareBp: 10000 }],
  });
  await call(t, 'POST', `/api/v1/deals/${lost.id}/stage`, { ...vendor.as, body: { stageId: stages['Closed lost'], lostReason: S('lostReason') } });
  const rivalOnly = await makeDeal(t, vendor.as, {
    name: S('otherDealName'),
    account: { name: S('otherDealAccount') },
    internalNotes: S('otherDealInternalNotes'),
    credits: [{ partnerId: rival, role: 'sourced', shareBp: 10000 }],
  });
  myDeals = [shared.id, lost.id];
  otherDealId = rivalOnly.id;

  const link = await call(t, 'POST', `/api/v1/deals/${shared.id}/signed-links`, { ...vendor.as, body: { partnerId: mine, expiresInDays: 3 } });
  signedToken = new URL(link.body.url).pathname.split('/').pop() as string;
  const form = await call(t, 'POST', `/api/v1/partners/${mine}/registration-links`, { ...vendor.as, body: { programId } });
  if (form.status === 201) formToken = form.body.token;
});
afterAll(async () => {
  await t.close();
});

/** Calls every partner-facing path; returns the responses by label. */
async function partnerResponses(cookie: string): Promise<Map<string, CallResult>> {
  const out = new Map<string, CallResult>();
  const get = async (label: string, path: string, options: { cookie?: string } = { cookie }) => out.set(label, await call(t, 'GET', path, options));
  await get('me', '/api/v1/me');
  await get('portal/me', '/api/v1/portal/me');
  await get('portal/programs', '/api/v1/portal/programs');
  await get('portal/team', '/api/v1/portal/team');
  await get('portal/deals', '/api/v1/portal/deals');
  for (const id of myDeals) await get(`portal/deals/${id}`, `/api/v1/portal/deals/${id}`);
  await get('portal/deals/other', `/api/v1/portal/deals/${otherDealId}`);
  await get('portal/registrations', '/api/v1/portal/registrations');
  for (const id of myRegistrationIds) await get(`portal/registrations/${id}`, `/api/v1/portal/registrations/${id}`);
  await get('portal/registrations/other', `/api/v1/portal/registrations/${otherRegistrationId}`);
  await get('portal/registration-form', `/api/v1/portal/programs/${programId}/registration-form`);
  await get('portal/rules-of-engagement', `/api/v1/portal/programs/${programId}/rules-of-engagement`);
  await get('shared/deal', `/api/v1/shared/deals/${signedToken}`, {});
  out.set('shared/deal PATCH', await call(t, 'PATCH', `/api/v1/shared/deals/${signedToken}`, { body: { nextStep: 'Send the proposal' } }));
  if (formToken) await get('public/registration-form', `/api/v1/public/registration-forms/${formToken}`, {});
  return out;
}

function leaks(responses: Map<string, CallResult>): string[] {
  const found: string[] = [];
  for (const [label, res] of responses) {
    const text = JSON.stringify(res.body).toLowerCase();
    for (const [field, value] of Object.entries(sentinels)) {
      if (text.includes(value.toLowerCase())) found.push(`${label}: ${field}`);
    }
    const keys = new Set<string>();
    JSON.stringify(res.body, (k, v) => {
      keys.add(k);
      return v;
    });
    for (const key of HIDDEN_KEYS) if (keys.has(key)) found.push(`${label}: key ${key}`);
  }
  return found;
}

describe('hidden-field sentinels', () => {
  it('the sentinels are really in the database (the console sees them)', async () => {
    const d = await call(t, 'GET', `/api/v1/deals/${myDeals[0]}`, vendor.as);
    expect(d.body.internalNotes).toBe(sentinels.dealInternalNotes);
    expect(d.body.owner.name).toBe(sentinels.ownerName);
    expect(d.body.credits.map((c: { partnerName: string }) => c.partnerName)).toContain(sentinels.otherPartnerName);
    expect(d.body.discountBp).toBe(1800);
    // The detector itself works: the console response is full of them.
    expect(leaks(new Map([['console', d]]))).toEqual(
      expect.arrayContaining(['console: dealInternalNotes', 'console: ownerName', 'console: otherPartnerName', 'console: key discountBp', 'console: key credits']),
    );
  });

  it('no partner-facing response contains any of them (no sharing rules)', async () => {
    for (const cookie of [partnerCookie, sellerCookie]) {
      const responses = await partnerResponses(cookie);
      // The core partner paths answer; the foreign ids answer 404.
      expect(formToken).not.toBeNull();
      for (const label of ['public/registration-form', 'me', 'portal/me', 'portal/programs', 'portal/team', 'portal/deals', 'shared/deal', 'shared/deal PATCH', ...myDeals.map((id) => `portal/deals/${id}`)]) {
        expect([label, responses.get(label)?.status]).toEqual([label, 200]);
      }
      expect(responses.get('portal/deals')?.body.data).toHaveLength(2);
      expect(responses.get('portal/deals/other')?.status).toBe(404);
      if (responses.get('portal/registrations')?.status === 200) {
        expect(responses.get('portal/registrations/other')?.status).toBe(404);
        expect(responses.get(`portal/registrations/${myRegistrationIds[0]}`)?.status).toBe(200);
      }
      expect(leaks(responses)).toEqual([]);
      if (process.env.DEBUG_SENTINEL) console.log([...responses].map(([k, v]) => `${v.status} ${k}`).join('\n'));
    }
  });

  it('still none when rules share, mask and band fields', async () => {
    const rules = await call(t, 'PUT', '/api/v1/sharing-rules', {
      ...vendor.as,
      body: {
        rules: [
          { object: 'deal', field: 'amount', mode: 'banded' },
          { object: 'deal', field: 'weightedAmount', mode: 'banded', audience: 'admin' },
          { object: 'deal', field: 'ownerName', mode: 'masked' },
          { object: 'deal', field: 'ownerEmail', mode: 'masked' },
          { object: 'deal', field: 'accountName', mode: 'visible' },
          { object: 'deal', field: 'probability', mode: 'visible', programId },
          { object: 'registration', field: 'reviewerName', mode: 'masked' },
          { object: 'registration', field: 'reviewerEmail', mode: 'masked' },
        ],
      },
    });
    expect(rules.status).toBe(200);
    for (const cookie of [partnerCookie, sellerCookie]) {
      const responses = await partnerResponses(cookie);
      const shared = responses.get(`portal/deals/${myDeals[0]}`)?.body;
      expect(shared).toMatchObject({ amount: '€50k–100k', ownerName: '•••', accountName: 'Globex' });
      expect(leaks(responses)).toEqual([]);
    }
  });
});
