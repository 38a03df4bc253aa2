import { type SQL, and, desc, eq, lt, max, sql } from 'drizzle-orm';
import { audit } from '../../platform/audit.ts';
import { now } from '../../platform/clock.ts';
import type { TxContext, WorkspaceContext } from '../../platform/context.ts';
import { actorOf } from '../../platform/context.ts';
import type { Executor } from '../../platform/db.ts';
import { AppError, invalid, notFound } from '../../platform/errors.ts';
import type { PortalContext } from '../../platform/http.ts';
import { newId } from '../../platform/ids.ts';
import { decodeCursor, encodeCursor, toPage } from '../../platform/pagination.ts';
import { projectForPartner } from '../../platform/visibility.ts';
import { program, tier } from '../programs/schema.ts';
import { effectiveAccrualStatus } from '../tracking/conversions.ts';
import { type OriginalEntry, accruePending, releaseHolds, reversedSoFar, writeReversal } from './accrual.ts';
import type { AdjustmentRequest, CreatePlanRequest, LedgerFilterQuery, LedgerListQuery, PlanListQuery, UpdatePlanRequest } from './contract.ts';
import { evaluateRebate, fmt, jsonMoney, periodBounds } from './evaluate.ts';
import { renderStoredExplanations } from './explain.ts';
import { type LedgerFilter, type NewEntry, filterSql, insertEntries, ledgerTotals, rows } from './ledger.ts';
import { type PlanDocument, parsePlanDocument } from './plan.ts';
import { commissionPlan } from './schema.ts';

type Ctx = WorkspaceContext;
const txCtx = (ctx: Ctx, tx: Executor): TxContext => ({ workspaceId: ctx.workspaceId, principal: ctx.principal, requestId: ctx.requestId, db: tx });
const iso = (d: Date | string | null) => (d === null ? null : d instanceof Date ? d.toISOString() : new Date(d).toISOString());

// ── plans ──

type PlanRow = typeof commissionPlan.$inferSelect;

function toPlan(p: PlanRow) {
  return {
    id: p.id,
    programId: p.programId,
    version: p.version,
    name: p.name,
    status: p.status as 'draft' | 'active' | 'archived',
    document: parsePlanDocument(p.document),
    createdByName: p.createdByName,
    activatedAt: iso(p.activatedAt),
    archivedAt: iso(p.archivedAt),
    createdAt: iso(p.createdAt) as string,
    updatedAt: iso(p.updatedAt) as string,
  };
}

async function programOf(db: Executor, workspaceId: string, programId: string) {
  const [p] = await db
    .select({ id: program.id, name: program.name })
    .from(program)
    .where(and(eq(program.workspaceId, workspaceId), eq(program.id, programId)));
  return p ?? null;
}

/** Tier ids in conditions must be tiers of the plan's program (422 naming the field). */
async function checkTiers(db: Executor, workspaceId: string, programId: string, doc: PlanDocument) {
  const wanted: { path: string; id: string }[] = [];
  for (const key of ['rules', 'spiffs'] as const) {
    doc[key].forEach((r, i) => {
      r.conditions.tierIds?.forEach((id, j) => {
        wanted.push({ path: `document.${key}.${i}.conditions.tierIds.${j}`, id });
      });
    });
  }
  if (wanted.length === 0) return;
  const known = new Set(
    (await db.select({ id: tier.id }).from(tier).where(and(eq(tier.workspaceId, workspaceId), eq(tier.programId, programId)))).map((t) => t.id),
  );
  const bad = wanted.filter((w) => !known.has(w.id));
  if (bad.length) throw new AppError('validation_failed', 'Unknown tier in the plan', { fields: bad.map((b) => ({ path: b.path, message: 'is not a tier of this program' })) });
}

async function getPlanRow(db: Executor, workspaceId: string, id: string, lock = false) {
  const q = db
    .select()
    .from(commissionPlan)
    .where(and(eq(commissionPlan.workspaceId, workspaceId), eq(commissionPlan.id, id)));
  const [row] = lock ? await q.for('update') : await q;
  if (!row) throw notFound('Commission plan');
  return row;
}

