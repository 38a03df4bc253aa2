import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MalformedEvent, STRIPE_TYPES, normalize, normalizeLemonSqueezy, normalizePaddle, normalizeStripe, stripeAmount } from './normalize.ts';
import { signLemonSqueezy, signPaddle, signStripe, verifyLemonSqueezy, verifyPaddle, verifyStripe } from './signatures.ts';
import { CORPORA_DIR, corporaAvailable, corpusEvents, stripeTriggerTypes } from './test-corpus.ts';

interface Expected {
  kind: string;
  key: string;
  externalRef: string | null;
  originalRef?: string | null;
  subscriptionRef?: string | null;
  amount?: [string, string] | null;
  recurring?: boolean | null;
  customer?: string | null;
  email?: string | null;
  partnerCode?: string | null;
  product?: string | null;
}

/** The invoice ↔ payment links a corpus payload must give (Stripe 2025-03-31+); every other payload gives none. */
const EXPECTED_LINKS: Record<string, { invoice: string; payment: string; invoicePayment: string | null }[]> = {
  'stripe-mock-openapi-fixtures/invoice_payment.paid#cycle': [{ invoice: 'in_sm_paid_cycle', payment: 'pi_sm_cycle', invoicePayment: 'inpay_sm_cycle' }],
  'stripe-mock-openapi-fixtures/invoice.paid#create_payments': [{ invoice: 'in_sm_paid_create', payment: 'pi_sm_create', invoicePayment: 'inpay_sm_create' }],
};

