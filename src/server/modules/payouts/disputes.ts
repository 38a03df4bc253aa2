import { and, desc, eq, inArray, isNull, lt } from 'drizzle-orm';
import { audit } from '../../platform/audit.ts';
import { now } from '../../platform/clock.ts';
import { type WorkspaceContext, actorOf } from '../../platform/context.ts';
import type { Executor } from '../../platform/db.ts';
import { AppError, invalid, notFound } from '../../platform/errors.ts';
import { emit } from '../../platform/events.ts';
import type { PortalContext } from '../../platform/http.ts';
import { newId } from '../../platform/ids.ts';
import { moneyToJson } from '../../platform/money.ts';
import { toPage } from '../../platform/pagination.ts';
import { projectForPartner } from '../../platform/visibility.ts';
import { commissionEntry } from '../commissions/schema.ts';
import { createAdjustment } from '../commissions/service.ts';
import { partner } from '../partners/schema.ts';
import { program } from '../programs/schema.ts';
import type { DISPUTE_REASONS, DISPUTE_STATUSES, OpenDisputeRequest, ResolveDisputeRequest } from './contract.ts';
import { entriesOfPayout } from './ledger.ts';
import { statementLabel } from './runs.ts';
import { payout, payoutDispute } from './schema.ts';

export const PAYOUT_DISPUTE_OPENED = 'payout_dispute.opened';
export const PAYOUT_DISPUTE_CLOSED = 'payout_dispute.closed';

type Ctx = WorkspaceContext;
type DisputeRow = typeof payoutDispute.$inferSelect;
type PayoutRow = typeof payout.$inferSelect;

/** A partner can dispute a statement once finance approved it (it has a number) until it is cancelled. */
const DISPUTABLE = ['approved', 'processing', 'paid', 'failed'];

function moneyOrNull(amountMinor: bigint | null, currency: string | null) {
  return amountMinor !== null && currency ? moneyToJson({ amountMinor, currency }) : null;
}

interface Joined {
  d: DisputeRow;
  p: PayoutRow;
  partnerName: string;
  programName: string;
  adjustment: { amountMinor: bigint; currency: string } | null;
}

function baseView(r: Joined) {
  return {
    id: r.d.id,
    payoutId: r.d.payoutId,
    statementNumber: statementLabel(r.p.statementNumber),
    entryId: r.d.entryId,
    reason: r.d.reason as (typeof DISPUTE_REASONS)[number],
    message: r.d.message,
    expectedAmount: moneyOrNull(r.d.expectedAmountMinor, r.d.expectedCurrency),
    status: r.d.status as (typeof DISPUTE_STATUSES)[number],
    resolution: r.d.resolution,
    adjustment: r.adjustment ? moneyToJson(r.adjustment) : null,
    createdAt: r.d.createdAt.toISOString(),
    resolvedAt: r.d.resolvedAt?.toISOString() ?? null,
  };
}

function consoleView(r: Joined) {
  return {
    ...baseView(r),
    partnerId: r.d.partnerId,
    partnerName: r.partnerName,
    programId: r.p.programId,
    programName: r.programName,
    payoutAmount: moneyToJson({ amountMinor: r.p.amountMinor, currency: r.p.currency }),
    openedBy: r.d.openedByName,
    resolvedBy: r.d.resolvedByName,
    adjustmentEntryId: r.d.adjustmentEntryId,
    allowedActions: r.d.status === 'open' ? (['resolve', 'reject'] as const).slice() : [],
  };
}

const partnerView = (r: Joined) => projectForPartner('payoutDispute', baseView(r));

