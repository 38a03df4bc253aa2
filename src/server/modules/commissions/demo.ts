import { eq } from 'drizzle-orm';
import type { WorkspaceContext } from '../../platform/context.ts';
import { program } from '../programs/schema.ts';
import { accruePending, releaseHolds } from './accrual.ts';
import { type PlanDocumentInput, ZPlanDocument } from './plan.ts';
import { createPlan } from './service.ts';

/** Demo commission plans (referral: recurring share of sales; reseller: won deals by role), then one accrual run. */
export async function seedDemoCommissions(ctx: WorkspaceContext): Promise<void> {
  const programs = await ctx.db.select({ id: program.id, name: program.name, currency: program.currency }).from(program).where(eq(program.workspaceId, ctx.workspaceId));
  const quarterStart = new Date(Date.UTC(new Date().getUTCFullYear(), Math.floor(new Date().getUTCMonth() / 3) * 3, 1));
  const quarterEnd = new Date(Date.UTC(quarterStart.getUTCFullYear(), quarterStart.getUTCMonth() + 3, 1));
  for (const p of programs) {
    const m = (major: number) => ({ amountMinor: String(major * 100), currency: p.currency });
    const referral: PlanDocumentInput = {
      holdDays: 30,
      rules: [
        { id: 'first-payment', name: 'First payment', type: 'percentage', rateBp: 3000, conditions: { payment: 'new' } },
        { id: 'renewals', name: 'Renewals (12 months)', type: 'percentage', rateBp: 2000, duration: { type: 'recurring', months: 12 } },
        { id: 'leads', name: 'Qualified leads', conversionKind: 'lead', type: 'flat', flat: m(5) },
      ],
      spiffs: [{ id: 'quarter-push', name: 'Quarter push', type: 'flat', flat: m(25), startsAt: quarterStart.toISOString(), endsAt: quarterEnd.toISOString() }],
      rebates: [{ id: 'volume', name: 'Volume rebate', period: 'quarter', currency: p.currency, thresholds: [{ minVolume: m(5_000), rateBp: 200 }, { minVolume: m(20_000), rateBp: 500 }] }],
      bonuses: [{ id: 'welcome', name: 'Welcome bonus', trigger: 'first_sale', amount: m(50) }],
    };
    const reseller: PlanDocumentInput = {
      holdDays: 45,
      rules: [
        { id: 'sourced', name: 'Sourced deals', source: 'deal', type: 'percentage', rateBp: 1000, conditions: { dealRoles: ['sourced', 'reseller'] } },
        { id: 'influenced', name: 'Influenced deals', source: 'deal', type: 'percentage', rateBp: 500, conditions: { dealRoles: ['influenced', 'fulfillment'] } },
        { id: 'sales', name: 'Tracked sales', type: 'percentage', rateBp: 1500, duration: { type: 'lifetime' } },
      ],
      bonuses: [{ id: 'first-deal', name: 'First won deal', trigger: 'first_won_deal', amount: m(250) }],
    };
    const document = p.name.toLowerCase().includes('resell') ? reseller : referral;
    await createPlan(ctx, { programId: p.id, name: `${p.name} commissions`, document: ZPlanDocument.parse(document), activate: true });
  }
  await accruePending(ctx.db, ctx.workspaceId);
  await releaseHolds(ctx.db, ctx.workspaceId);
}
