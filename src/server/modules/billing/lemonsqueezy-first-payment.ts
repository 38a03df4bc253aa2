/**
 * Lemon Squeezy sends the first payment of a new subscription twice: as `order_created` (the
 * checkout's order) and as `subscription_payment_success` (the subscription's invoice with
 * `billing_reason` = `initial`). It is one payment and must be one sale. Neither payload names the
 * other: an order names no subscription and an invoice no order. Only a subscription object
 * (`subscription_created`, and every other `subscription_*` event that sends one) says which order
 * created it (`order_id`). This file stores what is needed to connect them — per order and per
 * subscription, what billing recorded (`billing_lsq_order`, `billing_lsq_subscription`) — and
 * applies one rule whatever the arrival order:
 *
 * - **The first of the two to be recorded is the sale; the other is counted under it.** When the
 *   order and the initial invoice are known to be the same payment (the subscription event linked
 *   them, same Lemon Squeezy customer, same currency) and one was recorded, the other records
 *   nothing: its billing event is `applied` and points at that sale. No double is recorded
 *   whenever the link is known before the second of the two arrives.
 * - **When both were recorded before the link was known** (order and invoice first, the
 *   subscription event last), the invoice's sale is undone through the ledger: a refund conversion
 *   of its full amount (`lemonsqueezy:duplicate:lsq_subinv_<id>`, `details.correction`), which the
 *   commission accrual turns into a reversal of its commission (at once, or when that sale is
 *   accrued). The order's sale stays. Nothing is deleted.
 * - **Refunds of the first payment** (`order_refunded` of the order, `subscription_payment_refunded`
 *   of the initial invoice, or both) are recorded against the sale that counts
 *   (`lemonsqueezy:refund:<first ref>:<cumulative refunded>`), so the two events of one refund
 *   record one refund and the commission is reversed once, pro rata. A refund recorded before the
 *   link was known, against the record that does not count, is copied onto the one that counts
 *   under that same key when the link arrives (the original keeps waiting for a sale that never
 *   comes, or reverses the undone invoice sale, which is reversed in full anyway).
 *
 * Without any subscription event the two cannot be connected from the payloads: enable
 * `subscription_created` with `order_created` and `subscription_payment_success`
 * (docs/billing-webhooks.md). Renewals (`billing_reason` = `renewal`) and one-time orders are
 * recorded as before. Every Lemon Squeezy delivery takes a per-workspace transaction lock first, so
 * concurrent deliveries of the three events see each other's rows.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Executor, Tx } from '../../platform/db.ts';
import type { RecordedConversion } from '../tracking/conversions.ts';
import { type BillingConversion, intAmount, type NormalizedEvent } from './normalize.ts';
import { billingLsqOrder, billingLsqSubscription } from './schema.ts';

type Obj = Record<string, unknown>;
type OrderRow = typeof billingLsqOrder.$inferSelect;
type SubRow = typeof billingLsqSubscription.$inferSelect;
export type RecordFn = (c: BillingConversion) => Promise<RecordedConversion>;

/** What a Lemon Squeezy delivery changed for first payments; null from `applyLemonSqueezy` = nothing special, record as usual. */
export interface LsqOutcome {
  /** Conversions recorded by this delivery (its own, and any reversal / refund copy it caused). */
  recorded: RecordedConversion[];
  /** An already recorded sale this delivery's payment is counted under (recorded nothing of its own). */
  countedUnder: string[];
  note: string | null;
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : typeof v === 'number' ? String(v) : null);
const iso = (v: unknown): Date | null => {
  if (typeof v !== 'string') return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
};

export const orderRef = (id: string) => `lsq_order_${id}`;
export const invoiceRef = (id: string) => `lsq_subinv_${id}`;
const subscriptionRef = (id: string) => `lsq_sub_${id}`;
const customerRef = (id: string | null) => (id ? `lemonsqueezy:${id}` : null);