async function load(db: Executor, workspaceId: string, where: { id?: string; partnerId?: string; status?: string; payoutId?: string; cursor?: string }, limit = 1) {
  const rows = await db
    .select({ d: payoutDispute, p: payout, partnerName: partner.name, programName: program.name })
    .from(payoutDispute)
    .innerJoin(payout, eq(payout.id, payoutDispute.payoutId))
    .innerJoin(partner, eq(partner.id, payoutDispute.partnerId))
    .innerJoin(program, eq(program.id, payout.programId))
    .where(
      and(
        eq(payoutDispute.workspaceId, workspaceId),
        where.id ? eq(payoutDispute.id, where.id) : undefined,
        where.partnerId ? eq(payoutDispute.partnerId, where.partnerId) : undefined,
        where.status ? eq(payoutDispute.status, where.status) : undefined,
        where.payoutId ? eq(payoutDispute.payoutId, where.payoutId) : undefined,
        where.cursor ? lt(payoutDispute.id, where.cursor) : undefined,
      ),
    )
    .orderBy(desc(payoutDispute.id))
    .limit(limit);
  const adjustments = await adjustmentsOf(
    db,
    workspaceId,
    rows.map((r) => r.d.adjustmentEntryId).filter((id): id is string => id !== null),
  );
  return rows.map((r): Joined => ({ ...r, adjustment: r.d.adjustmentEntryId ? (adjustments.get(r.d.adjustmentEntryId) ?? null) : null }));
}

async function adjustmentsOf(db: Executor, workspaceId: string, ids: string[]) {
  const out = new Map<string, { amountMinor: bigint; currency: string }>();
  if (ids.length === 0) return out;
  const rows = await db
    .select({ id: commissionEntry.id, amountMinor: commissionEntry.amountMinor, currency: commissionEntry.currency })
    .from(commissionEntry)
    .where(and(eq(commissionEntry.workspaceId, workspaceId), inArray(commissionEntry.id, ids)));
  for (const r of rows) out.set(r.id, { amountMinor: r.amountMinor, currency: r.currency });
  return out;
}

// ── Partner side ──

/** A partner disputes one of its statements (optionally one line of it). */
export async function openDispute(ctx: PortalContext, payoutId: string, input: OpenDisputeRequest) {
  const id = newId('payoutDispute');
  await ctx.db.transaction(async (tx) => {
    const [p] = await tx
      .select()
      .from(payout)
      .where(and(eq(payout.workspaceId, ctx.workspaceId), eq(payout.id, payoutId), eq(payout.partnerId, ctx.partnerId)))
      .for('update');
    if (!p || !DISPUTABLE.includes(p.status)) {
      if (p?.status === 'cancelled') throw new AppError('conflict', 'This payout was cancelled: its commissions go to a later payout');
      throw notFound('Payout');
    }
    if (input.entryId) {
      const lines = await entriesOfPayout(tx, ctx.workspaceId, p.id);
      if (!lines.some((l) => l.id === input.entryId)) throw invalid('entryId', 'is not a line of this statement');
    }
    const [open] = await tx
      .select({ id: payoutDispute.id })
      .from(payoutDispute)
      .where(
        and(
          eq(payoutDispute.workspaceId, ctx.workspaceId),
          eq(payoutDispute.payoutId, p.id),
          eq(payoutDispute.status, 'open'),
          input.entryId ? eq(payoutDispute.entryId, input.entryId) : isNull(payoutDispute.entryId),
        ),
      );
    if (open) {
      throw new AppError('conflict', `You already have an open dispute about this ${input.entryId ? 'line' : 'statement'}`, { extensions: { existingId: open.id } });
    }
    await tx.insert(payoutDispute).values({
      id,
      workspaceId: ctx.workspaceId,
      payoutId: p.id,
      partnerId: ctx.partnerId,
      entryId: input.entryId ?? null,
      reason: input.reason,
      message: input.message,
      expectedAmountMinor: input.expectedAmount ? BigInt(input.expectedAmount.amountMinor) : null,
      expectedCurrency: input.expectedAmount?.currency ?? null,
      status: 'open',
      openedByName: ctx.principal.name,
    });
    await audit({ ...ctx, db: tx }, { action: 'payout_dispute.opened', entityType: 'payout_dispute', entityId: id, changes: { payoutId: p.id, reason: input.reason, entryId: input.entryId ?? null } });
    await emit(tx, ctx.workspaceId, PAYOUT_DISPUTE_OPENED, { disputeId: id, payoutId: p.id, partnerId: ctx.partnerId, reason: input.reason });
  });
  const [row] = await load(ctx.db, ctx.workspaceId, { id, partnerId: ctx.partnerId });
  return partnerView(row);
}

