import { z } from '@hono/zod-openapi';
import { ZMoney } from '../../platform/money.ts';

export const ZPerformanceQuery = z.object({
  groupBy: z.enum(['partner', 'program', 'tier']).default('partner').openapi({ description: "tier: the partner's tier (enrollment) in the registration's or deal's program; key id null = no tier" }),
  from: z
    .string()
    .refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO date or date-time')
    .optional()
    .openapi({ description: 'Start (inclusive); default one year before `to`', example: '2026-01-01' }),
  to: z
    .string()
    .refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO date or date-time')
    .optional()
    .openapi({ description: 'End; a plain date includes that whole day (UTC); default now', example: '2026-12-31' }),
});
export type PerformanceQuery = z.infer<typeof ZPerformanceQuery>;

const ZRate = z.number().nullable().openapi({ description: 'A ratio from 0 to 1 (4 decimals); null when there is nothing to divide by' });
const ZMoneyList = z.array(ZMoney).openapi({ description: 'One amount per currency; amounts in different currencies are never added' });

export const ZPerformanceGroup = z
  .object({
    key: z.object({ id: z.string().nullable(), name: z.string() }).openapi({ description: 'The partner, program or tier (tier names read “Gold · Reseller Program”); id null = no program / no tier' }),
    registrations: z.object({
      total: z.number().int(),
      byStatus: z.record(z.string(), z.number().int()),
      approved: z.number().int().openapi({ description: 'Ever approved (protection started), whatever the status now' }),
      rejected: z.number().int(),
      approvalRate: ZRate.openapi({ description: 'approved / (approved + rejected)' }),
      medianHoursToDecision: z.number().nullable(),
      medianSlaHours: z.number().nullable(),
      decidedWithinSlaRate: ZRate,
      conflicts: z.number().int(),
      conflictRate: ZRate.openapi({ description: 'conflicts / registrations' }),
      won: z.number().int().openapi({ description: 'Approved registrations whose deal is won' }),
      registeredToWonRate: ZRate.openapi({ description: 'won / approved' }),
    }),
    deals: z.object({
      open: z.number().int(),
      pipeline: ZMoneyList,
      weightedPipeline: ZMoneyList,
      won: z.number().int(),
      lost: z.number().int(),
      winRate: ZRate.openapi({ description: 'won / (won + lost), deals closed in the period' }),
      medianDaysRegistrationToClose: z.number().nullable(),
      averageDealSize: ZMoneyList,
      wonRevenue: ZMoneyList,
      revenueByRole: z.object({ sourced: ZMoneyList, influenced: ZMoneyList, reseller: ZMoneyList, fulfillment: ZMoneyList }),
    }),
  })
  .openapi('PerformanceGroup');

export const ZPartnerPerformance = z
  .object({ groupBy: z.enum(['partner', 'program', 'tier']), from: z.string(), to: z.string(), groups: z.array(ZPerformanceGroup) })
  .openapi('PartnerPerformance');
export type PerformanceGroup = z.infer<typeof ZPerformanceGroup>;
