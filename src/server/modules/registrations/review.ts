import { type SQL, and, asc, desc, eq, gt, inArray, isNotNull, or, sql } from 'drizzle-orm';
import { audit } from '../../platform/audit.ts';
import type { TxContext, WorkspaceContext } from '../../platform/context.ts';
import type { Executor } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { emit } from '../../platform/events.ts';
import { moneyToJson } from '../../platform/money.ts';
import { decodeCursor, encodeCursor, toPage } from '../../platform/pagination.ts';
import { auditEntry } from '../../platform/schema.ts';
import { account } from '../accounts/schema.ts';
import { deal, stage } from '../deals/schema.ts';
import { createDealFromRegistration } from '../deals/service.ts';
import { partner } from '../partners/schema.ts';
import { member } from '../workspaces/schema.ts';
import type { RegistrationListQuery } from './contract.ts';
import { loadPolicy } from './policy.ts';
import { conflict, registration, registrationExtension } from './schema.ts';
import { type RegistrationRow, amountOf, internalView, openConflictCountSql, reviewerNameSql, slaStateOf } from './views.ts';

export const REGISTRATION_APPROVED = 'registration.approved';
export const REGISTRATION_REJECTED = 'registration.rejected';
export const REGISTRATION_INFO_REQUESTED = 'registration.info_requested';
export const CONFLICT_ESCALATED = 'conflict.escalated';
export const CONFLICT_RESOLVED = 'conflict.resolved';

export type DecisionAction = 'approve' | 'reject' | 'request-info';
const ALLOWED_ACTIONS: Record<string, DecisionAction[]> = {
  submitted: ['approve', 'reject', 'request-info'],
  info_requested: ['approve', 'reject'],
};
export const allowedActions = (status: string): DecisionAction[] => ALLOWED_ACTIONS[status] ?? [];

const DAY = 24 * 3600_000;
const partnerName = sql<string>`(select p.name from partner p where p.id = "registration"."partner_id")`;
const programName = sql<string>`(select g.name from program g where g.id = "registration"."program_id")`;

function toSummary(r: { reg: RegistrationRow; partnerName: string; programName: string; reviewerName: string | null; conflictCount: number }, now: Date) {
  const v = internalView(r.reg);
  return {
    id: v.id,
    partnerId: v.partnerId,
    partnerName: r.partnerName,
    programId: v.programId,
    programName: r.programName,
    channel: v.channel as 'portal' | 'public_link' | 'api' | 'email',
    status: v.status,
    accountId: v.accountId,
    accountName: v.accountName,
    accountDomain: v.accountDomain,
    accountCountry: v.accountCountry,
    amount: v.amount,
    expectedCloseDate: v.expectedCloseDate,
    reviewerMemberId: v.reviewerMemberId,
    reviewerName: r.reviewerName,
    slaDueAt: v.slaDueAt,
    slaState: slaStateOf(r.reg, now),
    slaBreachedAt: v.slaBreachedAt,
    conflictCount: Number(r.conflictCount),
    protectionEndsAt: v.protectionEndsAt,
    decidedAt: v.decidedAt,
    dealId: v.dealId,
    createdAt: v.createdAt,
  };
}

const summaryColumns = { reg: registration, partnerName, programName, reviewerName: reviewerNameSql, conflictCount: openConflictCountSql };

