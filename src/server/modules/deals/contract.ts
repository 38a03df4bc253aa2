import { z } from '@hono/zod-openapi';
import { normalizeCountry } from '../../platform/country.ts';
import { ZMoney } from '../../platform/money.ts';
import { ZPageQuery, pageOf } from '../../platform/pagination.ts';

export const STAGE_KINDS = ['open', 'won', 'lost'] as const;
export const ZStageKind = z.enum(STAGE_KINDS).openapi('StageKind');

/** Deal fields a stage can require before a deal may enter it. */
export const REQUIRABLE_FIELDS = ['amount', 'closeDate', 'nextStep', 'ownerMemberId', 'credits'] as const;
/** `custom.<key>`: a custom registration field (the program's policy) that the deal's registration must have filled in. */
export const CUSTOM_REQUIREMENT = /^custom\.[a-zA-Z][a-zA-Z0-9_]{0,39}$/;
export const ZRequirableField = z
  .union([z.enum(REQUIRABLE_FIELDS), z.string().regex(CUSTOM_REQUIREMENT, 'must be amount, closeDate, nextStep, ownerMemberId, credits or custom.<field key>')])
  .openapi('StageRequirableField', {
    description: 'A deal field, or `custom.<key>`: a custom registration field the deal\'s registration must have a value for',
  });

export const CREDIT_ROLES = ['sourced', 'influenced', 'reseller', 'fulfillment'] as const;
export const ZCreditRole = z.enum(CREDIT_ROLES).openapi('CreditRole');

export const ATTRIBUTION_MODELS = ['primary_only', 'split'] as const;
export const ZAttributionModel = z.enum(ATTRIBUTION_MODELS).openapi('AttributionModel');

export const DEAL_ORIGINS = ['partner', 'direct'] as const;
export const ZDealOrigin = z.enum(DEAL_ORIGINS).openapi('DealOrigin');

const ZBasisPoints = z.number().int('must be a whole number of basis points').min(0, 'must be between 0 and 10000').max(10_000, 'must be between 0 and 10000');

// ── Pipelines ──

export const ZStage = z
  .object({
    id: z.string(),
    name: z.string(),
    position: z.number().int(),
    winProbabilityBp: z.number().int().openapi({ description: 'Win probability in basis points (5000 = 50 %)' }),
    kind: ZStageKind,
    requiredFields: z.array(ZRequirableField),
  })
  .openapi('Stage');

export const ZPipeline = z
  .object({ id: z.string(), name: z.string(), isDefault: z.boolean(), stages: z.array(ZStage), createdAt: z.string() })
  .openapi('Pipeline');
export const ZPipelineList = z.object({ data: z.array(ZPipeline), nextCursor: z.string().nullable() }).openapi('PipelineList');

export const ZStageInput = z
  .object({
    id: z.string().max(64).optional().openapi({ description: 'An existing stage of this pipeline to keep (deals in it stay); omit for a new stage' }),
    name: z.string().trim().min(1, 'must not be empty').max(80),
    winProbabilityBp: ZBasisPoints,
    kind: ZStageKind.default('open'),
    requiredFields: z.array(ZRequirableField).max(20).default([]),
  })
  .openapi('StageInput');
export type StageInput = z.infer<typeof ZStageInput>;

export const ZCreatePipelineRequest = z
  .object({
    name: z.string().trim().min(2, 'must be at least 2 characters').max(120),
    stages: z.array(ZStageInput).min(3).max(30).optional().openapi({ description: 'Ordered stages; the default partner stages when omitted' }),
    isDefault: z.boolean().default(false),
  })
  .openapi('CreatePipelineRequest');
export type CreatePipelineRequest = z.infer<typeof ZCreatePipelineRequest>;

export const ZReplaceStagesRequest = z.object({ stages: z.array(ZStageInput).min(3).max(30) }).openapi('ReplaceStagesRequest');

// ── Deals ──

export const ZDealCredit = z
  .object({ id: z.string(), partnerId: z.string(), partnerName: z.string(), role: ZCreditRole, shareBp: z.number().int() })
  .openapi('DealCredit');