export async function listPlans(ctx: Ctx, q: PlanListQuery) {
  const list = await ctx.db
    .select()
    .from(commissionPlan)
    .where(
      and(
        eq(commissionPlan.workspaceId, ctx.workspaceId),
        q.programId ? eq(commissionPlan.programId, q.programId) : undefined,
        q.status ? eq(commissionPlan.status, q.status) : undefined,
        q.cursor ? lt(commissionPlan.id, q.cursor) : undefined,
      ),
    )
    .orderBy(desc(commissionPlan.id))
    .limit(q.limit + 1);
  return toPage(list, q.limit, (r) => r.id, toPlan);
}

export async function getPlan(ctx: Ctx, id: string) {
  return toPlan(await getPlanRow(ctx.db, ctx.workspaceId, id));
}

async function activateInTx(ctx: Ctx, tx: Executor, plan: PlanRow) {
  const at = new Date();
  const archived = await tx
    .update(commissionPlan)
    .set({ status: 'archived', archivedAt: at, updatedAt: at })
    .where(and(eq(commissionPlan.programId, plan.programId), eq(commissionPlan.status, 'active')))
    .returning({ id: commissionPlan.id, version: commissionPlan.version });
  await tx.update(commissionPlan).set({ status: 'active', activatedAt: at, archivedAt: null, updatedAt: at }).where(eq(commissionPlan.id, plan.id));
  await audit(txCtx(ctx, tx), {
    action: 'commission_plan.activated',
    entityType: 'commission_plan',
    entityId: plan.id,
    changes: { status: { from: plan.status, to: 'active' }, programId: plan.programId, version: plan.version, archived: archived.map((a) => a.id) },
  });
}

export async function createPlan(ctx: Ctx, input: CreatePlanRequest) {
  const prog = await programOf(ctx.db, ctx.workspaceId, input.programId);
  if (!prog) throw invalid('programId', 'is not a program of this workspace');
  await checkTiers(ctx.db, ctx.workspaceId, input.programId, input.document);
  const id = newId('commissionPlan');
  await ctx.db.transaction(async (tx) => {
    // Serialize version numbers per program.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`commission-plan:${input.programId}`}))`);
    const [{ v }] = await tx
      .select({ v: max(commissionPlan.version) })
      .from(commissionPlan)
      .where(eq(commissionPlan.programId, input.programId));
    const version = (v ?? 0) + 1;
    const row: typeof commissionPlan.$inferInsert = {
      id,
      workspaceId: ctx.workspaceId,
      programId: input.programId,
      version,
      name: input.name ?? `${prog.name} plan v${version}`,
      status: 'draft',
      document: input.document as unknown as Record<string, unknown>,
      createdByName: actorOf(ctx.principal).actorName,
    };
    await tx.insert(commissionPlan).values(row);
    await audit(txCtx(ctx, tx), { action: 'commission_plan.created', entityType: 'commission_plan', entityId: id, changes: { programId: input.programId, version, name: row.name } });
    if (input.activate) await activateInTx(ctx, tx, (await getPlanRow(tx, ctx.workspaceId, id)) as PlanRow);
  });
  return getPlan(ctx, id);
}

export async function updatePlan(ctx: Ctx, id: string, input: UpdatePlanRequest) {
  await ctx.db.transaction(async (tx) => {
    const row = await getPlanRow(tx, ctx.workspaceId, id, true);
    if (row.status !== 'draft') throw new AppError('conflict', 'Only a draft plan can be edited: create a new version instead (active and archived versions are kept as they were applied)');
    if (input.document) await checkTiers(tx, ctx.workspaceId, row.programId, input.document);
    await tx
      .update(commissionPlan)
      .set({ ...(input.name ? { name: input.name } : {}), ...(input.document ? { document: input.document as unknown as Record<string, unknown> } : {}), updatedAt: new Date() })
      .where(eq(commissionPlan.id, id));
    await audit(txCtx(ctx, tx), {
      action: 'commission_plan.updated',
      entityType: 'commission_plan',
      entityId: id,
      changes: { ...(input.name ? { name: { from: row.name, to: input.name } } : {}), ...(input.document ? { document: { from: row.document, to: input.document } } : {}) },
    });
  });
  return getPlan(ctx, id);
}

