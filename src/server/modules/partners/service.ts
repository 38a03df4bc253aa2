import { type SQL, and, asc, desc, eq, gt, lt, or, sql } from 'drizzle-orm';
import { audit, diff } from '../../platform/audit.ts';
import type { TxContext, WorkspaceContext } from '../../platform/context.ts';
import { type Executor, isUniqueViolation } from '../../platform/db.ts';
import { normalizeDomain } from '../../platform/domain-name.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { emit } from '../../platform/events.ts';
import { newId } from '../../platform/ids.ts';
import { decodeCursor, encodeCursor, toPage } from '../../platform/pagination.ts';
import type { TokenService } from '../../platform/tokens.ts';
import { program, tier } from '../programs/schema.ts';
import { assertTierOfProgram } from '../programs/tiers.ts';
import { member } from '../workspaces/schema.ts';
import type { CreatePartnerRequest, InvitePartnerUserRequest, PartnerListQuery, UpdatePartnerRequest } from './contract.ts';
import { enrollment, partner, partnerUser } from './schema.ts';

export const PARTNER_USER_INVITED = 'partner_user.invited';
const PARTNER_INVITE_TTL_MS = 7 * 24 * 3600 * 1000;

type PartnerRow = typeof partner.$inferSelect;
export interface PartnerTier {
  programId: string;
  tierId: string;
  name: string;
  rank: number;
}
export function toPartner(row: PartnerRow, managerName: string | null, tiers: PartnerTier[] = []) {
  return {
    id: row.id,
    kind: row.kind as 'organization' | 'individual',
    name: row.name,
    website: row.website,
    domain: row.domain,
    country: row.country,
    type: row.type as CreatePartnerRequest['type'],
    tags: row.tags,
    managerMemberId: row.managerMemberId,
    managerName,
    tiers,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
export type PartnerView = ReturnType<typeof toPartner>;

/** The assigned manager's name (drizzle leaves columns unqualified in select-list subqueries, hence plain SQL). */
const managerName = sql<string | null>`(select u.name from member m join auth_user u on u.id = m.user_id where m.id = "partner"."manager_member_id")`;
/** The partner's tier per program (one small indexed subquery; enrollment is unique per partner and program). */
const partnerTiers = sql<PartnerTier[] | string>`(select coalesce(json_agg(json_build_object('programId', e.program_id, 'tierId', t.id, 'name', t.name, 'rank', t.rank) order by e.program_id), '[]'::json) from enrollment e join tier t on t.id = e.tier_id where e.partner_id = "partner"."id")`;
const parseTiers = (value: PartnerTier[] | string | null): PartnerTier[] => (typeof value === 'string' ? JSON.parse(value) : (value ?? []));

export async function listPartners(ctx: WorkspaceContext, query: PartnerListQuery) {
  const filters: (SQL | undefined)[] = [eq(partner.workspaceId, ctx.workspaceId)];
  if (query.q) {
    const like = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    filters.push(or(sql`${partner.name} ilike ${like}`, sql`${partner.domain} ilike ${like}`));
  }
  if (query.type) filters.push(eq(partner.type, query.type));
  if (query.tag) filters.push(sql`${partner.tags} @> array[${query.tag}]::text[]`);
  if (query.managerId) filters.push(eq(partner.managerMemberId, query.managerId));
  if (query.programId) {
    filters.push(
      sql`exists (select 1 from ${enrollment} where ${enrollment.partnerId} = ${partner.id} and ${enrollment.programId} = ${query.programId})`,
    );
  }
  const descending = query.sort.startsWith('-');
  const byName = query.sort.endsWith('name');
  if (query.cursor) {
    const cursor = decodeCursor(query.cursor);
    if (!cursor || cursor.length !== 2 || typeof cursor[1] !== 'string') {
      throw new AppError('validation_failed', 'cursor is not valid for this list', { fields: [{ path: 'cursor', message: 'is not a cursor from this list' }] });
    }
    const [sortValue, id] = cursor as [string, string];
    const cmp = descending ? lt : gt;
    if (byName) {
      filters.push(or(cmp(partner.name, sortValue), and(eq(partner.name, sortValue), cmp(partner.id, id))));
    } else {
      filters.push(cmp(partner.id, id));
    }
  }
  const order = descending ? desc : asc;
  const rows = await ctx.db
    .select({ p: partner, managerName, tiers: partnerTiers })
    .from(partner)
    .where(and(...filters))
    .orderBy(...(byName ? [order(partner.name), order(partner.id)] : [order(partner.id)]))
    .limit(query.limit + 1);
  return toPage(
    rows,
    query.limit,
    (r) => encodeCursor([byName ? r.p.name : r.p.createdAt.toISOString(), r.p.id]),
    (r) => toPartner(r.p, r.managerName, parseTiers(r.tiers)),
  );
}

export async function getPartner(ctx: Pick<WorkspaceContext, 'workspaceId' | 'db'>, id: string) {
  const [row] = await ctx.db
    .select({ p: partner, managerName, tiers: partnerTiers })
    .from(partner)
    .where(and(eq(partner.workspaceId, ctx.workspaceId), eq(partner.id, id)));
  if (!row) throw notFound('Partner');
  return toPartner(row.p, row.managerName, parseTiers(row.tiers));
}

async function assertManager(db: Executor, workspaceId: string, memberId: string | null | undefined): Promise<void> {
  if (!memberId) return;
  const [row] = await db
    .select({ id: member.id })
    .from(member)
    .where(and(eq(member.workspaceId, workspaceId), eq(member.id, memberId)));
  if (!row) throw new AppError('validation_failed', 'managerMemberId: no such member in this workspace', { fields: [{ path: 'managerMemberId', message: 'is not a member of this workspace' }] });
}

async function duplicateDomain(db: Executor, workspaceId: string, domain: string): Promise<never> {
  const [existing] = await db
    .select({ id: partner.id, name: partner.name })
    .from(partner)
    .where(and(eq(partner.workspaceId, workspaceId), eq(partner.domain, domain)));
  throw new AppError('conflict', `A partner with domain ${domain} already exists${existing ? ` (${existing.name})` : ''}`, {
    fields: [{ path: 'website', message: `domain ${domain} is already used by another partner` }],
    extensions: existing ? { existingId: existing.id } : {},
  });
}

export async function createPartner(ctx: WorkspaceContext, input: CreatePartnerRequest) {
  const domain = normalizeDomain(input.website);
  await assertManager(ctx.db, ctx.workspaceId, input.managerMemberId);
  const id = newId('partner');
  try {
    await ctx.db.transaction(async (tx) => {
      await tx.insert(partner).values({
        id,
        workspaceId: ctx.workspaceId,
        kind: input.kind,
        name: input.name,
        website: input.website || null,
        domain,
        country: input.country ?? null,
        type: input.type,
        tags: [...new Set(input.tags)],
        managerMemberId: input.managerMemberId ?? null,
      });
      await audit({ ...ctx, db: tx }, { action: 'partner.created', entityType: 'partner', entityId: id, changes: { ...input, domain } });
    });
  } catch (error) {
    if (domain && isUniqueViolation(error)) await duplicateDomain(ctx.db, ctx.workspaceId, domain);
    throw error;
  }
  return getPartner(ctx, id);
}

export async function updatePartner(ctx: WorkspaceContext, id: string, input: UpdatePartnerRequest) {
  const patch: Partial<typeof partner.$inferInsert> = {};
  if (input.kind !== undefined) patch.kind = input.kind;
  if (input.name !== undefined) patch.name = input.name;
  if (input.type !== undefined) patch.type = input.type;
  if (input.tags !== undefined) patch.tags = [...new Set(input.tags)];
  if (input.country !== undefined) patch.country = input.country;
  if (input.website !== undefined) {
    patch.website = input.website || null;
    patch.domain = normalizeDomain(input.website);
  }
  if (input.managerMemberId !== undefined) {
    await assertManager(ctx.db, ctx.workspaceId, input.managerMemberId);
    patch.managerMemberId = input.managerMemberId;
  }
  try {
    await ctx.db.transaction(async (tx) => {
      const [before] = await tx
        .select()
        .from(partner)
        .where(and(eq(partner.workspaceId, ctx.workspaceId), eq(partner.id, id)))
        .for('update');
      if (!before) throw notFound('Partner');
      const changes = diff(before, patch);
      if (Object.keys(changes).length === 0) return;
      await tx
        .update(partner)
        .set({ ...patch, updatedAt: new Date() })
        .where(eq(partner.id, id));
      await audit({ ...ctx, db: tx }, { action: 'partner.updated', entityType: 'partner', entityId: id, changes });
    });
  } catch (error) {
    if (patch.domain && isUniqueViolation(error)) await duplicateDomain(ctx.db, ctx.workspaceId, patch.domain);
    throw error;
  }
  return getPartner(ctx, id);
}

// ── Enrollments ──
export async function listEnrollments(ctx: WorkspaceContext, partnerId: string) {
  await getPartner(ctx, partnerId);
  const rows = await enrollmentRows(ctx.db, and(eq(enrollment.workspaceId, ctx.workspaceId), eq(enrollment.partnerId, partnerId)));
  return { data: rows.map(toEnrollment), nextCursor: null };
}

function enrollmentRows(db: Executor, where: SQL | undefined) {
  return db
    .select({ e: enrollment, programName: program.name, tierName: tier.name, tierRank: tier.rank })
    .from(enrollment)
    .innerJoin(program, eq(program.id, enrollment.programId))
    .leftJoin(tier, eq(tier.id, enrollment.tierId))
    .where(where)
    .orderBy(asc(enrollment.id));
}

function toEnrollment(r: Awaited<ReturnType<typeof enrollmentRows>>[number]) {
  return {
    id: r.e.id,
    partnerId: r.e.partnerId,
    programId: r.e.programId,
    programName: r.programName,
    status: r.e.status as 'active' | 'paused' | 'terminated',
    tierId: r.e.tierId,
    tierName: r.tierName,
    tierRank: r.tierRank,
    createdAt: r.e.createdAt.toISOString(),
  };
}

/** Sets (or clears) the partner's tier in the enrollment's program. */
export async function updateEnrollment(ctx: WorkspaceContext, id: string, input: { tierId: string | null }) {
  return ctx.db.transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(enrollment)
      .where(and(eq(enrollment.workspaceId, ctx.workspaceId), eq(enrollment.id, id)))
      .for('update');
    if (!before) throw notFound('Enrollment');
    if (input.tierId) await assertTierOfProgram({ workspaceId: ctx.workspaceId, db: tx }, input.tierId, before.programId);
    if (before.tierId !== input.tierId) {
      await tx.update(enrollment).set({ tierId: input.tierId, updatedAt: new Date() }).where(eq(enrollment.id, id));
      await audit({ ...ctx, db: tx }, { action: 'enrollment.tier_changed', entityType: 'enrollment', entityId: id, changes: { tierId: { from: before.tierId, to: input.tierId } } });
    }
    const [row] = await enrollmentRows(tx, eq(enrollment.id, id));
    return toEnrollment(row);
  });
}

