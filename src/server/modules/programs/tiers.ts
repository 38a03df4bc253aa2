import { and, asc, eq, sql } from 'drizzle-orm';
import { audit } from '../../platform/audit.ts';
import type { TxContext, WorkspaceContext } from '../../platform/context.ts';
import { type Executor, isUniqueViolation } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { CreateTierRequest, UpdateTierRequest } from './contract.ts';
import { program, tier } from './schema.ts';

type TierRow = typeof tier.$inferSelect;
export type TierView = ReturnType<typeof toTier>;

// Plain SQL: drizzle leaves columns unqualified in select-list subqueries.
const partnersOnTier = sql<number>`(select count(*)::int from enrollment e where e.tier_id = "tier"."id")`;

function toTier(row: TierRow, partners: number) {
  return { id: row.id, programId: row.programId, name: row.name, rank: row.rank, partners, createdAt: row.createdAt.toISOString() };
}

function duplicateName(name: string, error: unknown): never {
  if (isUniqueViolation(error)) {
    throw new AppError('conflict', `This program already has a tier named “${name}”`, { fields: [{ path: 'name', message: 'is already used by another tier of this program' }] });
  }
  throw error;
}

async function assertProgram(db: Executor, workspaceId: string, programId: string) {
  const [row] = await db
    .select({ id: program.id })
    .from(program)
    .where(and(eq(program.workspaceId, workspaceId), eq(program.id, programId)));
  if (!row) throw notFound('Program');
}

export async function listTiers(ctx: Pick<WorkspaceContext, 'workspaceId' | 'db'>, programId: string) {
  await assertProgram(ctx.db, ctx.workspaceId, programId);
  const rows = await ctx.db
    .select({ t: tier, partners: partnersOnTier })
    .from(tier)
    .where(and(eq(tier.workspaceId, ctx.workspaceId), eq(tier.programId, programId)))
    .orderBy(asc(tier.rank), asc(tier.id));
  return { data: rows.map((r) => toTier(r.t, r.partners)) };
}

export async function getTier(ctx: Pick<WorkspaceContext, 'workspaceId' | 'db'>, id: string) {
  const [row] = await ctx.db
    .select({ t: tier, partners: partnersOnTier })
    .from(tier)
    .where(and(eq(tier.workspaceId, ctx.workspaceId), eq(tier.id, id)));
  if (!row) throw notFound('Tier');
  return toTier(row.t, row.partners);
}

/** Rewrites ranks so the given order reads 1..n (only the rows whose rank changes). */
async function renumber(db: Executor, ordered: { id: string; rank: number }[]) {
  for (const [index, row] of ordered.entries()) {
    if (row.rank !== index + 1) await db.update(tier).set({ rank: index + 1 }).where(eq(tier.id, row.id));
  }
}

async function lockedTiers(db: Executor, workspaceId: string, programId: string) {
  return db
    .select({ id: tier.id, rank: tier.rank, name: tier.name })
    .from(tier)
    .where(and(eq(tier.workspaceId, workspaceId), eq(tier.programId, programId)))
    .orderBy(asc(tier.rank), asc(tier.id))
    .for('update');
}

export async function createTier(ctx: WorkspaceContext, programId: string, input: CreateTierRequest) {
  await assertProgram(ctx.db, ctx.workspaceId, programId);
  const id = newId('tier');
  try {
    await ctx.db.transaction(async (tx) => {
      const existing = await lockedTiers(tx, ctx.workspaceId, programId);
      const position = Math.min(input.rank ?? existing.length + 1, existing.length + 1);
      await tx.insert(tier).values({ id, workspaceId: ctx.workspaceId, programId, name: input.name, rank: 0 });
      const ordered = [...existing];
      ordered.splice(position - 1, 0, { id, rank: 0, name: input.name });
      await renumber(tx, ordered);
      await audit({ ...ctx, db: tx }, { action: 'tier.created', entityType: 'tier', entityId: id, changes: { programId, name: input.name, rank: position } });
    });
  } catch (error) {
    duplicateName(input.name, error);
  }
  return getTier(ctx, id);
}

export async function updateTier(ctx: WorkspaceContext, id: string, input: UpdateTierRequest) {
  try {
    await ctx.db.transaction(async (tx) => {
      const [before] = await tx
        .select()
        .from(tier)
        .where(and(eq(tier.workspaceId, ctx.workspaceId), eq(tier.id, id)));
      if (!before) throw notFound('Tier');
      const changes: Record<string, { from: unknown; to: unknown }> = {};
      if (input.name !== undefined && input.name !== before.name) {
        await tx.update(tier).set({ name: input.name }).where(eq(tier.id, id));
        changes.name = { from: before.name, to: input.name };
      }
      if (input.rank !== undefined && input.rank !== before.rank) {
        const all = await lockedTiers(tx, ctx.workspaceId, before.programId);
        const others = all.filter((t) => t.id !== id);
        const position = Math.min(input.rank, all.length);
        others.splice(position - 1, 0, { id, rank: before.rank, name: before.name });
        await renumber(tx, others);
        changes.rank = { from: before.rank, to: position };
      }
      if (Object.keys(changes).length > 0) {
        await audit({ ...ctx, db: tx }, { action: 'tier.updated', entityType: 'tier', entityId: id, changes });
      }
    });
  } catch (error) {
    duplicateName(input.name ?? '', error);
  }
  return getTier(ctx, id);
}

export async function deleteTier(ctx: WorkspaceContext, id: string) {
  const current = await getTier(ctx, id);
  if (current.partners > 0) {
    throw new AppError('conflict', `${current.partners} enrolled partner${current.partners === 1 ? ' is' : 's are'} on “${current.name}”; move them to another tier first`);
  }
  try {
    await ctx.db.transaction(async (tx) => {
      await tx.delete(tier).where(and(eq(tier.workspaceId, ctx.workspaceId), eq(tier.id, id)));
      await renumber(tx, await lockedTiers(tx, ctx.workspaceId, current.programId));
      await audit({ ...ctx, db: tx }, { action: 'tier.deleted', entityType: 'tier', entityId: id, changes: { programId: current.programId, name: current.name } });
    });
  } catch (error) {
    // A partner was put on the tier between the count and the delete (enrollment.tier_id restricts it).
    if (isForeignKeyViolation(error)) throw new AppError('conflict', `Partners are on “${current.name}”; move them to another tier first`);
    throw error;
  }
}

function isForeignKeyViolation(error: unknown): boolean {
  let e: unknown = error;
  for (let depth = 0; e && depth < 4; depth++) {
    if ((e as { code?: string }).code === '23503') return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** A tier of the given program in this workspace, or a 422 naming `tierId`. */
export async function assertTierOfProgram(ctx: Pick<TxContext, 'workspaceId' | 'db'>, tierId: string, programId: string) {
  const [row] = await ctx.db
    .select({ id: tier.id, name: tier.name, rank: tier.rank })
    .from(tier)
    .where(and(eq(tier.workspaceId, ctx.workspaceId), eq(tier.id, tierId), eq(tier.programId, programId)));
  if (!row) throw new AppError('validation_failed', 'tierId: no such tier in this program', { fields: [{ path: 'tierId', message: "is not a tier of the enrollment's program" }] });
  return row;
}
