import { sql } from 'drizzle-orm';
import { bigint, boolean, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { partner } from '../partners/schema.ts';
import { program } from '../programs/schema.ts';
import { workspace } from '../workspaces/schema.ts';

// Tables of the payouts module: FX rates, schedules, payout methods, runs, payouts, tax profiles.
const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const wsRef = () =>
  text('workspace_id')
    .notNull()
    .references(() => workspace.id, { onDelete: 'cascade' });

/** An admin-maintained exchange rate: 1 `base` = rate `quote`, the rate scaled by 10^8 (exact, no floats). */
export const fxRate = pgTable(
  'fx_rate',
  {
    id: text('id').primaryKey(),
    workspaceId: wsRef(),
    base: text('base').notNull(),
    quote: text('quote').notNull(),
    rateScaled: bigint('rate_scaled', { mode: 'bigint' }).notNull(),
    effectiveDate: date('effective_date', { mode: 'string' }).notNull(),
    createdByName: text('created_by_name'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('fx_rate_pair_date_uq').on(t.workspaceId, t.base, t.quote, t.effectiveDate)],
);

/** How and when a program pays its partners. One per program. */
export const payoutSchedule = pgTable(
  'payout_schedule',
  {
    id: text('id').primaryKey(),
    workspaceId: wsRef(),
    programId: text('program_id')
      .notNull()
      .references(() => program.id, { onDelete: 'cascade' }),
    cadence: text('cadence').notNull(), // monthly | semi_monthly | weekly
    dayOfMonth: integer('day_of_month'), // monthly: 1–28, or 31 = last day
    weekday: integer('weekday'), // weekly: 1 = Monday … 7 = Sunday
    thresholdMinor: bigint('threshold_minor', { mode: 'bigint' }).notNull(),
    thresholdCurrency: text('threshold_currency').notNull(),
    currencyMode: text('currency_mode').notNull(), // partner | per_currency
    holdUntilTaxComplete: boolean('hold_until_tax_complete').notNull().default(false),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('payout_schedule_program_uq').on(t.programId), index('payout_schedule_ws_idx').on(t.workspaceId)],
);

/** Where a partner wants its money. One per partner; secrets (bank account) encrypted. */
export const payoutMethod = pgTable(
  'payout_method',
  {
    id: text('id').primaryKey(),
    workspaceId: wsRef(),
    partnerId: text('partner_id')
      .notNull()
      .references(() => partner.id, { onDelete: 'cascade' }),
    type: text('type').notNull(), // stripe_connect | paypal | bank | manual
    currency: text('currency').notNull(),
    /** Non-secret details: stripe accountId, paypal email, bank holder name / country / receiver type / masked account. */
    details: jsonb('details').$type<Record<string, string>>().notNull().default({}),
    /** Bank: the IBAN or account number (+ routing/sort code), AES-256-GCM. */
    secretEnc: text('secret_enc'),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('payout_method_partner_uq').on(t.workspaceId, t.partnerId)],
);

/** Workspace payout settings: provider credentials (secrets encrypted) and the four-eyes rule. */
export const payoutSettings = pgTable('payout_settings', {
  workspaceId: text('workspace_id')
    .primaryKey()
    .references(() => workspace.id, { onDelete: 'cascade' }),
  requireFourEyes: boolean('require_four_eyes').notNull().default(false),
  stripeSecretEnc: text('stripe_secret_enc'),
  stripeApiBase: text('stripe_api_base'),
  paypalClientId: text('paypal_client_id'),
  paypalSecretEnc: text('paypal_secret_enc'),
  paypalApiBase: text('paypal_api_base'),
  bankSourceCurrency: text('bank_source_currency'),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const payoutRun = pgTable(
  'payout_run',
  {
    id: text('id').primaryKey(),
    workspaceId: wsRef(),
    programId: text('program_id')
      .notNull()
      .references(() => program.id),
    number: integer('number').notNull(),
    status: text('status').notNull(), // draft | approved | processing | completed | cancelled
    periodEnd: ts('period_end').notNull(),
    createdByUserId: text('created_by_user_id'),
    createdByName: text('created_by_name'),
    approvedByUserId: text('approved_by_user_id'),
    approvedByName: text('approved_by_name'),
    createdAt: ts('created_at').notNull().defaultNow(),
    approvedAt: ts('approved_at'),
    executedAt: ts('executed_at'),
    completedAt: ts('completed_at'),
    cancelledAt: ts('cancelled_at'),
  },
  (t) => [uniqueIndex('payout_run_ws_number_uq').on(t.workspaceId, t.number), index('payout_run_ws_id_idx').on(t.workspaceId, t.id)],
);

/**
 * One line of a run: a partner × currency. `status` draft | carried_over | held (draft lines) →
 * approved → processing → paid | failed; cancelled. Amounts exact; FX recorded when converted.
 */
export const payout = pgTable(
  'payout',
  {
    id: text('id').primaryKey(),
    workspaceId: wsRef(),
    runId: text('run_id')
      .notNull()
      .references(() => payoutRun.id, { onDelete: 'cascade' }),
    programId: text('program_id').notNull(),
    partnerId: text('partner_id')
      .notNull()
      .references(() => partner.id),
    status: text('status').notNull(),
    holdReason: text('hold_reason'),
    amountMinor: bigint('amount_minor', { mode: 'bigint' }).notNull(),
    currency: text('currency').notNull(),
    /** Source amounts per ledger currency with the FX rate used: [{currency, amountMinor, rateScaled, fxRateId, converted}]. */
    sources: jsonb('sources').$type<PayoutSource[]>().notNull().default([]),
    entryCount: integer('entry_count').notNull().default(0),
    methodType: text('method_type'),
    methodSnapshot: jsonb('method_snapshot').$type<Record<string, string>>(),
    statementNumber: integer('statement_number'),
    attempt: integer('attempt').notNull().default(1),
    providerRef: text('provider_ref'),
    reference: text('reference'),
    failureReason: text('failure_reason'),
    outcomeUnknown: boolean('outcome_unknown').notNull().default(false),
    /**
     * What the provider took back after the payout was paid (a Stripe Connect transfer reversal),
     * cumulative, in the payout's currency: payouts/reversals.ts applies only what grew.
     */
    amountReversedMinor: bigint('amount_reversed_minor', { mode: 'bigint' }).notNull().default(sql`0`),
    /** When the latest reversal was made, and what finance is told about it (provider ids included). */
    reversedAt: ts('reversed_at'),
    reversalReason: text('reversal_reason'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    paidAt: ts('paid_at'),
  },
  (t) => [
    index('payout_ws_run_idx').on(t.workspaceId, t.runId),
    index('payout_ws_partner_idx').on(t.workspaceId, t.partnerId, t.id),
    index('payout_ws_provider_ref_idx').on(t.workspaceId, t.providerRef).where(sql`${t.providerRef} is not null`),
    uniqueIndex('payout_ws_statement_uq').on(t.workspaceId, t.statementNumber).where(sql`${t.statementNumber} is not null`),
  ],
);

export interface PayoutSource {
  currency: string;
  amountMinor: string;
  convertedMinor: string;
  rateScaled: string | null;
  fxRateId: string | null;
  inverse: boolean;
}

/** The ledger entries of a draft or approved payout; an entry is in at most one live payout. */
export const payoutItem = pgTable(
  'payout_item',
  {
    workspaceId: wsRef(),
    payoutId: text('payout_id')
      .notNull()
      .references(() => payout.id, { onDelete: 'cascade' }),
    entryId: text('entry_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.payoutId, t.entryId] }), uniqueIndex('payout_item_entry_uq').on(t.workspaceId, t.entryId)],
);

/** W-9 / W-8BEN style tax data of a partner; the tax id encrypted. */
export const taxProfile = pgTable(
  'tax_profile',
  {
    id: text('id').primaryKey(),
    workspaceId: wsRef(),
    partnerId: text('partner_id')
      .notNull()
      .references(() => partner.id, { onDelete: 'cascade' }),
    formType: text('form_type').notNull(), // w9 | w8ben | w8bene
    legalName: text('legal_name'),
    country: text('country'),
    entityType: text('entity_type'), // individual | sole_proprietor | corporation | partnership | llc | other
    taxIdEnc: text('tax_id_enc'),
    taxIdLast4: text('tax_id_last4'),
    address: jsonb('address').$type<TaxAddress>(),
    signatureName: text('signature_name'),
    signedOn: date('signed_on', { mode: 'string' }),
    status: text('status').notNull(), // complete | incomplete
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('tax_profile_partner_uq').on(t.workspaceId, t.partnerId)],
);

export interface TaxAddress {
  line1: string;
  line2?: string | null;
  city: string;
  region?: string | null;
  postalCode: string;
  country: string;
}

/**
 * A partner's dispute of a statement: a missing commission, a wrong amount, or another question
 * about one payout (optionally one of its lines). Finance resolves it — with an adjustment to the
 * ledger when money is owed — or rejects it with a reason. status: open → resolved | rejected.
 */
export const payoutDispute = pgTable(
  'payout_dispute',
  {
    id: text('id').primaryKey(),
    workspaceId: wsRef(),
    payoutId: text('payout_id')
      .notNull()
      .references(() => payout.id, { onDelete: 'cascade' }),
    partnerId: text('partner_id')
      .notNull()
      .references(() => partner.id, { onDelete: 'cascade' }),
    /** The statement line it is about, when it is about one. */
    entryId: text('entry_id'),
    reason: text('reason').notNull(), // missing_commission | wrong_amount | other
    message: text('message').notNull(),
    /** What the partner expected, when they say. */
    expectedAmountMinor: bigint('expected_amount_minor', { mode: 'bigint' }),
    expectedCurrency: text('expected_currency'),
    status: text('status').notNull(),
    openedByName: text('opened_by_name').notNull(),
    resolution: text('resolution'),
    adjustmentEntryId: text('adjustment_entry_id'),
    resolvedByName: text('resolved_by_name'),
    resolvedAt: ts('resolved_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('payout_dispute_ws_status_idx').on(t.workspaceId, t.status, t.createdAt), index('payout_dispute_ws_payout_idx').on(t.workspaceId, t.payoutId)],
);
