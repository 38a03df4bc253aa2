import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createApp } from '../app.ts';
import { loadConfig } from '../platform/config.ts';
import { type Database, openDatabase } from '../platform/db.ts';
import type { Services } from '../platform/http.ts';
import { buildServices, closeServices } from '../platform/services.ts';

export const TEST_ORIGIN = 'http://localhost:3999';

/** Which database the suite runs on: PGlite always; PostgreSQL when TEST_DATABASE_URL is set and OPENPRM_TEST_DB=postgres. */
export function testDatabaseKind(): 'pglite' | 'postgres' {
  return process.env.OPENPRM_TEST_DB === 'postgres' && process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';
}

async function openTestDatabase(): Promise<{ database: Database; drop: () => Promise<void> }> {
  if (testDatabaseKind() === 'pglite') {
    const database = await openDatabase({ databaseUrl: null, dataDir: null });
    return { database, drop: async () => {} };
  }
  const adminUrl = process.env.TEST_DATABASE_URL as string;
  const name = `openprm_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: url.toString(), dataDir: null, poolSize: 5 });
  return {
    database,
    drop: async () => {
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

export interface TestApp {
  services: Services;
  app: ReturnType<typeof createApp>;
  close(): Promise<void>;
}

export async function createTestApp(options: { rateLimits?: { signIn: number; magicLink: number; publicLinks: number } } = {}): Promise<TestApp> {
  const { database, drop } = await openTestDatabase();
  const config = loadConfig({ NODE_ENV: 'test', PUBLIC_URL: TEST_ORIGIN }, { logLevel: 'silent', seedDemo: false, runJobs: false });
  const services = await buildServices(config, { database, rateLimits: options.rateLimits ?? { signIn: 1000, magicLink: 1000, publicLinks: 1000 } });
  const app = createApp(services);
  return {
    services,
    app,
    async close() {
      await closeServices(services);
      await drop();
    },
  };
}

export interface Caller {
  cookie?: string;
  apiKey?: string;
  workspaceId?: string;
  partnerId?: string;
}

export interface CallResult<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** Calls the app in process, like a browser on our origin (or an API client with a key). */
export async function call<T = any>(t: TestApp, method: string, path: string, options: Caller & { body?: unknown; headers?: Record<string, string> } = {}): Promise<CallResult<T>> {
  const headers: Record<string, string> = { origin: TEST_ORIGIN, ...(options.headers ?? {}) };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.cookie) headers.cookie = options.cookie;
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
  if (options.workspaceId) headers['x-workspace-id'] = options.workspaceId;
  if (options.partnerId) headers['x-partner-id'] = options.partnerId;
  if (process.env.DEBUG_CALLS) process.stderr.write(`→ ${method} ${path}\n`);
  const res = await t.app.request(path, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  if (process.env.DEBUG_CALLS) process.stderr.write(`← ${res.status}\n`);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON
  }
  return { status: res.status, body: body as T, headers: res.headers };
}

export function cookieFrom(headers: Headers): string {
  return headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

let counter = 0;
export function uniqueEmail(prefix = 'user'): string {
  counter++;
  return `${prefix}.${counter}.${randomBytes(3).toString('hex')}@example.com`;
}

export async function signUp(t: TestApp, input: { name?: string; email?: string; password?: string } = {}) {
  const email = input.email ?? uniqueEmail();
  const res = await call(t, 'POST', '/api/auth/sign-up/email', { body: { name: input.name ?? 'Test User', email, password: input.password ?? 'correct-horse-battery' } });
  if (res.status !== 200) throw new Error(`sign-up failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { email, cookie: cookieFrom(res.headers), userId: res.body.user.id as string };
}

/** A user who owns a fresh workspace. */
export async function ownerWithWorkspace(t: TestApp, name = 'Acme') {
  const user = await signUp(t, { name: `${name} Owner` });
  const ws = await call(t, 'POST', '/api/v1/workspaces', { cookie: user.cookie, body: { name } });
  if (ws.status !== 201) throw new Error(`workspace failed: ${ws.status} ${JSON.stringify(ws.body)}`);
  return { ...user, workspaceId: ws.body.id as string, as: { cookie: user.cookie, workspaceId: ws.body.id as string } };
}

/** Adds a member with `role` to a workspace (by invitation) and returns their caller. */
export async function memberWithRole(t: TestApp, owner: { as: Caller; workspaceId: string }, role: string) {
  const user = await signUp(t, { name: `A ${role}` });
  const inv = await call(t, 'POST', '/api/v1/invitations', { ...owner.as, body: { email: user.email, role } });
  if (inv.status !== 201) throw new Error(`invite failed: ${JSON.stringify(inv.body)}`);
  const token = t.services.tokens.derive('invitation', inv.body.id);
  const accepted = await call(t, 'POST', `/api/v1/invitations/by-token/${token}/accept`, { cookie: user.cookie });
  if (accepted.status !== 200) throw new Error(`accept failed: ${JSON.stringify(accepted.body)}`);
  return { ...user, as: { cookie: user.cookie, workspaceId: owner.workspaceId } };
}

export async function apiKeyFor(t: TestApp, owner: { as: Caller }, role = 'admin') {
  const res = await call(t, 'POST', '/api/v1/api-keys', { ...owner.as, body: { name: `${role} key`, role } });
  if (res.status !== 201) throw new Error(`api key failed: ${JSON.stringify(res.body)}`);
  return res.body.secret as string;
}

/** Signs a person in through the emailed magic link (read from the captured mail outbox). */
export async function signInByMagicLink(t: TestApp, email: string, callbackURL = '/portal'): Promise<string> {
  const sent = await call(t, 'POST', '/api/auth/sign-in/magic-link', { body: { email, callbackURL } });
  if (sent.status !== 200) throw new Error(`magic link failed: ${JSON.stringify(sent.body)}`);
  await t.services.bus.drain();
  const link = await latestLinkTo(t, email);
  const url = new URL(link);
  const res = await t.app.request(url.pathname + url.search, { headers: { origin: TEST_ORIGIN } });
  const cookie = cookieFrom(res.headers);
  if (!cookie.includes('session_token')) throw new Error(`magic link did not sign in: ${res.status}`);
  return cookie;
}

export async function latestLinkTo(t: TestApp, email: string): Promise<string> {
  const { mailMessage } = await import('../platform/schema.ts');
  const { desc, eq } = await import('drizzle-orm');
  const [mail] = await t.services.db.select().from(mailMessage).where(eq(mailMessage.to, email)).orderBy(desc(mailMessage.id)).limit(1);
  if (!mail) throw new Error(`no email to ${email}`);
  const match = mail.text.match(/https?:\/\/\S+/);
  if (!match) throw new Error('no link in email');
  return match[0];
}
