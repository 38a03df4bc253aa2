import { and, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import { audit } from '../../platform/audit.ts';
import { now } from '../../platform/clock.ts';
import { type Principal, actorOf } from '../../platform/context.ts';
import { type Executor, isUniqueViolation } from '../../platform/db.ts';
import type { SecretBox } from '../../platform/encryption.ts';
import { AppError, type FieldError, notFound } from '../../platform/errors.ts';
import { emit } from '../../platform/events.ts';
import { newId } from '../../platform/ids.ts';
import { formatMoney, moneyToJson } from '../../platform/money.ts';
import { toPage } from '../../platform/pagination.ts';
import { partner } from '../partners/schema.ts';
import { program } from '../programs/schema.ts';
import type { PAYOUT_STATUSES } from './contract.ts';
import { type LedgerEntry, markPaid, markPayable, payableCandidates, returnToApproved } from './ledger.ts';
import { paypalBatchStatus, paypalCreatePayout } from './providers/paypal.ts';
import { type ProviderOutcome, stripeTransfer } from './providers/stripe.ts';
import { convertMinor, formatRate, minorToDecimal, todayIn } from './rules.ts';
import { type PayoutSource, payout, payoutItem, payoutRun } from './schema.ts';
import { type EffectiveSchedule, findRate, methodOf, schedulesOf, settingsRow, taxProfileOf, txCtx, workspaceTimeZone } from './service.ts';

type Ctx = { workspaceId: string; principal: Principal; requestId: string | null; db: Executor };
type RunRow = typeof payoutRun.$inferSelect;
type PayoutRow = typeof payout.$inferSelect;
type RunStatus = 'draft' | 'approved' | 'processing' | 'completed' | 'cancelled';

export const PAYOUT_RUN_APPROVED = 'payout_run.approved';
export const PAYOUT_RUN_EXECUTED = 'payout_run.executed';
export const PAYOUT_PAID = 'payout.paid';
export const PAYOUT_FAILED = 'payout.failed';

const RUN_TRANSITIONS: Record<RunStatus, Array<'approve' | 'execute' | 'cancel'>> = {
  draft: ['approve', 'cancel'],
  approved: ['execute'],
  processing: [],
  completed: [],
  cancelled: [],
};

function principalId(p: Principal): string | null {
  if (p.kind === 'member' || p.kind === 'partner_user') return p.userId;
  if (p.kind === 'api_key') return p.apiKeyId;
  return null;
}

function transitionError(kind: 'payout run' | 'payout', status: string, wanted: string, allowed: string[]): AppError {
  const what = allowed.length ? `allowed: ${allowed.join(', ')}` : 'no transitions are allowed';
  return new AppError('conflict', `Cannot ${wanted} a ${kind} in status ${status} (${what})`, { extensions: { allowedTransitions: allowed } });
}

export const idempotencyKeyOf = (p: Pick<PayoutRow, 'id' | 'attempt'>) => `${p.id}-attempt-${p.attempt}`;
export const statementLabel = (n: number | null) => (n === null ? null : `S-${String(n).padStart(6, '0')}`);

// ────────────────────────────── Views ──────────────────────────────

function payoutActions(p: PayoutRow): Array<'retry' | 'mark_paid' | 'cancel' | 'refresh'> {
  switch (p.status) {
    case 'approved':
      return ['mark_paid', 'cancel'];
    case 'processing':
      return p.methodType === 'paypal' ? ['refresh', 'mark_paid'] : ['mark_paid'];
    case 'failed':
      return ['retry', 'mark_paid', 'cancel'];
    default:
      return [];
  }
}

export function payoutView(p: PayoutRow, partnerName: string, runNumber: number) {
  return {
    id: p.id,
    runId: p.runId,
    runNumber,
    programId: p.programId,
    partnerId: p.partnerId,
    partnerName,
    status: p.status as (typeof PAYOUT_STATUSES)[number],
    holdReason: p.holdReason,
    amount: moneyToJson({ amountMinor: p.amountMinor, currency: p.currency }),
    sources: p.sources.map((s) => ({
      amount: { amountMinor: s.amountMinor, currency: s.currency },
      converted: { amountMinor: s.convertedMinor, currency: p.currency },
      rate: s.rateScaled ? formatRate(BigInt(s.rateScaled)) : null,
      fxRateId: s.fxRateId,
    })),
    entryCount: p.entryCount,
    methodType: (p.methodType as 'manual' | null) ?? null,
    statementNumber: statementLabel(p.statementNumber),
    attempt: p.attempt,
    idempotencyKey: ['approved', 'processing', 'failed', 'paid'].includes(p.status) ? idempotencyKeyOf(p) : null,
    providerRef: p.providerRef,
    reference: p.reference,
    failureReason: p.failureReason,
    outcomeUnknown: p.outcomeUnknown,
    allowedActions: payoutActions(p),
    createdAt: p.createdAt.toISOString(),
    paidAt: p.paidAt?.toISOString() ?? null,
    reversal: reversalView(p),
  };
}

/** The provider reversed (part of) the paid transfer: payouts/reversals.ts. */
export function reversalView(p: PayoutRow) {
  if (p.amountReversedMinor <= 0n) return null;
  return {
    amount: moneyToJson({ amountMinor: p.amountReversedMinor, currency: p.currency }),
    full: p.amountReversedMinor === p.amountMinor,
    reversedAt: (p.reversedAt ?? p.updatedAt).toISOString(),
    reason: p.reversalReason,
  };
}

function sumByCurrency(rows: PayoutRow[]) {
  const totals = new Map<string, bigint>();
  for (const r of rows) totals.set(r.currency, (totals.get(r.currency) ?? 0n) + r.amountMinor);
  return [...totals.entries()].sort().map(([currency, amountMinor]) => moneyToJson({ amountMinor, currency }));
}

function runView(run: RunRow, programName: string, payouts: PayoutRow[]) {
  const paying = payouts.filter((p) => !['carried_over', 'held', 'cancelled'].includes(p.status));
  return {
    id: run.id,
    number: run.number,
    programId: run.programId,
    programName,
    status: run.status as RunStatus,
    periodEnd: run.periodEnd.toISOString(),
    createdBy: run.createdByName,
    approvedBy: run.approvedByName,
    totals: sumByCurrency(paying),
    carriedOver: sumByCurrency(payouts.filter((p) => p.status === 'carried_over' || p.status === 'held')),
    counts: {
      payouts: paying.length,
      carriedOver: payouts.filter((p) => p.status === 'carried_over').length,
      held: payouts.filter((p) => p.status === 'held').length,
      paid: payouts.filter((p) => p.status === 'paid').length,
      failed: payouts.filter((p) => p.status === 'failed').length,
    },
    allowedTransitions: RUN_TRANSITIONS[run.status as RunStatus],
    createdAt: run.createdAt.toISOString(),
    approvedAt: run.approvedAt?.toISOString() ?? null,
    completedAt: run.completedAt?.toISOString() ?? null,
  };
}

async function loadRun(db: Executor, workspaceId: string, runId: string) {
  const [row] = await db
    .select({ run: payoutRun, programName: program.name })
    .from(payoutRun)
    .innerJoin(program, eq(program.id, payoutRun.programId))
    .where(and(eq(payoutRun.workspaceId, workspaceId), eq(payoutRun.id, runId)));
  if (!row) throw notFound('Payout run');
  return row;
}

async function payoutsOfRuns(db: Executor, workspaceId: string, runIds: string[]) {
  if (runIds.length === 0) return [];
  return db
    .select({ p: payout, partnerName: partner.name })
    .from(payout)
    .innerJoin(partner, eq(partner.id, payout.partnerId))
    .where(and(eq(payout.workspaceId, workspaceId), inArray(payout.runId, runIds)))
    .orderBy(partner.name, payout.currency);
}

export async function getRun(ctx: Ctx, runId: string) {
  const { run, programName } = await loadRun(ctx.db, ctx.workspaceId, runId);
  const rows = await payoutsOfRuns(ctx.db, ctx.workspaceId, [run.id]);
  return {
    ...runView(
      run,
      programName,
      rows.map((r) => r.p),
    ),
    payouts: rows.map((r) => payoutView(r.p, r.partnerName, run.number)),
  };
}

export async function listRuns(ctx: Ctx, q: { limit: number; cursor?: string; status?: RunStatus; programId?: string }) {
  const rows = await ctx.db
    .select({ run: payoutRun, programName: program.name })
    .from(payoutRun)
    .innerJoin(program, eq(program.id, payoutRun.programId))
    .where(
      and(
        eq(payoutRun.workspaceId, ctx.workspaceId),
        q.status ? eq(payoutRun.status, q.status) : undefined,
        q.programId ? eq(payoutRun.programId, q.programId) : undefined,
        q.cursor ? lt(payoutRun.id, q.cursor) : undefined,
      ),
    )
    .orderBy(desc(payoutRun.id))
    .limit(q.limit + 1);
  const payouts = await payoutsOfRuns(
    ctx.db,
    ctx.workspaceId,
    rows.map((r) => r.run.id),
  );
  return toPage(
    rows,
    q.limit,
    (r) => r.run.id,
    (r) =>
      runView(
        r.run,
        r.programName,
        payouts.filter((p) => p.p.runId === r.run.id).map((p) => p.p),
      ),
  );
}

export async function listPayouts(ctx: Ctx, q: { limit: number; cursor?: string; partnerId?: string; status?: string }) {
  const rows = await ctx.db
    .select({ p: payout, partnerName: partner.name, runNumber: payoutRun.number })
    .from(payout)
    .innerJoin(partner, eq(partner.id, payout.partnerId))
    .innerJoin(payoutRun, eq(payoutRun.id, payout.runId))
    .where(
      and(
        eq(payout.workspaceId, ctx.workspaceId),
        q.partnerId ? eq(payout.partnerId, q.partnerId) : undefined,
        q.status ? eq(payout.status, q.status) : undefined,
        q.cursor ? lt(payout.id, q.cursor) : undefined,
      ),
    )
    .orderBy(desc(payout.id))
    .limit(q.limit + 1);
  return toPage(
    rows,
    q.limit,
    (r) => r.p.id,
    (r) => payoutView(r.p, r.partnerName, r.runNumber),
  );
}

export async function loadPayout(db: Executor, workspaceId: string, payoutId: string, partnerId?: string) {
  const [row] = await db
    .select({ p: payout, partnerName: partner.name, runNumber: payoutRun.number, runStatus: payoutRun.status })
    .from(payout)
    .innerJoin(partner, eq(partner.id, payout.partnerId))
    .innerJoin(payoutRun, eq(payoutRun.id, payout.runId))
    .where(and(eq(payout.workspaceId, workspaceId), eq(payout.id, payoutId), partnerId ? eq(payout.partnerId, partnerId) : undefined));
  if (!row) throw notFound('Payout');
  return row;
}

export async function getPayout(ctx: Ctx, payoutId: string) {
  const r = await loadPayout(ctx.db, ctx.workspaceId, payoutId);
  return payoutView(r.p, r.partnerName, r.runNumber);
}

// ────────────────────────────── Draft ──────────────────────────────

interface Line {
  partnerId: string;
  methodType: string | null;
  currency: string;
  amountMinor: bigint;
  sources: PayoutSource[];
  entries: LedgerEntry[];
  status: 'draft' | 'carried_over' | 'held';
  holdReason: string | null;
}

/**
 * Computes a draft run for a program: per partner, the approved entries (clawbacks included)
 * summed per currency — or converted into the partner's currency with the FX rate in force —
 * then the threshold (below it the balance is carried over) and the tax-profile hold.
 */
export async function createRun(ctx: Ctx, input: { programId: string; periodEnd?: string }) {
  try {
    return await computeDraft(ctx, input);
  } catch (error) {
    // Two drafts computed at once for the same entries: the unique (workspace, entry) item wins once.
    if (isUniqueViolation(error)) throw new AppError('conflict', 'Another payout run took these commissions at the same time; reload the payout runs');
    throw error;
  }
}

async function computeDraft(ctx: Ctx, input: { programId: string; periodEnd?: string }) {
  const at = now();
  const cutoff = input.periodEnd ? new Date(input.periodEnd) : at;
  return ctx.db.transaction(async (tx) => {
    const [schedule] = await schedulesOf(tx, ctx.workspaceId, [input.programId]);
    if (!schedule) throw new AppError('validation_failed', 'programId: no such program', { fields: [{ path: 'programId', message: 'no such program in this workspace' }] });
    const tz = await workspaceTimeZone(tx, ctx.workspaceId);
    const today = todayIn(at, tz);
    const entries = await payableCandidates(tx, ctx.workspaceId, input.programId, cutoff);
    if (entries.length === 0) {
      throw new AppError('conflict', `Nothing to pay in ${schedule.programName}: no approved commissions up to ${cutoff.toISOString()} that are not already in a payout run`);
    }
    const byPartner = new Map<string, LedgerEntry[]>();
    for (const e of entries) byPartner.set(e.partnerId, [...(byPartner.get(e.partnerId) ?? []), e]);

    const fxErrors = new Map<string, FieldError>();
    const rateFor = async (from: string, to: string) => {
      const found = await findRate(tx, ctx.workspaceId, from, to, today);
      if (!found) fxErrors.set(`${from}:${to}`, { path: 'fxRates', message: `no ${from}→${to} exchange rate effective on or before ${today}; add one in Settings › Payouts` });
      return found;
    };
    const lines: Line[] = [];
    for (const [partnerId, list] of byPartner) {
      const byCurrency = new Map<string, LedgerEntry[]>();
      for (const e of list) byCurrency.set(e.currency, [...(byCurrency.get(e.currency) ?? []), e]);
      const method = await methodOf(tx, ctx.workspaceId, partnerId);
      const groups: Array<{ currency: string; entries: LedgerEntry[] }> = [...byCurrency.entries()].map(([currency, es]) => ({ currency, entries: es }));
      const partnerLines: Array<Omit<Line, 'status' | 'holdReason' | 'methodType'>> = [];
      if (schedule.currencyMode === 'partner') {
        const target = method?.currency ?? schedule.programCurrency;
        const sources: PayoutSource[] = [];
        let total = 0n;
        for (const g of groups) {
          const sum = g.entries.reduce((s, e) => s + e.amountMinor, 0n);
          if (g.currency === target) {
            sources.push({ currency: g.currency, amountMinor: sum.toString(), convertedMinor: sum.toString(), rateScaled: null, fxRateId: null, inverse: false });
            total += sum;
            continue;
          }
          const rate = await rateFor(g.currency, target);
          if (!rate) continue;
          const converted = convertMinor(sum, g.currency, target, rate.row.rateScaled, rate.inverse);
          sources.push({ currency: g.currency, amountMinor: sum.toString(), convertedMinor: converted.toString(), rateScaled: rate.row.rateScaled.toString(), fxRateId: rate.row.id, inverse: rate.inverse });
          total += converted;
        }
        partnerLines.push({ partnerId, currency: target, amountMinor: total, sources, entries: list });
      } else {
        for (const g of groups) {
          const sum = g.entries.reduce((s, e) => s + e.amountMinor, 0n);
          partnerLines.push({
            partnerId,
            currency: g.currency,
            amountMinor: sum,
            sources: [{ currency: g.currency, amountMinor: sum.toString(), convertedMinor: sum.toString(), rateScaled: null, fxRateId: null, inverse: false }],
            entries: g.entries,
          });
        }
      }
      const tax = schedule.holdUntilTaxComplete ? await taxProfileOf(tx, ctx.workspaceId, partnerId) : null;
      for (const l of partnerLines) {
        const threshold = await thresholdIn(schedule, l.currency, rateFor);
        let status: Line['status'] = 'draft';
        let holdReason: string | null = null;
        if (schedule.holdUntilTaxComplete && tax?.status !== 'complete') {
          status = 'held';
          holdReason = tax ? 'held: tax profile incomplete' : 'held: tax profile missing';
        } else if (l.amountMinor <= 0n) {
          status = 'carried_over';
          holdReason = 'carried over: the balance is not positive (clawbacks exceed earnings)';
        } else if (threshold !== null && l.amountMinor < threshold) {
          status = 'carried_over';
          holdReason = `carried over: below the minimum payout of ${formatMoney({ amountMinor: threshold, currency: l.currency })}`;
        }
        lines.push({ ...l, status, holdReason, methodType: method?.type ?? null });
      }
    }
    if (fxErrors.size) {
      const fields = [...fxErrors.values()];
      throw new AppError('validation_failed', fields.map((f) => f.message).join('; '), { fields });
    }

    const [{ next }] = (await tx
      .select({ next: sql<number>`coalesce(max(${payoutRun.number}), 0) + 1` })
      .from(payoutRun)
      .where(eq(payoutRun.workspaceId, ctx.workspaceId))) as Array<{ next: number }>;
    const runId = newId('payoutRun');
    const actor = actorOf(ctx.principal);
    await tx.insert(payoutRun).values({
      id: runId,
      workspaceId: ctx.workspaceId,
      programId: input.programId,
      number: Number(next),
      status: 'draft',
      periodEnd: cutoff,
      createdByUserId: principalId(ctx.principal),
      createdByName: actor.actorName,
      createdAt: at,
    });
    for (const l of lines) {
      const id = newId('payout');
      await tx.insert(payout).values({
        id,
        workspaceId: ctx.workspaceId,
        runId,
        programId: input.programId,
        partnerId: l.partnerId,
        status: l.status,
        holdReason: l.holdReason,
        amountMinor: l.amountMinor,
        currency: l.currency,
        sources: l.sources,
        entryCount: l.entries.length,
        methodType: l.methodType,
        createdAt: at,
      });
      if (l.status === 'draft') {
        await tx.insert(payoutItem).values(l.entries.map((e) => ({ workspaceId: ctx.workspaceId, payoutId: id, entryId: e.id })));
      }
    }
    await audit(txCtx(ctx, tx), {
      action: 'payout_run.created',
      entityType: 'payout_run',
      entityId: runId,
      changes: { programId: input.programId, number: Number(next), periodEnd: cutoff.toISOString(), lines: lines.length, payouts: lines.filter((l) => l.status === 'draft').length },
    });
    return getRun(txCtx(ctx, tx), runId);
  });
}

async function thresholdIn(
  s: EffectiveSchedule,
  currency: string,
  rateFor: (from: string, to: string) => Promise<{ row: { rateScaled: bigint }; inverse: boolean } | null>,
): Promise<bigint | null> {
  if (s.thresholdMinor === 0n) return 0n;
  if (s.thresholdCurrency === currency) return s.thresholdMinor;
  const rate = await rateFor(s.thresholdCurrency, currency);
  return rate ? convertMinor(s.thresholdMinor, s.thresholdCurrency, currency, rate.row.rateScaled, rate.inverse) : null;
}

// ────────────────────────────── Transitions ──────────────────────────────

async function lockRun(tx: Executor, workspaceId: string, runId: string) {
  const [run] = await tx
    .select()
    .from(payoutRun)
    .where(and(eq(payoutRun.workspaceId, workspaceId), eq(payoutRun.id, runId)))
    .for('update');
  if (!run) throw notFound('Payout run');
  return run;
}

/** Finance approves a draft: its entries become payable (payout_id set) and statements get numbers. */
export async function approveRun(ctx: Ctx, runId: string) {
  return ctx.db.transaction(async (tx) => {
    const run = await lockRun(tx, ctx.workspaceId, runId);
    if (run.status !== 'draft') throw transitionError('payout run', run.status, 'approve', RUN_TRANSITIONS[run.status as RunStatus]);
    const settings = await settingsRow(tx, ctx.workspaceId);
    if (settings?.requireFourEyes && run.createdByUserId && run.createdByUserId === principalId(ctx.principal)) {
      throw new AppError('forbidden', 'Four-eyes rule: a payout run must be approved by someone other than its creator');
    }
    const lines = await tx
      .select()
      .from(payout)
      .where(and(eq(payout.workspaceId, ctx.workspaceId), eq(payout.runId, runId), eq(payout.status, 'draft')));
    const [{ maxNumber }] = (await tx
      .select({ maxNumber: sql<number>`coalesce(max(${payout.statementNumber}), 0)` })
      .from(payout)
      .where(eq(payout.workspaceId, ctx.workspaceId))) as Array<{ maxNumber: number }>;
    let statementNumber = Number(maxNumber);
    for (const line of lines) {
      const moved = await markPayable(tx, ctx.workspaceId, line.id);
      if (moved !== line.entryCount) {
        throw new AppError(
          'conflict',
          `The ledger changed since this draft was computed (${line.entryCount - moved} of ${line.entryCount} entries for one partner are no longer approved). Cancel the draft and create a new run.`,
          { extensions: { allowedTransitions: ['cancel'] } },
        );
      }
      const method = await methodOf(tx, ctx.workspaceId, line.partnerId);
      statementNumber += 1;
      await tx
        .update(payout)
        .set({
          status: 'approved',
          methodType: method?.type ?? 'manual',
          methodSnapshot: method ? { ...method.details } : {},
          statementNumber,
          updatedAt: now(),
        })
        .where(eq(payout.id, line.id));
    }
    const actor = actorOf(ctx.principal);
    await tx
      .update(payoutRun)
      .set({ status: 'approved', approvedAt: now(), approvedByUserId: principalId(ctx.principal), approvedByName: actor.actorName })
      .where(eq(payoutRun.id, runId));
    await audit(txCtx(ctx, tx), { action: 'payout_run.approved', entityType: 'payout_run', entityId: runId, changes: { status: { from: 'draft', to: 'approved' }, payouts: lines.length } });
    await emit(tx, ctx.workspaceId, PAYOUT_RUN_APPROVED, { runId, number: run.number, payoutIds: lines.map((l) => l.id) });
    return getRun(txCtx(ctx, tx), runId);
  });
}

/** Cancels a draft: nothing was paid or reserved in the ledger; the entries are free for the next run. */
export async function cancelRun(ctx: Ctx, runId: string) {
  return ctx.db.transaction(async (tx) => {
    const run = await lockRun(tx, ctx.workspaceId, runId);
    if (run.status !== 'draft') throw transitionError('payout run', run.status, 'cancel', RUN_TRANSITIONS[run.status as RunStatus]);
    const ids = (await tx.select({ id: payout.id }).from(payout).where(and(eq(payout.workspaceId, ctx.workspaceId), eq(payout.runId, runId)))).map((r) => r.id);
    if (ids.length) await tx.delete(payoutItem).where(and(eq(payoutItem.workspaceId, ctx.workspaceId), inArray(payoutItem.payoutId, ids)));
    await tx.update(payout).set({ status: 'cancelled', updatedAt: now() }).where(and(eq(payout.workspaceId, ctx.workspaceId), eq(payout.runId, runId)));
    await tx.update(payoutRun).set({ status: 'cancelled', cancelledAt: now() }).where(eq(payoutRun.id, runId));
    await audit(txCtx(ctx, tx), { action: 'payout_run.cancelled', entityType: 'payout_run', entityId: runId, changes: { status: { from: 'draft', to: 'cancelled' } } });
    return getRun(txCtx(ctx, tx), runId);
  });
}

export interface ExecDeps {
  secrets: SecretBox;
}

/**
 * Starts paying an approved run: the run moves to `processing` and a `payout_run.executed` event
 * is committed with it. The payouts are sent in the background (`sendRunPayouts`, run by the
 * `payout-run-sender` subscriber), so a run of hundreds of partners never waits on providers
 * inside a request; the run's page follows the payouts as they are paid or fail.
 */
export async function executeRun(ctx: Ctx, runId: string) {
  await ctx.db.transaction(async (tx) => {
    const run = await lockRun(tx, ctx.workspaceId, runId);
    if (run.status !== 'approved') throw transitionError('payout run', run.status, 'execute', RUN_TRANSITIONS[run.status as RunStatus]);
    await tx.update(payoutRun).set({ status: 'processing', executedAt: now() }).where(eq(payoutRun.id, runId));
    await audit(txCtx(ctx, tx), { action: 'payout_run.executed', entityType: 'payout_run', entityId: runId, changes: { status: { from: 'approved', to: 'processing' } } });
    await emit(tx, ctx.workspaceId, PAYOUT_RUN_EXECUTED, { runId, executedBy: actorOf(ctx.principal) });
  });
  return getRun(ctx, runId);
}

/**
 * Sends every payout of a processing run that is still waiting (`approved`) to its provider, one
 * after another, then settles the run. Safe to run twice or concurrently (a redelivered event, a
 * second process): each payout is claimed in one statement before its provider is called.
 */
export async function sendRunPayouts(db: Executor, deps: ExecDeps, workspaceId: string, runId: string): Promise<number> {
  const ctx: Ctx = { workspaceId, principal: { kind: 'system', name: 'Payout run sender' }, requestId: null, db };
  const rows = await db
    .select({ id: payout.id })
    .from(payout)
    .innerJoin(payoutRun, eq(payoutRun.id, payout.runId))
    .where(and(eq(payout.workspaceId, workspaceId), eq(payout.runId, runId), eq(payout.status, 'approved'), eq(payoutRun.status, 'processing')))
    .orderBy(payout.id);
  for (const r of rows) await sendPayout(ctx, deps, r.id, ['approved']);
  await settleRunStatus(db, workspaceId, runId);
  return rows.length;
}

/** Retries a failed payout. An unknown outcome reuses the idempotency key; a definitive failure got a new one. */
export async function retryPayout(ctx: Ctx, deps: ExecDeps, payoutId: string) {
  const r = await loadPayout(ctx.db, ctx.workspaceId, payoutId);
  if (r.p.status !== 'failed') throw transitionError('payout', r.p.status, 'retry', payoutActions(r.p));
  await sendPayout(ctx, deps, payoutId, ['failed']);
  await settleRunStatus(ctx.db, ctx.workspaceId, r.p.runId);
  return getPayout(ctx, payoutId);
}

/** Claims the payout (approved|failed → processing) in one statement, calls the provider, records the outcome. */
async function sendPayout(ctx: Ctx, deps: ExecDeps, payoutId: string, from: string[]) {
  const [claimed] = await ctx.db
    .update(payout)
    .set({ status: 'processing', updatedAt: now() })
    .where(and(eq(payout.workspaceId, ctx.workspaceId), eq(payout.id, payoutId), inArray(payout.status, from)))
    .returning();
  if (!claimed) return;
  const outcome = await callProvider(ctx, deps, claimed);
  await recordOutcome(ctx, claimed, outcome);
}

async function callProvider(ctx: Ctx, deps: ExecDeps, p: PayoutRow): Promise<ProviderOutcome | null> {
  const snapshot = p.methodSnapshot ?? {};
  const key = idempotencyKeyOf(p);
  if (p.methodType === 'stripe_connect') {
    const settings = await settingsRow(ctx.db, ctx.workspaceId);
    if (!settings?.stripeSecretEnc) return { kind: 'failed', reason: 'Stripe is not configured: add the secret key in Settings › Payouts', definitive: false };
    if (!snapshot.stripeAccountId) return { kind: 'failed', reason: 'The partner has no Stripe connected account', definitive: false };
    return stripeTransfer({
      secretKey: deps.secrets.decrypt(settings.stripeSecretEnc, 'stripe_secret'),
      apiBase: settings.stripeApiBase,
      amountMinor: p.amountMinor,
      currency: p.currency,
      destination: snapshot.stripeAccountId,
      transferGroup: p.runId,
      idempotencyKey: key,
      metadata: { openprm_payout_id: p.id, openprm_run_id: p.runId, openprm_statement: statementLabel(p.statementNumber) ?? '' },
    });
  }
  if (p.methodType === 'paypal') {
    const settings = await settingsRow(ctx.db, ctx.workspaceId);
    if (!settings?.paypalClientId || !settings.paypalSecretEnc) return { kind: 'failed', reason: 'PayPal is not configured: add the client id and secret in Settings › Payouts', definitive: false };
    if (!snapshot.paypalEmail) return { kind: 'failed', reason: 'The partner has no PayPal email', definitive: false };
    const config = { clientId: settings.paypalClientId, secret: deps.secrets.decrypt(settings.paypalSecretEnc, 'paypal_secret'), apiBase: settings.paypalApiBase };
    if (p.providerRef) return paypalBatchStatus(config, p.providerRef);
    const created = await paypalCreatePayout(config, {
      senderBatchId: key,
      senderItemId: p.id,
      receiverEmail: snapshot.paypalEmail,
      amount: minorToDecimal(p.amountMinor, p.currency),
      currency: p.currency,
      note: `Commission payout ${statementLabel(p.statementNumber) ?? p.id}`,
      emailSubject: 'You have a commission payout',
    });
    if (created.kind !== 'pending') return created;
    const status = await paypalBatchStatus(config, created.providerRef);
    return status.kind === 'pending' ? created : { ...status, providerRef: status.kind === 'paid' ? status.providerRef : created.providerRef };
  }
  // bank (exported in the run's bank file) and manual: wait for "mark as paid" with a reference.
  return null;
}

async function recordOutcome(ctx: Ctx, p: PayoutRow, outcome: ProviderOutcome | null) {
  await ctx.db.transaction(async (tx) => {
    const tctx = txCtx(ctx, tx);
    if (outcome === null) {
      await audit(tctx, { action: 'payout.processing', entityType: 'payout', entityId: p.id, changes: { status: { from: 'approved', to: 'processing' }, method: p.methodType } });
      return;
    }
    if (outcome.kind === 'pending') {
      await tx.update(payout).set({ providerRef: outcome.providerRef, failureReason: null, outcomeUnknown: false, updatedAt: now() }).where(eq(payout.id, p.id));
      await audit(tctx, { action: 'payout.submitted', entityType: 'payout', entityId: p.id, changes: { providerRef: outcome.providerRef, idempotencyKey: idempotencyKeyOf(p) } });
      return;
    }
    if (outcome.kind === 'paid') {
      await settlePaid(tctx, p, { providerRef: outcome.providerRef, reference: null });
      return;
    }
    // A failure never touches the ledger: the entries stay payable for the retry.
    await tx
      .update(payout)
      .set({
        status: 'failed',
        failureReason: outcome.definitive && outcome.providerRef ? `${outcome.reason} (ref ${outcome.providerRef})` : outcome.reason,
        outcomeUnknown: !outcome.definitive,
        // A definitive failure used the attempt up: the retry is a new provider request with a new key.
        attempt: outcome.definitive ? p.attempt + 1 : p.attempt,
        providerRef: outcome.definitive ? null : (outcome.providerRef ?? p.providerRef),
        updatedAt: now(),
      })
      .where(eq(payout.id, p.id));
    await audit(tctx, { action: 'payout.failed', entityType: 'payout', entityId: p.id, changes: { reason: outcome.reason, idempotencyKey: idempotencyKeyOf(p), outcomeUnknown: !outcome.definitive } });
    await emit(tx, ctx.workspaceId, PAYOUT_FAILED, { payoutId: p.id, runId: p.runId, partnerId: p.partnerId, reason: outcome.reason });
  });
}

async function settlePaid(tctx: ReturnType<typeof txCtx>, p: PayoutRow, info: { providerRef: string | null; reference: string | null }) {
  const paidAt = now();
  await tctx.db
    .update(payout)
    .set({ status: 'paid', paidAt, providerRef: info.providerRef ?? p.providerRef, reference: info.reference ?? p.reference, failureReason: null, outcomeUnknown: false, updatedAt: paidAt })
    .where(eq(payout.id, p.id));
  const entries = await markPaid(tctx.db, tctx.workspaceId, p.id, paidAt);
  await audit(tctx, { action: 'payout.paid', entityType: 'payout', entityId: p.id, changes: { status: { from: p.status, to: 'paid' }, providerRef: info.providerRef, reference: info.reference, entries } });
  await emit(tctx.db, tctx.workspaceId, PAYOUT_PAID, {
    payoutId: p.id,
    runId: p.runId,
    partnerId: p.partnerId,
    amount: moneyToJson({ amountMinor: p.amountMinor, currency: p.currency }),
  });
}

/** Marks a payout paid outside the providers (bank file, cheque…) with a reference. */
export async function markPayoutPaid(ctx: Ctx, payoutId: string, reference: string) {
  await ctx.db.transaction(async (tx) => {
    const [p] = await tx
      .select()
      .from(payout)
      .where(and(eq(payout.workspaceId, ctx.workspaceId), eq(payout.id, payoutId)))
      .for('update');
    if (!p) throw notFound('Payout');
    if (!['approved', 'processing', 'failed'].includes(p.status)) throw transitionError('payout', p.status, 'mark as paid', payoutActions(p));
    await settlePaid(txCtx(ctx, tx), p, { providerRef: null, reference });
  });
  const r = await loadPayout(ctx.db, ctx.workspaceId, payoutId);
  await settleRunStatus(ctx.db, ctx.workspaceId, r.p.runId);
  return getPayout(ctx, payoutId);
}

/** Takes an unpaid payout out of its run: its entries go back to approved for a later run. */
export async function cancelPayout(ctx: Ctx, payoutId: string) {
  const runId = await ctx.db.transaction(async (tx) => {
    const [p] = await tx
      .select()
      .from(payout)
      .where(and(eq(payout.workspaceId, ctx.workspaceId), eq(payout.id, payoutId)))
      .for('update');
    if (!p) throw notFound('Payout');
    if (!['approved', 'failed'].includes(p.status) || p.outcomeUnknown) {
      const allowed = p.outcomeUnknown ? ['retry', 'mark_paid'] : payoutActions(p);
      throw transitionError('payout', p.outcomeUnknown ? `${p.status} (outcome unknown: retry first)` : p.status, 'cancel', allowed);
    }
    const returned = await returnToApproved(tx, ctx.workspaceId, p.id);
    await tx.delete(payoutItem).where(and(eq(payoutItem.workspaceId, ctx.workspaceId), eq(payoutItem.payoutId, p.id)));
    await tx.update(payout).set({ status: 'cancelled', updatedAt: now() }).where(eq(payout.id, p.id));
    await audit(txCtx(ctx, tx), { action: 'payout.cancelled', entityType: 'payout', entityId: p.id, changes: { status: { from: p.status, to: 'cancelled' }, entriesReturned: returned } });
    return p.runId;
  });
  await settleRunStatus(ctx.db, ctx.workspaceId, runId);
  return getPayout(ctx, payoutId);
}

/** Reads a PayPal batch back (also run by the poll job). */
export async function refreshPayout(ctx: Ctx, deps: ExecDeps, payoutId: string) {
  const r = await loadPayout(ctx.db, ctx.workspaceId, payoutId);
  if (r.p.status !== 'processing' || r.p.methodType !== 'paypal' || !r.p.providerRef) throw transitionError('payout', r.p.status, 'refresh', payoutActions(r.p));
  const outcome = await callProvider(ctx, deps, r.p);
  if (outcome && outcome.kind !== 'pending') await recordOutcome(ctx, r.p, outcome);
  await settleRunStatus(ctx.db, ctx.workspaceId, r.p.runId);
  return getPayout(ctx, payoutId);
}

/** processing → completed once every payout of the run is paid or cancelled. */
async function settleRunStatus(db: Executor, workspaceId: string, runId: string) {
  const rows = await db
    .select({ status: payout.status })
    .from(payout)
    .where(and(eq(payout.workspaceId, workspaceId), eq(payout.runId, runId)));
  const live = rows.filter((r) => !['carried_over', 'held', 'cancelled', 'draft'].includes(r.status));
  if (live.every((r) => r.status === 'paid')) {
    // Every payout taken out after approval and none paid: the run is cancelled, not completed.
    const cancelledAll = live.length === 0 && rows.some((r) => r.status === 'cancelled');
    await db
      .update(payoutRun)
      .set(cancelledAll ? { status: 'cancelled', cancelledAt: now() } : { status: 'completed', completedAt: now() })
      .where(and(eq(payoutRun.id, runId), inArray(payoutRun.status, ['processing', 'approved'])));
  }
}

/** PayPal batches still processing, for the poll job. */
export async function processingPayPalPayouts(db: Executor) {
  return db
    .select({ id: payout.id, workspaceId: payout.workspaceId })
    .from(payout)
    .where(and(eq(payout.status, 'processing'), eq(payout.methodType, 'paypal')))
    .limit(200);
}