/** What each corpus payload must produce; every payload not listed (and without links) must be acknowledged and ignored. */
const EXPECTED: Record<string, Expected> = {
  // stripe-ruby-mock (2017–2020 shapes)
  'stripe-ruby-mock-webhook-events/checkout.session.completed.json': { kind: 'sale', key: 'stripe:sale:pi_000000000000000000000000', externalRef: 'pi_000000000000000000000000', amount: ['3000', 'USD'], recurring: false, customer: 'cus_00000000000000', email: 'stripe@example.com' },
  'stripe-ruby-mock-webhook-events/checkout.session.completed.payment_mode.json': { kind: 'sale', key: 'stripe:sale:pi_00000000000000', externalRef: 'pi_00000000000000', amount: ['25000', 'USD'], recurring: false, customer: 'cus_00000000000000' },
  'stripe-ruby-mock-webhook-events/invoice.paid.json': { kind: 'sale', key: 'stripe:sale:in_000000000000000000000000', externalRef: 'pi_000000000000000000000000', amount: ['2000', 'USD'], recurring: false, subscriptionRef: null, customer: 'cus_00000000000000', product: 'prod_00000000000000' },
  'stripe-ruby-mock-webhook-events/invoice.payment_succeeded.json': { kind: 'sale', key: 'stripe:sale:in_000000000000000000000000', externalRef: 'pi_000000000000000000000000', amount: ['2000', 'USD'], recurring: false },
  'stripe-ruby-mock-webhook-events/charge.refunded.json': { kind: 'refund', key: 'stripe:refund:ch_000000000000000000000000:100', externalRef: 'ch_000000000000000000000000', originalRef: 'ch_000000000000000000000000', amount: ['100', 'USD'] },
  'stripe-ruby-mock-webhook-events/charge.dispute.created.json': { kind: 'dispute_opened', key: 'stripe:dispute_opened:dp_000000000000000000000000', externalRef: 'dp_000000000000000000000000', originalRef: 'ch_000000000000000000000000', amount: ['100', 'USD'] },
  'stripe-ruby-mock-webhook-events/charge.dispute.closed.json': { kind: 'dispute_won', key: 'stripe:dispute_won:dispute-of-ch_00000000000000', externalRef: 'dispute-of-ch_00000000000000', originalRef: 'ch_00000000000000', amount: ['1000', 'USD'] },
  'stripe-ruby-mock-webhook-events/customer.subscription.deleted.json': { kind: 'cancellation', key: 'stripe:cancellation:sub_000000000000000000000000', externalRef: 'sub_000000000000000000000000', subscriptionRef: 'sub_000000000000000000000000', amount: null, customer: 'cus_00000000000000', product: 'prod_00000000000000' },
  // stripe-mock (2025+ "basil" shapes)
  'stripe-mock-openapi-fixtures/checkout.session.completed': { kind: 'lead', key: 'stripe:lead:cs_test_a1YS1URlnyQCN5fUUduORoQ7Pw41PJqDWkIVQCpJPqkfIhd6tVY8XB1OLY', externalRef: 'cs_test_a1YS1URlnyQCN5fUUduORoQ7Pw41PJqDWkIVQCpJPqkfIhd6tVY8XB1OLY', amount: null, email: 'example@example.com' },
  'stripe-mock-openapi-fixtures/checkout.session.completed#paid': { kind: 'sale', key: 'stripe:sale:pi_1PgafyB7WZ01zgkWSjxsAJo3', externalRef: 'pi_1PgafyB7WZ01zgkWSjxsAJo3', amount: ['4200', 'USD'], partnerCode: 'corpus-partner' },
  'stripe-mock-openapi-fixtures/invoice.paid#cycle': { kind: 'sale', key: 'stripe:sale:in_sm_paid_cycle', externalRef: 'in_sm_paid_cycle', subscriptionRef: 'sub_1Pgc6rB7WZ01zgkWNy0Cn5nw', amount: ['1000', 'USD'], recurring: true, partnerCode: 'corpus-partner', customer: 'cus_sm_referred' },
  'stripe-mock-openapi-fixtures/invoice.payment_succeeded#create': { kind: 'sale', key: 'stripe:sale:in_sm_paid_create', externalRef: 'in_sm_paid_create', subscriptionRef: 'sub_1Pgc6rB7WZ01zgkWNy0Cn5nw', amount: ['1000', 'USD'], recurring: false },
  'stripe-mock-openapi-fixtures/charge.refunded#partial': { kind: 'refund', key: 'stripe:refund:ch_1PgafuB7WZ01zgkWXYmPNZs8:40', externalRef: 'ch_1PgafuB7WZ01zgkWXYmPNZs8', originalRef: 'pi_sm_1', amount: ['40', 'USD'] },
  'stripe-mock-openapi-fixtures/charge.refunded#of_checkout': { kind: 'refund', key: 'stripe:refund:ch_sm_checkout:1200', externalRef: 'ch_sm_checkout', originalRef: 'pi_1PgafyB7WZ01zgkWSjxsAJo3', amount: ['1200', 'USD'] },
  'pay-rails-webhooks/lemon_squeezy/order_created.json#order_refunded': { kind: 'refund', key: 'lemonsqueezy:refund:lsq_order_2:1000', externalRef: 'lsq_order_2:refund:1000', originalRef: 'lsq_order_2', amount: ['1000', 'USD'], partnerCode: 'corpus-partner' },
  'stripe-mock-openapi-fixtures/charge.dispute.created': { kind: 'dispute_opened', key: 'stripe:dispute_opened:dp_1Pgc71B7WZ01zgkWMevJiAUx', externalRef: 'dp_1Pgc71B7WZ01zgkWMevJiAUx', originalRef: 'ch_1PgafuB7WZ01zgkWXYmPNZs8', amount: ['1000', 'USD'] },
  'stripe-mock-openapi-fixtures/charge.dispute.closed#lost': { kind: 'dispute_lost', key: 'stripe:dispute_lost:dp_1Pgc71B7WZ01zgkWMevJiAUx', externalRef: 'dp_1Pgc71B7WZ01zgkWMevJiAUx', originalRef: 'ch_1PgafuB7WZ01zgkWXYmPNZs8', amount: ['1000', 'USD'] },
  // 2025+: a refund and a dispute that name only the PaymentIntent of an invoice (linked by invoice_payment.paid / `payments`)
  'stripe-mock-openapi-fixtures/charge.refunded#of_cycle': { kind: 'refund', key: 'stripe:refund:ch_sm_cycle:250', externalRef: 'ch_sm_cycle', originalRef: 'pi_sm_cycle', amount: ['250', 'USD'] },
  'stripe-mock-openapi-fixtures/invoice.paid#create_payments': { kind: 'sale', key: 'stripe:sale:in_sm_paid_create', externalRef: 'in_sm_paid_create', amount: ['1000', 'USD'], recurring: false, partnerCode: 'corpus-partner' },
  'stripe-mock-openapi-fixtures/charge.dispute.created#of_create': { kind: 'dispute_opened', key: 'stripe:dispute_opened:dp_sm_create', externalRef: 'dp_sm_create', originalRef: 'pi_sm_create', amount: ['1000', 'USD'] },
  'stripe-mock-openapi-fixtures/customer.subscription.deleted': { kind: 'cancellation', key: 'stripe:cancellation:sub_1Pgc6rB7WZ01zgkWNy0Cn5nw', externalRef: 'sub_1Pgc6rB7WZ01zgkWNy0Cn5nw', amount: null, customer: 'cus_QXg1o8vcGmoR32', product: 'prod_QXg1hqf4jFNsqG' },
  // Paddle Billing
  'paddle-billing-webhooks/entity/transaction.completed.json': { kind: 'sale', key: 'paddle:sale:txn_01hv8wptq8987qeep44cyrewp9', externalRef: 'txn_01hv8wptq8987qeep44cyrewp9', subscriptionRef: 'sub_01hv8x29kz0t586xy6zn1a62ny', amount: ['65215', 'USD'], recurring: false, customer: 'ctm_01hv6y1jedq4p1n0yqn5ba3ky4', product: 'pro_01gsz4t5hdjse780zja8vvr7jg' },
  'paddle-billing-webhooks/entity/subscription.canceled.json': { kind: 'cancellation', key: 'paddle:cancellation:sub_01hv8x29kz0t586xy6zn1a62ny', externalRef: 'sub_01hv8x29kz0t586xy6zn1a62ny', amount: null, customer: 'ctm_01hv6y1jedq4p1n0yqn5ba3ky4' },
  'paddle-billing-webhooks/entity/adjustment.updated.json#approved': { kind: 'refund', key: 'paddle:refund:adj_01hvgf2s84dr6reszzg29zbvcm', externalRef: 'adj_01hvgf2s84dr6reszzg29zbvcm', originalRef: 'txn_01hvcc93znj3mpqt1tenkjb04y', subscriptionRef: 'sub_01hvccbx32q2gb40sqx7n42430', amount: ['100', 'USD'] },
  'paddle-billing-webhooks/events/events_list_default.json#evt_01hfyd0v4xppkwmjaca5xyzh5d': { kind: 'sale', key: 'paddle:sale:txn_01hfyd09vas8qwq6jw7k6yd9rg', externalRef: 'txn_01hfyd09vas8qwq6jw7k6yd9rg', amount: ['66000', 'GBP'], recurring: true, customer: 'ctm_01gyswd1xrzxsxghdtc2f8jhep' },
  // Lemon Squeezy
  'pay-rails-webhooks/lemon_squeezy/order_created.json': { kind: 'sale', key: 'lemonsqueezy:sale:lsq_order_1', externalRef: 'lsq_order_1', amount: ['5899', 'USD'], recurring: false, customer: 'lemonsqueezy:1', email: 'dan@lemonsqueezy.com' },
  'pay-rails-webhooks/lemon_squeezy/order_created.json#custom_data': { kind: 'sale', key: 'lemonsqueezy:sale:lsq_order_2', externalRef: 'lsq_order_2', amount: ['5899', 'USD'], partnerCode: 'corpus-partner', email: 'referred@example.com' },
  'pay-rails-webhooks/lemon_squeezy/subscription_payment_success.json': { kind: 'sale', key: 'lemonsqueezy:sale:lsq_subinv_1', externalRef: 'lsq_subinv_1', subscriptionRef: 'lsq_sub_1', amount: ['999', 'USD'], recurring: false },
  'pay-rails-webhooks/lemon_squeezy/subscription_payment_refunded.json': { kind: 'refund', key: 'lemonsqueezy:refund:lsq_subinv_1:999', externalRef: 'lsq_subinv_1:refund:999', originalRef: 'lsq_subinv_1', amount: ['999', 'USD'] },
};