export const ZDeal = z
  .object({
    id: z.string().openapi({ example: 'deal_01JD4S3Q8Y2B7W0XKZ5M6N9P1R' }),
    name: z.string(),
    pipelineId: z.string(),
    stage: z.object({ id: z.string(), name: z.string(), kind: ZStageKind, winProbabilityBp: z.number().int() }),
    account: z.object({ id: z.string(), name: z.string(), domain: z.string().nullable(), country: z.string().nullable(), incumbentPartnerId: z.string().nullable() }),
    amount: ZMoney,
    weightedAmount: ZMoney.openapi({ description: 'amount × the stage win probability, rounded half-even to the minor unit' }),
    closeDate: z.string().nullable(),
    owner: z.object({ memberId: z.string(), name: z.string() }).nullable(),
    origin: ZDealOrigin,
    isRenewal: z.boolean(),
    lostReason: z.string().nullable(),
    nextStep: z.string().nullable(),
    internalNotes: z.string().nullable(),
    discountBp: z.number().int().nullable(),
    registrationId: z.string().nullable(),
    credits: z.array(ZDealCredit),
    createdAt: z.string(),
    updatedAt: z.string(),
    closedAt: z.string().nullable(),
  })
  .openapi('Deal');
export const ZDealPage = pageOf(ZDeal, 'DealPage');

export const ZDealListQuery = ZPageQuery.extend({
  partnerId: z.string().max(64).optional().openapi({ description: 'Deals crediting this partner' }),
  role: ZCreditRole.optional().openapi({ description: 'Deals with a credit in this role (for `partnerId` when given)' }),
  stageId: z.string().max(64).optional(),
  pipelineId: z.string().max(64).optional(),
  origin: ZDealOrigin.optional(),
  q: z.string().trim().max(200).optional().openapi({ description: 'Deal or account name contains' }),
});
export type DealListQuery = z.infer<typeof ZDealListQuery>;

const ZCountry = z
  .string()
  .transform((value, ctx) => {
    const code = normalizeCountry(value);
    if (!code) {
      ctx.addIssue({ code: 'custom', message: 'must be an ISO 3166-1 alpha-2 country code such as US or DE' });
      return z.NEVER;
    }
    return code;
  })
  .openapi({ type: 'string', example: 'DE' });

const ZDate = z
  .string()
  .refine((s) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)), 'must be a date as YYYY-MM-DD')
  .openapi({ type: 'string', format: 'date', example: '2026-12-31' });

export const ZCreditInput = z.object({ partnerId: z.string().min(1).max(64), role: ZCreditRole, shareBp: ZBasisPoints }).openapi('CreditInput');
export type CreditInput = z.infer<typeof ZCreditInput>;

export const ZCreateDealRequest = z
  .object({
    name: z.string().trim().min(1, 'must not be empty').max(200),
    accountId: z.string().max(64).optional().openapi({ description: 'An existing account; or give `account`' }),
    account: z
      .object({ name: z.string().trim().min(1).max(200), domain: z.string().trim().max(253).nullable().optional(), country: ZCountry.nullable().optional() })
      .optional()
      .openapi({ description: 'Found by domain, then by normalized name, else created' }),
    amount: ZMoney,
    pipelineId: z.string().max(64).optional().openapi({ description: 'Default: the workspace default pipeline' }),
    stageId: z.string().max(64).optional().openapi({ description: "Default: the pipeline's first open stage" }),
    closeDate: ZDate.nullable().optional(),
    ownerMemberId: z.string().max(64).nullable().optional(),
    origin: ZDealOrigin.optional().openapi({ description: 'Default: partner when the deal credits a partner, else direct' }),
    isRenewal: z.boolean().default(false).openapi({ description: "A renewal credits the account's incumbent partner (role reseller) when no credits are given" }),
    nextStep: z.string().max(2000).nullable().optional(),
    internalNotes: z.string().max(20_000).nullable().optional(),
    discountBp: ZBasisPoints.nullable().optional(),
    credits: z.array(ZCreditInput).max(20).optional(),
  })
  .openapi('CreateDealRequest');
