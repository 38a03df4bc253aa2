import { eq } from 'drizzle-orm';
import type { Db } from '../../platform/db.ts';
import { newId } from '../../platform/ids.ts';
import { type TestApp, call, signInByMagicLink, uniqueEmail } from '../../test/harness.ts';
import { upsertAccount } from '../accounts/service.ts';
import { registration } from '../registrations/schema.ts';

type Caller = { cookie?: string; workspaceId?: string; apiKey?: string };

/** Test helpers shared by the deals, sharing, metrics and sentinel tests (not used by the app). */
export async function makePartner(t: TestApp, as: Caller, name: string, programId?: string): Promise<string> {
  const res = await call(t, 'POST', '/api/v1/partners', { ...as, body: { name, website: `${name.toLowerCase().replace(/[^a-z]/g, '')}-${newId('partner').slice(-6).toLowerCase()}.example`, type: 'reseller' } });
  if (res.status !== 201) throw new Error(`partner failed: ${JSON.stringify(res.body)}`);
  if (programId) await call(t, 'POST', `/api/v1/partners/${res.body.id}/enrollments`, { ...as, body: { programId } });
  return res.body.id as string;
}

/** Adds a partner user with `role` and signs them in by magic link; returns their cookie. */
export async function partnerUser(t: TestApp, as: Caller, partnerId: string, role: string, name = `P ${role}`): Promise<{ cookie: string; email: string }> {
  const email = uniqueEmail(role);
  const res = await call(t, 'POST', `/api/v1/partners/${partnerId}/users`, { ...as, body: { email, name, role } });
  if (res.status !== 201) throw new Error(`partner user failed: ${JSON.stringify(res.body)}`);
  return { cookie: await signInByMagicLink(t, email), email };
}

export async function makeDeal(t: TestApp, as: Caller, body: Record<string, unknown>) {
  const res = await call(t, 'POST', '/api/v1/deals', { ...as, body: { amount: { amountMinor: '1000000', currency: 'EUR' }, ...body } });
  if (res.status !== 201) throw new Error(`deal failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function stageIds(t: TestApp, as: Caller): Promise<Record<string, string>> {
  const res = await call(t, 'GET', '/api/v1/pipelines', as);
  const def = res.body.data.find((p: { isDefault: boolean }) => p.isDefault);
  return Object.fromEntries(def.stages.map((s: { name: string; id: string }) => [s.name, s.id]));
}

/** Inserts a registration row directly (for tests that must not depend on the registration workflow). */
export async function insertRegistration(
  db: Db,
  r: {
    workspaceId: string;
    programId: string;
    partnerId: string;
    accountName: string;
    accountDomain?: string | null;
    status?: string;
    amountMinor?: bigint | null;
    currency?: string;
    createdAt?: Date;
    decidedAt?: Date | null;
    slaDueAt?: Date;
    extra?: Partial<typeof registration.$inferInsert>;
  },
) {
  const acct = await upsertAccount(db, r.workspaceId, { name: r.accountName, domain: r.accountDomain ?? null, country: null });
  const createdAt = r.createdAt ?? new Date();
  const id = newId('registration');
  await db.insert(registration).values({
    id,
    workspaceId: r.workspaceId,
    programId: r.programId,
    partnerId: r.partnerId,
    channel: 'portal',
    status: r.status ?? 'submitted',
    accountId: acct.id,
    accountName: r.accountName,
    accountDomain: r.accountDomain ?? null,
    amountMinor: r.amountMinor ?? 1_000_000n,
    currency: r.currency ?? 'EUR',
    slaDueAt: r.slaDueAt ?? new Date(createdAt.getTime() + 48 * 3600 * 1000),
    decidedAt: r.decidedAt ?? null,
    createdAt,
    ...r.extra,
  });
  const [row] = await db.select().from(registration).where(eq(registration.id, id));
  return row;
}
