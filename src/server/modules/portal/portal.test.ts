import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, TEST_ORIGIN, call, cookieFrom, createTestApp, latestLinkTo, ownerWithWorkspace, signInByMagicLink, signUp, uniqueEmail } from '../../test/harness.ts';

let t: TestApp;
let vendor: Awaited<ReturnType<typeof ownerWithWorkspace>>;
let northwind: string;
let kestrel: string;
const priya = uniqueEmail('priya');

/** Follows the invitation link the way a browser does: join → magic link → session cookie. */
async function openInvitation(email: string): Promise<{ cookie: string; location: string }> {
  await t.services.bus.drain();
  const link = new URL(await latestLinkTo(t, email));
  expect(link.pathname).toMatch(/^\/api\/v1\/portal\/join\//);
  const join = await t.app.request(link.pathname, { headers: { origin: TEST_ORIGIN } });
  expect(join.status).toBe(302);
  const magic = new URL(join.headers.get('location') as string);
  const verified = await t.app.request(magic.pathname + magic.search, { headers: { origin: TEST_ORIGIN } });
  expect(verified.status).toBe(302);
  return { cookie: cookieFrom(verified.headers), location: verified.headers.get('location') as string };
}

beforeAll(async () => {
  t = await createTestApp();
  vendor = await ownerWithWorkspace(t, 'Vendor Co');
  const active = await call(t, 'POST', '/api/v1/programs', { ...vendor.as, body: { name: 'Resellers', partnerType: 'reseller', currency: 'EUR', status: 'active', terms: 'Protected 90 days' } });
  const secret = await call(t, 'POST', '/api/v1/programs', { ...vendor.as, body: { name: 'Secret Pilot', partnerType: 'referral', currency: 'USD', status: 'draft' } });
  northwind = (await call(t, 'POST', '/api/v1/partners', { ...vendor.as, body: { name: 'Northwind', website: 'northwind.example', type: 'reseller', tags: ['internal-watchlist'] } })).body.id;
  kestrel = (await call(t, 'POST', '/api/v1/partners', { ...vendor.as, body: { name: 'Kestrel Systems', website: 'kestrel.example', type: 'reseller' } })).body.id;
  await call(t, 'POST', `/api/v1/partners/${northwind}/enrollments`, { ...vendor.as, body: { programId: active.body.id } });
  await call(t, 'POST', `/api/v1/partners/${northwind}/enrollments`, { ...vendor.as, body: { programId: secret.body.id } });
  await call(t, 'POST', `/api/v1/partners/${kestrel}/enrollments`, { ...vendor.as, body: { programId: active.body.id } });
  await call(t, 'POST', `/api/v1/partners/${northwind}/users`, { ...vendor.as, body: { email: priya, name: 'Priya Nair', role: 'admin' } });
  await call(t, 'POST', `/api/v1/partners/${kestrel}/users`, { ...vendor.as, body: { email: uniqueEmail('jonas'), name: 'Jonas Becker', role: 'admin' } });
});
afterAll(async () => {
  await t.close();
});

describe('partner portal', () => {
  it('signs an invited partner user in from the invitation email, without a password', async () => {
    const { cookie, location } = await openInvitation(priya);
    expect(new URL(location, TEST_ORIGIN).pathname).toBe('/portal');
    const me = await call(t, 'GET', '/api/v1/portal/me', { cookie });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ partner: { id: northwind, name: 'Northwind' }, role: 'admin', workspaceName: 'Vendor Co' });
    const account = await call(t, 'GET', '/api/v1/me', { cookie });
    expect(account.body.user).toMatchObject({ name: 'Priya Nair', email: priya });
    expect(account.body.partnerMemberships).toEqual([expect.objectContaining({ partnerId: northwind, partnerName: 'Northwind', role: 'admin' })]);
  });

  it('shows only its own partner: profile without internal fields, active programs, own team', async () => {
    const cookie = await signInByMagicLink(t, priya);
    const me = await call(t, 'GET', '/api/v1/portal/me', { cookie });
    expect(Object.keys(me.body.partner).sort()).toEqual(['country', 'id', 'kind', 'name', 'type', 'website']);
    expect(JSON.stringify(me.body)).not.toContain('internal-watchlist');

    const programs = await call(t, 'GET', '/api/v1/portal/programs', { cookie });
    expect(programs.body.data.map((p: { name: string }) => p.name)).toEqual(['Resellers']);
    expect(Object.keys(programs.body.data[0]).sort()).toEqual(['currency', 'description', 'enrolledAt', 'id', 'name', 'partnerType', 'terms', 'tier']);

    const team = await call(t, 'GET', '/api/v1/portal/team', { cookie });
    expect(team.body.data.map((u: { name: string }) => u.name)).toEqual(['Priya Nair']);
    const everything = JSON.stringify([me.body, programs.body, team.body]);
    expect(everything).not.toContain('Kestrel');
    expect(everything).not.toContain('Jonas');
  });

  it('answers 404 for another partner and keeps partner users out of the console API', async () => {
    const cookie = await signInByMagicLink(t, priya);
    expect((await call(t, 'GET', '/api/v1/portal/me', { cookie, partnerId: kestrel })).status).toBe(404);
    expect((await call(t, 'GET', '/api/v1/partners', { cookie, workspaceId: vendor.workspaceId })).status).toBe(404);
  });

  it('lets a partner admin invite a colleague, and not a seller', async () => {
    const cookie = await signInByMagicLink(t, priya);
    const sellerEmail = uniqueEmail('seller');
    const invited = await call(t, 'POST', '/api/v1/portal/team/invitations', { cookie, body: { email: sellerEmail, name: 'Sam Seller', role: 'seller' } });
    expect(invited.status).toBe(201);
    expect(Object.keys(invited.body).sort()).toEqual(['email', 'id', 'name', 'role', 'status']);
    const bad = await call(t, 'POST', '/api/v1/portal/team/invitations', { cookie, body: { email: 'x', name: '', role: 'boss' } });
    expect(bad.status).toBe(422);

    const seller = await openInvitation(sellerEmail);
    const denied = await call(t, 'POST', '/api/v1/portal/team/invitations', { cookie: seller.cookie, body: { email: uniqueEmail(), name: 'Nope', role: 'seller' } });
    expect(denied.status).toBe(403);
    const log = await call(t, 'GET', '/api/v1/audit-entries?action=partner_user.invited', vendor.as);
    expect(log.body.data[0]).toMatchObject({ actorType: 'partner_user', actorName: 'Priya Nair' });
  });

  it('refuses the portal to a password account that never proved its email', async () => {
    const impostor = await signUp(t, { email: uniqueEmail('impostor') });
    await call(t, 'POST', `/api/v1/partners/${kestrel}/users`, { ...vendor.as, body: { email: impostor.email, name: 'Imp', role: 'seller' } });
    const res = await call(t, 'GET', '/api/v1/portal/me', { cookie: impostor.cookie });
    expect(res.status).toBe(403);
  });

  it('sends an expired or unknown invitation to the sign-in page', async () => {
    const res = await t.app.request('/api/v1/portal/join/not-a-real-token-value');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/portal/sign-in?invitation=expired');
  });

  it('needs a session', async () => {
    expect((await call(t, 'GET', '/api/v1/portal/me')).status).toBe(401);
  });
});