/** The facts of a Lemon Squeezy webhook this file uses, read from the verified payload (pure). */
export interface LsqFacts {
  event: string;
  object: 'order' | 'invoice' | 'subscription' | 'other';
  id: string;
  customerId: string | null;
  currency: string | null;
  total: bigint | null;
  /** Invoices: their subscription; subscriptions: themselves. */
  subscriptionId: string | null;
  /** Subscriptions: the order that created them. */
  orderId: string | null;
  productId: string | null;
  billingReason: string | null;
  createdAt: Date | null;
}

export function lemonSqueezyFacts(payload: unknown): LsqFacts | null {
  const e = isObj(payload) ? payload : {};
  const data = isObj(e.data) ? e.data : {};
  const a = isObj(data.attributes) ? data.attributes : null;
  const event = str(isObj(e.meta) ? e.meta.event_name : null);
  const id = str(data.id);
  const type = str(data.type);
  if (!a || !event || !id || !type) return null;
  const object = type === 'orders' ? 'order' : type === 'subscription-invoices' ? 'invoice' : type === 'subscriptions' ? 'subscription' : 'other';
  return {
    event,
    object,
    id,
    customerId: str(a.customer_id),
    currency: str(a.currency)?.toUpperCase() ?? null,
    total: intAmount(a.total),
    subscriptionId: object === 'subscription' ? id : object === 'invoice' ? str(a.subscription_id) : null,
    orderId: object === 'subscription' ? str(a.order_id) : object === 'order' ? id : null,
    productId: object === 'subscription' ? str(a.product_id) : null,
    billingReason: str(a.billing_reason),
    createdAt: iso(a.created_at),
  };
}

