import { and, desc, eq, inArray, lt } from 'drizzle-orm';
import { now } from '../../platform/clock.ts';
import type { PortalContext } from '../../platform/http.ts';
import { notFound } from '../../platform/errors.ts';
import { moneyToJson } from '../../platform/money.ts';
import { toPage } from '../../platform/pagination.ts';
import { projectForPartner } from '../../platform/visibility.ts';
import { listMyEarnings } from '../commissions/service.ts';
import { partnerBalances } from './ledger.ts';
import { nextPayoutDate } from './rules.ts';
import { reversalView, statementLabel } from './runs.ts';
import { payout, payoutRun } from './schema.ts';
import { enrolledProgramIds, methodOf, schedulesOf, taxProfileOf, workspaceTimeZone } from './service.ts';

/** Statuses a partner sees: a payout exists for it once finance approved the run. */
const VISIBLE = ['approved', 'processing', 'paid', 'failed'] as const;

/** The lines of one of my statements (a payout the partner sees), as on the Earnings page; 404 for any other payout. */
export async function myPayoutLines(ctx: PortalContext, payoutId: string, q: { limit: number; cursor?: string }) {
  const [p] = await ctx.db
    .select({ id: payout.id })
    .from(payout)
    .where(and(eq(payout.workspaceId, ctx.workspaceId), eq(payout.id, payoutId), eq(payout.partnerId, ctx.partnerId), inArray(payout.status, [...VISIBLE])));
  if (!p) throw notFound('Payout');
  return listMyEarnings(ctx, { ...q, payoutId: p.id });
}

export async function myPayouts(ctx: PortalContext, q: { limit: number; cursor?: string }) {
  const rows = await ctx.db
    .select({ p: payout, runNumber: payoutRun.number })
    .from(payout)
    .innerJoin(payoutRun, eq(payoutRun.id, payout.runId))
    .where(
      and(
        eq(payout.workspaceId, ctx.workspaceId),
        eq(payout.partnerId, ctx.partnerId),
        inArray(payout.status, [...VISIBLE]),
        q.cursor ? lt(payout.id, q.cursor) : undefined,
      ),
    )
    .orderBy(desc(payout.id))
    .limit(q.limit + 1);
  return toPage(
    rows,
    q.limit,
    (r) => r.p.id,
    (r) =>
      projectForPartner('payout', {
        id: r.p.id,
        runNumber: r.runNumber,
        // A failed attempt is the vendor's to fix; the partner sees it as still processing.
        status: (r.p.status === 'failed' ? 'processing' : r.p.status) as 'approved' | 'processing' | 'paid',
        amount: moneyToJson({ amountMinor: r.p.amountMinor, currency: r.p.currency }),
        methodType: (r.p.methodType as 'manual' | null) ?? null,
        statementNumber: statementLabel(r.p.statementNumber),
        entryCount: r.p.entryCount,
        createdAt: r.p.createdAt.toISOString(),
        paidAt: r.p.paidAt?.toISOString() ?? null,
        // Money that came back after payment (owed again): amount and date, never the provider's ids or reason text.
        reversal: partnerReversal(r.p),
        // internal: failureReason, providerRef, idempotency key, holdReason
        failureReason: r.p.failureReason,
      }),
  );
}

function partnerReversal(p: typeof payout.$inferSelect) {
  const r = reversalView(p);
  return r ? { amount: r.amount, full: r.full, reversedAt: r.reversedAt } : null;
}

export async function mySummary(ctx: PortalContext) {
  const tz = await workspaceTimeZone(ctx.db, ctx.workspaceId);
  const programIds = await enrolledProgramIds(ctx.db, ctx.workspaceId, ctx.partnerId);
  const schedules = await schedulesOf(ctx.db, ctx.workspaceId, programIds);
  const balances = await partnerBalances(ctx.db, ctx.workspaceId, ctx.partnerId);
  const pick = (status: string) => balances.filter((b) => b.status === status).map((b) => moneyToJson({ amountMinor: BigInt(b.total), currency: b.currency }));
  const tax = await taxProfileOf(ctx.db, ctx.workspaceId, ctx.partnerId);
  const method = await methodOf(ctx.db, ctx.workspaceId, ctx.partnerId);
  return {
    nextPayouts: schedules.map((s) => ({
      programId: s.programId,
      programName: s.programName,
      date: nextPayoutDate(s, now(), tz),
      threshold: moneyToJson({ amountMinor: s.thresholdMinor, currency: s.thresholdCurrency }),
      timeZone: tz,
    })),
    balances: { pending: pick('pending'), approved: pick('approved'), payable: pick('payable'), paid: pick('paid') },
    taxProfileStatus: (tax?.status ?? 'missing') as 'complete' | 'incomplete' | 'missing',
    payoutMethod: (method?.type as 'manual' | undefined) ?? null,
  };
}
