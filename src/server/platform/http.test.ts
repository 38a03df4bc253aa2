import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, TEST_ORIGIN, call, createTestApp, ownerWithWorkspace, signUp } from '../test/harness.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ rateLimits: { signIn: 3, magicLink: 2, publicLinks: 3 } });
});
afterAll(async () => {
  await t.close();
});

describe('HTTP platform', () => {
  it('answers unknown API routes with a 404 problem document', async () => {
    const res = await call(t, 'GET', '/api/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body).toMatchObject({ status: 404, code: 'not_found', requestId: expect.any(String) });
  });

  it('answers malformed JSON with 400, not 500', async () => {
    const owner = await ownerWithWorkspace(t, 'Json Co');
    const res = await t.app.request('/api/v1/programs', {
      method: 'POST',
      headers: { origin: TEST_ORIGIN, cookie: owner.cookie, 'content-type': 'application/json' },
      body: '{"name": ',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: string }).code).toBe('bad_request');
  });

  it('refuses cookie-authenticated writes from another origin (CSRF)', async () => {
    const owner = await ownerWithWorkspace(t, 'Csrf Co');
    const res = await t.app.request('/api/v1/programs', {
      method: 'POST',
      headers: { origin: 'https://evil.example', cookie: owner.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Evil', partnerType: 'referral', currency: 'USD' }),
    });
    expect(res.status).toBe(403);
    const list = await call(t, 'GET', '/api/v1/programs', owner.as);
    expect(list.body.data).toEqual([]);
  });

  it('sets security headers and a request id', async () => {
    const res = await t.app.request('/api/v1/me');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('x-request-id')).toBeTruthy();
  });

  it('rate-limits sign-in attempts', async () => {
    const user = await signUp(t);
    const attempts = [];
    for (let i = 0; i < 5; i++) {
      attempts.push((await call(t, 'POST', '/api/auth/sign-in/email', { body: { email: user.email, password: 'wrong-password-123' } })).status);
    }
    expect(attempts.slice(0, 2)).toEqual([401, 401]);
    expect(attempts.at(-1)).toBe(429);
  });

  it('rate-limits magic-link requests and public invitation lookups', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await call(t, 'POST', '/api/auth/sign-in/magic-link', { body: { email: 'a@example.com' } })).status);
    expect(statuses.at(-1)).toBe(429);
    const lookups = [];
    for (let i = 0; i < 5; i++) lookups.push((await call(t, 'GET', '/api/v1/invitations/by-token/abcdefghijklmnop')).status);
    expect(lookups).toEqual([404, 404, 404, 429, 429]);
  });

  it('serves the OpenAPI 3.1 document and the API docs page', async () => {
    const doc = (await (await t.app.request('/api/openapi.json')).json()) as any;
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.schemas.Partner).toBeTruthy();
    const docs = await t.app.request('/api/docs');
    expect(await docs.text()).toContain('swagger-ui');
  });
});

describe('request logs', () => {
  it('never record the secret tokens that links carry in their path', async () => {
    const { redactTokens } = await import('../app.ts');
    expect(redactTokens('/api/v1/portal/join/abcDEF123-_x')).toBe('/api/v1/portal/join/[token]');
    expect(redactTokens('/api/v1/invitations/by-token/tok123/accept')).toBe('/api/v1/invitations/by-token/[token]/accept');
    expect(redactTokens('/api/v1/public/registration-forms/tok')).toBe('/api/v1/public/registration-forms/[token]');
    expect(redactTokens('/api/v1/shared/deals/tok')).toBe('/api/v1/shared/deals/[token]');
    expect(redactTokens('/register/tok')).toBe('/register/[token]');
    expect(redactTokens('/api/v1/partners/ptr_01')).toBe('/api/v1/partners/ptr_01');
  });
});