/** Taken first by every Lemon Squeezy delivery: the order, its subscription and its invoice are decided one at a time. */
export async function lockLemonSqueezy(tx: Executor, workspaceId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`billing-lemonsqueezy:${workspaceId}`}))`);
}

// ── state ──

/** Customer ids agree when both are known (a payment of another customer is never merged). */
const sameValue = (a: string | null, b: string | null) => a === null || b === null || a === b;
const orderOfSubscription = (order: OrderRow, sub: SubRow) => sameValue(order.customerId, sub.customerId);
const invoiceOfSubscription = (sub: SubRow) => sameValue(sub.invoiceCustomerId, sub.customerId);
/** The order and the initial invoice are the same payment: linked, same customer, same currency. */
const samePayment = (order: OrderRow, sub: SubRow) =>
  sub.orderId === order.orderId &&
  sub.invoiceId !== null &&
  orderOfSubscription(order, sub) &&
  invoiceOfSubscription(sub) &&
  sameValue(order.customerId, sub.invoiceCustomerId) &&
  sameValue(order.currency, sub.invoiceCurrency);

async function orderRow(tx: Executor, workspaceId: string, orderId: string): Promise<OrderRow | null> {
  const [row] = await tx
    .select()
    .from(billingLsqOrder)
    .where(and(eq(billingLsqOrder.workspaceId, workspaceId), eq(billingLsqOrder.orderId, orderId)));
  return row ?? null;
}

async function ensureOrder(tx: Executor, workspaceId: string, f: LsqFacts & { orderId: string }): Promise<OrderRow> {
  await tx.insert(billingLsqOrder).values({ workspaceId, orderId: f.orderId, customerId: f.customerId, currency: f.currency }).onConflictDoNothing();
  const row = (await orderRow(tx, workspaceId, f.orderId)) as OrderRow;
  const patch: Partial<OrderRow> = {};
  if (row.customerId === null && f.customerId) patch.customerId = f.customerId;
  if (row.currency === null && f.currency) patch.currency = f.currency;
  return saveOrder(tx, row, patch);
}

async function saveOrder(tx: Executor, row: OrderRow, patch: Partial<OrderRow>): Promise<OrderRow> {
  if (Object.keys(patch).length === 0) return row;
  await tx
    .update(billingLsqOrder)
    .set(patch)
    .where(and(eq(billingLsqOrder.workspaceId, row.workspaceId), eq(billingLsqOrder.orderId, row.orderId)));
  return { ...row, ...patch };
}

async function subscriptionRow(tx: Executor, workspaceId: string, subscriptionId: string): Promise<SubRow> {
  await tx.insert(billingLsqSubscription).values({ workspaceId, subscriptionId }).onConflictDoNothing();
  const [row] = await tx
    .select()
    .from(billingLsqSubscription)
    .where(and(eq(billingLsqSubscription.workspaceId, workspaceId), eq(billingLsqSubscription.subscriptionId, subscriptionId)));
  return row;
}

async function subscriptionOfOrder(tx: Executor, workspaceId: string, orderId: string): Promise<SubRow | null> {
  const [row] = await tx
    .select()
    .from(billingLsqSubscription)
    .where(and(eq(billingLsqSubscription.workspaceId, workspaceId), eq(billingLsqSubscription.orderId, orderId)))
    .orderBy(asc(billingLsqSubscription.subscriptionId))
    .limit(1);
  return row ?? null;
}

async function saveSubscription(tx: Executor, row: SubRow, patch: Partial<SubRow>): Promise<SubRow> {
  if (Object.keys(patch).length === 0) return row;
  await tx
    .update(billingLsqSubscription)
    .set(patch)
    .where(and(eq(billingLsqSubscription.workspaceId, row.workspaceId), eq(billingLsqSubscription.subscriptionId, row.subscriptionId)));
  return { ...row, ...patch };
}

/** The initial invoice's facts, kept the first time they are seen. */
function invoicePatch(row: SubRow, f: LsqFacts, amount: bigint | null): Partial<SubRow> {
  const patch: Partial<SubRow> = {};
  if (row.invoiceId === null) patch.invoiceId = f.id;
  if (row.invoiceCustomerId === null && f.customerId) patch.invoiceCustomerId = f.customerId;
  if (row.invoiceCurrency === null && f.currency) patch.invoiceCurrency = f.currency;
  if (row.invoiceTotalMinor === null && amount !== null) patch.invoiceTotalMinor = amount;
  if (row.invoicePaidAt === null && f.createdAt) patch.invoicePaidAt = f.createdAt;
  return patch;
}

const refundKey = (ref: string, cumulative: bigint) => `lemonsqueezy:refund:${ref}:${cumulative}`;

/** A refund of the first payment, recorded against the sale that counts (same key from either event). */
function refundAgainst(c: BillingConversion, target: string, named: string, sub: SubRow): BillingConversion {
  if (target === named) return c;
  const cumulative = c.amount?.amountMinor ?? 0n;
  return {
    ...c,
    idempotencyKey: refundKey(target, cumulative),
    externalRef: `${target}:refund:${cumulative}`,
    originalRef: target,
    subscriptionRef: c.subscriptionRef ?? subscriptionRef(sub.subscriptionId),
    details: { ...(c.details ?? {}), refundNamed: named, firstPaymentOf: subscriptionRef(sub.subscriptionId) },
  };
}

/**
 * Once a subscription's order is known: undoes the invoice's sale when both were recorded as sales
 * before the link was known, sets which record counts as the first payment, and copies onto it the
 * refunds recorded before against the other one. Idempotent (every conversion it records has a key
 * of its own; the state it writes is only ever filled in).
 */
async function resolve(tx: Tx, workspaceId: string, start: SubRow, record: RecordFn): Promise<{ sub: SubRow; recorded: RecordedConversion[]; note: string | null }> {
  let sub = start;
  const recorded: RecordedConversion[] = [];
  if (!sub.orderId || !sub.invoiceId) return { sub, recorded, note: null };
  const order = await orderRow(tx, workspaceId, sub.orderId);
  if (!order || !samePayment(order, sub)) return { sub, recorded, note: null };
  const oRef = orderRef(order.orderId);
  const iRef = invoiceRef(sub.invoiceId);
  let note: string | null = null;
  const patch: Partial<SubRow> = {};
  if (order.saleConversionId && sub.invoiceConversionId && !sub.duplicateConversionId) {
    // Both were recorded before anything said they are one payment: the order's sale counts; the invoice's is reversed in full.
    const amount = sub.invoiceTotalMinor !== null && sub.invoiceCurrency ? { amountMinor: sub.invoiceTotalMinor, currency: sub.invoiceCurrency } : null;
    const dup = await record({
      kind: 'refund',
      source: 'lemonsqueezy',
      idempotencyKey: `lemonsqueezy:duplicate:${iRef}`,
      externalRef: `${iRef}:duplicate`,
      originalRef: iRef,
      subscriptionRef: subscriptionRef(sub.subscriptionId),
      amount,
      product: null,
      recurring: null,
      occurredAt: sub.invoicePaidAt ?? new Date(0),
      customer: { externalId: customerRef(sub.invoiceCustomerId) },
      details: {
        provider: 'lemonsqueezy',
        correction: 'same_payment',
        sameAs: oRef,
        note: `the initial invoice ${sub.invoiceId} and order ${order.orderId} are one payment (the first of subscription ${sub.subscriptionId}); both were recorded before a subscription event linked them, so the invoice's sale is reversed and the order's counts`,
      },
    });
    recorded.push(dup);
    patch.duplicateConversionId = dup.id;
    patch.firstRef = oRef;
    note = `order ${order.orderId} and initial invoice ${sub.invoiceId} were both recorded before this link: the invoice's sale is reversed (conversion ${dup.id}), the order's counts`;
  }
  const first = patch.firstRef ?? sub.firstRef ?? (order.saleConversionId ? oRef : sub.invoiceConversionId ? iRef : null);
  if (first && !sub.firstRef && !patch.firstRef) patch.firstRef = first;
  sub = await saveSubscription(tx, sub, patch);
  if (!first) return { sub, recorded, note };
  // Refunds recorded earlier against the record that does not count: the same refund, against the one that does.
  const copies: { named: string; cumulative: bigint | null; at: Date | null; currency: string | null; customer: string | null }[] = [
    { named: oRef, cumulative: order.refundedMinor, at: order.refundedAt, currency: order.currency, customer: order.customerId },
    { named: iRef, cumulative: sub.invoiceRefundedMinor, at: sub.invoiceRefundedAt, currency: sub.invoiceCurrency, customer: sub.invoiceCustomerId },
  ];
  for (const c of copies) {
    if (c.named === first || c.cumulative === null || c.cumulative <= 0n || !c.currency) continue;
    const r = await record(
      refundAgainst(
        {
          kind: 'refund',
          source: 'lemonsqueezy',
          idempotencyKey: refundKey(c.named, c.cumulative),
          externalRef: `${c.named}:refund:${c.cumulative}`,
          originalRef: c.named,
          subscriptionRef: subscriptionRef(sub.subscriptionId),
          amount: { amountMinor: c.cumulative, currency: c.currency },
          product: null,
          recurring: null,
          occurredAt: c.at ?? new Date(0),
          customer: { externalId: customerRef(c.customer) },
          details: { provider: 'lemonsqueezy', refundedTotal: c.cumulative.toString(), copiedWhenLinked: true },
        },
        first,
        c.named,
        sub,
      ),
    );
    if (r.created) recorded.push(r);
  }
  return { sub, recorded, note };
}

// ── the events ──

async function onSubscription(tx: Tx, workspaceId: string, f: LsqFacts, record: RecordFn): Promise<LsqOutcome | null> {
  if (!f.subscriptionId || !f.orderId) return null;
  let sub = await subscriptionRow(tx, workspaceId, f.subscriptionId);
  const patch: Partial<SubRow> = {};
  if (sub.orderId === null) patch.orderId = f.orderId;
  if (sub.customerId === null && f.customerId) patch.customerId = f.customerId;
  if (sub.productId === null && f.productId) patch.productId = f.productId;
  sub = await saveSubscription(tx, sub, patch);
  if (sub.orderId !== f.orderId) return { recorded: [], countedUnder: [], note: `subscription ${f.subscriptionId} is already linked to order ${sub.orderId}; this event names order ${f.orderId} (kept the first)` };
  const r = await resolve(tx, workspaceId, sub, record);
  return {
    recorded: r.recorded,
    countedUnder: [],
    note: r.note ?? `links subscription ${f.subscriptionId} to order ${f.orderId}, so its first payment (the order and the initial invoice) is counted once; no money of its own`,
  };
}

async function onOrder(tx: Tx, workspaceId: string, f: LsqFacts, sale: BillingConversion | undefined, record: RecordFn): Promise<LsqOutcome | null> {
  let order = await ensureOrder(tx, workspaceId, { ...f, orderId: f.id });
  let sub = await subscriptionOfOrder(tx, workspaceId, f.id);
  if (sub && !orderOfSubscription(order, sub)) sub = null;
  if (!sale) return null;
  if (!order.saleConversionId && sub?.invoiceConversionId && samePayment(order, sub)) {
    // The initial invoice of its subscription was recorded first: the same payment, counted there.
    const counted = sub.invoiceConversionId;
    sub = await saveSubscription(tx, sub, sub.firstRef ? {} : { firstRef: invoiceRef(sub.invoiceId as string) });
    const r = await resolve(tx, workspaceId, sub, record);
    return {
      recorded: r.recorded,
      countedUnder: [counted],
      note: `the first payment of subscription ${sub.subscriptionId}: already recorded from its initial invoice ${sub.invoiceId}, so not counted twice`,
    };
  }
  const own = await record(sale);
  if (!order.saleConversionId) order = await saveOrder(tx, order, { saleConversionId: own.id });
  if (!sub) return { recorded: [own], countedUnder: [], note: null };
  const r = await resolve(tx, workspaceId, sub, record);
  return { recorded: [own, ...r.recorded], countedUnder: [], note: r.note };
}

async function onInitialInvoice(tx: Tx, workspaceId: string, f: LsqFacts, sale: BillingConversion | undefined, record: RecordFn): Promise<LsqOutcome | null> {
  if (!f.subscriptionId) return null;
  let sub = await subscriptionRow(tx, workspaceId, f.subscriptionId);
  if (sub.invoiceId !== null && sub.invoiceId !== f.id) return null; // another "initial" invoice of the subscription: recorded as it comes
  sub = await saveSubscription(tx, sub, invoicePatch(sub, f, sale?.amount?.amountMinor ?? null));
  if (!sale) return null;
  const order = sub.orderId ? await orderRow(tx, workspaceId, sub.orderId) : null;
  if (!sub.invoiceConversionId && order?.saleConversionId && samePayment(order, sub)) {
    // Its order was recorded first: the same payment, counted there.
    sub = await saveSubscription(tx, sub, sub.firstRef ? {} : { firstRef: orderRef(order.orderId) });
    const r = await resolve(tx, workspaceId, sub, record);
    return {
      recorded: r.recorded,
      countedUnder: [order.saleConversionId],
      note: `the first payment of subscription ${sub.subscriptionId}: already recorded from its order ${order.orderId}, so not counted twice`,
    };
  }
  // The subscription event names the product; the invoice does not.
  const linked = sub.orderId !== null && invoiceOfSubscription(sub);
  const own = await record(linked && !sale.product && sub.productId ? { ...sale, product: sub.productId } : sale);
  if (!sub.invoiceConversionId) sub = await saveSubscription(tx, sub, { invoiceConversionId: own.id });
  const r = await resolve(tx, workspaceId, sub, record);
  return { recorded: [own, ...r.recorded], countedUnder: [], note: r.note };
}

async function onOrderRefund(tx: Tx, workspaceId: string, f: LsqFacts, refund: BillingConversion | undefined, record: RecordFn): Promise<LsqOutcome | null> {
  let order = await ensureOrder(tx, workspaceId, { ...f, orderId: f.id });
  if (!refund?.amount) return null;
  const cumulative = refund.amount.amountMinor;
  if (order.refundedMinor === null || cumulative > order.refundedMinor) order = await saveOrder(tx, order, { refundedMinor: cumulative, refundedAt: refund.occurredAt });
  let sub = await subscriptionOfOrder(tx, workspaceId, f.id);
  if (sub && (!orderOfSubscription(order, sub) || (sub.invoiceId !== null && !samePayment(order, sub)))) sub = null;
  // Settle which record counts first, so the refund is recorded against it directly.
  const r = sub ? await resolve(tx, workspaceId, sub, record) : null;
  const named = orderRef(f.id);
  const target = r?.sub.firstRef ?? named;
  const own = await record(r ? refundAgainst(refund, target, named, r.sub) : refund);
  return {
    recorded: [own, ...(r?.recorded ?? []).filter((x) => x.id !== own.id)],
    countedUnder: [],
    note: target !== named ? `a refund of the first payment of subscription ${r?.sub.subscriptionId}, recorded against its sale (${target})` : (r?.note ?? null),
  };
}

async function onInitialInvoiceRefund(tx: Tx, workspaceId: string, f: LsqFacts, refund: BillingConversion | undefined, record: RecordFn): Promise<LsqOutcome | null> {
  if (!f.subscriptionId) return null;
  let sub = await subscriptionRow(tx, workspaceId, f.subscriptionId);
  if (sub.invoiceId !== null && sub.invoiceId !== f.id) return null;
  const total = f.total;
  sub = await saveSubscription(tx, sub, invoicePatch(sub, f, total));
  if (!refund?.amount) return null;
  const cumulative = refund.amount.amountMinor;
  if (sub.invoiceRefundedMinor === null || cumulative > sub.invoiceRefundedMinor) sub = await saveSubscription(tx, sub, { invoiceRefundedMinor: cumulative, invoiceRefundedAt: refund.occurredAt });
  const order = sub.orderId ? await orderRow(tx, workspaceId, sub.orderId) : null;
  const merged = sub.orderId !== null && invoiceOfSubscription(sub) && (order === null || samePayment(order, sub));
  // Settle which record counts first, so the refund is recorded against it directly.
  const r = await resolve(tx, workspaceId, sub, record);
  const named = invoiceRef(f.id);
  const target = merged ? (r.sub.firstRef ?? named) : named;
  const own = await record(refundAgainst(refund, target, named, r.sub));
  return {
    recorded: [own, ...r.recorded.filter((x) => x.id !== own.id)],
    countedUnder: [],
    note: target !== named ? `a refund of the first payment of subscription ${sub.subscriptionId}, recorded against its sale (${target})` : r.note,
  };
}

/**
 * Applies a Lemon Squeezy delivery's conversions with the first-payment rule (inside the event's
 * transaction, after `lockLemonSqueezy`). Returns null when the event is none of the five this
 * concerns (a renewal, another event type): the caller records its conversions as usual.
 */
export async function applyLemonSqueezy(tx: Tx, workspaceId: string, n: NormalizedEvent, payload: unknown, record: RecordFn): Promise<LsqOutcome | null> {
  const f = lemonSqueezyFacts(payload);
  if (!f) return null;
  const sale = n.conversions.find((c) => c.kind === 'sale');
  const refund = n.conversions.find((c) => c.kind === 'refund');
  if (f.object === 'subscription') return onSubscription(tx, workspaceId, f, record);
  if (f.object === 'order' && f.event === 'order_created') return onOrder(tx, workspaceId, f, sale, record);
  if (f.object === 'order' && f.event === 'order_refunded') return onOrderRefund(tx, workspaceId, f, refund, record);
  if (f.object === 'invoice' && f.billingReason === 'initial' && f.event === 'subscription_payment_success') return onInitialInvoice(tx, workspaceId, f, sale, record);
  if (f.object === 'invoice' && f.billingReason === 'initial' && f.event === 'subscription_payment_refunded') return onInitialInvoiceRefund(tx, workspaceId, f, refund, record);
  return null;
}