export async function activatePlan(ctx: Ctx, id: string) {
  await ctx.db.transaction(async (tx) => {
    const row = await getPlanRow(tx, ctx.workspaceId, id, true);
    if (row.status === 'active') return;
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`commission-plan:${row.programId}`}))`);
    await activateInTx(ctx, tx, row);
  });
  return getPlan(ctx, id);
}

export async function deletePlan(ctx: Ctx, id: string) {
  await ctx.db.transaction(async (tx) => {
    const row = await getPlanRow(tx, ctx.workspaceId, id, true);
    if (row.status !== 'draft') throw new AppError('conflict', 'Only a draft plan can be deleted; activate another version to retire this one');
    await tx.delete(commissionPlan).where(eq(commissionPlan.id, id));
    await audit(txCtx(ctx, tx), { action: 'commission_plan.deleted', entityType: 'commission_plan', entityId: id, changes: { version: row.version } });
  });
}

// ── ledger ──

interface EntryRaw {
  id: string;
  program_id: string;
  program_name: string | null;
  partner_id: string;
  partner_name: string | null;
  plan_id: string | null;
  rule_id: string | null;
  kind: string;
  source_type: string;
  source_id: string;
  conversion_id: string | null;
  deal_id: string | null;
  reverses_entry_id: string | null;
  base_minor: string | null;
  rate_bp: number | null;
  amount_minor: string;
  currency: string;
  status: string;
  hold_until: string | null;
  flags: string[] | string;
  explanation: Record<string, unknown> | string;
  review_note: string | null;
  reviewed_by_name: string | null;
  reviewed_at: string | null;
  payout_id: string | null;
  customer_email: string | null;
  earned_at: string;
  approved_at: string | null;
  paid_at: string | null;
  created_at: string;
}

const isoCol = (column: string) => sql.raw(`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);

const ENTRY_SELECT = sql`select e.id, e.program_id, pg.name as program_name, e.partner_id, p.name as partner_name, e.plan_id, e.rule_id, e.kind,
    e.source_type, e.source_id, e.conversion_id, e.deal_id, e.reverses_entry_id, e.base_minor::text as base_minor, e.rate_bp,
    e.amount_minor::text as amount_minor, e.currency, e.status, ${isoCol('e.hold_until')} as hold_until, e.flags, e.explanation,
    e.review_note, e.reviewed_by_name, ${isoCol('e.reviewed_at')} as reviewed_at, e.payout_id,
    (select cu.email from conversion c join customer cu on cu.id = c.customer_id where c.id = coalesce(e.conversion_id, (select r.conversion_id from commission_entry r where r.id = e.reverses_entry_id))) as customer_email,
    ${isoCol('e.earned_at')} as earned_at, ${isoCol('e.approved_at')} as approved_at, ${isoCol('e.paid_at')} as paid_at, ${isoCol('e.created_at')} as created_at
  from commission_entry e left join partner p on p.id = e.partner_id left join program pg on pg.id = e.program_id`;

/** Ledger rows as read, with the explanations of conversion lines rendered from their facts (explain.ts). */
async function entryRows(db: Executor, query: SQL): Promise<EntryRaw[]> {
  return renderStoredExplanations(db, await rows<EntryRaw>(db, query), (r) => ({
    planId: r.plan_id,
    ruleId: r.rule_id,
    kind: r.kind,
    sourceId: r.source_id,
    partnerId: r.partner_id,
    programId: r.program_id,
    currency: r.currency,
    amountMinor: r.amount_minor,
    earnedAt: r.earned_at,
  }));
}

function parseArray(v: string[] | string | null): string[] {
  if (Array.isArray(v)) return v;
  if (!v || v === '{}') return [];
  return v.replace(/^\{|\}$/g, '').split(',').filter(Boolean);
}

