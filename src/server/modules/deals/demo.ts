import { and, asc, eq } from 'drizzle-orm';
import type { WorkspaceContext } from '../../platform/context.ts';
import { partner } from '../partners/schema.ts';
import { upsertSharingRules } from '../sharing/service.ts';
import type { CreateDealRequest } from './contract.ts';
import { stage } from './schema.ts';
import { createDeal, listPipelines, moveStage } from './service.ts';

/**
 * Demo pipeline for the demo workspace, built through the services (so it is audited): deals
 * in every stage, partner-sourced, reseller renewal, influenced, lost with a reason and a
 * direct deal; plus sharing rules so the demo portal shows a banded amount. The internal
 * notes and discounts are there to show that partners never see them.
 */
export async function seedDemoDeals(ctx: WorkspaceContext): Promise<void> {
  const partners = await ctx.db
    .select({ id: partner.id, name: partner.name })
    .from(partner)
    .where(eq(partner.workspaceId, ctx.workspaceId))
    .orderBy(asc(partner.name));
  if (partners.length === 0) return;
  const byName = (name: string, fallback: number) => partners.find((p) => p.name === name)?.id ?? partners[fallback % partners.length].id;
  const northwind = byName('Northwind Consulting', 0);
  const kestrel = byName('Kestrel Systems', 1);
  const copperleaf = byName('Copperleaf Advisory', 2);

  const pipelines = await listPipelines(ctx);
  const pipelineId = pipelines.data.find((p) => p.isDefault)?.id as string;
  const stages = await ctx.db
    .select()
    .from(stage)
    .where(and(eq(stage.workspaceId, ctx.workspaceId), eq(stage.pipelineId, pipelineId)));
  const stageId = (name: string) => stages.find((s) => s.name === name)?.id as string;
  const ownerMemberId = ctx.principal.kind === 'member' ? ctx.principal.memberId : null;
  const money = (amountMinor: string, currency: string) => ({ amountMinor, currency });

  const deals: (Omit<CreateDealRequest, 'isRenewal'> & { isRenewal?: boolean; moveTo?: string; lostReason?: string })[] = [
    {
      name: 'Globex — Cloud platform',
      account: { name: 'Globex Corporation', domain: 'globex.example', country: 'US' },
      amount: money('8400000', 'EUR'),
      stageId: stageId('Proposal'),
      closeDate: '2026-12-15',
      ownerMemberId,
      nextStep: 'Proposal review with the CFO',
      internalNotes: 'Procurement is pushing for 12 % off; hold at 8 %.',
      discountBp: 800,
      credits: [{ partnerId: northwind, role: 'sourced', shareBp: 10_000 }],
    },
    {
      name: 'Initech — Analytics add-on',
      account: { name: 'Initech', domain: 'initech.example', country: 'US' },
      amount: money('2350000', 'EUR'),
      stageId: stageId('Qualified'),
      closeDate: '2027-01-31',
      nextStep: 'Technical workshop',
      credits: [{ partnerId: northwind, role: 'sourced', shareBp: 10_000 }],
    },
    {
      name: 'Umbrella — Annual renewal',
      account: { name: 'Umbrella Corp', domain: 'umbrella.example', country: 'DE' },
      amount: money('12000000', 'USD'),
      stageId: stageId('Negotiation'),
      closeDate: '2026-12-31',
      isRenewal: true,
      ownerMemberId,
      internalNotes: 'Renewal at risk if the SSO issue is not fixed.',
      credits: [
        { partnerId: kestrel, role: 'reseller', shareBp: 10_000 },
        { partnerId: copperleaf, role: 'influenced', shareBp: 0 },
      ],
    },
    {
      name: 'Soylent — Data migration',
      account: { name: 'Soylent', domain: 'soylent.example', country: 'FR' },
      amount: money('31000000', 'EUR'),
      closeDate: '2026-10-30',
      credits: [{ partnerId: northwind, role: 'sourced', shareBp: 10_000 }],
      moveTo: 'Closed won',
    },
    {
      name: 'Hooli — Pilot',
      account: { name: 'Hooli', domain: 'hooli.example', country: 'US' },
      amount: money('1500000', 'USD'),
      credits: [{ partnerId: kestrel, role: 'sourced', shareBp: 10_000 }],
      moveTo: 'Closed lost',
      lostReason: 'Chose an in-house build',
    },
    {
      name: 'Stark Industries — Enterprise',
      account: { name: 'Stark Industries', domain: 'stark.example', country: 'US' },
      amount: money('45000000', 'USD'),
      closeDate: '2027-03-31',
      ownerMemberId,
      internalNotes: 'Direct deal; no partner involved yet.',
    },
  ];
  for (const { moveTo, lostReason, isRenewal, ...input } of deals) {
    const created = await createDeal(ctx, { ...input, isRenewal: isRenewal ?? false });
    if (moveTo) await moveStage(ctx, created.id, { stageId: stageId(moveTo), lostReason });
  }
  await upsertSharingRules(ctx, [
    { programId: null, object: 'deal', field: 'amount', audience: '*', mode: 'banded' },
    { programId: null, object: 'deal', field: 'amount', audience: 'admin', mode: 'visible' },
    { programId: null, object: 'deal', field: 'accountName', audience: '*', mode: 'visible' },
    { programId: null, object: 'deal', field: 'probability', audience: '*', mode: 'visible' },
  ]);
}
