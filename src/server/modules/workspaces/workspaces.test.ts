import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, apiKeyFor, call, cookieFrom, createTestApp, latestLinkTo, memberWithRole, ownerWithWorkspace, signUp, uniqueEmail } from '../../test/harness.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('sign-up, workspaces and switching', () => {
  it('signs up with email + password, creates a workspace and becomes its owner', async () => {
    const user = await signUp(t, { name: 'Rita Owner' });
    const ws = await call(t, 'POST', '/api/v1/workspaces', { cookie: user.cookie, body: { name: 'Rita Co', timeZone: 'Europe/Paris' } });
    expect(ws.status).toBe(201);
    expect(ws.body).toMatchObject({ id: expect.stringMatching(/^ws_/), name: 'Rita Co', timeZone: 'Europe/Paris', isDemo: false });
    const me = await call(t, 'GET', '/api/v1/me', { cookie: user.cookie });
    expect(me.body.workspaces).toEqual([{ id: ws.body.id, name: 'Rita Co', role: 'owner', isDemo: false, permissions: expect.arrayContaining(['partners:write', 'members:manage']) }]);
  });

  it('rejects a bad workspace with field errors', async () => {
    const user = await signUp(t);
    const res = await call(t, 'POST', '/api/v1/workspaces', { cookie: user.cookie, body: { name: 'x', timeZone: 'Mars/Olympus' } });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['name', 'timeZone']);
  });

  it('switches between workspaces with x-workspace-id and asks for it when ambiguous', async () => {
    const user = await signUp(t);
    const a = await call(t, 'POST', '/api/v1/workspaces', { cookie: user.cookie, body: { name: 'First' } });
    const b = await call(t, 'POST', '/api/v1/workspaces', { cookie: user.cookie, body: { name: 'Second' } });
    expect((await call(t, 'GET', '/api/v1/workspace', { cookie: user.cookie, workspaceId: a.body.id })).body.name).toBe('First');
    expect((await call(t, 'GET', '/api/v1/workspace', { cookie: user.cookie, workspaceId: b.body.id })).body.name).toBe('Second');
    const ambiguous = await call(t, 'GET', '/api/v1/workspace', { cookie: user.cookie });
    expect(ambiguous.status).toBe(400);
    expect(ambiguous.body.errors[0].path).toBe('header.x-workspace-id');
  });

  it('answers 401 without a session and 404 for a workspace you are not in', async () => {
    expect((await call(t, 'GET', '/api/v1/workspace')).status).toBe(401);
    const other = await ownerWithWorkspace(t, 'Other');
    const me = await ownerWithWorkspace(t, 'Mine');
    const res = await call(t, 'GET', '/api/v1/workspace', { cookie: me.cookie, workspaceId: other.workspaceId });
    expect(res.status).toBe(404);
  });
});

describe('invitations and roles', () => {
  it('invites a teammate by email; the emailed link lets them join with that role', async () => {
    const owner = await ownerWithWorkspace(t, 'Invite Co');
    const email = uniqueEmail('teammate');
    const inv = await call(t, 'POST', '/api/v1/invitations', { ...owner.as, body: { email: email.toUpperCase(), role: 'partner_manager' } });
    expect(inv.status).toBe(201);
    expect(inv.body).toMatchObject({ email, role: 'partner_manager', status: 'pending' });

    await t.services.bus.drain();
    const link = await latestLinkTo(t, email);
    expect(link).toMatch(/\/app\/invitations\//);
    const token = link.split('/').pop() as string;

    const preview = await call(t, 'GET', `/api/v1/invitations/by-token/${token}`);
    expect(preview.body).toEqual({ workspaceName: 'Invite Co', email, role: 'partner_manager', status: 'pending' });

    const stranger = await signUp(t);
    const wrong = await call(t, 'POST', `/api/v1/invitations/by-token/${token}/accept`, { cookie: stranger.cookie });
    expect(wrong.status).toBe(403);

    const invitee = await signUp(t, { email });
    const accepted = await call(t, 'POST', `/api/v1/invitations/by-token/${token}/accept`, { cookie: invitee.cookie });
    expect(accepted.status).toBe(200);
    const members = await call(t, 'GET', '/api/v1/members', owner.as);
    expect(members.body.data.map((m: { email: string; role: string }) => [m.email, m.role])).toContainEqual([email, 'partner_manager']);

    const again = await call(t, 'POST', `/api/v1/invitations/by-token/${token}/accept`, { cookie: invitee.cookie });
    expect(again.status).toBe(409);
  });

  it('does not let a partner manager invite people or an admin create owners', async () => {
    const owner = await ownerWithWorkspace(t, 'Roles Co');
    const pm = await memberWithRole(t, owner, 'partner_manager');
    const denied = await call(t, 'POST', '/api/v1/invitations', { ...pm.as, body: { email: uniqueEmail(), role: 'sales' } });
    expect(denied.status).toBe(403);
    const admin = await memberWithRole(t, owner, 'admin');
    const noOwner = await call(t, 'POST', '/api/v1/invitations', { ...admin.as, body: { email: uniqueEmail(), role: 'owner' } });
    expect(noOwner.status).toBe(403);
  });

  it('keeps at least one owner', async () => {
    const owner = await ownerWithWorkspace(t, 'Owner Co');
    const members = await call(t, 'GET', '/api/v1/members', owner.as);
    const self = members.body.data[0];
    const res = await call(t, 'PATCH', `/api/v1/members/${self.id}`, { ...owner.as, body: { role: 'admin' } });
    expect(res.status).toBe(409);
  });

  it('validates invitation input', async () => {
    const owner = await ownerWithWorkspace(t);
    const res = await call(t, 'POST', '/api/v1/invitations', { ...owner.as, body: { email: 'nope', role: 'wizard' } });
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['email', 'role']);
  });
});

