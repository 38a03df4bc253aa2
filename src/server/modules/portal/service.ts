import { and, asc, eq } from 'drizzle-orm';
import type { PortalContext } from '../../platform/http.ts';
import { workspaceName } from '../../platform/http.ts';
import { projectForPartner } from '../../platform/visibility.ts';
import { enrollment, partner, partnerUser } from '../partners/schema.ts';
import { getPartner, listPartnerUsers } from '../partners/service.ts';
import { program, tier } from '../programs/schema.ts';
import { workspace } from '../workspaces/schema.ts';

/** Everything here is scoped to the signed-in partner and passed through the partner projection. */
export async function portalMe(ctx: PortalContext) {
  const profile = await getPartner(ctx, ctx.partnerId);
  const memberships = await ctx.db
    .select({ partnerId: partner.id, partnerName: partner.name, workspaceName: workspace.name })
    .from(partnerUser)
    .innerJoin(partner, eq(partner.id, partnerUser.partnerId))
    .innerJoin(workspace, eq(workspace.id, partnerUser.workspaceId))
    .where(eq(partnerUser.userId, ctx.principal.userId))
    .orderBy(asc(partnerUser.id));
  return {
    partner: projectForPartner('partner', profile),
    role: ctx.principal.role,
    workspaceName: await workspaceName(ctx.db, ctx.workspaceId),
    user: { name: ctx.principal.name, email: ctx.principal.email },
    memberships,
  };
}

export async function portalPrograms(ctx: PortalContext) {
  const rows = await ctx.db
    .select({ p: program, enrolledAt: enrollment.createdAt, tierName: tier.name, tierRank: tier.rank })
    .from(enrollment)
    .innerJoin(program, eq(program.id, enrollment.programId))
    .leftJoin(tier, eq(tier.id, enrollment.tierId))
    .where(and(eq(enrollment.workspaceId, ctx.workspaceId), eq(enrollment.partnerId, ctx.partnerId), eq(enrollment.status, 'active')))
    .orderBy(asc(program.name));
  return {
    data: rows
      .filter((r) => r.p.status !== 'draft')
      .map((r) =>
        projectForPartner('program', {
          id: r.p.id,
          name: r.p.name,
          partnerType: r.p.partnerType as 'referral',
          description: r.p.description,
          terms: r.p.terms,
          currency: r.p.currency,
          enrolledAt: r.enrolledAt.toISOString(),
          tier: r.tierName !== null && r.tierRank !== null ? { name: r.tierName, rank: r.tierRank } : null,
          status: r.p.status,
        }),
      ),
    nextCursor: null,
  };
}

export async function portalTeam(ctx: PortalContext) {
  const users = await listPartnerUsers(ctx, ctx.partnerId);
  return { data: users.map((u) => projectForPartner('partnerUser', u)), nextCursor: null };
}
