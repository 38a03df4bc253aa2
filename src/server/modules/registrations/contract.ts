import { z } from '@hono/zod-openapi';
import { normalizeCountry } from '../../platform/country.ts';
import { ZCurrency, ZMoneyOrNull } from '../../platform/money.ts';
import { ZPageQuery, pageOf } from '../../platform/pagination.ts';
import { ZPartnerType } from '../programs/contract.ts';

// ── Shared pieces ──

/** The fields a program can require on a registration (accountName is always required). */
export const REGISTRATION_FIELDS = [
  'accountName',
  'accountDomain',
  'accountCountry',
  'contactName',
  'contactEmail',
  'contactPhone',
  'amount',
  'expectedCloseDate',
  'products',
  'notes',
] as const;
export type RegistrationField = (typeof REGISTRATION_FIELDS)[number];
export const ZRegistrationField = z.enum(REGISTRATION_FIELDS).openapi('RegistrationField');

export const CONFLICT_HIERARCHY_RULES = ['registered', 'incumbent', 'certified', 'first_to_register'] as const;
export const ZConflictRule = z.enum(CONFLICT_HIERARCHY_RULES).openapi('ConflictHierarchyRule');

export const REGISTRATION_STATUSES = ['submitted', 'info_requested', 'approved', 'rejected', 'expired', 'withdrawn'] as const;
export const ZRegistrationStatus = z.enum(REGISTRATION_STATUSES).openapi('RegistrationStatus');
export type RegistrationStatus = z.infer<typeof ZRegistrationStatus>;

export const ZSlaState = z.enum(['on_time', 'due_soon', 'breached']).openapi('SlaState');
export const ZChannel = z.enum(['portal', 'public_link', 'api', 'email']).openapi('RegistrationChannel');

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

const ZDateOnly = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-12-31')
  .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), 'is not a calendar date');

// ── Policy ──

export const ZCustomFieldDefinition = z
  .object({
    key: z
      .string()
      .trim()
      .regex(/^[a-zA-Z][a-zA-Z0-9_]{0,39}$/, 'must start with a letter and use letters, digits and _ (max 40)'),
    label: z.string().trim().min(1, 'is required').max(120),
    type: z.enum(['text', 'number', 'date', 'select']),
    required: z.boolean().default(false),
    options: z.array(z.string().trim().min(1).max(120)).max(100).optional(),
  })
  .superRefine((f, ctx) => {
    if (f.type === 'select' && (!f.options || f.options.length === 0)) {
      ctx.addIssue({ code: 'custom', path: ['options'], message: 'a select field needs at least one option' });
    }
  })
  .openapi('CustomFieldDefinition');
export type CustomFieldInput = z.infer<typeof ZCustomFieldDefinition>;

export const ZEligibility = z
  .object({
    partnerTypes: z.array(ZPartnerType).max(20).default([]).openapi({ description: 'Empty: every partner type may register' }),
    tags: z.array(z.string().trim().toLowerCase().min(1).max(40)).max(50).default([]).openapi({ description: 'Empty: no tag needed; else the partner needs one of them' }),
  })
  .openapi('RegistrationEligibility');

export const ZRegistrationPolicy = z
  .object({
    programId: z.string(),
    isDefault: z.boolean().openapi({ description: 'True when the program has no saved policy and these are the defaults' }),
    requiredFields: z.array(ZRegistrationField),
    customFields: z.array(ZCustomFieldDefinition),
    approvalSlaHours: z.number().int(),
    protectionDays: z.number().int(),
    maxExtensions: z.number().int(),
    extensionDays: z.number().int(),
    extensionRequiresApproval: z.boolean(),
    eligibility: ZEligibility,
    conflictHierarchy: z.array(ZConflictRule),
    rulesOfEngagement: z.string().openapi({ description: 'Markdown as written' }),
    rulesOfEngagementHtml: z.string().openapi({ description: 'Rendered and sanitized HTML, as partners see it' }),
    updatedAt: z.string().nullable(),
  })
  .openapi('RegistrationPolicy');

