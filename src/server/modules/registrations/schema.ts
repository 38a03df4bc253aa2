import { sql } from 'drizzle-orm';
import { bigint, boolean, date, index, integer, jsonb, pgTable, real, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { account } from '../accounts/schema.ts';
import { partner, partnerUser } from '../partners/schema.ts';
import { program } from '../programs/schema.ts';
import { member, workspace } from '../workspaces/schema.ts';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export interface CustomFieldDefinition {
  key: string;
  label: string;
  type: 'text' | 'number' | 'date' | 'select';
  required: boolean;
  options?: string[];
}

export interface RegistrationEligibility {
  partnerTypes: string[];
  tags: string[];
}

/** A program's registration policy. One row per program; defaults apply when absent. */
export const registrationPolicy = pgTable('registration_policy', {
  programId: text('program_id')
    .primaryKey()
    .references(() => program.id, { onDelete: 'cascade' }),
  workspaceId: text('workspace_id')
    .notNull()
    .references(() => workspace.id, { onDelete: 'cascade' }),
  requiredFields: text('required_fields').array().notNull().default(sql`'{accountName,accountDomain,contactName,contactEmail,amount,expectedCloseDate}'::text[]`),
  customFields: jsonb('custom_fields').$type<CustomFieldDefinition[]>().notNull().default([]),
  approvalSlaHours: integer('approval_sla_hours').notNull().default(48),
  protectionDays: integer('protection_days').notNull().default(90),
  maxExtensions: integer('max_extensions').notNull().default(1),
  extensionDays: integer('extension_days').notNull().default(30),
  extensionRequiresApproval: boolean('extension_requires_approval').notNull().default(true),
  eligibility: jsonb('eligibility').$type<RegistrationEligibility>().notNull().default({ partnerTypes: [], tags: [] }),
  conflictHierarchy: text('conflict_hierarchy')
    .array()
    .notNull()
    .default(sql`'{registered,incumbent,certified,first_to_register}'::text[]`),
  rulesOfEngagement: text('rules_of_engagement').notNull().default(''),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

/** Picks the reviewer of a registration; the first matching rule by position wins. */
export const routingRule = pgTable(
  'routing_rule',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspace.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    programId: text('program_id').references(() => program.id, { onDelete: 'cascade' }),
    countries: text('countries').array().notNull().default(sql`'{}'::text[]`),
    minAmountMinor: bigint('min_amount_minor', { mode: 'bigint' }),
    maxAmountMinor: bigint('max_amount_minor', { mode: 'bigint' }),
    currency: text('currency'),
    reviewerMemberId: text('reviewer_member_id')
      .notNull()
      .references(() => member.id, { onDelete: 'cascade' }),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('routing_rule_ws_idx').on(t.workspaceId, t.position)],
);

export const registration = pgTable(
  'registration',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspace.id, { onDelete: 'cascade' }),
    programId: text('program_id')
      .notNull()
      .references(() => program.id),
    partnerId: text('partner_id')
      .notNull()
      .references(() => partner.id),
    submittedByPartnerUserId: text('submitted_by_partner_user_id').references(() => partnerUser.id, { onDelete: 'set null' }),
    channel: text('channel').notNull(), // portal | public_link | api | email
    status: text('status').notNull(), // submitted | info_requested | approved | rejected | expired | withdrawn
    accountId: text('account_id')
      .notNull()
      .references(() => account.id),
    accountName: text('account_name').notNull(),
    accountDomain: text('account_domain'),
    accountCountry: text('account_country'),
    contactName: text('contact_name'),
    contactEmail: text('contact_email'),
    contactPhone: text('contact_phone'),
    amountMinor: bigint('amount_minor', { mode: 'bigint' }),
    currency: text('currency').notNull(),
    expectedCloseDate: date('expected_close_date', { mode: 'string' }),
    products: text('products').array().notNull().default(sql`'{}'::text[]`),
    notes: text('notes').notNull().default(''),
    customFields: jsonb('custom_fields').$type<Record<string, string | number | null>>().notNull().default({}),
    reviewerMemberId: text('reviewer_member_id').references(() => member.id, { onDelete: 'set null' }),
    slaDueAt: ts('sla_due_at').notNull(),
    slaBreachedAt: ts('sla_breached_at'),
    decidedAt: ts('decided_at'),
    decidedByMemberId: text('decided_by_member_id'),
    decisionReason: text('decision_reason'),
    internalNotes: text('internal_notes'),
    protectionStartsAt: ts('protection_starts_at'),
    protectionEndsAt: ts('protection_ends_at'),
    extensionsUsed: integer('extensions_used').notNull().default(0),
    remindersSent: integer('reminders_sent').array().notNull().default(sql`'{}'::integer[]`),
    dealId: text('deal_id'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('registration_ws_status_idx').on(t.workspaceId, t.status, t.slaDueAt),
    index('registration_ws_partner_idx').on(t.workspaceId, t.partnerId, t.id),
    index('registration_ws_account_idx').on(t.workspaceId, t.accountId),
    index('registration_protection_end_idx').on(t.protectionEndsAt).where(sql`${t.status} = 'approved'`),
  ],
);

export const registrationExtension = pgTable(
  'registration_extension',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspace.id, { onDelete: 'cascade' }),
    registrationId: text('registration_id')
      .notNull()
      .references(() => registration.id, { onDelete: 'cascade' }),
    status: text('status').notNull(), // requested | approved | rejected
    days: integer('days').notNull(),
    reason: text('reason').notNull().default(''),
    decidedByMemberId: text('decided_by_member_id'),
    decidedAt: ts('decided_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('registration_extension_reg_idx').on(t.registrationId)],
);

export interface ConflictRecommendation {
  /** 'registration' (the new claim wins) or 'existing'. */
  winner: 'registration' | 'existing';
  reasons: string[];
}

/** A clash between a registration and another claim on the same customer. */
export const conflict = pgTable(
  'conflict',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspace.id, { onDelete: 'cascade' }),
    registrationId: text('registration_id')
      .notNull()
      .references(() => registration.id, { onDelete: 'cascade' }),
    otherKind: text('other_kind').notNull(), // registration | deal | incumbent
    otherId: text('other_id').notNull(),
    otherPartnerId: text('other_partner_id'),
    matchedAccountId: text('matched_account_id').notNull(),
    matchKind: text('match_kind').notNull(), // domain | name
    similarity: real('similarity'),
    recommendation: jsonb('recommendation').$type<ConflictRecommendation>().notNull(),
    status: text('status').notNull(), // open | escalated | resolved
    ownerMemberId: text('owner_member_id').references(() => member.id, { onDelete: 'set null' }),
    escalatedAt: ts('escalated_at'),
    resolution: text('resolution'),
    resolvedAt: ts('resolved_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('conflict_reg_other_uq').on(t.registrationId, t.otherKind, t.otherId),
    index('conflict_ws_status_idx').on(t.workspaceId, t.status),
  ],
);

/** A per-partner public registration form link (signed token; revocable). */
export const registrationLink = pgTable(
  'registration_link',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspace.id, { onDelete: 'cascade' }),
    partnerId: text('partner_id')
      .notNull()
      .references(() => partner.id, { onDelete: 'cascade' }),
    programId: text('program_id')
      .notNull()
      .references(() => program.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull(),
    revokedAt: ts('revoked_at'),
    lastUsedAt: ts('last_used_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('registration_link_token_uq').on(t.tokenHash), index('registration_link_partner_idx').on(t.workspaceId, t.partnerId)],
);
