import { z } from '@hono/zod-openapi';
import { PARTNER_ROLES } from '../../platform/context.ts';
import { normalizeCountry } from '../../platform/country.ts';
import { ZPageQuery, pageOf } from '../../platform/pagination.ts';
import { ZPartnerType } from '../programs/contract.ts';

export const ZPartnerKind = z.enum(['organization', 'individual']).openapi('PartnerKind');
export const ZPartnerRole = z.enum(PARTNER_ROLES).openapi('PartnerRole');

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

const ZTag = z.string().trim().min(1).max(40).toLowerCase();

export const ZPartner = z
  .object({
    id: z.string().openapi({ example: 'ptr_01JD4S3Q8Y2B7W0XKZ5M6N9P1R' }),
    kind: ZPartnerKind,
    name: z.string(),
    website: z.string().nullable(),
    domain: z.string().nullable().openapi({ description: 'Normalized from the website: lower case, no www., no path' }),
    country: z.string().nullable(),
    type: ZPartnerType,
    tags: z.array(z.string()),
    managerMemberId: z.string().nullable(),
    managerName: z.string().nullable(),
    tiers: z
      .array(z.object({ programId: z.string(), tierId: z.string(), name: z.string(), rank: z.number().int() }))
      .openapi({ description: "The partner's tier in each program where it has one" }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Partner');
export const ZPartnerPage = pageOf(ZPartner, 'PartnerPage');

export const ZPartnerListQuery = ZPageQuery.extend({
  q: z.string().trim().max(200).optional().openapi({ description: 'Search in name and domain' }),
  type: ZPartnerType.optional(),
  tag: z.string().trim().toLowerCase().max(40).optional(),
  programId: z.string().max(64).optional(),
  managerId: z.string().max(64).optional().openapi({ description: 'Member id of the assigned partner manager' }),
  sort: z.enum(['name', '-name', 'createdAt', '-createdAt']).default('createdAt'),
});
export type PartnerListQuery = z.infer<typeof ZPartnerListQuery>;

export const ZCreatePartnerRequest = z
  .object({
    kind: ZPartnerKind.default('organization'),
    name: z.string().trim().min(1, 'is required').max(200),
    website: z.string().trim().max(500).nullish(),
    country: ZCountry.nullish(),
    type: ZPartnerType,
    tags: z.array(ZTag).max(30).default([]),
    managerMemberId: z.string().max(64).nullish(),
  })
  .openapi('CreatePartnerRequest');
export type CreatePartnerRequest = z.infer<typeof ZCreatePartnerRequest>;

export const ZUpdatePartnerRequest = z
  .object({
    kind: ZPartnerKind.optional(),
    name: z.string().trim().min(1).max(200).optional(),
    website: z.string().trim().max(500).nullish(),
    country: ZCountry.nullish(),
    type: ZPartnerType.optional(),
    tags: z.array(ZTag).max(30).optional(),
    managerMemberId: z.string().max(64).nullish(),
  })
  .openapi('UpdatePartnerRequest');
export type UpdatePartnerRequest = z.infer<typeof ZUpdatePartnerRequest>;

export const ZEnrollment = z
  .object({
    id: z.string(),
    partnerId: z.string(),
    programId: z.string(),
    programName: z.string(),
    status: z.enum(['active', 'paused', 'terminated']),
    tierId: z.string().nullable(),
    tierName: z.string().nullable(),
    tierRank: z.number().int().nullable(),
    createdAt: z.string(),
  })
  .openapi('Enrollment');
export const ZEnrollmentPage = pageOf(ZEnrollment, 'EnrollmentPage');
export const ZCreateEnrollmentRequest = z
  .object({
    programId: z.string().min(1).max(64),
    tierId: z.string().min(1).max(64).nullish().openapi({ description: 'A tier of that program; default none' }),
  })
  .openapi('CreateEnrollmentRequest');
export const ZUpdateEnrollmentRequest = z
  .object({ tierId: z.string().min(1).max(64).nullable().openapi({ description: "A tier of the enrollment's program, or null for none" }) })
  .openapi('UpdateEnrollmentRequest');

export const ZPartnerUser = z
  .object({
    id: z.string(),
    partnerId: z.string(),
    userId: z.string().nullable(),
    name: z.string(),
    email: z.string(),
    role: ZPartnerRole,
    status: z.enum(['invited', 'active']),
    createdAt: z.string(),
  })
  .openapi('PartnerUser');
export const ZPartnerUserPage = pageOf(ZPartnerUser, 'PartnerUserPage');
export const ZInvitePartnerUserRequest = z
  .object({
    email: z.string().trim().toLowerCase().pipe(z.email('must be an email address')),
    name: z.string().trim().min(1, 'is required').max(120),
    role: ZPartnerRole.default('seller'),
  })
  .openapi('InvitePartnerUserRequest');
export type InvitePartnerUserRequest = z.infer<typeof ZInvitePartnerUserRequest>;

export const ZImportError = z.object({ line: z.number().int(), column: z.string(), reason: z.string() }).openapi('ImportError');
export const ZPartnerImport = z
  .object({
    id: z.string(),
    filename: z.string().nullable(),
    status: z.enum(['validated', 'importing', 'completed', 'discarded', 'failed']),
    totalRows: z.number().int(),
    validRows: z.number().int(),
    invalidRows: z.number().int(),
    processedRows: z.number().int(),
    importedRows: z.number().int(),
    errors: z.array(ZImportError),
    createdAt: z.string(),
    completedAt: z.string().nullable(),
  })
  .openapi('PartnerImport');
export const ZCreatePartnerImportRequest = z
  .object({
    csv: z.string().min(1, 'is empty').max(20_000_000, 'is larger than 20 MB'),
    filename: z.string().max(255).optional(),
  })
  .openapi('CreatePartnerImportRequest');
export const ZCommitPartnerImportRequest = z
  .object({ mode: z.literal('valid_only').openapi({ description: 'Import the valid rows; to import nothing, discard the import' }) })
  .openapi('CommitPartnerImportRequest');
