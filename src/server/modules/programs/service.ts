import { and, asc, eq, gt, sql } from 'drizzle-orm';
import { audit, diff } from '../../platform/audit.ts';
import type { WorkspaceContext } from '../../platform/context.ts';
import { isUniqueViolation } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { toPage } from '../../platform/pagination.ts';
import type { CreateProgramRequest, UpdateProgramRequest } from './contract.ts';
import { program } from './schema.ts';

type ProgramRow = typeof program.$inferSelect;
export type ProgramView = ReturnType<typeof toProgram>;

// Plain SQL: drizzle leaves columns unqualified in select-list subqueries.
const enrolledCount = sql<number>`(select count(*)::int from enrollment e where e.program_id = "program"."id" and e.status = 'active')`;

function toProgram(row: ProgramRow & { enrolledPartners: number }) {
  return {
    id: row.id,
    name: row.name,
    partnerType: row.partnerType as CreateProgramRequest['partnerType'],
    description: row.description,
    terms: row.terms,
    currency: row.currency,
    status: row.status as CreateProgramRequest['status'],
    enrolledPartners: row.enrolledPartners,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function duplicateName(name: string, error: unknown): never {
  if (isUniqueViolation(error)) {
    throw new AppError('conflict', `A program named “${name}” already exists`, { fields: [{ path: 'name', message: 'is already used by another program' }] });
  }
  throw error;
}

export async function listPrograms(ctx: WorkspaceContext, query: { limit: number; cursor?: string; status?: string }) {
  const rows = await ctx.db
    .select({ p: program, enrolledPartners: enrolledCount })
    .from(program)
    .where(
      and(eq(program.workspaceId, ctx.workspaceId), query.status ? eq(program.status, query.status) : undefined, query.cursor ? gt(program.id, query.cursor) : undefined),
    )
    .orderBy(asc(program.id))
    .limit(query.limit + 1);
  return toPage(rows, query.limit, (r) => r.p.id, (r) => toProgram({ ...r.p, enrolledPartners: r.enrolledPartners }));
}

export async function getProgram(ctx: WorkspaceContext, id: string) {
  const [row] = await ctx.db
    .select({ p: program, enrolledPartners: enrolledCount })
    .from(program)
    .where(and(eq(program.workspaceId, ctx.workspaceId), eq(program.id, id)));
  if (!row) throw notFound('Program');
  return toProgram({ ...row.p, enrolledPartners: row.enrolledPartners });
}

export async function createProgram(ctx: WorkspaceContext, input: CreateProgramRequest) {
  const id = newId('program');
  try {
    await ctx.db.transaction(async (tx) => {
      await tx.insert(program).values({ id, workspaceId: ctx.workspaceId, ...input });
      await audit({ ...ctx, db: tx }, { action: 'program.created', entityType: 'program', entityId: id, changes: { ...input } });
    });
  } catch (error) {
    duplicateName(input.name, error);
  }
  return getProgram(ctx, id);
}

export async function updateProgram(ctx: WorkspaceContext, id: string, input: UpdateProgramRequest) {
  try {
    await ctx.db.transaction(async (tx) => {
      const [before] = await tx
        .select()
        .from(program)
        .where(and(eq(program.workspaceId, ctx.workspaceId), eq(program.id, id)))
        .for('update');
      if (!before) throw notFound('Program');
      const changes = diff(before, input);
      if (Object.keys(changes).length === 0) return;
      await tx
        .update(program)
        .set({ ...input, updatedAt: new Date() })
        .where(eq(program.id, id));
      await audit({ ...ctx, db: tx }, { action: 'program.updated', entityType: 'program', entityId: id, changes });
    });
  } catch (error) {
    duplicateName(input.name ?? '', error);
  }
  return getProgram(ctx, id);
}