function toEntry(r: EntryRaw) {
  const explanation = (typeof r.explanation === 'string' ? JSON.parse(r.explanation) : r.explanation) as { summary: string; source: { type: string; id: string } } & Record<string, unknown>;
  return {
    id: r.id,
    programId: r.program_id,
    programName: r.program_name,
    partnerId: r.partner_id,
    partnerName: r.partner_name,
    planId: r.plan_id,
    ruleId: r.rule_id,
    kind: r.kind as NewEntry['kind'],
    sourceType: r.source_type as NewEntry['sourceType'],
    sourceId: r.source_id,
    conversionId: r.conversion_id,
    dealId: r.deal_id,
    reversesEntryId: r.reverses_entry_id,
    base: r.base_minor === null ? null : { amountMinor: r.base_minor, currency: r.currency },
    rateBp: r.rate_bp === null ? null : Number(r.rate_bp),
    amount: { amountMinor: r.amount_minor, currency: r.currency },
    status: r.status as NewEntry['status'],
    holdUntil: r.hold_until,
    flags: parseArray(r.flags),
    explanation,
    reviewNote: r.review_note,
    reviewedByName: r.reviewed_by_name,
    reviewedAt: r.reviewed_at,
    payoutId: r.payout_id,
    customerEmail: r.customer_email,
    earnedAt: r.earned_at,
    approvedAt: r.approved_at,
    paidAt: r.paid_at,
    createdAt: r.created_at,
  };
}
export type EntryView = ReturnType<typeof toEntry>;

function toFilter(q: LedgerFilterQuery): LedgerFilter {
  return {
    partnerId: q.partnerId,
    programId: q.programId,
    status: q.status,
    kind: q.kind,
    from: q.from ? new Date(q.from) : undefined,
    to: q.to ? new Date(q.to) : undefined,
    flagged: q.flagged === undefined ? undefined : q.flagged === 'true',
  };
}

export async function listEntries(ctx: Ctx, q: LedgerListQuery) {
  const where = filterSql(ctx.workspaceId, toFilter(q));
  if (q.sort === 'review') {
    const offset = q.cursor ? Number((decodeCursor(q.cursor) ?? [0])[0]) || 0 : 0;
    const list = await entryRows(
      ctx.db,
      sql`${ENTRY_SELECT} where ${where} order by (cardinality(e.flags) > 0) desc, e.hold_until asc nulls last, e.id asc limit ${q.limit + 1} offset ${offset}`,
    );
    return toPage(list, q.limit, () => encodeCursor([offset + q.limit]), toEntry);
  }
  const list = await entryRows(ctx.db, sql`${ENTRY_SELECT} where ${where} ${q.cursor ? sql`and e.id < ${q.cursor}` : sql``} order by e.id desc limit ${q.limit + 1}`);
  return toPage(list, q.limit, (r) => r.id, toEntry);
}

export async function entryTotals(ctx: Ctx, q: LedgerFilterQuery) {
  const totals = await ledgerTotals(ctx, toFilter(q));
  return {
    data: totals.data.map((t) => ({
      currency: t.currency,
      accrued: t.accrued.toString(),
      pending: t.pending.toString(),
      approved: t.approved.toString(),
      payable: t.payable.toString(),
      paid: t.paid.toString(),
      reversed: t.reversed.toString(),
      net: t.net.toString(),
      entries: t.entries,
      balanced: t.balanced,
    })),
  };
}

async function entryRow(db: Executor, workspaceId: string, id: string): Promise<EntryView> {
  const [r] = await entryRows(db, sql`${ENTRY_SELECT} where e.workspace_id = ${workspaceId} and e.id = ${id}`);
  if (!r) throw notFound('Commission entry');
  return toEntry(r);
}

export async function getEntry(ctx: Ctx, id: string) {
  const entry = await entryRow(ctx.db, ctx.workspaceId, id);
  const related = await entryRows(
    ctx.db,
    sql`${ENTRY_SELECT} where e.workspace_id = ${ctx.workspaceId} and e.id <> ${id}
      and (e.reverses_entry_id = ${id} or e.id = ${entry.reversesEntryId ?? ''}) order by e.id`,
  );
  return { ...entry, related: related.map(toEntry) };
}

type LockedEntry = OriginalEntry & { reverses_entry_id: string | null };

