/**
 * Provider events → conversions. Pure functions: a verified, parsed webhook body in, the facts
 * OpenPRM records out (`ConversionInput`s, without the endpoint's default program). Nothing
 * here reads the clock or the database, so the same event always normalizes the same way —
 * which is what makes replays and out-of-order deliveries converge (docs/billing-webhooks.md).
 *
 * Reference scheme (`externalRef` of a sale = `originalRef` of what reverses it):
 * - Stripe: the PaymentIntent id when the object names one (`pi_…`), else the Charge id (`ch_…`),
 *   else the Invoice / Checkout Session id (an invoice's `payments` do not change it). Refunds and disputes name their PaymentIntent, else their
 *   charge — matching the sale whichever arrives first. From API 2025-03-31 ("basil") invoices
 *   name neither (unless `payments` is included) and charges no longer name their invoice: the
 *   `invoice_payment.paid` event (and an invoice's `payments`) give `links` instead, which
 *   billing/stripe-links.ts stores and follows so such a refund still finds its invoice's sale.
 *   Idempotency keys name the business object (`stripe:sale:in_…`), so `invoice.paid` and
 *   `invoice.payment_succeeded` for one invoice record one sale.
 * - Paddle: the transaction id (`txn_…`); adjustments reverse `transaction_id`.
 * - Lemon Squeezy: `lsq_order_<id>` / `lsq_subinv_<id>`.
 */
import type { TransferReversal } from '../payouts/reversals.ts';
import type { ConversionInput, ConversionKind } from '../tracking/conversions.ts';
import type { Provider } from './signatures.ts';
import { STRIPE_TRANSFER_TYPES, stripeTransferReversal } from './stripe-transfers.ts';

/** Metadata / custom-data keys we read attribution hints from (documented in docs/billing-webhooks.md). */
export const PARTNER_CODE_KEYS = ['openprm_partner', 'openprm_partner_code', 'partner_code', 'ref'] as const;
export const CLICK_ID_KEYS = ['openprm_click', 'opc', 'openprm_click_id'] as const;

export type BillingConversion = Omit<ConversionInput, 'programId'>;

export interface NormalizedEvent {
  /** The provider's event id (Stripe `evt_…`, Paddle `evt_…`, Lemon Squeezy: derived, see below). */
  providerEventId: string;
  type: string;
  livemode: boolean | null;
  conversions: BillingConversion[];
  /** Set when the event changes nothing for us (a type we don't use, a pending adjustment, no money). */
  ignoredReason: string | null;
  /** Stripe (API 2025-03-31+): which PaymentIntent / Charge paid which invoice (billing/stripe-links.ts). */
  links?: StripePaymentLink[];
  /** Stripe Connect: a reversal of the transfer that paid a partner payout (billing/stripe-transfers.ts → payouts/reversals.ts). */
  transferReversal?: TransferReversal;
}

/** An invoice ↔ payment link from an `invoice_payment` (the `invoice_payment.paid` event, or an invoice's `payments`). */
export interface StripePaymentLink {
  invoice: string;
  /** The PaymentIntent (`pi_…`), else the Charge (`ch_…`): the id a refund or dispute of that payment names. */
  payment: string;
  /** The InvoicePayment id (`inpay_…`), when the payload has one. */
  invoicePayment: string | null;
}

/** The body is not an event of that provider (no id / type): answered 400 and not stored. */
export class MalformedEvent extends Error {}

// ───────────────────────────── helpers ─────────────────────────────

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const obj = (v: unknown): Obj => (isObj(v) ? v : {});
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : typeof v === 'number' ? String(v) : null);
/** An id field that may be expanded into an object. */
const ref = (v: unknown): string | null => (isObj(v) ? str(v.id) : str(v));
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : isObj(v) && Array.isArray(v.data) ? v.data : []);