describe.skipIf(!corporaAvailable())(`every corpus payload normalizes as expected (${CORPORA_DIR})`, () => {
  const events = corporaAvailable() ? corpusEvents() : [];
  it('covers every listed expectation', () => {
    const names = new Set(events.map((e) => e.name));
    for (const name of Object.keys(EXPECTED)) expect(names.has(name), name).toBe(true);
    expect(events.length).toBeGreaterThan(90);
  });
  for (const event of events) {
    it(event.name, () => {
      const n = normalize(event.provider, JSON.parse(event.body));
      expect(n.providerEventId).toBeTruthy();
      const want = EXPECTED[event.name];
      expect(n.links ?? []).toEqual(EXPECTED_LINKS[event.name] ?? []);
      if (!want) {
        expect(n.conversions).toEqual([]);
        if (EXPECTED_LINKS[event.name]) expect(n.ignoredReason).toBeNull();
        else expect(n.ignoredReason).toBeTruthy();
        return;
      }
      expect(n.ignoredReason).toBeNull();
      expect(n.conversions).toHaveLength(1);
      const c = n.conversions[0];
      expect(c.kind).toBe(want.kind);
      expect(c.idempotencyKey).toBe(want.key);
      expect(c.externalRef).toBe(want.externalRef);
      if (want.originalRef !== undefined) expect(c.originalRef).toBe(want.originalRef);
      if (want.subscriptionRef !== undefined) expect(c.subscriptionRef).toBe(want.subscriptionRef);
      if (want.amount !== undefined) expect(c.amount ? [c.amount.amountMinor.toString(), c.amount.currency] : null).toEqual(want.amount);
      if (want.recurring !== undefined) expect(c.recurring).toBe(want.recurring);
      if (want.customer !== undefined) expect(c.customer.externalId ?? null).toBe(want.customer);
      if (want.email !== undefined) expect(c.customer.email ?? null).toBe(want.email);
      if (want.partnerCode !== undefined) expect(c.partnerCode ?? null).toBe(want.partnerCode);
      if (want.product !== undefined) expect(c.product).toBe(want.product);
      expect(Number.isNaN(c.occurredAt.getTime())).toBe(false);
      // Normalizing is pure: the same body gives the same result.
      expect(normalize(event.provider, JSON.parse(event.body))).toEqual(n);
    });
  }

  it('stripe-cli-triggers: every trigger recipe names an event type we either use or acknowledge', () => {
    const types = stripeTriggerTypes();
    expect(types).toContain('invoice.payment_succeeded');
    const used = types.filter((t) => (STRIPE_TYPES as readonly string[]).includes(t));
    expect(used.sort()).toEqual(['charge.dispute.created', 'charge.refunded', 'checkout.session.completed', 'customer.subscription.deleted', 'invoice.paid', 'invoice.payment_succeeded']);
  });

  it('Paddle: transaction.completed of txn_01hv8wptq8987qeep44cyrewp9 records exactly one sale; transaction.paid of it records none', () => {
    const all = events.filter((e) => e.provider === 'paddle').flatMap((e) => normalize('paddle', JSON.parse(e.body)).conversions);
    expect(all.filter((c) => c.externalRef === 'txn_01hv8wptq8987qeep44cyrewp9')).toHaveLength(1);
  });
});