async function lockEntry(tx: Executor, workspaceId: string, id: string): Promise<LockedEntry> {
  const [r] = await rows<LockedEntry>(
    tx,
    sql`select id, program_id, partner_id, plan_id, rule_id, kind, amount_minor::text as amount_minor, currency, status,
        ${isoCol('hold_until')} as hold_until, flags, ${isoCol('earned_at')} as earned_at, reverses_entry_id
      from commission_entry where workspace_id = ${workspaceId} and id = ${id} for update`,
  );
  if (!r) throw notFound('Commission entry');
  return r;
}

const reviewer = (ctx: Ctx) => actorOf(ctx.principal).actorName;

async function approveInTx(ctx: Ctx, tx: Executor, id: string, note: string | undefined): Promise<void> {
  const e = await lockEntry(tx, ctx.workspaceId, id);
  if (e.status !== 'pending') throw new AppError('conflict', `Only a pending entry can be approved; this one is ${e.status}`);
  const at = now();
  await tx.execute(
    sql`update commission_entry set status = 'approved', approved_at = ${at.toISOString()}::timestamptz, flags = '{}'::text[],
        review_note = ${note ?? null}, reviewed_by_name = ${reviewer(ctx)}, reviewed_at = ${at.toISOString()}::timestamptz
      where id = ${id}`,
  );
  // Partial reversals of this entry travel with it.
  await tx.execute(
    sql`update commission_entry set status = 'approved', approved_at = ${at.toISOString()}::timestamptz, flags = '{}'::text[]
      where workspace_id = ${ctx.workspaceId} and reverses_entry_id = ${id} and status = 'pending' and amount_minor < 0`,
  );
  await audit(txCtx(ctx, tx), {
    action: 'commission_entry.approved',
    entityType: 'commission_entry',
    entityId: id,
    changes: { status: { from: 'pending', to: 'approved' }, flags: { from: parseArray(e.flags), to: [] }, ...(note ? { note } : {}) },
  });
}

export async function approveEntry(ctx: Ctx, id: string, note?: string) {
  await ctx.db.transaction((tx) => approveInTx(ctx, tx, id, note));
  return getEntry(ctx, id);
}

export async function bulkApprove(ctx: Ctx, ids: string[], note?: string) {
  const approved: string[] = [];
  const skipped: { id: string; reason: string }[] = [];
  for (const id of [...new Set(ids)]) {
    try {
      await ctx.db.transaction((tx) => approveInTx(ctx, tx, id, note));
      approved.push(id);
    } catch (error) {
      if (error instanceof AppError) skipped.push({ id, reason: error.message });
      else throw error;
    }
  }
  return { approved, skipped };
}

export async function holdEntry(ctx: Ctx, id: string, reason: string) {
  await ctx.db.transaction(async (tx) => {
    const e = await lockEntry(tx, ctx.workspaceId, id);
    if (e.status !== 'pending' && e.status !== 'approved') throw new AppError('conflict', `Only a pending or approved entry can be held; this one is ${e.status}`);
    const at = now();
    await tx.execute(
      sql`update commission_entry set status = 'pending', approved_at = null,
          flags = case when 'manual_hold' = any(flags) then flags else array_append(flags, 'manual_hold') end,
          review_note = ${reason}, reviewed_by_name = ${reviewer(ctx)}, reviewed_at = ${at.toISOString()}::timestamptz
        where id = ${id}`,
    );
    await audit(txCtx(ctx, tx), { action: 'commission_entry.held', entityType: 'commission_entry', entityId: id, changes: { status: { from: e.status, to: 'pending' }, reason } });
  });
  return getEntry(ctx, id);
}

