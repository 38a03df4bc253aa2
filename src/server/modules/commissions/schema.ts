// Tables of the commissions module: commission plans (rules as data) and the commission ledger.
import { sql } from 'drizzle-orm';
import { bigint, index, integer, jsonb, pgTable, primaryKey, smallint, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { program } from '../programs/schema.ts';
import { workspace } from '../workspaces/schema.ts';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * A versioned commission plan of a program. The rules live in `document` (validated by
 * `ZPlanDocument` in plan.ts). At most one plan per program is `active`; activating a version
 * archives the previous one. Drafts can be edited; active and archived versions cannot.
 */
export const commissionPlan = pgTable(
  'commission_plan',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspace.id, { onDelete: 'cascade' }),
    programId: text('program_id')
      .notNull()
      .references(() => program.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    name: text('name').notNull(),
    status: text('status').notNull(), // draft | active | archived
    document: jsonb('document').$type<Record<string, unknown>>().notNull(),
    createdByName: text('created_by_name'),
    activatedAt: ts('activated_at'),
    archivedAt: ts('archived_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('commission_plan_program_version_uq').on(t.programId, t.version),
    uniqueIndex('commission_plan_one_active_uq').on(t.programId).where(sql`${t.status} = 'active'`),
    index('commission_plan_ws_idx').on(t.workspaceId, t.programId),
  ],
);

/**
 * One line of the commission ledger (append-only: corrections are new entries). Amounts are
 * signed minor units; reversals and clawbacks are negative. Statuses: pending → approved →
 * payable → paid, or reversed. Only the payouts module writes `payout_id`, 'payable' and 'paid'.
 */
export const commissionEntry = pgTable(
  'commission_entry',
  {
    id: text('id').primaryKey(),
    // No foreign key to workspace (like `click`): the ledger is the highest-volume append-only
    // table, the check cost ~10 µs per inserted line, nothing deletes workspaces, and a
    // financial ledger should not vanish by cascade anyway. Every writer takes the id from the
    // request's workspace context.
    workspaceId: text('workspace_id').notNull(),
    programId: text('program_id').notNull(),
    partnerId: text('partner_id').notNull(),
    planId: text('plan_id'),
    ruleId: text('rule_id'),
    kind: text('kind').notNull(), // commission | recurring | spiff | rebate | bonus | reversal | clawback | adjustment
    sourceType: text('source_type').notNull(), // conversion | deal | period | manual
    sourceId: text('source_id').notNull(),
    conversionId: text('conversion_id'),
    dealId: text('deal_id'),
    reversesEntryId: text('reverses_entry_id'),
    idempotencyKey: text('idempotency_key').notNull(),
    baseMinor: bigint('base_minor', { mode: 'bigint' }),
    rateBp: integer('rate_bp'),
    amountMinor: bigint('amount_minor', { mode: 'bigint' }).notNull(),
    currency: text('currency').notNull(),
    status: text('status').notNull(), // pending | approved | payable | paid | reversed
    holdUntil: ts('hold_until'),
    flags: text('flags').array().notNull().default(sql`'{}'::text[]`),
    explanation: jsonb('explanation').$type<Record<string, unknown>>().notNull(),
    /** Internal review note (hold / reverse reason); never shown to partners. */
    reviewNote: text('review_note'),
    reviewedByName: text('reviewed_by_name'),
    reviewedAt: ts('reviewed_at'),
    payoutId: text('payout_id'),
    earnedAt: ts('earned_at').notNull(),
    approvedAt: ts('approved_at'),
    paidAt: ts('paid_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('commission_entry_ws_idem_uq').on(t.workspaceId, t.idempotencyKey),
    index('commission_entry_ws_id_idx').on(t.workspaceId, t.id),
    index('commission_entry_ws_partner_idx').on(t.workspaceId, t.partnerId, t.earnedAt),
    index('commission_entry_ws_status_idx').on(t.workspaceId, t.status, t.holdUntil),
    index('commission_entry_conversion_idx').on(t.workspaceId, t.conversionId).where(sql`${t.conversionId} is not null`),
    index('commission_entry_reverses_idx').on(t.reversesEntryId).where(sql`${t.reversesEntryId} is not null`),
    index('commission_entry_payout_idx').on(t.payoutId).where(sql`${t.payoutId} is not null`),
  ],
);

/**
 * Conversions waiting for commission accrual. A trigger on `conversion` (migration 0012) adds a
 * row in the transaction that records a conversion as 'pending' (or attributes an unattributed
 * one), so every writer is covered; the accrual run claims rows oldest first with
 * `DELETE … RETURNING` in the batch transaction that writes their ledger lines. A conversion is
 * therefore never rewritten to mark it accrued: its accrual status is derived —
 * stored 'pending' and no longer queued reads 'accrued' (see `effectiveAccrualStatus` in
 * tracking/conversions.ts); only the rare outcomes ('no_plan', 'waiting_original') are stored.
 */
export const commissionAccrualQueue = pgTable(
  'commission_accrual_queue',
  {
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspace.id, { onDelete: 'cascade' }),
    occurredAt: ts('occurred_at').notNull(),
    conversionId: text('conversion_id').notNull(),
    /**
     * abs(hashtext(partner)) % 64, set by the trigger: parallel accrual workers split the queue by
     * `lane % workers`, so one partner's conversions (caps, first-sale bonus) stay in one worker.
     */
    lane: smallint('lane').notNull().default(0),
  },
  (t) => [primaryKey({ name: 'commission_accrual_queue_pk', columns: [t.workspaceId, t.occurredAt, t.conversionId] })],
);

/**
 * A counter per workspace and accrual lane lock (`LANE_LOCKS` in accrual.ts: a partner's lock is
 * `abs(hashtext(partner_id) % 64) % 2`, the queue lane mod 2), bumped by a statement trigger on `commission_entry`
 * (migration 0021) whenever lines are inserted for partners under that lock. An accrual run keeps
 * caches across its batches (cap usage, granted bonuses, fraud facts, first sales); at each batch
 * it compares the counters with what it saw after its own last batch, and reloads when anyone else
 * — another run, a won deal, a manual line — wrote in between, so two runs at once cannot work
 * from a stale view of each other (a cap paid twice).
 */
export const commissionAccrualGeneration = pgTable(
  'commission_accrual_generation',
  {
    workspaceId: text('workspace_id').notNull(),
    laneLock: smallint('lane_lock').notNull(),
    generation: bigint('generation', { mode: 'number' }).notNull().default(0),
  },
  (t) => [primaryKey({ name: 'commission_accrual_generation_pk', columns: [t.workspaceId, t.laneLock] })],
);