describe('Stripe shapes', () => {
  const invoice = (object: Record<string, unknown>, type = 'invoice.paid') => normalizeStripe({ id: 'evt_1', object: 'event', type, created: 1_700_000_000, data: { object: { id: 'in_1', currency: 'eur', amount_paid: 4900, customer: 'cus_1', ...object } } });

  it('reads the subscription id and metadata from the older and the 2025+ invoice shapes', () => {
    const old = invoice({ subscription: 'sub_old', subscription_details: { metadata: { openprm_partner: 'acme' } }, billing_reason: 'subscription_create' });
    const basil = invoice({ parent: { type: 'subscription_details', subscription_details: { subscription: 'sub_new', metadata: { opc: 'clk_123' } } }, billing_reason: 'subscription_cycle' });
    expect(old.conversions[0]).toMatchObject({ subscriptionRef: 'sub_old', partnerCode: 'acme', recurring: false });
    expect(basil.conversions[0]).toMatchObject({ subscriptionRef: 'sub_new', clickId: 'clk_123', recurring: true, externalRef: 'in_1' });
  });

  it('invoice.paid and invoice.payment_succeeded of one invoice share one idempotency key', () => {
    expect(invoice({}).conversions[0].idempotencyKey).toBe(invoice({}, 'invoice.payment_succeeded').conversions[0].idempotencyKey);
  });

  it('a zero invoice records nothing, or a lead when it carries a referral', () => {
    expect(invoice({ amount_paid: 0 }).conversions).toEqual([]);
    expect(invoice({ amount_paid: 0, metadata: { openprm_partner: 'acme' } }).conversions[0]).toMatchObject({ kind: 'lead', amount: null });
  });

  it('keeps zero-decimal and three-decimal amounts exactly as sent; MGA (zero-decimal at Stripe, two in ISO 4217) is scaled', () => {
    expect(invoice({ currency: 'jpy', amount_paid: 5000 }).conversions[0].amount).toEqual({ amountMinor: 5000n, currency: 'JPY' });
    expect(invoice({ currency: 'kwd', amount_paid: 5120 }).conversions[0].amount).toEqual({ amountMinor: 5120n, currency: 'KWD' });
    expect(stripeAmount(5000n, 'MGA')).toBe(500000n);
  });

  it('checkout: subscription and setup mode bind the customer (lead), a payment with an invoice waits for the invoice', () => {
    const session = (o: Record<string, unknown>) =>
      normalizeStripe({ id: 'evt_2', type: 'checkout.session.completed', created: 1, data: { object: { id: 'cs_1', customer: 'cus_9', customer_details: { email: 'A@Example.com' }, currency: 'usd', amount_total: 1000, payment_status: 'paid', ...o } } });
    expect(session({ mode: 'subscription', subscription: 'sub_9', client_reference_id: 'clk_abc' }).conversions[0]).toMatchObject({ kind: 'lead', clickId: 'clk_abc', subscriptionRef: 'sub_9' });
    expect(session({ mode: 'setup', amount_total: null }).conversions[0]).toMatchObject({ kind: 'lead', amount: null });
    expect(session({ mode: 'payment', invoice: 'in_9', payment_intent: 'pi_9' }).conversions[0]).toMatchObject({ kind: 'lead' });
    expect(session({ mode: 'payment', payment_intent: 'pi_9', client_reference_id: 'spring-promo' }).conversions[0]).toMatchObject({ kind: 'sale', externalRef: 'pi_9', partnerCode: 'spring-promo' });
  });

  it('refunds count the new amount only and point at the sale (payment intent, else the charge)', () => {
    const refund = (o: Record<string, unknown>, previous?: number) =>
      normalizeStripe({ id: 'evt_3', type: 'charge.refunded', created: 1, data: { object: { id: 'ch_1', currency: 'usd', amount: 1000, ...o }, ...(previous === undefined ? {} : { previous_attributes: { amount_refunded: previous } }) } }).conversions[0];
    expect(refund({ amount_refunded: 700, invoice: 'in_1', payment_intent: 'pi_1' }, 300)).toMatchObject({ amount: { amountMinor: 400n }, originalRef: 'pi_1', idempotencyKey: 'stripe:refund:ch_1:700' });
    // The sale of that invoice has the same reference, whichever event arrives first.
    expect(invoice({ payment_intent: 'pi_1', charge: 'ch_1' }).conversions[0].externalRef).toBe('pi_1');
    expect(invoice({ charge: 'ch_1' }).conversions[0].externalRef).toBe(refund({ amount_refunded: 300, invoice: 'in_1' }).originalRef);
    expect(refund({ amount_refunded: 300, payment_intent: 'pi_1' }, 0)).toMatchObject({ originalRef: 'pi_1' });
    expect(refund({ amount_refunded: 300 })).toMatchObject({ originalRef: 'ch_1', amount: { amountMinor: 300n } });
  });

  it('2025+: invoice_payment.paid links its invoice to the PaymentIntent (else the Charge) and records nothing', () => {
    const paid = (object: Record<string, unknown>) => normalizeStripe({ id: 'evt_ip', object: 'event', type: 'invoice_payment.paid', created: 1, data: { object: { id: 'inpay_1', object: 'invoice_payment', invoice: 'in_1', status: 'paid', amount_paid: 4900, currency: 'eur', ...object } } });
    const byIntent = paid({ payment: { type: 'payment_intent', payment_intent: 'pi_1' } });
    expect(byIntent).toMatchObject({ conversions: [], ignoredReason: null, links: [{ invoice: 'in_1', payment: 'pi_1', invoicePayment: 'inpay_1' }] });
    expect(paid({ payment: { type: 'charge', charge: 'ch_1' }, invoice: { id: 'in_1', object: 'invoice' } }).links).toEqual([{ invoice: 'in_1', payment: 'ch_1', invoicePayment: 'inpay_1' }]);
    // A preview shape with the ids at the top level.
    expect(paid({ payment_intent: 'pi_2', charge: null }).links).toEqual([{ invoice: 'in_1', payment: 'pi_2', invoicePayment: 'inpay_1' }]);
    // Nothing to link: a payment record, an open (unpaid) payment, no invoice.
    for (const object of [{ payment: { type: 'payment_record', payment_record: 'pr_1' } }, { status: 'open', payment: { type: 'payment_intent', payment_intent: 'pi_1' } }, { invoice: null, payment: { type: 'payment_intent', payment_intent: 'pi_1' } }]) {
      const n = paid(object);
      expect(n.conversions).toEqual([]);
      expect(n.links).toBeUndefined();
      expect(n.ignoredReason).toBeTruthy();
    }
  });

  it('2025+: an invoice carrying `payments` links each paid one; its sale keeps the invoice id, like its sibling event without them', () => {
    const payments = { object: 'list', data: [
      { id: 'inpay_a', object: 'invoice_payment', invoice: 'in_1', status: 'paid', payment: { type: 'payment_intent', payment_intent: 'pi_a' } },
      { id: 'inpay_b', object: 'invoice_payment', invoice: 'in_1', status: 'paid', payment: { type: 'charge', charge: 'ch_b' } },
      { id: 'inpay_c', object: 'invoice_payment', invoice: 'in_1', status: 'canceled', payment: { type: 'payment_intent', payment_intent: 'pi_c' } },
    ] };
    const withPayments = invoice({ payments });
    expect(withPayments.links).toEqual([{ invoice: 'in_1', payment: 'pi_a', invoicePayment: 'inpay_a' }, { invoice: 'in_1', payment: 'ch_b', invoicePayment: 'inpay_b' }]);
    expect(withPayments.conversions[0]).toMatchObject({ kind: 'sale', externalRef: 'in_1', idempotencyKey: 'stripe:sale:in_1' });
    expect(invoice({}, 'invoice.payment_succeeded').conversions[0]).toMatchObject({ externalRef: 'in_1', idempotencyKey: 'stripe:sale:in_1' });
    expect(invoice({}).links).toBeUndefined();
    // Older shapes name the payment on the invoice itself: unchanged, no link needed.
    expect(invoice({ payment_intent: 'pi_old', charge: 'ch_old' })).toMatchObject({ conversions: [{ externalRef: 'pi_old' }] });
    expect(invoice({ payment_intent: 'pi_old' }).links).toBeUndefined();
  });

  it('a closed dispute that is neither won nor lost records nothing', () => {
    const n = normalizeStripe({ id: 'evt_4', type: 'charge.dispute.closed', created: 1, data: { object: { id: 'dp_1', charge: 'ch_1', amount: 10, currency: 'usd', status: 'under_review' } } });
    expect(n.conversions).toEqual([]);
  });

  it('rejects bodies that are not events', () => {
    expect(() => normalizeStripe({ hello: 'world' })).toThrow(MalformedEvent);
    expect(() => normalizePaddle({ event_type: 'x' })).toThrow(MalformedEvent);
    expect(() => normalizeLemonSqueezy({ meta: {} })).toThrow(MalformedEvent);
  });
});