/** An integer amount sent as a number or a digit string; anything else → null. */
export function intAmount(v: unknown): bigint | null {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
  if (typeof v === 'string' && /^-?\d{1,18}$/.test(v.trim())) return BigInt(v.trim());
  return null;
}

const unix = (v: unknown): Date | null => (typeof v === 'number' && Number.isFinite(v) ? new Date(v * 1000) : null);
const iso = (v: unknown): Date | null => {
  if (typeof v !== 'string') return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
};

/**
 * Stripe sends amounts in its own minor units. They equal ISO 4217 minor units (platform/money.ts)
 * except for currencies Stripe treats as zero-decimal while ISO gives them two decimals (MGA):
 * multiply those by 100. (ISK stays two-decimal in Stripe's API, as in money.ts; three-decimal
 * currencies — BHD, JOD, KWD, OMR, TND — match.)
 */
const STRIPE_ZERO_DECIMAL_ISO_TWO = new Set(['MGA']);
export function stripeAmount(amount: bigint, currency: string): bigint {
  return STRIPE_ZERO_DECIMAL_ISO_TWO.has(currency) ? amount * 100n : amount;
}

function hints(...sources: unknown[]): { partnerCode: string | null; clickId: string | null } {
  let partnerCode: string | null = null;
  let clickId: string | null = null;
  for (const source of sources) {
    const m = obj(source);
    for (const k of CLICK_ID_KEYS) clickId ??= str(m[k])?.trim() ?? null;
    for (const k of PARTNER_CODE_KEYS) partnerCode ??= str(m[k])?.trim() ?? null;
  }
  return { partnerCode, clickId };
}

const upper = (v: unknown): string | null => str(v)?.toUpperCase() ?? null;

function ignored(providerEventId: string, type: string, livemode: boolean | null, reason: string): NormalizedEvent {
  return { providerEventId, type, livemode, conversions: [], ignoredReason: reason };
}

// ───────────────────────────── Stripe ─────────────────────────────

export const STRIPE_TYPES = [
  'checkout.session.completed',
  'invoice.paid',
  'invoice.payment_succeeded',
  'charge.refunded',
  'charge.dispute.created',
  'charge.dispute.closed',
  'customer.subscription.deleted',
  'invoice_payment.paid',
  ...STRIPE_TRANSFER_TYPES,
] as const;

/**
 * The links of paid InvoicePayments: `payment.payment_intent` (type `payment_intent`), else
 * `payment.charge` (type `charge`: a charge without PaymentIntent); previews also put `payment_intent`
 * / `charge` at the top level. A `payment_record` payment, or one not `paid`, links nothing.
 */
export function stripeInvoicePaymentLinks(payments: unknown[], invoiceId: string | null = null): StripePaymentLink[] {
  const out: StripePaymentLink[] = [];
  for (const p of payments.map(obj)) {
    const status = str(p.status);
    if (status !== null && status !== 'paid') continue;
    const payment = obj(p.payment);
    const invoice = ref(p.invoice) ?? invoiceId;
    const target = ref(payment.payment_intent) ?? ref(p.payment_intent) ?? ref(payment.charge) ?? ref(p.charge);
    if (!invoice || !target || !/^(pi|ch|py)_/.test(target)) continue;
    if (!out.some((l) => l.invoice === invoice && l.payment === target)) out.push({ invoice, payment: target, invoicePayment: str(p.id) });
  }
  return out;
}

function stripeRecurring(billingReason: string | null): boolean | null {
  switch (billingReason) {
    case 'subscription_create':
    case 'manual':
    case 'quote_accept':
      return false;
    case 'subscription_cycle':
    case 'subscription_update':
    case 'subscription_threshold':
    case 'subscription':
      return true;
    default:
      return null;
  }
}

/** The product of an invoice line: older shapes have `price.product`, 2025+ `pricing.price_details.product`. */
function stripeLineProduct(line: Obj): string | null {
  const price = obj(line.price);
  const plan = obj(line.plan);
  const details = obj(obj(line.pricing).price_details);
  return ref(price.product) ?? ref(plan.product) ?? ref(details.product) ?? ref(line.price) ?? ref(details.price) ?? null;
}