/** The review queue, soonest SLA first. */
export async function listRegistrations(ctx: WorkspaceContext, q: RegistrationListQuery, now = new Date()) {
  const filters: (SQL | undefined)[] = [eq(registration.workspaceId, ctx.workspaceId)];
  if (q.status) filters.push(inArray(registration.status, q.status));
  if (q.programId) filters.push(eq(registration.programId, q.programId));
  if (q.partnerId) filters.push(eq(registration.partnerId, q.partnerId));
  if (q.reviewerMemberId) filters.push(eq(registration.reviewerMemberId, q.reviewerMemberId));
  if (q.hasConflicts !== undefined) {
    const exists = sql`exists (select 1 from ${conflict} where ${conflict.registrationId} = ${registration.id} and ${conflict.status} <> 'resolved')`;
    filters.push(q.hasConflicts ? exists : sql`not ${exists}`);
  }
  if (q.q) {
    const like = `%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    filters.push(or(sql`${registration.accountName} ilike ${like}`, sql`${registration.accountDomain} ilike ${like}`));
  }
  const column = q.sort === 'protectionEndsAt' ? registration.protectionEndsAt : registration.slaDueAt;
  if (q.sort === 'protectionEndsAt') filters.push(isNotNull(registration.protectionEndsAt));
  if (q.cursor) {
    const cursor = decodeCursor(q.cursor);
    if (!cursor || cursor.length !== 2 || typeof cursor[0] !== 'string' || typeof cursor[1] !== 'string') {
      throw new AppError('validation_failed', 'cursor is not valid for this list', { fields: [{ path: 'cursor', message: 'is not a cursor from this list' }] });
    }
    const at = new Date(cursor[0]);
    filters.push(or(gt(column, at), and(eq(column, at), gt(registration.id, cursor[1]))));
  }
  const rows = await ctx.db
    .select(summaryColumns)
    .from(registration)
    .where(and(...filters))
    .orderBy(asc(column), asc(registration.id))
    .limit(q.limit + 1);
  return toPage(
    rows,
    q.limit,
    (r) => encodeCursor([(q.sort === 'protectionEndsAt' ? (r.reg.protectionEndsAt as Date) : r.reg.slaDueAt).toISOString(), r.reg.id]),
    (r) => toSummary(r, now),
  );
}

async function loadRow(db: Executor, workspaceId: string, id: string, lock = false) {
  const query = db
    .select()
    .from(registration)
    .where(and(eq(registration.workspaceId, workspaceId), eq(registration.id, id)));
  const [row] = lock ? await query.for('update') : await query;
  if (!row) throw notFound('Registration');
  return row;
}

const memberNameById = async (db: Executor, ids: (string | null)[]) => {
  const wanted = [...new Set(ids.filter((i): i is string => !!i))];
  if (wanted.length === 0) return new Map<string, string>();
  const rows = await db.execute(sql`select m.id, u.name from member m join auth_user u on u.id = m.user_id where m.id in (${sql.join(wanted.map((w) => sql`${w}`), sql`, `)})`);
  return new Map((rows as unknown as { rows: { id: string; name: string }[] }).rows.map((r) => [r.id, r.name]));
};

/** Conflicts of a registration with a summary of the other claim. */
export async function conflictsOf(db: Executor, workspaceId: string, registrationIds: string[]) {
  if (registrationIds.length === 0) return [];
  const rows = await db
    .select()
    .from(conflict)
    .where(and(eq(conflict.workspaceId, workspaceId), inArray(conflict.registrationId, registrationIds)))
    .orderBy(asc(conflict.id));
  const otherRegIds = rows.filter((r) => r.otherKind === 'registration').map((r) => r.otherId);
  const dealIds = rows.filter((r) => r.otherKind === 'deal').map((r) => r.otherId);
  const accountIds = rows.map((r) => r.matchedAccountId);
  const partnerIds = rows.map((r) => r.otherPartnerId).filter((p): p is string => !!p);
  const [regs, deals, accounts, partners, owners] = await Promise.all([
    otherRegIds.length ? db.select().from(registration).where(and(eq(registration.workspaceId, workspaceId), inArray(registration.id, otherRegIds))) : [],
    dealIds.length
      ? db
          .select({ d: deal, stageName: stage.name })
          .from(deal)
          .innerJoin(stage, eq(stage.id, deal.stageId))
          .where(and(eq(deal.workspaceId, workspaceId), inArray(deal.id, dealIds)))
      : [],
    db.select({ id: account.id, name: account.name }).from(account).where(and(eq(account.workspaceId, workspaceId), inArray(account.id, accountIds))),
    partnerIds.length ? db.select({ id: partner.id, name: partner.name }).from(partner).where(and(eq(partner.workspaceId, workspaceId), inArray(partner.id, partnerIds))) : [],
    memberNameById(db, rows.map((r) => r.ownerMemberId)),
  ]);
  const regById = new Map(regs.map((r) => [r.id, r]));
  const dealById = new Map(deals.map((d) => [d.d.id, d]));
  const accountName = new Map(accounts.map((a) => [a.id, a.name]));
  const partnerNameById = new Map(partners.map((p) => [p.id, p.name]));
  return rows.map((c) => {
    const r = c.otherKind === 'registration' ? regById.get(c.otherId) : undefined;
    const d = c.otherKind === 'deal' ? dealById.get(c.otherId) : undefined;
    const other = {
      partnerName: c.otherPartnerId ? (partnerNameById.get(c.otherPartnerId) ?? null) : null,
      accountName: r?.accountName ?? accountName.get(c.matchedAccountId) ?? null,
      name: d?.d.name ?? null,
      status: r?.status ?? (d ? d.stageName : c.otherKind === 'incumbent' ? 'incumbent' : null),
      amount: r ? amountOf(r) : d ? moneyToJson({ amountMinor: d.d.amountMinor, currency: d.d.currency }) : null,
      createdAt: (r?.createdAt ?? d?.d.createdAt)?.toISOString() ?? null,
      protectionEndsAt: r?.protectionEndsAt?.toISOString() ?? null,
    };
    return {
      id: c.id,
      registrationId: c.registrationId,
      otherKind: c.otherKind as 'registration' | 'deal' | 'incumbent',
      otherId: c.otherId,
      otherPartnerId: c.otherPartnerId,
      other,
      matchedAccountId: c.matchedAccountId,
      matchKind: c.matchKind as 'domain' | 'name',
      similarity: c.similarity,
      recommendation: c.recommendation,
      status: c.status as 'open' | 'escalated' | 'resolved',
      ownerMemberId: c.ownerMemberId,
      ownerName: c.ownerMemberId ? (owners.get(c.ownerMemberId) ?? null) : null,
      escalatedAt: c.escalatedAt?.toISOString() ?? null,
      resolution: c.resolution,
      resolvedAt: c.resolvedAt?.toISOString() ?? null,
      createdAt: c.createdAt.toISOString(),
    };
  });
}

export const toExtension = (e: typeof registrationExtension.$inferSelect) => ({
  id: e.id,
  registrationId: e.registrationId,
  status: e.status as 'requested' | 'approved' | 'rejected',
  days: e.days,
  reason: e.reason,
  decidedAt: e.decidedAt?.toISOString() ?? null,
  createdAt: e.createdAt.toISOString(),
});

export async function getRegistration(ctx: Pick<WorkspaceContext, 'workspaceId' | 'db'>, id: string, now = new Date()) {
  const [r] = await ctx.db
    .select(summaryColumns)
    .from(registration)
    .where(and(eq(registration.workspaceId, ctx.workspaceId), eq(registration.id, id)));
  if (!r) throw notFound('Registration');
  const [conflicts, extensions] = await Promise.all([
    conflictsOf(ctx.db, ctx.workspaceId, [id]),
    ctx.db.select().from(registrationExtension).where(and(eq(registrationExtension.workspaceId, ctx.workspaceId), eq(registrationExtension.registrationId, id))).orderBy(asc(registrationExtension.id)),
  ]);
  // The decision history: audit entries of the registration, its conflicts and its extension requests (indexed by entity).
  const decisions = await ctx.db
    .select()
    .from(auditEntry)
    .where(
      and(
        eq(auditEntry.workspaceId, ctx.workspaceId),
        inArray(auditEntry.entityType, ['registration', 'registration_extension', 'conflict']),
        inArray(auditEntry.entityId, [id, ...conflicts.map((c) => c.id), ...extensions.map((e) => e.id)]),
      ),
    )
    .orderBy(asc(auditEntry.id));
  const v = internalView(r.reg);
  return {
    ...toSummary(r, now),
    submittedByPartnerUserId: v.submittedByPartnerUserId,
    contactName: v.contactName,
    contactEmail: v.contactEmail,
    contactPhone: v.contactPhone,
    products: v.products,
    notes: v.notes,
    customFields: v.customFields as Record<string, unknown>,
    decidedByMemberId: v.decidedByMemberId,
    decisionReason: v.decisionReason,
    internalNotes: v.internalNotes,
    protectionStartsAt: v.protectionStartsAt,
    extensionsUsed: v.extensionsUsed,
    remindersSent: v.remindersSent,
    allowedActions: allowedActions(v.status),
    conflicts,
    extensions: extensions.map(toExtension),
    decisions: decisions.map((d) => ({ action: d.action, actorType: d.actorType, actorName: d.actorName, at: d.createdAt.toISOString(), changes: d.changes })),
    updatedAt: v.updatedAt,
  };
}

function notAllowed(status: string, action: string, allowed: readonly string[]): AppError {
  return new AppError(
    'conflict',
    `Cannot ${action} a registration that is ${status.replace('_', ' ')}; ${allowed.length ? `allowed: ${allowed.join(', ')}` : 'no decision is possible any more'}`,
    { extensions: { allowed: [...allowed], status } },
  );
}

const memberIdOf = (ctx: WorkspaceContext) => (ctx.principal.kind === 'member' ? ctx.principal.memberId : null);
const appendNote = (current: string | null, note: string | null | undefined, who: string, at: Date) =>
  note ? `${current ? `${current}\n\n` : ''}[${at.toISOString().slice(0, 16).replace('T', ' ')} ${who}] ${note}` : current;
const actorLabel = (ctx: WorkspaceContext) => (ctx.principal.kind === 'system' ? ctx.principal.name : 'name' in ctx.principal ? ctx.principal.name : 'someone');

interface DecisionInput {
  note?: string | null;
  reason?: string;
  message?: string;
  internalNote?: string | null;
}

/** Approve, reject or request information: an allowed transition, timestamped, audited and announced. */
export async function decide(ctx: WorkspaceContext, id: string, action: DecisionAction, input: DecisionInput, now = new Date()) {
  await ctx.db.transaction(async (tx) => {
    const row = await loadRow(tx, ctx.workspaceId, id, true);
    const allowed = allowedActions(row.status);
    if (!allowed.includes(action)) throw notAllowed(row.status, action.replace('-', ' '), allowed);
    const txc: TxContext = { ...ctx, db: tx };
    const internalNotes = appendNote(row.internalNotes, input.internalNote, actorLabel(ctx), now);
    const base = { decidedAt: now, decidedByMemberId: memberIdOf(ctx), internalNotes, updatedAt: now };
    if (action === 'approve') {
      const policy = await loadPolicy(tx, ctx.workspaceId, row.programId);
      const protectionEndsAt = new Date(now.getTime() + policy.protectionDays * DAY);
      const [updated] = await tx
        .update(registration)
        .set({ ...base, status: 'approved', decisionReason: input.note ?? null, protectionStartsAt: now, protectionEndsAt, remindersSent: [] })
        .where(eq(registration.id, id))
        .returning();
      const { dealId } = await createDealFromRegistration(tx, { workspaceId: ctx.workspaceId, principal: ctx.principal, requestId: ctx.requestId }, updated);
      await tx.update(registration).set({ dealId }).where(eq(registration.id, id));
      await audit(txc, {
        action: 'registration.approved',
        entityType: 'registration',
        entityId: id,
        changes: { status: { from: row.status, to: 'approved' }, note: input.note ?? null, protectionStartsAt: now, protectionEndsAt, dealId },
      });
      await emit(tx, ctx.workspaceId, REGISTRATION_APPROVED, { registrationId: id, partnerId: row.partnerId, programId: row.programId, dealId });
    } else if (action === 'reject') {
      await tx
        .update(registration)
        .set({ ...base, status: 'rejected', decisionReason: input.reason ?? null })
        .where(eq(registration.id, id));
      await audit(txc, { action: 'registration.rejected', entityType: 'registration', entityId: id, changes: { status: { from: row.status, to: 'rejected' }, reason: input.reason } });
      await emit(tx, ctx.workspaceId, REGISTRATION_REJECTED, { registrationId: id, partnerId: row.partnerId, programId: row.programId });
    } else {
      await tx
        .update(registration)
        .set({ status: 'info_requested', decisionReason: input.message ?? null, internalNotes, updatedAt: now })
        .where(eq(registration.id, id));
      await audit(txc, {
        action: 'registration.info_requested',
        entityType: 'registration',
        entityId: id,
        changes: { status: { from: row.status, to: 'info_requested' }, message: input.message },
      });
      await emit(tx, ctx.workspaceId, REGISTRATION_INFO_REQUESTED, { registrationId: id, partnerId: row.partnerId, programId: row.programId });
    }
  });
  return getRegistration(ctx, id, now);
}

// ── Conflicts ──

async function loadConflict(db: Executor, workspaceId: string, id: string) {
  const [row] = await db
    .select()
    .from(conflict)
    .where(and(eq(conflict.workspaceId, workspaceId), eq(conflict.id, id)))
    .for('update');
  if (!row) throw notFound('Conflict');
  return row;
}

async function assertMember(db: Executor, workspaceId: string, memberId: string | null | undefined, path: string) {
  if (!memberId) return;
  const [m] = await db
    .select({ id: member.id })
    .from(member)
    .where(and(eq(member.workspaceId, workspaceId), eq(member.id, memberId)));
  if (!m) throw new AppError('validation_failed', `${path}: no such member`, { fields: [{ path, message: 'is not a member of this workspace' }] });
}

async function conflictView(ctx: Pick<WorkspaceContext, 'workspaceId' | 'db'>, id: string) {
  const [row] = await ctx.db.select({ registrationId: conflict.registrationId }).from(conflict).where(and(eq(conflict.workspaceId, ctx.workspaceId), eq(conflict.id, id)));
  if (!row) throw notFound('Conflict');
  const all = await conflictsOf(ctx.db, ctx.workspaceId, [row.registrationId]);
  return all.find((c) => c.id === id) as (typeof all)[number];
}

export async function getConflict(ctx: WorkspaceContext, id: string) {
  return conflictView(ctx, id);
}

/** Open conflicts (and escalated ones) across the workspace, newest first. */
export async function listConflicts(ctx: WorkspaceContext, q: { status?: 'open' | 'escalated' | 'resolved'; ownerMemberId?: string; limit: number; cursor?: string }) {
  const rows = await ctx.db
    .select({ id: conflict.id, registrationId: conflict.registrationId })
    .from(conflict)
    .where(
      and(
        eq(conflict.workspaceId, ctx.workspaceId),
        q.status ? eq(conflict.status, q.status) : undefined,
        q.ownerMemberId ? eq(conflict.ownerMemberId, q.ownerMemberId) : undefined,
        q.cursor ? sql`${conflict.id} < ${q.cursor}` : undefined,
      ),
    )
    .orderBy(desc(conflict.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  const views = await conflictsOf(ctx.db, ctx.workspaceId, [...new Set(page.map((r) => r.registrationId))]);
  const byId = new Map(views.map((v) => [v.id, v]));
  return { data: page.map((r) => byId.get(r.id) as (typeof views)[number]), nextCursor: rows.length > q.limit ? page[page.length - 1].id : null };
}

export async function resolveConflict(ctx: WorkspaceContext, id: string, resolution: string, now = new Date()) {
  await ctx.db.transaction(async (tx) => {
    const c = await loadConflict(tx, ctx.workspaceId, id);
    if (c.status === 'resolved') throw new AppError('conflict', 'This conflict is already resolved', { extensions: { allowed: [], status: c.status } });
    await tx.update(conflict).set({ status: 'resolved', resolution, resolvedAt: now }).where(eq(conflict.id, id));
    await audit({ ...ctx, db: tx }, { action: 'conflict.resolved', entityType: 'conflict', entityId: id, changes: { registrationId: c.registrationId, status: { from: c.status, to: 'resolved' }, resolution } });
    await emit(tx, ctx.workspaceId, CONFLICT_RESOLVED, { conflictId: id, registrationId: c.registrationId });
  });
  return conflictView(ctx, id);
}

export async function escalateConflict(ctx: WorkspaceContext, id: string, input: { note?: string | null; ownerMemberId?: string | null }, now = new Date()) {
  await ctx.db.transaction(async (tx) => {
    const c = await loadConflict(tx, ctx.workspaceId, id);
    if (c.status !== 'open') {
      throw new AppError('conflict', `Cannot escalate a conflict that is ${c.status}; allowed: ${c.status === 'escalated' ? 'resolve' : 'none'}`, {
        extensions: { allowed: c.status === 'escalated' ? ['resolve'] : [], status: c.status },
      });
    }
    await assertMember(tx, ctx.workspaceId, input.ownerMemberId, 'ownerMemberId');
    const ownerMemberId = input.ownerMemberId ?? c.ownerMemberId;
    await tx.update(conflict).set({ status: 'escalated', escalatedAt: now, ownerMemberId }).where(eq(conflict.id, id));
    await audit({ ...ctx, db: tx }, {
      action: 'conflict.escalated',
      entityType: 'conflict',
      entityId: id,
      changes: { registrationId: c.registrationId, status: { from: c.status, to: 'escalated' }, note: input.note ?? null, ownerMemberId },
    });
    await emit(tx, ctx.workspaceId, CONFLICT_ESCALATED, { conflictId: id, registrationId: c.registrationId, ownerMemberId });
  });
  return conflictView(ctx, id);
}

export async function assignConflict(ctx: WorkspaceContext, id: string, ownerMemberId: string | null) {
  await ctx.db.transaction(async (tx) => {
    const c = await loadConflict(tx, ctx.workspaceId, id);
    await assertMember(tx, ctx.workspaceId, ownerMemberId, 'ownerMemberId');
    if (c.ownerMemberId === ownerMemberId) return;
    await tx.update(conflict).set({ ownerMemberId }).where(eq(conflict.id, id));
    await audit({ ...ctx, db: tx }, { action: 'conflict.assigned', entityType: 'conflict', entityId: id, changes: { registrationId: c.registrationId, ownerMemberId: { from: c.ownerMemberId, to: ownerMemberId } } });
  });
  return conflictView(ctx, id);
}

