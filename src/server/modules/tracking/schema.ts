// Tables of the tracking module: per-program tracking settings, referral links, clicks (and
// their per-day aggregates), customers and conversions.
import { sql } from 'drizzle-orm';
import { bigint, boolean, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { partner } from '../partners/schema.ts';
import { program } from '../programs/schema.ts';
import { workspace } from '../workspaces/schema.ts';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Per-program tracking settings; a program without a row uses the defaults (90 days, last click). */
export const trackingSettings = pgTable(
  'tracking_settings',
  {
    programId: text('program_id')
      .primaryKey()
      .references(() => program.id, { onDelete: 'cascade' }),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspace.id, { onDelete: 'cascade' }),
    attributionWindowDays: integer('attribution_window_days').notNull().default(90),
    model: text('model').notNull().default('last_click'), // last_click | first_click
    defaultDestinationUrl: text('default_destination_url'),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('tracking_settings_ws_idx').on(t.workspaceId)],
);

/**
 * A referral link of a partner for a program. `code` is unique across the instance (the
 * redirect `/r/{code}` has no workspace in it), which makes it unique per workspace too.
 */
export const link = pgTable(
  'link',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspace.id, { onDelete: 'cascade' }),
    programId: text('program_id')
      .notNull()
      .references(() => program.id, { onDelete: 'cascade' }),
    partnerId: text('partner_id')
      .notNull()
      .references(() => partner.id, { onDelete: 'cascade' }),
    code: text('code').notNull(),
    name: text('name'),
    destinationUrl: text('destination_url').notNull(),
    /** utm_* and custom query parameters added to the destination: `{ "utm_source": "partner" }`. */
    params: jsonb('params').$type<Record<string, string>>().notNull().default({}),
    /** Lower-case host name (e.g. `go.partner.com`) that also serves this link, or null. */
    customDomain: text('custom_domain'),
    status: text('status').notNull().default('active'), // active | archived
    createdBy: text('created_by'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    archivedAt: ts('archived_at'),
  },
  (t) => [
    uniqueIndex('link_code_uq').on(t.code),
    index('link_ws_id_idx').on(t.workspaceId, t.id),
    index('link_ws_partner_idx').on(t.workspaceId, t.partnerId, t.programId),
    index('link_domain_idx').on(t.customDomain).where(sql`${t.customDomain} is not null`),
  ],
);

/**
 * One row per counted click (a unique, non-bot click of a visitor on a link; repeats within an
 * hour reuse the same click id). Written in batches by the click buffer, never before the redirect.
 */
export const click = pgTable(
  'click',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    linkId: text('link_id').notNull(),
    programId: text('program_id').notNull(),
    partnerId: text('partner_id').notNull(),
    visitorId: text('visitor_id').notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
    referer: text('referer'),
    occurredAt: ts('occurred_at').notNull(),
  },
  (t) => [
    // The one query by something other than the id: attribution, a visitor's clicks of a program in
    // the window (conversions.ts; it also filters on workspace and program). A hash index costs the
    // redirect's batched insert far less than a btree on random visitor ids (the hot path writes a
    // row per click); clicks by link are never scanned (analytics read click_daily).
    index('click_visitor_hash_idx').using('hash', t.visitorId),
  ],
);

/** Maintained per-link per-day click counters (total, unique, bot): analytics never scan clicks. */
export const clickDaily = pgTable(
  'click_daily',
  {
    workspaceId: text('workspace_id').notNull(),
    linkId: text('link_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    partnerId: text('partner_id').notNull(),
    programId: text('program_id').notNull(),
    total: integer('total').notNull().default(0),
    uniqueClicks: integer('unique_clicks').notNull().default(0),
    bot: integer('bot').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.linkId, t.day] }), index('click_daily_ws_idx').on(t.workspaceId, t.day)],
);

/** A customer of the vendor, bound to the partner that referred it (once bound, it stays bound). */
export const customer = pgTable(
  'customer',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspace.id, { onDelete: 'cascade' }),
    programId: text('program_id'),
    partnerId: text('partner_id'),
    linkId: text('link_id'),
    firstClickId: text('first_click_id'),
    externalId: text('external_id'),
    email: text('email'),
    country: text('country'),
    name: text('name'),
    boundAt: ts('bound_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('customer_ws_external_uq').on(t.workspaceId, t.externalId).where(sql`${t.externalId} is not null`),
    uniqueIndex('customer_ws_email_uq').on(t.workspaceId, t.email).where(sql`${t.email} is not null`),
    index('customer_ws_partner_idx').on(t.workspaceId, t.partnerId),
  ],
);

/** A lead, sale, refund, dispute or cancellation from the tracking API or a billing webhook. */
export const conversion = pgTable(
  'conversion',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspace.id, { onDelete: 'cascade' }),
    programId: text('program_id'),
    partnerId: text('partner_id'),
    customerId: text('customer_id'),
    linkId: text('link_id'),
    clickId: text('click_id'),
    kind: text('kind').notNull(),
    source: text('source').notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    externalRef: text('external_ref'),
    originalRef: text('original_ref'),
    subscriptionRef: text('subscription_ref'),
    amountMinor: bigint('amount_minor', { mode: 'bigint' }),
    currency: text('currency'),
    product: text('product'),
    isRecurring: boolean('is_recurring'),
    country: text('country'),
    ip: text('ip'),
    userAgent: text('user_agent'),
    occurredAt: ts('occurred_at').notNull(),
    receivedAt: ts('received_at').notNull().defaultNow(),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    accrualStatus: text('accrual_status').notNull(),
  },
  (t) => [
    uniqueIndex('conversion_ws_idem_uq').on(t.workspaceId, t.idempotencyKey),
    index('conversion_ws_accrual_idx').on(t.workspaceId, t.accrualStatus, t.occurredAt),
    index('conversion_ws_id_idx').on(t.workspaceId, t.id),
    index('conversion_ws_partner_idx').on(t.workspaceId, t.partnerId, t.occurredAt),
    index('conversion_ws_link_idx').on(t.workspaceId, t.linkId),
    index('conversion_ws_external_idx').on(t.workspaceId, t.externalRef),
    // Refunds and disputes of a sale (accrual looks them up by the sale's external ref).
    index('conversion_ws_original_idx').on(t.workspaceId, t.originalRef).where(sql`${t.originalRef} is not null`),
    index('conversion_ws_customer_idx').on(t.workspaceId, t.customerId),
  ],
);
