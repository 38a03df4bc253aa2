// Tables of the billing module: webhook endpoints (one per provider account), the events they received, Stripe invoice ↔ payment links and Lemon Squeezy first-payment links.
import { sql } from 'drizzle-orm';
import { bigint, index, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { program } from '../programs/schema.ts';
import { workspace } from '../workspaces/schema.ts';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * A billing webhook endpoint: `POST /api/v1/webhooks/{provider}/{id}`. The signing secret is
 * stored encrypted (platform/encryption.ts) and shown only once; after a rotation the previous
 * secret keeps verifying until `previous_secret_expires_at` so deliveries in flight still pass.
 */
export const billingEndpoint = pgTable(
  'billing_endpoint',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspace.id, { onDelete: 'cascade' }),
    provider: text('provider').notNull(), // stripe | paddle | lemonsqueezy
    name: text('name').notNull(),
    programId: text('program_id').references(() => program.id, { onDelete: 'set null' }),
    status: text('status').notNull().default('active'), // active | disabled
    secretEncrypted: text('secret_encrypted').notNull(),
    secretHint: text('secret_hint').notNull(),
    previousSecretEncrypted: text('previous_secret_encrypted'),
    previousSecretExpiresAt: ts('previous_secret_expires_at'),
    secretRotatedAt: ts('secret_rotated_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('billing_endpoint_ws_idx').on(t.workspaceId, t.id)],
);

/**
 * One verified delivery of a provider event. Unique per (workspace, provider, provider event id):
 * a replay finds the row and changes nothing. `payload` is the vendor's own event, kept for support.
 */
export const billingEvent = pgTable(
  'billing_event',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspace.id, { onDelete: 'cascade' }),
    endpointId: text('endpoint_id')
      .notNull()
      .references(() => billingEndpoint.id, { onDelete: 'cascade' }),
    provider: text('provider').notNull(),
    providerEventId: text('provider_event_id').notNull(),
    type: text('type').notNull(),
    status: text('status').notNull(), // applied | ignored | unattributed | failed
    reason: text('reason'),
    conversionIds: text('conversion_ids').array().notNull().default(sql`'{}'::text[]`),
    /** The normalized facts (kinds, refs, amounts as strings) — what the event meant to us. */
    normalized: jsonb('normalized').$type<Record<string, unknown>[]>().notNull().default([]),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    livemode: text('livemode'), // 'live' | 'test' | null (unknown)
    receivedAt: ts('received_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('billing_event_ws_provider_event_uq').on(t.workspaceId, t.provider, t.providerEventId),
    index('billing_event_ws_endpoint_idx').on(t.workspaceId, t.endpointId, t.receivedAt),
    index('billing_event_ws_received_idx').on(t.workspaceId, t.receivedAt),
  ],
);

/**
 * Stripe (API 2025-03-31+): which PaymentIntent / Charge paid which invoice, from
 * `invoice_payment.paid` events and invoices' `payments`. Such invoices name no payment and their
 * charges no invoice, so a refund or dispute (which names the PaymentIntent, else the Charge) finds
 * the invoice's sale through this link (billing/stripe-links.ts). One row per (workspace, payment,
 * invoice): a replay changes nothing; a payment that paid several invoices has several rows.
 */
export const billingPaymentLink = pgTable(
  'billing_payment_link',
  {
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspace.id, { onDelete: 'cascade' }),
    provider: text('provider').notNull(), // stripe
    /** The PaymentIntent (`pi_…`), else the Charge (`ch_…`). */
    paymentRef: text('payment_ref').notNull(),
    invoiceId: text('invoice_id').notNull(),
    /** The InvoicePayment (`inpay_…`) when the payload had one. */
    invoicePaymentId: text('invoice_payment_id'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'billing_payment_link_pk', columns: [t.workspaceId, t.provider, t.paymentRef, t.invoiceId] }),
    index('billing_payment_link_ws_invoice_idx').on(t.workspaceId, t.provider, t.invoiceId),
  ],
);

/**
 * Lemon Squeezy: what billing recorded from each order, so that the first payment of a
 * subscription — sent both as `order_created` and as a `subscription_payment_success` invoice
 * with billing reason `initial` — is counted once (billing/lemonsqueezy-first-payment.ts). An
 * order names no subscription; the link comes from a subscription event (`billingLsqSubscription`).
 */
export const billingLsqOrder = pgTable(
  'billing_lsq_order',
  {
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspace.id, { onDelete: 'cascade' }),
    orderId: text('order_id').notNull(),
    customerId: text('customer_id'),
    currency: text('currency'),
    /** The sale recorded from `order_created` (`lemonsqueezy:sale:lsq_order_<id>`), if any. */
    saleConversionId: text('sale_conversion_id'),
    /** Highest cumulative refunded amount an `order_refunded` of this order carried, and when. */
    refundedMinor: bigint('refunded_minor', { mode: 'bigint' }),
    refundedAt: ts('refunded_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: 'billing_lsq_order_pk', columns: [t.workspaceId, t.orderId] })],
);

/**
 * Lemon Squeezy: a subscription, the order that created it (from any subscription event:
 * `subscription_created`, `subscription_updated`, …) and its initial invoice, with which of the two
 * records counts as its first payment (`first_ref`: `lsq_order_<id>` or `lsq_subinv_<id>`) and,
 * when both had been recorded before the link was known, the reversal that undid the invoice's.
 */
export const billingLsqSubscription = pgTable(
  'billing_lsq_subscription',
  {
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspace.id, { onDelete: 'cascade' }),
    subscriptionId: text('subscription_id').notNull(),
    orderId: text('order_id'),
    customerId: text('customer_id'),
    productId: text('product_id'),
    /** The initial invoice (`billing_reason` = `initial`) and what it said. */
    invoiceId: text('invoice_id'),
    invoiceCustomerId: text('invoice_customer_id'),
    invoiceCurrency: text('invoice_currency'),
    invoiceTotalMinor: bigint('invoice_total_minor', { mode: 'bigint' }),
    invoicePaidAt: ts('invoice_paid_at'),
    /** The sale recorded from the initial invoice under its own reference (`lsq_subinv_<id>`), if any. */
    invoiceConversionId: text('invoice_conversion_id'),
    /** Highest cumulative refunded amount a `subscription_payment_refunded` of the initial invoice carried, and when. */
    invoiceRefundedMinor: bigint('invoice_refunded_minor', { mode: 'bigint' }),
    invoiceRefundedAt: ts('invoice_refunded_at'),
    firstRef: text('first_ref'),
    duplicateConversionId: text('duplicate_conversion_id'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'billing_lsq_subscription_pk', columns: [t.workspaceId, t.subscriptionId] }),
    index('billing_lsq_subscription_ws_order_idx').on(t.workspaceId, t.orderId),
  ],
);
