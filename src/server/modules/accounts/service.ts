import { type SQL, and, asc, eq, gt, or, sql } from 'drizzle-orm';
import { audit, diff } from '../../platform/audit.ts';
import type { WorkspaceContext } from '../../platform/context.ts';
import { type Executor, isUniqueViolation } from '../../platform/db.ts';
import { normalizeDomain } from '../../platform/domain-name.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { decodeCursor, encodeCursor, toPage } from '../../platform/pagination.ts';
import { partner } from '../partners/schema.ts';
import type { AccountListQuery, CreateAccountRequest, CreateContactRequest, UpdateAccountRequest } from './contract.ts';
import { normalizeCompanyName } from './matching.ts';
import { account, contact } from './schema.ts';

export type AccountRow = typeof account.$inferSelect;
export type ContactRow = typeof contact.$inferSelect;

/** The normalized name stored in `match_name`; a name of punctuation only falls back to its lower-cased self. */
export function matchNameOf(name: string): string {
  return normalizeCompanyName(name) || name.trim().toLowerCase();
}

export function toAccount(row: AccountRow, incumbentPartnerName: string | null) {
  return {
    id: row.id,
    name: row.name,
    matchName: row.matchName,
    domain: row.domain,
    country: row.country,
    incumbentPartnerId: row.incumbentPartnerId,
    incumbentPartnerName,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
export type AccountView = ReturnType<typeof toAccount>;

function toContact(row: ContactRow) {
  return {
    id: row.id,
    accountId: row.accountId,
    name: row.name,
    email: row.email,
    phone: row.phone,
    title: row.title,
    createdAt: row.createdAt.toISOString(),
  };
}

/** Plain SQL: drizzle leaves columns unqualified in select-list subqueries. */
const incumbentName = sql<string | null>`(select p.name from partner p where p.id = "account"."incumbent_partner_id")`;

/** `normalizeDomain` with the error reported on the caller's field. */
function domainOf(input: string | null | undefined, path: string): string | null {
  try {
    return normalizeDomain(input);
  } catch (error) {
    if (error instanceof AppError) {
      throw new AppError('validation_failed', `${path}: "${input}" is not a domain`, { fields: [{ path, message: 'is not a valid website or domain' }] });
    }
    throw error;
  }
}

/**
 * The account a registration (or an import) refers to: the one with the same domain, else the
 * one with exactly the same normalized name, else a new one. Runs in the caller's transaction;
 * the caller audits the business action (this only records the customer it concerns). A name
 * match with no domain yet takes the new domain and country. Invalid domains answer 422 on
 * `accountDomain`, the field registrations call it.
 */
export async function upsertAccount(
  tx: Executor,
  workspaceId: string,
  input: { name: string; domain: string | null; country: string | null },
): Promise<AccountRow> {
  const domain = domainOf(input.domain, 'accountDomain');
  const matchName = matchNameOf(input.name);
  if (domain) {
    const [byDomain] = await tx
      .select()
      .from(account)
      .where(and(eq(account.workspaceId, workspaceId), eq(account.domain, domain)));
    if (byDomain) return byDomain;
  }
  const [byName] = await tx
    .select()
    .from(account)
    .where(and(eq(account.workspaceId, workspaceId), eq(account.matchName, matchName)))
    .orderBy(asc(account.id))
    .limit(1);
  if (byName) {
    const patch: Partial<AccountRow> = {};
    if (domain && !byName.domain) patch.domain = domain;
    if (input.country && !byName.country) patch.country = input.country;
    if (Object.keys(patch).length === 0) return byName;
    const [updated] = await tx
      .update(account)
      .set({ ...patch, updatedAt: new Date() })
      .where(eq(account.id, byName.id))
      .returning();
    return updated;
  }
  const [created] = await tx
    .insert(account)
    .values({ id: newId('account'), workspaceId, name: input.name.trim(), matchName, domain, country: input.country })
    .onConflictDoNothing()
    .returning();
  if (created) return created;
  // Another transaction created the same domain meanwhile.
  const [raced] = await tx
    .select()
    .from(account)
    .where(and(eq(account.workspaceId, workspaceId), eq(account.domain, domain as string)));
  return raced;
}

export async function listAccounts(ctx: WorkspaceContext, query: AccountListQuery) {
  const filters: (SQL | undefined)[] = [eq(account.workspaceId, ctx.workspaceId)];
  if (query.q) {
    const like = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    filters.push(or(sql`${account.name} ilike ${like}`, sql`${account.domain} ilike ${like}`));
  }
  if (query.cursor) {
    const cursor = decodeCursor(query.cursor);
    if (!cursor || cursor.length !== 2 || typeof cursor[0] !== 'string' || typeof cursor[1] !== 'string') {
      throw new AppError('validation_failed', 'cursor is not valid for this list', { fields: [{ path: 'cursor', message: 'is not a cursor from this list' }] });
    }
    const [name, id] = cursor as [string, string];
    filters.push(or(gt(account.name, name), and(eq(account.name, name), gt(account.id, id))));
  }
  const rows = await ctx.db
    .select({ a: account, incumbentName })
    .from(account)
    .where(and(...filters))
    .orderBy(asc(account.name), asc(account.id))
    .limit(query.limit + 1);
  return toPage(
    rows,
    query.limit,
    (r) => encodeCursor([r.a.name, r.a.id]),
    (r) => toAccount(r.a, r.incumbentName),
  );
}

export async function getAccount(ctx: Pick<WorkspaceContext, 'workspaceId' | 'db'>, id: string) {
  const [row] = await ctx.db
    .select({ a: account, incumbentName })
    .from(account)
    .where(and(eq(account.workspaceId, ctx.workspaceId), eq(account.id, id)));
  if (!row) throw notFound('Account');
  return toAccount(row.a, row.incumbentName);
}

async function assertPartner(db: Executor, workspaceId: string, partnerId: string | null | undefined): Promise<void> {
  if (!partnerId) return;
  const [row] = await db
    .select({ id: partner.id })
    .from(partner)
    .where(and(eq(partner.workspaceId, workspaceId), eq(partner.id, partnerId)));
  if (!row) {
    throw new AppError('validation_failed', 'incumbentPartnerId: no such partner in this workspace', {
      fields: [{ path: 'incumbentPartnerId', message: 'is not a partner of this workspace' }],
    });
  }
}

async function duplicateDomain(db: Executor, workspaceId: string, domain: string): Promise<never> {
  const [existing] = await db
    .select({ id: account.id, name: account.name })
    .from(account)
    .where(and(eq(account.workspaceId, workspaceId), eq(account.domain, domain)));
  throw new AppError('conflict', `An account with domain ${domain} already exists${existing ? ` (${existing.name})` : ''}`, {
    fields: [{ path: 'domain', message: `domain ${domain} is already used by another account` }],
    extensions: existing ? { existingId: existing.id } : {},
  });
}

export async function createAccount(ctx: WorkspaceContext, input: CreateAccountRequest) {
  const domain = domainOf(input.domain, 'domain');
  await assertPartner(ctx.db, ctx.workspaceId, input.incumbentPartnerId);
  const id = newId('account');
  const matchName = matchNameOf(input.name);
  try {
    await ctx.db.transaction(async (tx) => {
      await tx.insert(account).values({
        id,
        workspaceId: ctx.workspaceId,
        name: input.name,
        matchName,
        domain,
        country: input.country ?? null,
        incumbentPartnerId: input.incumbentPartnerId ?? null,
      });
      await audit({ ...ctx, db: tx }, { action: 'account.created', entityType: 'account', entityId: id, changes: { ...input, domain, matchName } });
    });
  } catch (error) {
    if (domain && isUniqueViolation(error)) await duplicateDomain(ctx.db, ctx.workspaceId, domain);
    throw error;
  }
  return getAccount(ctx, id);
}

export async function updateAccount(ctx: WorkspaceContext, id: string, input: UpdateAccountRequest) {
  const patch: Partial<typeof account.$inferInsert> = {};
  if (input.name !== undefined) {
    patch.name = input.name;
    patch.matchName = matchNameOf(input.name);
  }
  if (input.domain !== undefined) patch.domain = domainOf(input.domain, 'domain');
  if (input.country !== undefined) patch.country = input.country;
  if (input.incumbentPartnerId !== undefined) {
    await assertPartner(ctx.db, ctx.workspaceId, input.incumbentPartnerId);
    patch.incumbentPartnerId = input.incumbentPartnerId;
  }
  try {
    await ctx.db.transaction(async (tx) => {
      const [before] = await tx
        .select()
        .from(account)
        .where(and(eq(account.workspaceId, ctx.workspaceId), eq(account.id, id)))
        .for('update');
      if (!before) throw notFound('Account');
      const changes = diff(before, patch);
      if (Object.keys(changes).length === 0) return;
      await tx
        .update(account)
        .set({ ...patch, updatedAt: new Date() })
        .where(eq(account.id, id));
      await audit({ ...ctx, db: tx }, { action: 'account.updated', entityType: 'account', entityId: id, changes });
    });
  } catch (error) {
    if (patch.domain && isUniqueViolation(error)) await duplicateDomain(ctx.db, ctx.workspaceId, patch.domain);
    throw error;
  }
  return getAccount(ctx, id);
}

/**
 * The contact a registration names, on its account: the one with the same email (or, without
 * an email, the same name), else a new one. Runs in the caller's transaction and audit.
 */
export async function upsertContact(
  tx: Executor,
  workspaceId: string,
  accountId: string,
  input: { name: string | null; email: string | null; phone: string | null },
): Promise<string | null> {
  if (!input.name && !input.email) return null;
  const email = input.email?.toLowerCase() ?? null;
  const [existing] = await tx
    .select({ id: contact.id, phone: contact.phone })
    .from(contact)
    .where(
      and(
        eq(contact.workspaceId, workspaceId),
        eq(contact.accountId, accountId),
        email ? eq(contact.email, email) : eq(contact.name, input.name as string),
      ),
    )
    .limit(1);
  if (existing) {
    if (input.phone && !existing.phone) await tx.update(contact).set({ phone: input.phone }).where(eq(contact.id, existing.id));
    return existing.id;
  }
  const id = newId('contact');
  await tx.insert(contact).values({ id, workspaceId, accountId, name: input.name ?? (email as string), email, phone: input.phone });
  return id;
}

export async function listContacts(ctx: WorkspaceContext, accountId: string) {
  await getAccount(ctx, accountId);
  const rows = await ctx.db
    .select()
    .from(contact)
    .where(and(eq(contact.workspaceId, ctx.workspaceId), eq(contact.accountId, accountId)))
    .orderBy(asc(contact.id));
  return { data: rows.map(toContact), nextCursor: null };
}

export async function createContact(ctx: WorkspaceContext, accountId: string, input: CreateContactRequest) {
  await getAccount(ctx, accountId);
  const id = newId('contact');
  const row = await ctx.db.transaction(async (tx) => {
    const [created] = await tx
      .insert(contact)
      .values({
        id,
        workspaceId: ctx.workspaceId,
        accountId,
        name: input.name,
        email: input.email ?? null,
        phone: input.phone ?? null,
        title: input.title ?? null,
      })
      .returning();
    await audit({ ...ctx, db: tx }, { action: 'contact.created', entityType: 'contact', entityId: id, changes: { accountId, ...input } });
    return created;
  });
  return toContact(row);
}