export type CreateDealRequest = z.infer<typeof ZCreateDealRequest>;

export const ZUpdateDealRequest = z
  .object({
    name: z.string().trim().min(1, 'must not be empty').max(200).optional(),
    amount: ZMoney.optional(),
    closeDate: ZDate.nullable().optional(),
    ownerMemberId: z.string().max(64).nullable().optional(),
    isRenewal: z.boolean().optional(),
    nextStep: z.string().max(2000).nullable().optional(),
    internalNotes: z.string().max(20_000).nullable().optional(),
    discountBp: ZBasisPoints.nullable().optional(),
  })
  .openapi('UpdateDealRequest');
export type UpdateDealRequest = z.infer<typeof ZUpdateDealRequest>;

export const ZMoveStageRequest = z
  .object({ stageId: z.string().min(1).max(64), lostReason: z.string().trim().min(1, 'is required: say why the deal was lost').max(2000).optional().openapi({ description: 'Required when moving to a lost stage' }) })
  .openapi('MoveStageRequest');

export const ZReplaceCreditsRequest = z.object({ credits: z.array(ZCreditInput).max(20) }).openapi('ReplaceCreditsRequest');

export const ZAttributionSettings = z.object({ model: ZAttributionModel, updatedAt: z.string().nullable() }).openapi('AttributionSettings');
export const ZUpdateAttributionSettings = z.object({ model: ZAttributionModel }).openapi('UpdateAttributionSettingsRequest');

// ── Signed links ──

export const ZCreateSignedLinkRequest = z
  .object({ partnerId: z.string().min(1).max(64), expiresInDays: z.number().int().min(1, 'must be 1 to 90 days').max(90, 'must be 1 to 90 days').default(14) })
  .openapi('CreateSignedLinkRequest');

export const ZSignedLink = z
  .object({
    id: z.string(),
    dealId: z.string(),
    partnerId: z.string(),
    partnerName: z.string(),
    url: z.string().nullable().openapi({ description: 'Returned once, when the link is created' }),
    expiresAt: z.string(),
    revokedAt: z.string().nullable(),
    lastViewedAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('SignedLink');
export const ZSignedLinkList = z.object({ data: z.array(ZSignedLink), nextCursor: z.string().nullable() }).openapi('SignedLinkList');

// ── Partner-facing (projected) ──

const ZSharedMoney = z.union([ZMoney, z.string()]).openapi({ description: 'Money when shared as visible; a band such as "€50k–100k" or "•••" when banded or masked' });

/** A deal as a partner sees it: the base fields always; the rest only when a sharing rule shows it. */
export const ZPartnerDeal = z
  .object({
    id: z.string(),
    name: z.string(),
    stage: z.object({ id: z.string(), name: z.string(), kind: ZStageKind }),
    closeDate: z.string().nullable(),
    nextStep: z.string().nullable(),
    role: ZCreditRole.openapi({ description: "This partner's role on the deal" }),
    amount: ZSharedMoney.optional(),
    weightedAmount: ZSharedMoney.optional(),
    probability: z.union([z.number(), z.string()]).optional(),
    accountName: z.string().nullable().optional(),
    accountDomain: z.string().nullable().optional(),
    accountCountry: z.string().nullable().optional(),
    ownerName: z.string().nullable().optional(),
    ownerEmail: z.string().nullable().optional(),
    lostReason: z.string().nullable().optional(),
    closedAt: z.string().nullable().optional(),
    createdAt: z.string().optional(),
  })
  .openapi('PartnerDeal');
export const ZPartnerDealPage = pageOf(ZPartnerDeal, 'PartnerDealPage');
export type PartnerDeal = z.infer<typeof ZPartnerDeal>;

export const ZSharedDealUpdate = z.object({ nextStep: z.string().trim().max(2000) }).strict().openapi('SharedDealUpdate');
