import { sql } from 'drizzle-orm';
import { bigint, boolean, date, index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { account } from '../accounts/schema.ts';
import { partner } from '../partners/schema.ts';
import { member, workspace } from '../workspaces/schema.ts';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const pipeline = pgTable(
  'pipeline',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspace.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    isDefault: boolean('is_default').notNull().default(false),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('pipeline_ws_name_uq').on(t.workspaceId, t.name)],
);

/** An ordered stage with its win probability (basis points) and the partner fields it requires. */
export const stage = pgTable(
  'stage',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspace.id, { onDelete: 'cascade' }),
    pipelineId: text('pipeline_id')
      .notNull()
      .references(() => pipeline.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    position: integer('position').notNull(),
    winProbabilityBp: integer('win_probability_bp').notNull(),
    kind: text('kind').notNull(), // open | won | lost
    requiredFields: text('required_fields').array().notNull().default(sql`'{}'::text[]`),
  },
  (t) => [uniqueIndex('stage_pipeline_position_uq').on(t.pipelineId, t.position)],
);

export const deal = pgTable(
  'deal',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspace.id, { onDelete: 'cascade' }),
    pipelineId: text('pipeline_id')
      .notNull()
      .references(() => pipeline.id),
    stageId: text('stage_id')
      .notNull()
      .references(() => stage.id),
    accountId: text('account_id')
      .notNull()
      .references(() => account.id),
    name: text('name').notNull(),
    amountMinor: bigint('amount_minor', { mode: 'bigint' }).notNull(),
    currency: text('currency').notNull(),
    closeDate: date('close_date', { mode: 'string' }),
    ownerMemberId: text('owner_member_id').references(() => member.id, { onDelete: 'set null' }),
    origin: text('origin').notNull(), // partner | direct
    isRenewal: boolean('is_renewal').notNull().default(false),
    lostReason: text('lost_reason'),
    nextStep: text('next_step'),
    internalNotes: text('internal_notes'),
    discountBp: integer('discount_bp'),
    registrationId: text('registration_id'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    closedAt: ts('closed_at'),
  },
  (t) => [
    index('deal_ws_id_idx').on(t.workspaceId, t.id),
    index('deal_ws_account_idx').on(t.workspaceId, t.accountId),
    index('deal_ws_stage_idx').on(t.workspaceId, t.stageId),
  ],
);

/** A partner's credit on a deal: role and share (basis points of 10,000). */
export const dealCredit = pgTable(
  'deal_credit',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspace.id, { onDelete: 'cascade' }),
    dealId: text('deal_id')
      .notNull()
      .references(() => deal.id, { onDelete: 'cascade' }),
    partnerId: text('partner_id')
      .notNull()
      .references(() => partner.id, { onDelete: 'cascade' }),
    role: text('role').notNull(), // sourced | influenced | reseller | fulfillment
    shareBp: integer('share_bp').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('deal_credit_deal_partner_role_uq').on(t.dealId, t.partnerId, t.role), index('deal_credit_partner_idx').on(t.workspaceId, t.partnerId)],
);

/** The workspace's attribution model: `primary_only` (one partner, 100 %) or `split`. */
export const attributionSetting = pgTable('attribution_setting', {
  workspaceId: text('workspace_id')
    .primaryKey()
    .references(() => workspace.id, { onDelete: 'cascade' }),
  model: text('model').notNull().default('primary_only'),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});