describe('API keys', () => {
  it('shows the secret once, authenticates with its role, and stops working when revoked', async () => {
    const owner = await ownerWithWorkspace(t, 'Keys Co');
    const created = await call(t, 'POST', '/api/v1/api-keys', { ...owner.as, body: { name: 'CRM sync', role: 'analyst' } });
    expect(created.status).toBe(201);
    const secret = created.body.secret as string;
    expect(secret).toMatch(/^opk_/);
    const list = await call(t, 'GET', '/api/v1/api-keys', owner.as);
    expect(JSON.stringify(list.body)).not.toContain(secret);

    expect((await call(t, 'GET', '/api/v1/partners', { apiKey: secret })).status).toBe(200);
    expect((await call(t, 'POST', '/api/v1/partners', { apiKey: secret, body: { name: 'X', type: 'referral' } })).status).toBe(403);

    expect((await call(t, 'DELETE', `/api/v1/api-keys/${created.body.apiKey.id}`, owner.as)).status).toBe(204);
    expect((await call(t, 'GET', '/api/v1/partners', { apiKey: secret })).status).toBe(401);
  });

  it('rejects an unknown key', async () => {
    const res = await call(t, 'GET', '/api/v1/partners', { apiKey: 'opk_not-a-real-key' });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('unauthenticated');
  });

  it('an API key only sees its own workspace', async () => {
    const a = await ownerWithWorkspace(t, 'Alpha');
    const b = await ownerWithWorkspace(t, 'Beta');
    const key = await apiKeyFor(t, a);
    const ws = await call(t, 'GET', '/api/v1/workspace', { apiKey: key, workspaceId: b.workspaceId });
    expect(ws.body.id).toBe(a.workspaceId);
  });
});

describe('magic link sign-in for staff', () => {
  it('emails a link that signs the person in', async () => {
    const email = uniqueEmail('magic');
    const sent = await call(t, 'POST', '/api/auth/sign-in/magic-link', { body: { email, callbackURL: '/app' } });
    expect(sent.status).toBe(200);
    await t.services.bus.drain();
    const link = new URL(await latestLinkTo(t, email));
    const res = await t.app.request(link.pathname + link.search);
    expect(res.status).toBe(302);
    const cookie = cookieFrom(res.headers);
    const me = await call(t, 'GET', '/api/v1/me', { cookie });
    expect(me.body.user.email).toBe(email);
  });
});

describe('roles on the settings routes', () => {
  it('refuses settings to roles without the permission, and lets the analyst read the audit log', async () => {
    const owner = await ownerWithWorkspace(t, 'Settings Co');
    const sales = await memberWithRole(t, owner, 'sales');
    const analyst = await memberWithRole(t, owner, 'analyst');
    const members = (await call(t, 'GET', '/api/v1/members', owner.as)).body.data as { id: string }[];
    const refused: [string, string, unknown][] = [
      ['PATCH', '/api/v1/workspace', { name: 'Renamed by sales' }],
      ['POST', '/api/v1/api-keys', { name: 'k', role: 'analyst' }],
      ['GET', '/api/v1/api-keys', undefined],
      ['GET', '/api/v1/audit-entries', undefined],
      ['GET', '/api/v1/mail-outbox', undefined],
      ['PATCH', `/api/v1/members/${members[0].id}`, { role: 'sales' }],
      ['DELETE', `/api/v1/members/${members[0].id}`, undefined],
    ];
    for (const [method, path, body] of refused) {
      const res = await call(t, method, path, { ...sales.as, body });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.code).toBe('forbidden');
    }
    expect((await call(t, 'GET', '/api/v1/workspace', owner.as)).body.name).toBe('Settings Co');
    expect((await call(t, 'GET', '/api/v1/audit-entries', analyst.as)).status).toBe(200);
    expect((await call(t, 'GET', '/api/v1/mail-outbox', analyst.as)).status).toBe(403);
  });

  it('rejects a bad audit-log time filter with the field named', async () => {
    const owner = await ownerWithWorkspace(t, 'Audit Filter Co');
    const res = await call(t, 'GET', '/api/v1/audit-entries?from=yesterday', owner.as);
    expect(res.status).toBe(422);
    expect(res.body.errors[0].path).toBe('from');
  });
});
