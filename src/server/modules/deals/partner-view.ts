import { and, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import type { PartnerRole } from '../../platform/context.ts';
import type { Executor } from '../../platform/db.ts';
import { moneyToJson } from '../../platform/money.ts';
import { account } from '../accounts/schema.ts';
import { type PartnerProjector, loadPartnerProjector } from '../sharing/projection.ts';
import type { PartnerDeal } from './contract.ts';
import { deal, dealCredit, stage } from './schema.ts';
import { weightedAmountMinor } from './service.ts';

/**
 * Deals as one partner sees them. The rows built here carry only what a sharing rule could
 * ever show (never internal notes, discounts or other partners' credits); the projector
 * then drops everything the workspace's rules do not share.
 */
export async function partnerDeals(
  db: Executor,
  q: { workspaceId: string; partnerId: string; partnerRole: PartnerRole | '*'; dealIds?: string[]; cursor?: string; limit: number },
): Promise<{ data: PartnerDeal[]; nextCursor: string | null }> {
  const ownerName = sql<string | null>`(select u.name from member m join auth_user u on u.id = m.user_id where m.id = "deal"."owner_member_id")`;
  const ownerEmail = sql<string | null>`(select u.email from member m join auth_user u on u.id = m.user_id where m.id = "deal"."owner_member_id")`;
  // The program of this partner's own registration for the deal: it picks the per-program sharing rules.
  const programId = sql<string | null>`(select r.program_id from registration r where r.workspace_id = "deal"."workspace_id" and r.partner_id = ${q.partnerId} and (r.deal_id = "deal"."id" or r.id = "deal"."registration_id") order by r.id limit 1)`;
  const rows = await db
    .select({
      d: deal,
      stageName: stage.name,
      stageKind: stage.kind,
      stageWinBp: stage.winProbabilityBp,
      accountName: account.name,
      accountDomain: account.domain,
      accountCountry: account.country,
      ownerName,
      ownerEmail,
      programId,
    })
    .from(deal)
    .innerJoin(stage, eq(stage.id, deal.stageId))
    .innerJoin(account, eq(account.id, deal.accountId))
    .where(
      and(
        eq(deal.workspaceId, q.workspaceId),
        sql`exists (select 1 from ${dealCredit} where ${dealCredit.dealId} = ${deal.id} and ${dealCredit.partnerId} = ${q.partnerId})`,
        q.dealIds ? inArray(deal.id, q.dealIds) : undefined,
        q.cursor ? lt(deal.id, q.cursor) : undefined,
      ),
    )
    .orderBy(desc(deal.id))
    .limit(q.limit + 1);
  const hasMore = rows.length > q.limit;
  const page = hasMore ? rows.slice(0, q.limit) : rows;
  if (page.length === 0) return { data: [], nextCursor: null };

  const credits = await db
    .select({ dealId: dealCredit.dealId, role: dealCredit.role, shareBp: dealCredit.shareBp })
    .from(dealCredit)
    .where(
      and(
        eq(dealCredit.workspaceId, q.workspaceId),
        eq(dealCredit.partnerId, q.partnerId),
        inArray(
          dealCredit.dealId,
          page.map((r) => r.d.id),
        ),
      ),
    )
    .orderBy(desc(dealCredit.shareBp), dealCredit.id);
  const roleOf = new Map<string, string>();
  for (const c of credits) if (!roleOf.has(c.dealId)) roleOf.set(c.dealId, c.role);

  const projectors = new Map<string | null, PartnerProjector>();
  const data: PartnerDeal[] = [];
  for (const r of page) {
    let project = projectors.get(r.programId);
    if (!project) {
      project = await loadPartnerProjector(db, { workspaceId: q.workspaceId, programId: r.programId, partnerRole: q.partnerRole, object: 'deal' });
      projectors.set(r.programId, project);
    }
    const d = r.d;
    const row = {
      id: d.id,
      name: d.name,
      stage: { id: d.stageId, name: r.stageName, kind: r.stageKind },
      closeDate: d.closeDate,
      nextStep: d.nextStep,
      role: roleOf.get(d.id),
      amount: moneyToJson({ amountMinor: d.amountMinor, currency: d.currency }),
      weightedAmount: moneyToJson({ amountMinor: weightedAmountMinor(d.amountMinor, r.stageWinBp), currency: d.currency }),
      probability: r.stageWinBp,
      accountName: r.accountName,
      accountDomain: r.accountDomain,
      accountCountry: r.accountCountry,
      ownerName: r.ownerName,
      ownerEmail: r.ownerEmail,
      lostReason: d.lostReason,
      closedAt: d.closedAt?.toISOString() ?? null,
      createdAt: d.createdAt.toISOString(),
    };
    data.push(project(row) as PartnerDeal);
  }
  return { data, nextCursor: hasMore ? page[page.length - 1].d.id : null };
}