export async function reverseEntry(ctx: Ctx, id: string, reason: string) {
  await ctx.db.transaction(async (tx) => {
    const e = await lockEntry(tx, ctx.workspaceId, id);
    if (BigInt(e.amount_minor) <= 0n || e.reverses_entry_id) throw new AppError('conflict', 'Only a positive entry can be reversed (reversals and clawbacks are final)');
    if (e.status === 'reversed') throw new AppError('conflict', 'This entry is already reversed');
    const children = await rows<{ id: string; reverses_entry_id: string; amount_minor: string; status: string; kind: string; conversion_id: string | null }>(
      tx,
      sql`select id, reverses_entry_id, amount_minor::text as amount_minor, status, kind, conversion_id from commission_entry
        where workspace_id = ${ctx.workspaceId} and reverses_entry_id = ${id} for update`,
    );
    const remaining = BigInt(e.amount_minor) - reversedSoFar(id, children);
    if (remaining <= 0n) throw new AppError('conflict', 'Nothing left to reverse on this entry');
    const at = now();
    const written = await writeReversal(tx, ctx.workspaceId, e, children, remaining, {
      key: `rev:manual:${id}`,
      sourceType: 'manual',
      sourceId: id,
      conversionId: null,
      at,
      summary: `reversed by ${reviewer(ctx)}: ${fmt({ amountMinor: remaining, currency: e.currency })} of ${id}`,
      modifiers: [{ kind: 'note', detail: 'manual reversal by a reviewer' }],
      reason,
    });
    if (written === 0) throw new AppError('conflict', 'This entry was already reversed by a reviewer');
    await tx.execute(
      sql`update commission_entry set review_note = ${reason}, reviewed_by_name = ${reviewer(ctx)}, reviewed_at = ${at.toISOString()}::timestamptz
        where workspace_id = ${ctx.workspaceId} and (id = ${id} or idempotency_key = ${`rev:manual:${id}`})`,
    );
    await audit(txCtx(ctx, tx), {
      action: 'commission_entry.reversed',
      entityType: 'commission_entry',
      entityId: id,
      changes: { amountMinor: (-remaining).toString(), currency: e.currency, statusBefore: e.status, reason },
    });
  });
  return getEntry(ctx, id);
}

export async function createAdjustment(ctx: Ctx, input: AdjustmentRequest) {
  const prog = await programOf(ctx.db, ctx.workspaceId, input.programId);
  if (!prog) throw invalid('programId', 'is not a program of this workspace');
  const [enr] = await rows<{ id: string }>(
    ctx.db,
    sql`select e.id from enrollment e where e.workspace_id = ${ctx.workspaceId} and e.partner_id = ${input.partnerId} and e.program_id = ${input.programId}`,
  );
  if (!enr) throw invalid('partnerId', 'is not a partner enrolled in this program');
  const id = newId('commissionEntry');
  const at = now();
  const amount = { amountMinor: BigInt(input.amount.amountMinor), currency: input.amount.currency };
  await ctx.db.transaction(async (tx) => {
    await insertEntries(tx, [
      {
        id,
        workspaceId: ctx.workspaceId,
        programId: input.programId,
        partnerId: input.partnerId,
        planId: null,
        ruleId: null,
        kind: 'adjustment',
        sourceType: 'manual',
        sourceId: id,
        conversionId: null,
        dealId: null,
        reversesEntryId: null,
        idempotencyKey: `adj:${id}`,
        baseMinor: null,
        rateBp: null,
        amountMinor: amount.amountMinor,
        currency: amount.currency,
        status: input.approve ? 'approved' : 'pending',
        holdUntil: at,
        flags: input.approve ? [] : ['needs_review'],
        explanation: {
          summary: `Manual adjustment of ${fmt(amount)} by ${reviewer(ctx)}: ${input.reason}`,
          source: { type: 'manual', id },
          plan: null,
          rule: null,
          base: null,
          rateBp: null,
          tier: null,
          modifiers: [],
          reason: input.reason,
        },
        earnedAt: at,
        approvedAt: input.approve ? at : null,
      },
    ]);
    await tx.execute(
      sql`update commission_entry set review_note = ${input.reason}, reviewed_by_name = ${reviewer(ctx)}, reviewed_at = ${at.toISOString()}::timestamptz where id = ${id}`,
    );
    await audit(txCtx(ctx, tx), {
      action: 'commission_entry.adjusted',
      entityType: 'commission_entry',
      entityId: id,
      changes: { partnerId: input.partnerId, programId: input.programId, amount: input.amount, reason: input.reason, approved: input.approve },
    });
  });
  return getEntry(ctx, id);
}

