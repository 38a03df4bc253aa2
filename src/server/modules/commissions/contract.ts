import { z } from '@hono/zod-openapi';
import { ZMoney } from '../../platform/money.ts';
import { ZPageQuery, pageOf } from '../../platform/pagination.ts';
import { ENTRY_KINDS, ENTRY_STATUSES } from './ledger.ts';
import { ZPlanDocument } from './plan.ts';

export const ZPlanStatus = z.enum(['draft', 'active', 'archived']).openapi('CommissionPlanStatus');
export const ZEntryStatus = z.enum(ENTRY_STATUSES).openapi('CommissionEntryStatus');
export const ZEntryKind = z.enum(ENTRY_KINDS).openapi('CommissionEntryKind');

// ── plans ──

export const ZCommissionPlan = z
  .object({
    id: z.string().openapi({ example: 'cpl_01JD4S3Q8Y2B7W0XKZ5M6N9P1R' }),
    programId: z.string(),
    version: z.number().int(),
    name: z.string(),
    status: ZPlanStatus,
    document: ZPlanDocument,
    createdByName: z.string().nullable(),
    activatedAt: z.string().nullable(),
    archivedAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('CommissionPlan');
export const ZCommissionPlanPage = pageOf(ZCommissionPlan, 'CommissionPlanPage');

export const ZPlanListQuery = ZPageQuery.extend({
  programId: z.string().max(64).optional(),
  status: ZPlanStatus.optional(),
});
export type PlanListQuery = z.infer<typeof ZPlanListQuery>;

export const ZCreatePlanRequest = z
  .object({
    programId: z.string().min(1).max(64),
    name: z.string().trim().min(1, 'must not be empty').max(120).optional().openapi({ description: 'Default: "<program> plan v<version>"' }),
    document: ZPlanDocument,
    activate: z.boolean().default(false).openapi({ description: "Activate at once (archives the program's active plan)" }),
  })
  .openapi('CreateCommissionPlanRequest');
export type CreatePlanRequest = z.infer<typeof ZCreatePlanRequest>;

export const ZUpdatePlanRequest = z
  .object({
    name: z.string().trim().min(1, 'must not be empty').max(120).optional(),
    document: ZPlanDocument.optional(),
  })
  .openapi('UpdateCommissionPlanRequest');
export type UpdatePlanRequest = z.infer<typeof ZUpdatePlanRequest>;

// ── ledger ──

const ZExplanationModifier = z.object({ kind: z.string(), detail: z.string() });
export const ZExplanation = z
  .object({
    summary: z.string(),
    source: z.object({ type: z.string(), id: z.string() }).passthrough(),
    plan: z.object({ id: z.string(), version: z.number(), name: z.string() }).nullable().optional(),
    rule: z.object({ id: z.string(), name: z.string() }).passthrough().nullable().optional(),
    base: ZMoney.nullable().optional(),
    rateBp: z.number().nullable().optional(),
    tier: z.object({ id: z.string(), name: z.string() }).nullable().optional(),
    credit: z.object({ role: z.string(), shareBp: z.number() }).nullable().optional(),
    modifiers: z.array(ZExplanationModifier).optional(),
    signals: z.array(z.object({ flag: z.string(), detail: z.string() })).optional().openapi({ description: 'Fraud signals found at accrual (console only)' }),
  })
  .passthrough()
  .openapi('CommissionExplanation');

export const ZCommissionEntry = z
  .object({
    id: z.string().openapi({ example: 'com_01JD4S3Q8Y2B7W0XKZ5M6N9P1R' }),
    programId: z.string(),
    programName: z.string().nullable(),
    partnerId: z.string(),
    partnerName: z.string().nullable(),
    planId: z.string().nullable(),
    ruleId: z.string().nullable(),
    kind: ZEntryKind,
    sourceType: z.enum(['conversion', 'deal', 'period', 'manual']),
    sourceId: z.string(),
    conversionId: z.string().nullable(),
    dealId: z.string().nullable(),
    reversesEntryId: z.string().nullable(),
    base: ZMoney.nullable(),
    rateBp: z.number().int().nullable(),
    amount: ZMoney,
    status: ZEntryStatus,
    holdUntil: z.string().nullable(),
    flags: z.array(z.string()),
    explanation: ZExplanation,
    reviewNote: z.string().nullable(),
    reviewedByName: z.string().nullable(),
    reviewedAt: z.string().nullable(),
    payoutId: z.string().nullable(),
    customerEmail: z.string().nullable(),
    earnedAt: z.string(),
    approvedAt: z.string().nullable(),
    paidAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('CommissionEntry');
export const ZCommissionEntryPage = pageOf(ZCommissionEntry, 'CommissionEntryPage');

export const ZCommissionEntryDetail = ZCommissionEntry.extend({
  related: z.array(ZCommissionEntry).openapi({ description: 'The entry this one reverses, and the reversals/clawbacks of this one' }),
}).openapi('CommissionEntryDetail');

const ZDateParam = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)), 'must be a date (YYYY-MM-DD) or an ISO 8601 date-time')
  .optional();

export const ZLedgerFilterQuery = z.object({
  partnerId: z.string().max(64).optional(),
  programId: z.string().max(64).optional(),
  status: ZEntryStatus.optional(),
  kind: ZEntryKind.optional(),
  from: ZDateParam.openapi({ description: 'Earned at or after' }),
  to: ZDateParam.openapi({ description: 'Earned before' }),
  flagged: z
    .enum(['true', 'false'])
    .optional()
    .openapi({ description: 'Only flagged (true) or unflagged (false) entries' }),
});
export const ZLedgerListQuery = ZPageQuery.merge(ZLedgerFilterQuery).extend({
  sort: z.enum(['newest', 'review']).default('newest').openapi({ description: 'review: flagged first, then oldest hold first' }),
});
export type LedgerListQuery = z.infer<typeof ZLedgerListQuery>;
export type LedgerFilterQuery = z.infer<typeof ZLedgerFilterQuery>;

export const ZLedgerTotals = z
  .object({
    currency: z.string(),
    accrued: z.string(),
    pending: z.string(),
    approved: z.string(),
    payable: z.string(),
    paid: z.string(),
    reversed: z.string(),
    net: z.string(),
    entries: z.number().int(),
    balanced: z.boolean().openapi({ description: 'accrued = paid + payable + approved + pending + reversed, and net = accrued − reversed' }),
  })
  .openapi('CommissionLedgerTotals', { description: 'Minor units as strings, per currency' });
export const ZLedgerTotalsList = z.object({ data: z.array(ZLedgerTotals) }).openapi('CommissionLedgerTotalsList');

export const ZReasonRequest = z.object({ reason: z.string().trim().min(3, 'must be at least 3 characters').max(1000) }).openapi('CommissionReasonRequest');
export const ZApproveEntryRequest = z.object({ note: z.string().trim().max(1000).optional() }).openapi('CommissionApproveRequest');
export const ZBulkApproveRequest = z
  .object({ ids: z.array(z.string().min(1).max(64)).min(1, 'must name at least one entry').max(500), note: z.string().trim().max(1000).optional() })
  .openapi('CommissionBulkApproveRequest');
export const ZBulkApproveResult = z
  .object({ approved: z.array(z.string()), skipped: z.array(z.object({ id: z.string(), reason: z.string() })) })
  .openapi('CommissionBulkApproveResult');

export const ZAdjustmentRequest = z
  .object({
    partnerId: z.string().min(1).max(64),
    programId: z.string().min(1).max(64),
    amount: ZMoney.refine((m) => BigInt(m.amountMinor) !== 0n, { message: 'must not be zero', path: ['amountMinor'] }),
    reason: z.string().trim().min(3, 'must be at least 3 characters').max(1000),
    approve: z.boolean().default(false).openapi({ description: 'Approve at once (payable in the next run) instead of waiting for review' }),
  })
  .openapi('CommissionAdjustmentRequest');
export type AdjustmentRequest = z.infer<typeof ZAdjustmentRequest>;

export const ZCloseRebatesRequest = z
  .object({
    programId: z.string().min(1).max(64),
    period: z
      .string()
      .regex(/^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$/, 'must be a period like 2026-11, 2026-Q4 or 2026')
      .openapi({ example: '2026-10' }),
  })
  .openapi('CloseRebatesRequest');
export const ZCloseRebatesResult = z
  .object({ period: z.string(), created: z.number().int(), entries: z.array(z.object({ partnerId: z.string(), rebateId: z.string(), volume: ZMoney, rateBp: z.number().int(), amount: ZMoney })) })
  .openapi('CloseRebatesResult');

export const ZAccrualRunResult = z
  .object({ processed: z.number().int(), accrued: z.number().int(), noPlan: z.number().int(), waiting: z.number().int(), entries: z.number().int(), released: z.number().int() })
  .openapi('CommissionAccrualRun');

// ── portal ──

export const ZPartnerEarning = z
  .object({
    id: z.string(),
    programId: z.string(),
    programName: z.string().nullable(),
    kind: ZEntryKind,
    sourceType: z.string(),
    sourceId: z.string(),
    amount: ZMoney,
    base: ZMoney.nullable(),
    rateBp: z.number().int().nullable(),
    status: ZEntryStatus,
    holdUntil: z.string().nullable(),
    underReview: z.boolean().openapi({ description: 'Held for review (the reason is internal)' }),
    customer: z.string().nullable().openapi({ description: 'The customer, masked (j***@e***.com)' }),
    explanation: z.object({ summary: z.string(), modifiers: z.array(ZExplanationModifier) }).passthrough(),
    earnedAt: z.string(),
    approvedAt: z.string().nullable(),
    paidAt: z.string().nullable(),
  })
  .openapi('PartnerEarning');
export const ZPartnerEarningPage = pageOf(ZPartnerEarning, 'PartnerEarningPage');
export const ZPartnerEarningsQuery = ZPageQuery.extend({ status: ZEntryStatus.optional(), programId: z.string().max(64).optional() });

export const ZPartnerEarningTotals = z
  .object({
    data: z.array(
      z.object({ currency: z.string(), pending: z.string(), approved: z.string(), payable: z.string(), paid: z.string(), total: z.string() }).openapi('PartnerEarningTotal'),
    ),
  })
  .openapi('PartnerEarningTotals');