export async function enroll(ctx: TxContext, partnerId: string, programId: string, tierId: string | null = null) {
  const [p] = await ctx.db
    .select({ id: partner.id })
    .from(partner)
    .where(and(eq(partner.workspaceId, ctx.workspaceId), eq(partner.id, partnerId)));
  if (!p) throw notFound('Partner');
  const [prg] = await ctx.db
    .select({ id: program.id, name: program.name, status: program.status })
    .from(program)
    .where(and(eq(program.workspaceId, ctx.workspaceId), eq(program.id, programId)));
  if (!prg) throw new AppError('validation_failed', 'programId: no such program', { fields: [{ path: 'programId', message: 'is not a program of this workspace' }] });
  if (prg.status === 'archived') throw new AppError('conflict', `Program “${prg.name}” is archived; partners cannot be enrolled`);
  const onTier = tierId ? await assertTierOfProgram(ctx, tierId, programId) : null;
  const id = newId('enrollment');
  const inserted = await ctx.db
    .insert(enrollment)
    .values({ id, workspaceId: ctx.workspaceId, partnerId, programId, status: 'active', tierId })
    .onConflictDoNothing()
    .returning();
  if (inserted.length === 0) {
    const [existing] = await ctx.db
      .select({ id: enrollment.id })
      .from(enrollment)
      .where(and(eq(enrollment.partnerId, partnerId), eq(enrollment.programId, programId)));
    throw new AppError('conflict', `The partner is already enrolled in “${prg.name}”`, { extensions: { existingId: existing?.id } });
  }
  await audit(ctx, { action: 'enrollment.created', entityType: 'enrollment', entityId: id, changes: { partnerId, programId, tierId } });
  const row = inserted[0];
  return {
    id,
    partnerId,
    programId,
    programName: prg.name,
    status: 'active' as const,
    tierId,
    tierName: onTier?.name ?? null,
    tierRank: onTier?.rank ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

export async function enrollPartner(ctx: WorkspaceContext, partnerId: string, programId: string, tierId: string | null = null) {
  return ctx.db.transaction((tx) => enroll({ ...ctx, db: tx }, partnerId, programId, tierId));
}

// ── Partner users ──
type PartnerUserRow = typeof partnerUser.$inferSelect;
export const toPartnerUser = (row: PartnerUserRow) => ({
  id: row.id,
  partnerId: row.partnerId,
  userId: row.userId,
  name: row.name,
  email: row.email,
  role: row.role as InvitePartnerUserRequest['role'],
  status: row.status as 'invited' | 'active',
  createdAt: row.createdAt.toISOString(),
});

export async function listPartnerUsers(ctx: Pick<WorkspaceContext, 'workspaceId' | 'db'>, partnerId: string) {
  const rows = await ctx.db
    .select()
    .from(partnerUser)
    .where(and(eq(partnerUser.workspaceId, ctx.workspaceId), eq(partnerUser.partnerId, partnerId)))
    .orderBy(asc(partnerUser.id));
  return rows.map(toPartnerUser);
}

export async function listPartnerUsersPage(ctx: WorkspaceContext, partnerId: string) {
  await getPartner(ctx, partnerId);
  return { data: await listPartnerUsers(ctx, partnerId), nextCursor: null };
}

/** Invites a person to a partner's portal team (by vendor staff, or by the partner's own admin). */
export async function invitePartnerUser(ctx: WorkspaceContext, tokens: TokenService, partnerId: string, input: InvitePartnerUserRequest) {
  await getPartner(ctx, partnerId);
  return ctx.db.transaction(async (tx) => {
    const id = newId('partnerUser');
    const inserted = await tx
      .insert(partnerUser)
      .values({
        id,
        workspaceId: ctx.workspaceId,
        partnerId,
        email: input.email,
        name: input.name,
        role: input.role,
        status: 'invited',
        inviteTokenHash: tokens.hash(tokens.derive('partner_invitation', id)),
        inviteExpiresAt: new Date(Date.now() + PARTNER_INVITE_TTL_MS),
      })
      .onConflictDoNothing()
      .returning();
    if (inserted.length === 0) {
      const [existing] = await tx
        .select({ id: partnerUser.id })
        .from(partnerUser)
        .where(and(eq(partnerUser.partnerId, partnerId), eq(partnerUser.email, input.email)));
      throw new AppError('conflict', `${input.email} is already on this partner's team`, { extensions: { existingId: existing?.id } });
    }
    await audit({ ...ctx, db: tx }, { action: 'partner_user.invited', entityType: 'partner_user', entityId: id, changes: { partnerId, email: input.email, role: input.role } });
    await emit(tx, ctx.workspaceId, PARTNER_USER_INVITED, { partnerUserId: id });
    return toPartnerUser(inserted[0]);
  });
}

/** The email of a partner invitation that is still valid, for the join link. */
export async function findPartnerInvitation(db: Executor, tokens: TokenService, token: string) {
  const [row] = await db.select().from(partnerUser).where(eq(partnerUser.inviteTokenHash, tokens.hash(token)));
  if (!row || !row.inviteExpiresAt || row.inviteExpiresAt.getTime() < Date.now()) return null;
  return row;
}