function normalizeStripeInvoice(o: Obj, eventCreated: Date | null): { conversion: BillingConversion | null; reason: string | null } {
  const invoiceId = str(o.id);
  const currency = upper(o.currency);
  const paid = intAmount(o.amount_paid);
  if (!invoiceId) return { conversion: null, reason: 'invoice without id' };
  const parent = obj(o.parent);
  const parentSub = obj(parent.subscription_details);
  const legacySub = obj(o.subscription_details);
  const lines = arr(o.lines).map(obj);
  const firstLine = lines[0] ?? {};
  const lineSub = ref(firstLine.subscription) ?? ref(obj(obj(firstLine.parent).subscription_item_details).subscription);
  const subscriptionRef = ref(o.subscription) ?? ref(parentSub.subscription) ?? lineSub ?? null;
  const h = hints(o.metadata, legacySub.metadata, parentSub.metadata, ...lines.map((l) => l.metadata));
  // 2025+ invoices drop `payment_intent` / `charge`; `payments` (when expanded) still names them, but
  // such a sale keeps the invoice id as its reference: `invoice.paid` and `invoice.payment_succeeded`
  // of one invoice may differ in carrying `payments`, and the one sale must not depend on which came
  // first. Its payments become links (stripe-links.ts) that lead their refunds to the invoice's sale.
  const namedIntent = ref(o.payment_intent);
  const namedCharge = ref(o.charge);
  const payment = obj(obj(arr(o.payments).map(obj)[0]).payment);
  const paymentIntent = namedIntent ?? ref(payment.payment_intent);
  const charge = namedCharge ?? ref(payment.charge);
  const occurredAt = unix(obj(o.status_transitions).paid_at) ?? unix(o.created) ?? eventCreated ?? new Date(0);
  const billingReason = str(o.billing_reason);
  const customer = { externalId: ref(o.customer), email: str(o.customer_email), name: str(o.customer_name), country: str(obj(o.customer_address).country) };
  if (!currency || paid === null) return { conversion: null, reason: 'invoice without amount_paid / currency' };
  const details = {
    provider: 'stripe',
    invoice: invoiceId,
    paymentIntent,
    charge,
    billingReason,
    refs: [paymentIntent, charge, invoiceId].filter(Boolean),
    ...(h.partnerCode || h.clickId ? { hints: h } : {}),
  };
  if (paid === 0n) {
    // A trial or fully discounted invoice: no money, but it may still carry who referred the customer.
    if (!h.partnerCode && !h.clickId) return { conversion: null, reason: 'nothing was paid (amount_paid is 0)' };
    return {
      reason: null,
      conversion: {
        kind: 'lead', source: 'stripe', idempotencyKey: `stripe:lead:${invoiceId}`, externalRef: invoiceId, originalRef: null, subscriptionRef,
        amount: null, product: stripeLineProduct(firstLine), recurring: null, occurredAt, customer, clickId: h.clickId, partnerCode: h.partnerCode, details,
      },
    };
  }
  return {
    reason: null,
    conversion: {
      kind: 'sale',
      source: 'stripe',
      idempotencyKey: `stripe:sale:${invoiceId}`,
      externalRef: namedIntent ?? namedCharge ?? invoiceId,
      originalRef: null,
      subscriptionRef,
      amount: { amountMinor: stripeAmount(paid, currency), currency },
      product: stripeLineProduct(firstLine),
      recurring: stripeRecurring(billingReason),
      occurredAt,
      customer,
      clickId: h.clickId,
      partnerCode: h.partnerCode,
      details,
    },
  };
}

/** The sale a charge belongs to, by the reference scheme above: its PaymentIntent, else the charge itself. */
function stripeChargeOriginal(charge: Obj): string | null {
  return ref(charge.payment_intent) ?? str(charge.id);
}

