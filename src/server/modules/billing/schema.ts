// Tables of the billing module: webhook endpoints (one per provider account), the events they received, and Stripe invoice ↔ payment links.
import { sql } from 'drizzle-orm';
import { index, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
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