/** One dispute as its partner sees it (for the partner's emails); null when it is not theirs. */
export async function myDisputeView(db: Executor, workspaceId: string, partnerId: string, id: string) {
  const [row] = await load(db, workspaceId, { id, partnerId });
  return row ? partnerView(row) : null;
}

export async function myDisputes(ctx: PortalContext, q: { limit: number; cursor?: string }) {
  const rows = await load(ctx.db, ctx.workspaceId, { partnerId: ctx.partnerId, cursor: q.cursor }, q.limit + 1);
  return toPage(rows, q.limit, (r) => r.d.id, partnerView);
}

// ── Vendor side ──

export async function listDisputes(ctx: Ctx, q: { limit: number; cursor?: string; status?: string; partnerId?: string; payoutId?: string }) {
  const rows = await load(ctx.db, ctx.workspaceId, q, q.limit + 1);
  return toPage(rows, q.limit, (r) => r.d.id, consoleView);
}

/** One dispute as finance sees it, or null (for jobs and emails, which have no request context). */
export async function findDispute(db: Executor, workspaceId: string, id: string) {
  const [row] = await load(db, workspaceId, { id });
  return row ? consoleView(row) : null;
}

export async function getDispute(ctx: Ctx, id: string) {
  const found = await findDispute(ctx.db, ctx.workspaceId, id);
  if (!found) throw notFound('Statement dispute');
  return found;
}

/**
 * Closes an open dispute. Resolving may credit (or debit) the partner with an approved ledger
 * adjustment in the payout's program, paid in its next run; the adjustment and the decision are
 * written in one transaction, so a dispute is never settled twice.
 */
export async function closeDispute(ctx: Ctx, id: string, decision: { outcome: 'resolved' | 'rejected'; resolution: string; adjustment?: ResolveDisputeRequest['adjustment'] }) {
  await ctx.db.transaction(async (tx) => {
    const [d] = await tx
      .select()
      .from(payoutDispute)
      .where(and(eq(payoutDispute.workspaceId, ctx.workspaceId), eq(payoutDispute.id, id)))
      .for('update');
    if (!d) throw notFound('Statement dispute');
    if (d.status !== 'open') {
      throw new AppError('conflict', `Cannot ${decision.outcome === 'resolved' ? 'resolve' : 'reject'} a dispute that is ${d.status} (no transitions are allowed)`, {
        extensions: { allowedTransitions: [] },
      });
    }
    const [p] = await tx.select().from(payout).where(eq(payout.id, d.payoutId));
    let adjustmentEntryId: string | null = null;
    if (decision.outcome === 'resolved' && decision.adjustment) {
      const label = statementLabel(p.statementNumber) ?? p.id;
      const entry = await createAdjustment(
        { ...ctx, db: tx },
        { partnerId: d.partnerId, programId: p.programId, amount: decision.adjustment, reason: `Statement ${label} dispute: ${decision.resolution}`, approve: true },
      );
      adjustmentEntryId = entry.id;
    }
    const at = now();
    const by = actorOf(ctx.principal).actorName;
    await tx
      .update(payoutDispute)
      .set({ status: decision.outcome, resolution: decision.resolution, adjustmentEntryId, resolvedByName: by, resolvedAt: at, updatedAt: at })
      .where(eq(payoutDispute.id, id));
    await audit(
      { ...ctx, db: tx },
      {
        action: `payout_dispute.${decision.outcome}`,
        entityType: 'payout_dispute',
        entityId: id,
        changes: { status: { from: 'open', to: decision.outcome }, resolution: decision.resolution, adjustment: decision.adjustment ?? null, adjustmentEntryId },
      },
    );
    await emit(tx, ctx.workspaceId, PAYOUT_DISPUTE_CLOSED, { disputeId: id, partnerId: d.partnerId, outcome: decision.outcome, adjustmentEntryId });
  });
  return getDispute(ctx, id);
}