export function normalizeStripe(event: unknown): NormalizedEvent {
  const e = obj(event);
  const id = str(e.id);
  const type = str(e.type);
  if (!id || !type || (e.object !== undefined && e.object !== 'event')) throw new MalformedEvent('not a Stripe event (needs id, type and data.object)');
  const o = obj(obj(e.data).object);
  if (!isObj(obj(e.data).object)) throw new MalformedEvent('not a Stripe event (needs id, type and data.object)');
  const livemode = typeof e.livemode === 'boolean' ? e.livemode : null;
  const created = unix(e.created);
  const done = (c: BillingConversion | null, reason: string | null): NormalizedEvent =>
    c ? { providerEventId: id, type, livemode, conversions: [c], ignoredReason: null } : ignored(id, type, livemode, reason ?? 'nothing to record');

  switch (type) {
    case 'checkout.session.completed': {
      const mode = str(o.mode);
      const sessionId = str(o.id);
      if (!sessionId) return done(null, 'session without id');
      const details = obj(o.customer_details);
      const clientRef = str(o.client_reference_id)?.trim() ?? null;
      const h = hints(o.metadata);
      // client_reference_id: a click id (clk_…) when it looks like one, else a partner / link code.
      const clickId = h.clickId ?? (clientRef?.startsWith('clk_') ? clientRef : null);
      const partnerCode = h.partnerCode ?? (clientRef && !clientRef.startsWith('clk_') && /^[\w-]{2,64}$/.test(clientRef) ? clientRef : null);
      const customer = { externalId: ref(o.customer), email: str(details.email) ?? str(o.customer_email), name: str(details.name), country: str(obj(details.address).country) };
      const occurredAt = created ?? unix(o.created) ?? new Date(0);
      const currency = upper(o.currency);
      const total = intAmount(o.amount_total);
      const invoiceId = ref(o.invoice);
      const paymentIntent = ref(o.payment_intent);
      const base = {
        source: 'stripe' as const, originalRef: null, subscriptionRef: ref(o.subscription), product: null, occurredAt, customer, clickId, partnerCode,
        details: { provider: 'stripe', checkoutSession: sessionId, mode, clientReferenceId: clientRef, invoice: invoiceId, paymentIntent, refs: [paymentIntent, invoiceId, sessionId].filter(Boolean) },
      };
      // Subscriptions are paid by their invoice (invoice.paid records the sale), setup mode moves no
      // money, and a payment with an invoice is recorded from that invoice: the session binds the customer.
      const isSale = mode === 'payment' && !invoiceId && str(o.payment_status) === 'paid' && currency && total !== null && total > 0n;
      if (isSale) {
        return done({ ...base, kind: 'sale', idempotencyKey: `stripe:sale:${paymentIntent ?? sessionId}`, externalRef: paymentIntent ?? sessionId, amount: { amountMinor: stripeAmount(total, currency), currency }, recurring: false }, null);
      }
      if (!customer.externalId && !customer.email) return done(null, `checkout in ${mode ?? 'unknown'} mode without a customer or email: nothing to bind`);
      return done({ ...base, kind: 'lead', idempotencyKey: `stripe:lead:${sessionId}`, externalRef: sessionId, amount: null, recurring: null }, null);
    }
    case 'invoice.paid':
    case 'invoice.payment_succeeded': {
      const r = normalizeStripeInvoice(o, created);
      const links = stripeInvoicePaymentLinks(arr(o.payments), str(o.id));
      return links.length ? { ...done(r.conversion, r.reason), links } : done(r.conversion, r.reason);
    }
    case 'invoice_payment.paid': {
      // No money of its own (the invoice's event records the sale): it names the payment that paid the invoice.
      const links = stripeInvoicePaymentLinks([o]);
      if (links.length === 0) return done(null, 'invoice payment without invoice, PaymentIntent or Charge, or not paid');
      return { providerEventId: id, type, livemode, conversions: [], ignoredReason: null, links };
    }
    case 'charge.refunded': {
      const chargeId = str(o.id);
      const currency = upper(o.currency);
      const refunded = intAmount(o.amount_refunded);
      if (!chargeId || !currency || refunded === null) return done(null, 'charge without id, currency or amount_refunded');
      const previous = intAmount(obj(obj(e.data).previous_attributes).amount_refunded);
      const delta = refunded - (previous ?? 0n);
      if (delta <= 0n) return done(null, 'no new refunded amount');
      const billing = obj(o.billing_details);
      return done(
        {
          kind: 'refund',
          source: 'stripe',
          // amount_refunded is cumulative: one key per cumulative state, so each partial refund counts once.
          idempotencyKey: `stripe:refund:${chargeId}:${refunded}`,
          externalRef: chargeId,
          originalRef: stripeChargeOriginal(o),
          subscriptionRef: null,
          amount: { amountMinor: stripeAmount(delta, currency), currency },
          product: null,
          recurring: null,
          occurredAt: created ?? unix(o.created) ?? new Date(0),
          customer: { externalId: ref(o.customer), email: str(billing.email) ?? str(o.receipt_email), name: str(billing.name), country: str(obj(billing.address).country) },
          clickId: hints(o.metadata).clickId,
          partnerCode: hints(o.metadata).partnerCode,
          // (refundedBefore, refundedTotal], in our minor units, is the step of the charge's cumulative refunded
          // amount this event reports; billing/cumulative-refunds.ts records what no recorded refund covers.
          details: {
            provider: 'stripe',
            charge: chargeId,
            paymentIntent: ref(o.payment_intent),
            invoice: ref(o.invoice),
            amountRefundedTotal: refunded.toString(),
            refundedTotal: stripeAmount(refunded, currency).toString(),
            ...(previous === null ? {} : { refundedBefore: stripeAmount(previous, currency).toString() }),
            fullyRefunded: o.refunded === true,
          },
        },
        null,
      );
    }
    case 'charge.dispute.created':
    case 'charge.dispute.closed': {
      const chargeId = ref(o.charge);
      const disputeId = str(o.id) ?? (chargeId ? `dispute-of-${chargeId}` : null);
      const currency = upper(o.currency);
      const amount = intAmount(o.amount);
      const status = str(o.status);
      if (!disputeId || !currency || amount === null) return done(null, 'dispute without id / charge, currency or amount');
      let kind: ConversionKind = 'dispute_opened';
      if (type === 'charge.dispute.closed') {
        if (status === 'won' || status === 'warning_closed') kind = 'dispute_won';
        else if (status === 'lost') kind = 'dispute_lost';
        else return done(null, `dispute closed with status ${status ?? 'unknown'}`);
      }
      return done(
        {
          kind,
          source: 'stripe',
          idempotencyKey: `stripe:${kind}:${disputeId}`,
          externalRef: disputeId,
          originalRef: ref(o.payment_intent) ?? chargeId,
          subscriptionRef: null,
          amount: { amountMinor: stripeAmount(amount, currency), currency },
          product: null,
          recurring: null,
          occurredAt: created ?? unix(o.created) ?? new Date(0),
          customer: {},
          details: { provider: 'stripe', dispute: disputeId, charge: chargeId, paymentIntent: ref(o.payment_intent), status, reason: str(o.reason) },
        },
        null,
      );
    }
    case 'customer.subscription.deleted': {
      const subId = str(o.id);
      if (!subId) return done(null, 'subscription without id');
      const items = arr(o.items).map(obj);
      return done(
        {
          kind: 'cancellation',
          source: 'stripe',
          idempotencyKey: `stripe:cancellation:${subId}`,
          externalRef: subId,
          originalRef: null,
          subscriptionRef: subId,
          amount: null,
          product: items[0] ? stripeLineProduct(items[0]) : null,
          recurring: null,
          occurredAt: unix(o.ended_at) ?? unix(o.canceled_at) ?? created ?? new Date(0),
          customer: { externalId: ref(o.customer) },
          clickId: hints(o.metadata).clickId,
          partnerCode: hints(o.metadata).partnerCode,
          details: { provider: 'stripe', subscription: subId, status: str(o.status), cancellationReason: str(obj(o.cancellation_details).reason) },
        },
        null,
      );
    }
    case 'transfer.reversed':
    case 'transfer.updated': {
      const fact = stripeTransferReversal({ id, type, created }, o, stripeAmount);
      return fact.reversal ? { providerEventId: id, type, livemode, conversions: [], ignoredReason: null, transferReversal: fact.reversal } : ignored(id, type, livemode, fact.ignoredReason);
    }
    default:
      return ignored(id, type, livemode, `Stripe event type ${type} is not used by OpenPRM`);
  }
}