// ── rebates ──

/**
 * Closes a rebate period of a program: per partner, the volume (accrued sales minus refunds in
 * the rebate currency, by occurred time) against the plan's thresholds; one rebate entry each,
 * idempotent (`rebate:<program>:<rebate>:<period>:<partner>`).
 */
export async function closeRebates(ctx: Pick<Ctx, 'workspaceId' | 'db'> & Partial<Ctx>, programId: string, periodKeyValue: string, options: { audit?: boolean } = {}) {
  const { start, end, period } = periodBounds(periodKeyValue);
  if (end.getTime() > now().getTime()) throw new AppError('conflict', `The period ${periodKeyValue} is not over yet (ends ${end.toISOString()})`);
  const [planRow] = await ctx.db
    .select()
    .from(commissionPlan)
    .where(and(eq(commissionPlan.workspaceId, ctx.workspaceId), eq(commissionPlan.programId, programId), eq(commissionPlan.status, 'active')));
  if (!planRow) {
    if (!(await programOf(ctx.db, ctx.workspaceId, programId))) throw invalid('programId', 'is not a program of this workspace');
    throw new AppError('conflict', 'This program has no active commission plan');
  }
  const doc = parsePlanDocument(planRow.document);
  const rebates = doc.rebates.filter((r) => r.period === period);
  const result: { partnerId: string; rebateId: string; volume: { amountMinor: string; currency: string }; rateBp: number; amount: { amountMinor: string; currency: string } }[] = [];
  let created = 0;
  const at = now();
  await ctx.db.transaction(async (tx) => {
    for (const rebate of rebates) {
      const volumes = await rows<{ partner_id: string; volume: string }>(
        tx,
        sql`select partner_id, (coalesce(sum(amount_minor) filter (where kind = 'sale'), 0) - coalesce(sum(amount_minor) filter (where kind = 'refund'), 0))::text as volume
          from conversion where workspace_id = ${ctx.workspaceId} and program_id = ${programId} and partner_id is not null
            and currency = ${rebate.currency} and ${effectiveAccrualStatus} = 'accrued' and kind in ('sale', 'refund')
            and occurred_at >= ${start.toISOString()}::timestamptz and occurred_at < ${end.toISOString()}::timestamptz
          group by partner_id order by partner_id`,
      );
      const entries: NewEntry[] = [];
      for (const v of volumes) {
        const volume = { amountMinor: BigInt(v.volume), currency: rebate.currency };
        const hit = evaluateRebate(rebate, volume);
        if (!hit || hit.amount.amountMinor <= 0n) continue;
        result.push({ partnerId: v.partner_id, rebateId: rebate.id, volume: jsonMoney(volume), rateBp: hit.rateBp, amount: jsonMoney(hit.amount) });
        entries.push({
          id: newId('commissionEntry'),
          workspaceId: ctx.workspaceId,
          programId,
          partnerId: v.partner_id,
          planId: planRow.id,
          ruleId: rebate.id,
          kind: 'rebate',
          sourceType: 'period',
          sourceId: periodKeyValue,
          conversionId: null,
          dealId: null,
          reversesEntryId: null,
          idempotencyKey: `rebate:${programId}:${rebate.id}:${periodKeyValue}:${v.partner_id}`,
          baseMinor: volume.amountMinor,
          rateBp: hit.rateBp,
          amountMinor: hit.amount.amountMinor,
          currency: hit.amount.currency,
          status: 'pending',
          holdUntil: at,
          flags: [],
          explanation: {
            summary: `Rebate “${rebate.name}” for ${periodKeyValue}: volume ${fmt(volume)} reached ${fmt(hit.threshold)} → ${hit.rateBp / 100}% = ${fmt(hit.amount)} (plan “${planRow.name}” v${planRow.version})`,
            source: { type: 'period', id: periodKeyValue, kind: 'rebate' },
            plan: { id: planRow.id, version: planRow.version, name: planRow.name },
            rule: { id: rebate.id, name: rebate.name, type: 'rebate' },
            base: jsonMoney(volume),
            rateBp: hit.rateBp,
            tier: null,
            modifiers: [{ kind: 'note', detail: `threshold ${fmt(hit.threshold)} reached; rate applies to the whole ${period} volume` }],
          },
          earnedAt: new Date(end.getTime() - 1),
        });
      }
      created += (await insertEntries(tx, entries)).length;
    }
    if (options.audit !== false && ctx.principal) {
      await audit({ workspaceId: ctx.workspaceId, principal: ctx.principal, requestId: ctx.requestId ?? null, db: tx }, {
        action: 'commission_rebates.closed',
        entityType: 'program',
        entityId: programId,
        changes: { period: periodKeyValue, created },
      });
    }
  });
  return { period: periodKeyValue, created, entries: result };
}