describe('Paddle adjustments', () => {
  const adjustment = (o: Record<string, unknown>) =>
    normalizePaddle({ event_id: 'evt_a', event_type: 'adjustment.updated', occurred_at: '2024-01-01T00:00:00Z', data: { id: 'adj_1', transaction_id: 'txn_1', status: 'approved', action: 'refund', totals: { total: '500', currency_code: 'EUR' }, ...o } });
  it('only approved adjustments apply; chargebacks are disputes', () => {
    expect(adjustment({ status: 'pending_approval' }).conversions).toEqual([]);
    expect(adjustment({ status: 'rejected' }).conversions).toEqual([]);
    expect(adjustment({}).conversions[0]).toMatchObject({ kind: 'refund', originalRef: 'txn_1', amount: { amountMinor: 500n, currency: 'EUR' } });
    expect(adjustment({ action: 'chargeback' }).conversions[0]).toMatchObject({ kind: 'dispute_lost' });
    expect(adjustment({ action: 'chargeback_reverse' }).conversions[0]).toMatchObject({ kind: 'dispute_won' });
    expect(adjustment({ action: 'credit' }).conversions[0]).toMatchObject({ kind: 'refund' });
  });
  it('custom_data carries the partner code and click id', () => {
    const n = normalizePaddle({ event_id: 'evt_t', event_type: 'transaction.completed', data: { id: 'txn_9', origin: 'web', custom_data: { openprm_partner: 'p1', openprm_click: 'clk_9' }, details: { totals: { grand_total: '1000', currency_code: 'JPY' } } } });
    expect(n.conversions[0]).toMatchObject({ partnerCode: 'p1', clickId: 'clk_9', amount: { amountMinor: 1000n, currency: 'JPY' }, recurring: false });
  });
});