// ───────────────────────────── Paddle Billing ─────────────────────────────

export const PADDLE_TYPES = ['transaction.completed', 'transaction.paid', 'adjustment.created', 'adjustment.updated', 'subscription.canceled'] as const;

const PADDLE_ADJUSTMENT_KINDS: Record<string, ConversionKind> = {
  refund: 'refund',
  credit: 'refund',
  chargeback: 'dispute_lost',
  chargeback_warning: 'dispute_opened',
  chargeback_reverse: 'dispute_won',
};

export function normalizePaddle(event: unknown): NormalizedEvent {
  const e = obj(event);
  const id = str(e.event_id) ?? str(e.notification_id);
  const type = str(e.event_type);
  if (!id || !type || !isObj(e.data)) throw new MalformedEvent('not a Paddle Billing notification (needs event_id, event_type and data)');
  const d = e.data;
  const occurred = iso(e.occurred_at);
  const done = (c: BillingConversion | null, reason: string | null): NormalizedEvent =>
    c ? { providerEventId: id, type, livemode: null, conversions: [c], ignoredReason: null } : ignored(id, type, null, reason ?? 'nothing to record');

  switch (type) {
    case 'transaction.paid':
      // The same payment completes moments later (transaction.completed, with its invoice): recorded once, there.
      return done(null, 'recorded from transaction.completed, which follows for the same transaction');
    case 'transaction.completed': {
      const txnId = str(d.id);
      const totals = obj(obj(d.details).totals);
      const currency = upper(totals.currency_code) ?? upper(d.currency_code);
      const amount = intAmount(totals.grand_total) ?? intAmount(totals.total);
      if (!txnId || !currency || amount === null) return done(null, 'transaction without id, currency or totals');
      if (amount <= 0n) return done(null, 'nothing was paid (grand_total is 0)');
      const origin = str(d.origin);
      const items = arr(d.items).map(obj);
      const lineItems = arr(obj(d.details).line_items).map(obj);
      const product = str(obj(lineItems[0]?.product).id) ?? str(obj(items[0]?.price).product_id) ?? null;
      const h = hints(d.custom_data);
      const address = obj(d.address);
      return done(
        {
          kind: 'sale',
          source: 'paddle',
          idempotencyKey: `paddle:sale:${txnId}`,
          externalRef: txnId,
          originalRef: null,
          subscriptionRef: str(d.subscription_id),
          amount: { amountMinor: amount, currency },
          product,
          recurring: origin === 'subscription_recurring' ? true : origin === 'web' || origin === 'api' || origin === 'subscription_charge' ? false : null,
          occurredAt: iso(d.billed_at) ?? iso(d.created_at) ?? occurred ?? new Date(0),
          customer: { externalId: str(d.customer_id), country: str(address.country_code) },
          clickId: h.clickId,
          partnerCode: h.partnerCode,
          details: { provider: 'paddle', transaction: txnId, origin, invoiceNumber: str(d.invoice_number), subtotal: str(totals.subtotal), tax: str(totals.tax) },
        },
        null,
      );
    }
    case 'adjustment.created':
    case 'adjustment.updated': {
      const adjId = str(d.id);
      const action = str(d.action);
      const status = str(d.status);
      const totals = obj(d.totals);
      const currency = upper(totals.currency_code) ?? upper(d.currency_code);
      const amount = intAmount(totals.total);
      if (!adjId || !action) return done(null, 'adjustment without id or action');
      const kind = PADDLE_ADJUSTMENT_KINDS[action];
      if (!kind) return done(null, `adjustment action ${action} is not used by OpenPRM`);
      if (status !== 'approved') return done(null, `adjustment is ${status ?? 'without status'}; only approved adjustments apply`);
      if (!currency || amount === null || amount <= 0n) return done(null, 'adjustment without currency or amount');
      return done(
        {
          kind,
          source: 'paddle',
          idempotencyKey: `paddle:${kind}:${adjId}`,
          externalRef: adjId,
          originalRef: str(d.transaction_id),
          subscriptionRef: str(d.subscription_id),
          amount: { amountMinor: amount, currency },
          product: null,
          recurring: null,
          occurredAt: iso(d.created_at) ?? occurred ?? new Date(0),
          customer: { externalId: str(d.customer_id) },
          details: { provider: 'paddle', adjustment: adjId, action, reason: str(d.reason), transaction: str(d.transaction_id) },
        },
        null,
      );
    }
    case 'subscription.canceled': {
      const subId = str(d.id);
      if (!subId) return done(null, 'subscription without id');
      const items = arr(d.items).map(obj);
      const h = hints(d.custom_data);
      return done(
        {
          kind: 'cancellation',
          source: 'paddle',
          idempotencyKey: `paddle:cancellation:${subId}`,
          externalRef: subId,
          originalRef: null,
          subscriptionRef: subId,
          amount: null,
          product: str(obj(items[0]?.product).id) ?? str(obj(items[0]?.price).product_id) ?? null,
          recurring: null,
          occurredAt: iso(d.canceled_at) ?? occurred ?? new Date(0),
          customer: { externalId: str(d.customer_id) },
          clickId: h.clickId,
          partnerCode: h.partnerCode,
          details: { provider: 'paddle', subscription: subId },
        },
        null,
      );
    }
    default:
      return ignored(id, type, null, `Paddle event type ${type} is not used by OpenPRM`);
  }
}