/** Runs accrual and hold release for this workspace now (the schedule does the same every minute). */
export async function runAccrual(ctx: Ctx) {
  const stats = await accruePending(ctx.db, ctx.workspaceId);
  const released = await releaseHolds(ctx.db, ctx.workspaceId);
  return { ...stats, released };
}

// ── portal ──

/** j•••@e•••.com: enough to recognise a customer, not to identify one. */
export function maskCustomerEmail(email: string | null): string | null {
  if (!email) return null;
  const [local, domain] = email.split('@');
  if (!domain) return '•••';
  const dot = domain.lastIndexOf('.');
  const host = dot > 0 ? domain.slice(0, dot) : domain;
  const tld = dot > 0 ? domain.slice(dot) : '';
  return `${local.slice(0, 1)}•••@${host.slice(0, 1)}•••${tld}`;
}

function partnerEntry(e: EntryView) {
  const ex = e.explanation as Record<string, unknown>;
  const explanation: { summary: string; modifiers: { kind: string; detail: string }[] } & Record<string, string | number | null | object> = {
    summary: String(ex.summary ?? ''),
    modifiers: Array.isArray(ex.modifiers) ? (ex.modifiers as { kind: string; detail: string }[]) : [],
  };
  for (const key of ['rule', 'tier', 'credit', 'base', 'rateBp'] as const) if (ex[key] !== undefined && ex[key] !== null) explanation[key] = ex[key] as object;
  return projectForPartner('commissionEntry', {
    ...e,
    underReview: e.flags.length > 0,
    customer: maskCustomerEmail(e.customerEmail),
    explanation,
  });
}

/**
 * The partner's own ledger lines, newest first. `payoutId` (the lines of one statement) is set by
 * the payouts module only, after it checked the partner may see that payout (`myPayoutLines`).
 */
export async function listMyEarnings(ctx: PortalContext, q: { limit: number; cursor?: string; status?: NewEntry['status']; programId?: string; payoutId?: string }) {
  const where = filterSql(ctx.workspaceId, { partnerId: ctx.partnerId, status: q.status, programId: q.programId, payoutId: q.payoutId });
  const list = await entryRows(ctx.db, sql`${ENTRY_SELECT} where ${where} ${q.cursor ? sql`and e.id < ${q.cursor}` : sql``} order by e.id desc limit ${q.limit + 1}`);
  return toPage(list, q.limit, (r) => r.id, (r) => partnerEntry(toEntry(r)));
}

export async function myEarningTotals(ctx: PortalContext) {
  const r = await rows<{ currency: string; pending: string; approved: string; payable: string; paid: string; total: string }>(
    ctx.db,
    sql`select e.currency,
        coalesce(sum(e.amount_minor) filter (where e.status = 'pending'), 0)::text as pending,
        coalesce(sum(e.amount_minor) filter (where e.status = 'approved'), 0)::text as approved,
        coalesce(sum(e.amount_minor) filter (where e.status = 'payable'), 0)::text as payable,
        coalesce(sum(e.amount_minor) filter (where e.status = 'paid'), 0)::text as paid,
        coalesce(sum(e.amount_minor) filter (where e.status <> 'reversed'), 0)::text as total
      from commission_entry e where e.workspace_id = ${ctx.workspaceId} and e.partner_id = ${ctx.partnerId}
      group by e.currency order by e.currency`,
  );
  return { data: r };
}