export const ZUpdateRegistrationPolicyRequest = z
  .object({
    requiredFields: z.array(ZRegistrationField).max(REGISTRATION_FIELDS.length).optional(),
    customFields: z.array(ZCustomFieldDefinition).max(30).optional(),
    approvalSlaHours: z.number().int().min(1).max(24 * 60).optional(),
    protectionDays: z.number().int().min(1).max(730).optional(),
    maxExtensions: z.number().int().min(0).max(10).optional(),
    extensionDays: z.number().int().min(1).max(365).optional(),
    extensionRequiresApproval: z.boolean().optional(),
    eligibility: ZEligibility.optional(),
    conflictHierarchy: z
      .array(ZConflictRule)
      .min(1)
      .max(CONFLICT_HIERARCHY_RULES.length)
      .refine((a) => new Set(a).size === a.length, 'must not repeat a rule')
      .optional(),
    rulesOfEngagement: z.string().max(50_000).optional(),
  })
  .superRefine((p, ctx) => {
    const keys = (p.customFields ?? []).map((f) => f.key);
    keys.forEach((k, i) => {
      if (keys.indexOf(k) !== i) ctx.addIssue({ code: 'custom', path: ['customFields', i, 'key'], message: `repeats the key ${k}` });
    });
  })
  .openapi('UpdateRegistrationPolicyRequest', { description: 'Fields left out keep their current value' });
export type UpdateRegistrationPolicyRequest = z.infer<typeof ZUpdateRegistrationPolicyRequest>;

// ── Routing rules ──

const ZAmountMinor = z.string().regex(/^\d{1,18}$/, 'must be a non-negative integer number of minor units, as a string');

export const ZRoutingRuleInput = z
  .object({
    programId: z.string().max(64).nullish(),
    countries: z.array(ZCountry).max(250).default([]),
    minAmountMinor: ZAmountMinor.nullish(),
    maxAmountMinor: ZAmountMinor.nullish(),
    currency: ZCurrency.nullish(),
    reviewerMemberId: z.string().min(1, 'is required').max(64),
  })
  .superRefine((r, ctx) => {
    if ((r.minAmountMinor != null || r.maxAmountMinor != null) && !r.currency) {
      ctx.addIssue({ code: 'custom', path: ['currency'], message: 'is required with an amount range' });
    }
    if (r.minAmountMinor != null && r.maxAmountMinor != null && BigInt(r.minAmountMinor) > BigInt(r.maxAmountMinor)) {
      ctx.addIssue({ code: 'custom', path: ['maxAmountMinor'], message: 'must not be below minAmountMinor' });
    }
  })
  .openapi('RoutingRuleInput');
export type RoutingRuleInput = z.infer<typeof ZRoutingRuleInput>;

export const ZRoutingRule = z
  .object({
    id: z.string(),
    position: z.number().int(),
    programId: z.string().nullable(),
    programName: z.string().nullable(),
    countries: z.array(z.string()),
    minAmountMinor: z.string().nullable(),
    maxAmountMinor: z.string().nullable(),
    currency: z.string().nullable(),
    reviewerMemberId: z.string(),
    reviewerName: z.string().nullable(),
  })
  .openapi('RoutingRule');
export const ZRoutingRuleList = z.object({ data: z.array(ZRoutingRule) }).openapi('RoutingRuleList');
export const ZPutRoutingRulesRequest = z
  .object({ rules: z.array(ZRoutingRuleInput).max(200).openapi({ description: 'In order: the first matching rule picks the reviewer' }) })
  .openapi('PutRoutingRulesRequest');

// ── Create ──

const ZOptText = (max: number) => z.string().trim().max(max).nullish();

/**
 * What a registration says. Blank strings count as missing; formats (email, domain, country)
 * and the program's required and custom fields are checked by the service, so one 422 lists
 * every problem.
 */
export const ZRegistrationDetails = z.object({
  account: z
    .object({
      name: ZOptText(200),
      domain: ZOptText(255).openapi({ description: 'Website or domain; normalized (no scheme, www. or path)' }),
      country: ZOptText(60).openapi({ description: 'ISO 3166-1 alpha-2, e.g. DE' }),
    })
    .default({}),
  contact: z.object({ name: ZOptText(200), email: ZOptText(254), phone: ZOptText(50) }).default({}),
  amount: ZMoneyOrNull.optional(),
  expectedCloseDate: z.union([ZDateOnly, z.literal('')]).nullish(),
  products: z.array(z.string().trim().min(1).max(120)).max(50).default([]),
  notes: z.string().max(10_000).default(''),
  customFields: z.record(z.string(), z.union([z.string().max(2000), z.number(), z.null()])).default({}),
});
export type RegistrationDetails = z.infer<typeof ZRegistrationDetails>;