// ───────────────────────────── Lemon Squeezy ─────────────────────────────

export const LEMONSQUEEZY_TYPES = ['order_created', 'order_refunded', 'subscription_payment_success', 'subscription_payment_refunded'] as const;

/**
 * Lemon Squeezy events carry no event id: we derive one from the event name, the object and its
 * `updated_at` (a retry re-sends the same body, so it gets the same id).
 */
export function normalizeLemonSqueezy(event: unknown): NormalizedEvent {
  const e = obj(event);
  const meta = obj(e.meta);
  const data = obj(e.data);
  const type = str(meta.event_name);
  const objectId = str(data.id);
  const objectType = str(data.type);
  if (!type || !objectId || !objectType || !isObj(data.attributes)) throw new MalformedEvent('not a Lemon Squeezy webhook (needs meta.event_name and data.type / id / attributes)');
  const a = data.attributes;
  const refunded = str(a.refunded_amount);
  const providerEventId = [type, objectType, objectId, str(a.updated_at) ?? str(a.created_at), refunded && refunded !== '0' ? `refunded-${refunded}` : null].filter(Boolean).join(':');
  const livemode = typeof a.test_mode === 'boolean' ? !a.test_mode : typeof meta.test_mode === 'boolean' ? !meta.test_mode : null;
  const h = hints(meta.custom_data);
  const currency = upper(a.currency);
  const customer = { externalId: str(a.customer_id) ? `lemonsqueezy:${str(a.customer_id)}` : null, email: str(a.user_email), name: str(a.user_name) };
  const ref = objectType === 'orders' ? `lsq_order_${objectId}` : `lsq_subinv_${objectId}`;
  const subscriptionRef = str(a.subscription_id) ? `lsq_sub_${str(a.subscription_id)}` : null;
  const product = str(obj(a.first_order_item).product_id) ?? null;
  const done = (c: BillingConversion | null, reason: string | null): NormalizedEvent =>
    c ? { providerEventId, type, livemode, conversions: [c], ignoredReason: null } : ignored(providerEventId, type, livemode, reason ?? 'nothing to record');

  switch (type) {
    case 'order_created':
    case 'subscription_payment_success': {
      const total = intAmount(a.total);
      if (!currency || total === null) return done(null, 'without currency or total');
      if (total <= 0n) return done(null, 'nothing was paid (total is 0)');
      if (str(a.status) !== 'paid') return done(null, `status is ${str(a.status) ?? 'unknown'}, not paid`);
      const billingReason = str(a.billing_reason);
      return done(
        {
          kind: 'sale',
          source: 'lemonsqueezy',
          idempotencyKey: `lemonsqueezy:sale:${ref}`,
          externalRef: ref,
          originalRef: null,
          subscriptionRef,
          amount: { amountMinor: total, currency },
          product,
          recurring: type === 'order_created' ? false : billingReason === 'renewal' ? true : billingReason === 'initial' ? false : null,
          occurredAt: iso(a.created_at) ?? new Date(0),
          customer,
          clickId: h.clickId,
          partnerCode: h.partnerCode,
          details: { provider: 'lemonsqueezy', object: `${objectType}/${objectId}`, billingReason, subtotal: str(a.subtotal), tax: str(a.tax), orderNumber: str(a.order_number) },
        },
        null,
      );
    }
    case 'order_refunded':
    case 'subscription_payment_refunded': {
      const refunded = intAmount(a.refunded_amount) ?? (a.refunded === true ? intAmount(a.total) : null);
      if (!currency || refunded === null || refunded <= 0n) return done(null, 'without currency or refunded amount');
      return done(
        {
          kind: 'refund',
          source: 'lemonsqueezy',
          // refunded_amount is cumulative: one key per cumulative state.
          idempotencyKey: `lemonsqueezy:refund:${ref}:${refunded}`,
          externalRef: `${ref}:refund:${refunded}`,
          originalRef: ref,
          subscriptionRef,
          amount: { amountMinor: refunded, currency },
          product,
          recurring: null,
          occurredAt: iso(a.refunded_at) ?? iso(a.updated_at) ?? new Date(0),
          customer,
          clickId: h.clickId,
          partnerCode: h.partnerCode,
          details: { provider: 'lemonsqueezy', object: `${objectType}/${objectId}`, refundedTotal: refunded.toString() },
        },
        null,
      );
    }
    default:
      return done(null, `Lemon Squeezy event ${type} is not used by OpenPRM`);
  }
}

export function normalize(provider: Provider, event: unknown): NormalizedEvent {
  switch (provider) {
    case 'stripe':
      return normalizeStripe(event);
    case 'paddle':
      return normalizePaddle(event);
    case 'lemonsqueezy':
      return normalizeLemonSqueezy(event);
  }
}

/** JSON-safe copy of the normalized conversions, for the billing_event row and the API. */
export function normalizedToJson(conversions: BillingConversion[]): Record<string, unknown>[] {
  return conversions.map((c) => ({
    kind: c.kind,
    idempotencyKey: c.idempotencyKey,
    externalRef: c.externalRef,
    originalRef: c.originalRef,
    subscriptionRef: c.subscriptionRef,
    amount: c.amount ? { amountMinor: c.amount.amountMinor.toString(), currency: c.amount.currency } : null,
    product: c.product,
    recurring: c.recurring,
    occurredAt: c.occurredAt.toISOString(),
    customer: c.customer,
    clickId: c.clickId ?? null,
    partnerCode: c.partnerCode ?? null,
  }));
}
