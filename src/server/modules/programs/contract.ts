import { z } from '@hono/zod-openapi';
import { ZCurrency } from '../../platform/money.ts';
import { ZPageQuery, pageOf } from '../../platform/pagination.ts';

export const PARTNER_TYPES = ['referral', 'affiliate', 'reseller', 'agency', 'si_msp', 'technology', 'marketplace'] as const;
export const ZPartnerType = z.enum(PARTNER_TYPES).openapi('PartnerType');
export const PROGRAM_STATUSES = ['draft', 'active', 'archived'] as const;
export const ZProgramStatus = z.enum(PROGRAM_STATUSES).openapi('ProgramStatus');

export const ZProgram = z
  .object({
    id: z.string().openapi({ example: 'prg_01JD4S3Q8Y2B7W0XKZ5M6N9P1R' }),
    name: z.string(),
    partnerType: ZPartnerType,
    description: z.string(),
    terms: z.string(),
    currency: z.string(),
    status: ZProgramStatus,
    enrolledPartners: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Program');
export const ZProgramPage = pageOf(ZProgram, 'ProgramPage');
export const ZProgramListQuery = ZPageQuery.extend({ status: ZProgramStatus.optional() });

export const ZCreateProgramRequest = z
  .object({
    name: z.string().trim().min(2, 'must be at least 2 characters').max(120),
    partnerType: ZPartnerType,
    description: z.string().max(5000).default(''),
    terms: z.string().max(50_000).default(''),
    currency: ZCurrency,
    status: ZProgramStatus.default('draft'),
  })
  .openapi('CreateProgramRequest');
export type CreateProgramRequest = z.infer<typeof ZCreateProgramRequest>;

export const ZUpdateProgramRequest = z
  .object({
    name: z.string().trim().min(2).max(120).optional(),
    partnerType: ZPartnerType.optional(),
    description: z.string().max(5000).optional(),
    terms: z.string().max(50_000).optional(),
    currency: ZCurrency.optional(),
    status: ZProgramStatus.optional(),
  })
  .openapi('UpdateProgramRequest');
export type UpdateProgramRequest = z.infer<typeof ZUpdateProgramRequest>;

// ── Tiers ──
export const ZTier = z
  .object({
    id: z.string().openapi({ example: 'tier_01JD4S3Q8Y2B7W0XKZ5M6N9P1R' }),
    programId: z.string(),
    name: z.string(),
    rank: z.number().int().openapi({ description: '1 is the entry level; higher ranks are higher tiers' }),
    partners: z.number().int().openapi({ description: 'Enrollments on this tier' }),
    createdAt: z.string(),
  })
  .openapi('Tier');
export const ZTierList = z.object({ data: z.array(ZTier) }).openapi('TierList');

const ZTierName = z.string().trim().min(1, 'is required').max(60);
export const ZCreateTierRequest = z
  .object({
    name: ZTierName,
    rank: z.number().int().min(1).max(1000).optional().openapi({ description: 'Where to insert it; the tiers at and above move up one. Default: the top' }),
  })
  .openapi('CreateTierRequest');
export type CreateTierRequest = z.infer<typeof ZCreateTierRequest>;
export const ZUpdateTierRequest = z
  .object({
    name: ZTierName.optional(),
    rank: z.number().int().min(1).max(1000).optional().openapi({ description: 'Move it to this rank; the others shift to keep ranks 1..n' }),
  })
  .openapi('UpdateTierRequest');
export type UpdateTierRequest = z.infer<typeof ZUpdateTierRequest>;