describe('signatures', () => {
  const secret = 'whsec_test_secret';
  const body = '{"id":"evt_1","object":"event"}';

  it('Stripe: the SDK accepts a fresh signature and refuses a tampered body or a timestamp 301 s old', () => {
    expect(verifyStripe(body, signStripe(body, secret), [secret])).toBeNull();
    expect(verifyStripe(`${body} `, signStripe(body, secret), [secret])).toBeTruthy();
    expect(verifyStripe(body, signStripe(body, secret), ['whsec_other'])).toBeTruthy();
    const old = Math.floor(Date.now() / 1000) - 301;
    expect(verifyStripe(body, signStripe(body, secret, old), [secret])).toMatch(/tolerance/i);
    expect(verifyStripe(body, undefined, [secret])).toBeTruthy();
    expect(verifyStripe(body, signStripe(body, secret), ['whsec_old', secret])).toBeNull();
  });

  it('Lemon Squeezy: hex HMAC of the raw body', () => {
    expect(verifyLemonSqueezy(body, signLemonSqueezy(body, 'lsq_secret'), ['lsq_secret'])).toBeNull();
    const good = signLemonSqueezy(body, 'lsq_secret');
    expect(verifyLemonSqueezy(body, good.slice(0, -1) + (good.endsWith('0') ? '1' : '0'), ['lsq_secret'])).toBeTruthy();
    expect(verifyLemonSqueezy(body, 'not-hex', ['lsq_secret'])).toBeTruthy();
  });

  it('Paddle: signed now passes, 301 s old fails', () => {
    expect(verifyPaddle(body, signPaddle(body, 'pdl_s'), ['pdl_s'])).toBeNull();
    expect(verifyPaddle(body, signPaddle(body, 'pdl_s', Math.floor(Date.now() / 1000) - 301), ['pdl_s'])).toMatch(/tolerance/);
    expect(verifyPaddle(body, 'ts=abc', ['pdl_s'])).toMatch(/malformed/);
  });

  describe.skipIf(!corporaAvailable())("Paddle's published vectors (paddle-billing-webhooks/expectations.json)", () => {
    const expectations = corporaAvailable() ? JSON.parse(readFileSync(path.join(CORPORA_DIR, 'paddle-billing-webhooks/expectations.json'), 'utf8')) : { signature_vectors: [] };
    const vectors = expectations.signature_vectors as Array<{ file: string | null; body: string; secret?: string; secrets_tried_in_order?: string[]; header: string }>;
    const bodyOf = (v: (typeof vectors)[number]) => (v.file ? readFileSync(path.join(CORPORA_DIR, 'paddle-billing-webhooks', v.file), 'utf8').trim() : v.body);
    const secretsOf = (v: (typeof vectors)[number]) => v.secrets_tried_in_order ?? [v.secret as string];

    it('all three vectors verify (time check off: they are from 2024), including the rotation case', () => {
      expect(vectors).toHaveLength(3);
      for (const v of vectors) expect(verifyPaddle(bodyOf(v), v.header, secretsOf(v), { toleranceSeconds: null }), v.file ?? v.body).toBeNull();
    });
    it('one changed byte of the body, or an altered h1, fails', () => {
      for (const v of vectors) {
        const b = bodyOf(v);
        const tampered = b.slice(0, -1) + (b.endsWith('}') ? ' ' : '}');
        expect(verifyPaddle(tampered, v.header, secretsOf(v), { toleranceSeconds: null })).toBeTruthy();
        const altered = v.header.replace(/h1=([0-9a-f])/g, (_m, c: string) => `h1=${c === '0' ? '1' : '0'}`);
        expect(verifyPaddle(b, altered, secretsOf(v), { toleranceSeconds: null })).toBeTruthy();
      }
    });
    it('with the default 300 s tolerance the 2024 vectors are refused', () => {
      expect(verifyPaddle(bodyOf(vectors[0]), vectors[0].header, secretsOf(vectors[0]))).toMatch(/tolerance/);
    });
  });
});