export const ZCreateRegistrationRequest = ZRegistrationDetails.extend({
  partnerId: z.string().min(1, 'is required').max(64),
  programId: z.string().min(1, 'is required').max(64),
  internalNotes: z.string().max(10_000).nullish().openapi({ description: 'Never shown to partners' }),
}).openapi('CreateRegistrationRequest');
export type CreateRegistrationRequest = z.infer<typeof ZCreateRegistrationRequest>;

export const ZPortalCreateRegistrationRequest = ZRegistrationDetails.extend({
  programId: z.string().min(1, 'is required').max(64),
}).openapi('PortalCreateRegistrationRequest');
export const ZPublicCreateRegistrationRequest = ZRegistrationDetails.openapi('PublicCreateRegistrationRequest');

// ── Staff views ──

export const ZConflictRecommendation = z
  .object({ winner: z.enum(['registration', 'existing']), reasons: z.array(z.string()) })
  .openapi('ConflictRecommendation');

export const ZConflictStatus = z.enum(['open', 'escalated', 'resolved']).openapi('ConflictStatus');

export const ZConflict = z
  .object({
    id: z.string(),
    registrationId: z.string(),
    otherKind: z.enum(['registration', 'deal', 'incumbent']),
    otherId: z.string(),
    otherPartnerId: z.string().nullable(),
    other: z
      .object({
        partnerName: z.string().nullable(),
        accountName: z.string().nullable(),
        name: z.string().nullable().openapi({ description: 'Deal name, when the other claim is a deal' }),
        status: z.string().nullable(),
        amount: ZMoneyOrNull,
        createdAt: z.string().nullable(),
        protectionEndsAt: z.string().nullable(),
      })
      .openapi({ description: 'A summary of the other claim' }),
    matchedAccountId: z.string(),
    matchKind: z.enum(['domain', 'name']),
    similarity: z.number().nullable(),
    recommendation: ZConflictRecommendation,
    status: ZConflictStatus,
    ownerMemberId: z.string().nullable(),
    ownerName: z.string().nullable(),
    escalatedAt: z.string().nullable(),
    resolution: z.string().nullable(),
    resolvedAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('Conflict');

export const ZRegistrationSummary = z
  .object({
    id: z.string(),
    partnerId: z.string(),
    partnerName: z.string(),
    programId: z.string(),
    programName: z.string(),
    channel: ZChannel,
    status: ZRegistrationStatus,
    accountId: z.string(),
    accountName: z.string(),
    accountDomain: z.string().nullable(),
    accountCountry: z.string().nullable(),
    amount: ZMoneyOrNull,
    expectedCloseDate: z.string().nullable(),
    reviewerMemberId: z.string().nullable(),
    reviewerName: z.string().nullable(),
    slaDueAt: z.string(),
    slaState: ZSlaState,
    slaBreachedAt: z.string().nullable(),
    conflictCount: z.number().int().openapi({ description: 'Conflicts not yet resolved' }),
    protectionEndsAt: z.string().nullable(),
    decidedAt: z.string().nullable(),
    dealId: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('RegistrationSummary');
export const ZRegistrationPage = pageOf(ZRegistrationSummary, 'RegistrationPage');

export const ZRegistrationListQuery = ZPageQuery.extend({
  status: z
    .string()
    .max(200)
    .optional()
    .transform((v, ctx) => {
      if (!v) return undefined;
      const list = v.split(',').map((s) => s.trim());
      for (const s of list) {
        if (!(REGISTRATION_STATUSES as readonly string[]).includes(s)) {
          ctx.addIssue({ code: 'custom', message: `must be one or more of ${REGISTRATION_STATUSES.join(', ')}, comma separated` });
          return z.NEVER;
        }
      }
      return list as RegistrationStatus[];
    })
    .openapi({ type: 'string', description: 'One or more statuses, comma separated', example: 'submitted,info_requested' }),
  programId: z.string().max(64).optional(),
  partnerId: z.string().max(64).optional(),
  reviewerMemberId: z.string().max(64).optional(),
  hasConflicts: z.enum(['true', 'false']).optional().transform((v) => (v === undefined ? undefined : v === 'true')).openapi({ type: 'string', enum: ['true', 'false'] }),
  q: z.string().trim().max(200).optional().openapi({ description: 'Search in the account name and domain' }),
  sort: z
    .enum(['slaDueAt', 'protectionEndsAt'])
    .default('slaDueAt')
    .openapi({ description: '`slaDueAt` (the review queue) or `protectionEndsAt` (protections ending soonest; only protected registrations)' }),
});
export type RegistrationListQuery = z.infer<typeof ZRegistrationListQuery>;

export const ZExtension = z
  .object({
    id: z.string(),
    registrationId: z.string(),
    status: z.enum(['requested', 'approved', 'rejected']),
    days: z.number().int(),
    reason: z.string(),
    decidedAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('RegistrationExtension');

export const ZDecision = z
  .object({
    action: z.string(),
    actorType: z.string(),
    actorName: z.string().nullable(),
    at: z.string(),
    changes: z.record(z.string(), z.unknown()),
  })
  .openapi('RegistrationDecision');

export const ZRegistrationDetail = ZRegistrationSummary.extend({
  submittedByPartnerUserId: z.string().nullable(),
  contactName: z.string().nullable(),
  contactEmail: z.string().nullable(),
  contactPhone: z.string().nullable(),
  products: z.array(z.string()),
  notes: z.string(),
  customFields: z.record(z.string(), z.unknown()),
  decidedByMemberId: z.string().nullable(),
  decisionReason: z.string().nullable(),
  internalNotes: z.string().nullable(),
  protectionStartsAt: z.string().nullable(),
  extensionsUsed: z.number().int(),
  remindersSent: z.array(z.number().int()),
  allowedActions: z.array(z.enum(['approve', 'reject', 'request-info'])),
  conflicts: z.array(ZConflict),
  extensions: z.array(ZExtension),
  decisions: z.array(ZDecision),
  updatedAt: z.string(),
}).openapi('RegistrationDetail');

export const ZApproveRequest = z
  .object({
    note: z.string().trim().max(5000).nullish().openapi({ description: 'Shown to the partner' }),
    internalNote: z.string().trim().max(5000).nullish().openapi({ description: 'Kept internal' }),
  })
  .openapi('ApproveRegistrationRequest');
export const ZRejectRequest = z
  .object({
    reason: z.string().trim().min(1, 'is required').max(5000).openapi({ description: 'Shown to the partner' }),
    internalNote: z.string().trim().max(5000).nullish(),
  })
  .openapi('RejectRegistrationRequest');
export const ZRequestInfoRequest = z
  .object({
    message: z.string().trim().min(1, 'is required').max(5000).openapi({ description: 'What the partner should add; shown to the partner' }),
    internalNote: z.string().trim().max(5000).nullish(),
  })
  .openapi('RequestInfoRequest');

export const ZResolveConflictRequest = z.object({ resolution: z.string().trim().min(1, 'is required').max(5000) }).openapi('ResolveConflictRequest');
export const ZEscalateConflictRequest = z
  .object({
    note: z.string().trim().max(5000).nullish(),
    ownerMemberId: z.string().max(64).nullish().openapi({ description: 'Hand the conflict to this member (e.g. a channel lead)' }),
  })
  .openapi('EscalateConflictRequest');
export const ZUpdateConflictRequest = z.object({ ownerMemberId: z.string().max(64).nullable() }).openapi('UpdateConflictRequest');
export const ZDecideExtensionRequest = z.object({ reason: z.string().trim().max(5000).nullish() }).openapi('DecideExtensionRequest');

// ── Portal ──

/**
 * A registration as a partner sees it, built by the partner projection: the base fields
 * below always (the partner's own data), plus whatever the program's sharing rules show,
 * mask or band (`reviewerName`, `reviewerEmail`, `accountCountry`, `decidedAt`).
 */
export const ZPortalRegistration = z
  .object({
    id: z.string(),
    programId: z.string(),
    programName: z.string(),
    status: ZRegistrationStatus,
    accountName: z.string(),
    accountDomain: z.string().nullable(),
    contactName: z.string().nullable(),
    contactEmail: z.string().nullable(),
    contactPhone: z.string().nullable(),
    amount: ZMoneyOrNull,
    expectedCloseDate: z.string().nullable(),
    products: z.array(z.string()),
    notes: z.string(),
    customFields: z.record(z.string(), z.unknown()),
    decisionReason: z.string().nullable().openapi({ description: 'The approval note, rejection reason or information request' }),
    protectionStartsAt: z.string().nullable(),
    protectionEndsAt: z.string().nullable(),
    daysLeft: z.number().int().nullable().openapi({ description: 'Whole days of protection left (rounded up); null when not protected' }),
    extensionsUsed: z.number().int(),
    extensionsRemaining: z.number().int(),
    createdAt: z.string(),
    slaDueAt: z.string(),
    reviewerName: z.unknown().optional().openapi({ description: 'Only when a sharing rule shows it (may be masked)' }),
    reviewerEmail: z.unknown().optional().openapi({ description: 'Only when a sharing rule shows it (may be masked)' }),
    accountCountry: z.unknown().optional().openapi({ description: 'Only when a sharing rule shows it (may be masked)' }),
    decidedAt: z.unknown().optional().openapi({ description: 'Only when a sharing rule shows it (may be masked)' }),
  })
  .openapi('PortalRegistration');
export type PortalRegistrationView = z.infer<typeof ZPortalRegistration>;
export const ZPortalRegistrationPage = pageOf(ZPortalRegistration, 'PortalRegistrationPage');
export const ZPortalRegistrationDetail = ZPortalRegistration.extend({
  extensions: z.array(ZExtension.omit({ registrationId: true })),
}).openapi('PortalRegistrationDetail');

export const ZPortalRegistrationListQuery = ZPageQuery.extend({ status: ZRegistrationStatus.optional() });

export const ZRegistrationForm = z
  .object({
    programId: z.string(),
    programName: z.string(),
    currency: z.string(),
    requiredFields: z.array(ZRegistrationField),
    customFields: z.array(ZCustomFieldDefinition),
    eligible: z.boolean(),
    ineligibleReason: z.string().nullable(),
  })
  .openapi('RegistrationForm');

export const ZRulesOfEngagement = z
  .object({ programId: z.string(), programName: z.string(), html: z.string().openapi({ description: 'Sanitized HTML' }), updatedAt: z.string().nullable() })
  .openapi('RulesOfEngagement');

export const ZRequestExtensionRequest = z.object({ reason: z.string().trim().min(1, 'is required').max(5000) }).openapi('RequestExtensionRequest');

export const ZRespondRequest = z
  .object({
    message: z.string().trim().min(1, 'is required').max(5000),
    fields: z
      .object({
        contact: z.object({ name: ZOptText(200), email: ZOptText(254), phone: ZOptText(50) }).optional(),
        amount: ZMoneyOrNull.optional(),
        expectedCloseDate: z.union([ZDateOnly, z.literal('')]).nullish(),
        products: z.array(z.string().trim().min(1).max(120)).max(50).optional(),
        notes: z.string().max(10_000).optional(),
        customFields: z.record(z.string(), z.union([z.string().max(2000), z.number(), z.null()])).optional(),
      })
      .default({})
      .openapi({ description: 'Fields to update; those left out keep their value' }),
  })
  .openapi('RespondToInfoRequest');
export type RespondRequest = z.infer<typeof ZRespondRequest>;

// ── Registration links ──

export const ZRegistrationLink = z
  .object({
    id: z.string(),
    partnerId: z.string(),
    programId: z.string(),
    programName: z.string(),
    url: z.string(),
    token: z.string(),
    revokedAt: z.string().nullable(),
    lastUsedAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('RegistrationLink');
export const ZRegistrationLinkList = z.object({ data: z.array(ZRegistrationLink) }).openapi('RegistrationLinkList');
export const ZCreateRegistrationLinkRequest = z.object({ programId: z.string().min(1, 'is required').max(64) }).openapi('CreateRegistrationLinkRequest');

export const ZPublicRegistrationForm = z
  .object({
    vendorName: z.string(),
    partnerName: z.string(),
    programName: z.string(),
    currency: z.string(),
    requiredFields: z.array(ZRegistrationField),
    customFields: z.array(ZCustomFieldDefinition),
  })
  .openapi('PublicRegistrationForm');
export const ZPublicRegistrationReceipt = z
  .object({ id: z.string(), status: ZRegistrationStatus, accountName: z.string(), createdAt: z.string() })
  .openapi('PublicRegistrationReceipt');
export const ZTokenParam = z.object({ token: z.string().min(10).max(200).openapi({ param: { name: 'token', in: 'path' } }) });
