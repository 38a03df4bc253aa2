/**
 * The webhook corpora (`test-corpora/…`, see platform/paths.ts CORPORA_DIR) turned
 * into deliverable events for the contract and replay tests. Every event gets a unique provider
 * event id: the Stripe fixtures share zeroed ids (`evt_000…`), which would otherwise collapse
 * into one delivery (the replay of a shared id is tested on its own).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { CORPORA_DIR } from '../../platform/paths.ts';
import { type Provider, SIGNATURE_HEADER, signFor } from './signatures.ts';
import { seededRandom } from '../../test/random.ts';

export { CORPORA_DIR };

export function corporaAvailable(): boolean {
  return ['stripe-ruby-mock-webhook-events', 'stripe-mock-openapi-fixtures', 'paddle-billing-webhooks', 'pay-rails-webhooks'].every((d) => existsSync(path.join(CORPORA_DIR, d)));
}

export interface CorpusEvent {
  /** `<corpus>/<file>` (+ `#variant`), for test names. */
  name: string;
  provider: Provider;
  body: string;
}

type Obj = Record<string, unknown>;
const read = (...p: string[]) => readFileSync(path.join(CORPORA_DIR, ...p), 'utf8');
const json = (...p: string[]) => JSON.parse(read(...p)) as Obj;
const stem = (f: string) => f.replace(/\.json$/, '');

function stripeRubyMock(): CorpusEvent[] {
  const dir = 'stripe-ruby-mock-webhook-events';
  return readdirSync(path.join(CORPORA_DIR, dir))
    .filter((f) => f.endsWith('.json') && f !== 'manifest.json')
    .sort()
    .map((f) => {
      const e = json(dir, f);
      e.id = `evt_rm_${stem(f).replaceAll('.', '_')}`;
      return { name: `${dir}/${f}`, provider: 'stripe' as const, body: JSON.stringify(e) };
    });
}

/** Current-shape (2025+) events: stripe-mock's example objects wrapped in its event envelope. */
function stripeMockEvents(): CorpusEvent[] {
  const dir = 'stripe-mock-openapi-fixtures';
  const r = json(dir, 'fixtures3.json').resources as Record<string, Obj>;
  const envelope = (type: string, object: Obj, extra: Obj = {}, variant = ''): CorpusEvent => ({
    name: `${dir}/${type}${variant ? `#${variant}` : ''}`,
    provider: 'stripe',
    body: JSON.stringify({ ...r.event, id: `evt_sm_${type.replaceAll('.', '_')}${variant ? `_${variant}` : ''}`, type, api_version: '2025-03-31.basil', data: { object, ...extra } }),
  });
  const invoice = r.invoice;
  const paidInvoice = {
    ...invoice,
    id: 'in_sm_paid_cycle',
    customer: 'cus_sm_referred',
    status: 'paid',
    amount_paid: invoice.amount_due,
    billing_reason: 'subscription_cycle',
    parent: { type: 'subscription_details', quote_details: null, subscription_details: { subscription: 'sub_1Pgc6rB7WZ01zgkWNy0Cn5nw', metadata: { openprm_partner: 'corpus-partner' } } },
  };
  const charge = r.charge;
  // No corpus has an `invoice_payment.paid` payload: its object is stripe-mock's `invoice_payment`
  // example (generated from Stripe's OpenAPI spec) with the ids and amounts of a paid invoice.
  const invoicePayment = (id: string, invoiceId: string, paymentIntent: string, amount: number) => ({
    ...r.invoice_payment,
    id,
    invoice: invoiceId,
    currency: 'usd',
    amount_paid: amount,
    amount_requested: amount,
    livemode: false,
    status: 'paid',
    payment: { type: 'payment_intent', payment_intent: paymentIntent },
    status_transitions: { canceled_at: null, paid_at: 1721954100 },
  });
  return [
    envelope('checkout.session.completed', r['checkout.session']),
    envelope('checkout.session.completed', { ...r['checkout.session'], id: 'cs_sm_paid', status: 'complete', payment_status: 'paid', amount_total: 4200, currency: 'usd', client_reference_id: 'corpus-partner', customer: 'cus_sm_checkout', customer_details: { email: 'checkout-buyer@example.com' } }, {}, 'paid'),
    envelope('invoice.paid', invoice),
    envelope('invoice.paid', paidInvoice, {}, 'cycle'),
    envelope('invoice.payment_succeeded', { ...paidInvoice, id: 'in_sm_paid_create', billing_reason: 'subscription_create' }, {}, 'create'),
    envelope('charge.refunded', charge),
    envelope('charge.refunded', { ...charge, amount_refunded: 40, refunded: false, payment_intent: 'pi_sm_1' }, { previous_attributes: { amount_refunded: 0 } }, 'partial'),
    // A partial refund and a dispute of the referred checkout payment above (matched by its PaymentIntent).
    envelope('charge.refunded', { ...charge, id: 'ch_sm_checkout', amount: 4200, amount_refunded: 1200, refunded: false, payment_intent: 'pi_1PgafyB7WZ01zgkWSjxsAJo3' }, { previous_attributes: { amount_refunded: 0 } }, 'of_checkout'),
    envelope('charge.dispute.created', r.dispute),
    envelope('charge.dispute.closed', { ...r.dispute, status: 'lost' }, {}, 'lost'),
    envelope('customer.subscription.deleted', { ...r.subscription, status: 'canceled' }),
    // 2025-03-31+: basil invoices and charges do not name each other. `invoice_payment.paid` (or an
    // invoice carrying `payments`) says which PaymentIntent paid which invoice; the refund and the
    // dispute below name only the PaymentIntent and must reverse the invoices' sales above.
    envelope('invoice_payment.paid', invoicePayment('inpay_sm_cycle', 'in_sm_paid_cycle', 'pi_sm_cycle', 1000), {}, 'cycle'),
    envelope('charge.refunded', { ...charge, id: 'ch_sm_cycle', amount: 1000, amount_captured: 1000, amount_refunded: 250, refunded: false, payment_intent: 'pi_sm_cycle' }, { previous_attributes: { amount_refunded: 0 } }, 'of_cycle'),
    envelope('invoice.paid', { ...paidInvoice, id: 'in_sm_paid_create', billing_reason: 'subscription_create', payments: { object: 'list', data: [invoicePayment('inpay_sm_create', 'in_sm_paid_create', 'pi_sm_create', 1000)], has_more: false } }, {}, 'create_payments'),
    envelope('charge.dispute.created', { ...r.dispute, id: 'dp_sm_create', charge: 'ch_sm_create', payment_intent: 'pi_sm_create', status: 'needs_response' }, {}, 'of_create'),
  ];
}

function paddleEntities(): CorpusEvent[] {
  const dir = 'paddle-billing-webhooks';
  const wrap = (type: string, data: Obj, variant = ''): CorpusEvent => ({
    name: `${dir}/entity/${type}.json${variant ? `#${variant}` : ''}`,
    provider: 'paddle',
    body: JSON.stringify({
      event_id: `evt_corpus_${type.replaceAll('.', '_')}${variant ? `_${variant}` : ''}`,
      event_type: type,
      occurred_at: '2023-08-21T11:57:47.390028Z',
      notification_id: `ntf_corpus_${type.replaceAll('.', '_')}${variant ? `_${variant}` : ''}`,
      data,
    }),
  });
  const out = readdirSync(path.join(CORPORA_DIR, dir, 'entity'))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => wrap(stem(f), json(dir, 'entity', f)));
  // The corpus adjustments are pending approval; an approved one (as Paddle sends later) applies.
  out.push(wrap('adjustment.updated', { ...json(dir, 'entity', 'adjustment.updated.json'), status: 'approved' }, 'approved'));
  const list = json(dir, 'events', 'events_list_default.json').data as Obj[];
  for (const e of list) out.push({ name: `${dir}/events/events_list_default.json#${e.event_id}`, provider: 'paddle', body: JSON.stringify({ ...e, notification_id: `ntf_for_${e.event_id}` }) });
  for (const f of ['standard_payload.json', 'special_chars_payload.json']) out.push({ name: `${dir}/signature/${f}`, provider: 'paddle', body: read(dir, 'signature', f).trim() });
  return out;
}

function payRails(): CorpusEvent[] {
  const dir = 'pay-rails-webhooks';
  const out: CorpusEvent[] = readdirSync(path.join(CORPORA_DIR, dir, 'lemon_squeezy'))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ name: `${dir}/lemon_squeezy/${f}`, provider: 'lemonsqueezy' as const, body: read(dir, 'lemon_squeezy', f).trim() }));
  // The corpus carries no meta.custom_data; real checkouts pass the partner code that way.
  const order = json(dir, 'lemon_squeezy', 'order_created.json');
  const meta = order.meta as Obj;
  const data = order.data as Obj;
  out.push({
    name: `${dir}/lemon_squeezy/order_created.json#custom_data`,
    provider: 'lemonsqueezy',
    body: JSON.stringify({ ...order, meta: { ...meta, custom_data: { openprm_partner: 'corpus-partner' } }, data: { ...data, id: '2', attributes: { ...(data.attributes as Obj), customer_id: 2, user_email: 'referred@example.com' } } }),
  });
  const refunded = { ...order, meta: { event_name: 'order_refunded', custom_data: { openprm_partner: 'corpus-partner' } }, data: { ...data, id: '2', attributes: { ...(data.attributes as Obj), customer_id: 2, user_email: 'referred@example.com', status: 'partial_refund', refunded: true, refunded_amount: 1000, refunded_at: '2023-01-20T10:00:00.000000Z', updated_at: '2023-01-20T10:00:00.000000Z' } } };
  out.push({ name: `${dir}/lemon_squeezy/order_created.json#order_refunded`, provider: 'lemonsqueezy', body: JSON.stringify(refunded) });
  out.push({ name: `${dir}/paddle_billing/subscription.created.json`, provider: 'paddle', body: read(dir, 'paddle_billing', 'subscription.created.json').trim() });
  return out;
}

/** Every deliverable event of the corpora, in a fixed order. */
export function corpusEvents(): CorpusEvent[] {
  return [...stripeRubyMock(), ...stripeMockEvents(), ...paddleEntities(), ...payRails()];
}

/** The event types `stripe trigger` can produce (stripe-cli-triggers: recipes, not payloads). */
export function stripeTriggerTypes(): string[] {
  const dir = path.join(CORPORA_DIR, 'stripe-cli-triggers');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .flatMap((f) => {
      const recipe = JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as { _meta?: { aliases?: string[] } };
      return [stem(f), ...(recipe._meta?.aliases ?? [])];
    })
    .sort();
}

/** Posts a body to the webhook route the way the provider would: raw bytes plus its signature header. */
export async function deliver(
  app: { request: (path: string, init: RequestInit) => Response | Promise<Response> },
  provider: Provider,
  endpointId: string,
  body: string,
  secret: string | null,
  extraHeaders: Record<string, string> = {},
  // biome-ignore lint/suspicious/noExplicitAny: test helper, like harness.call.
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...extraHeaders };
  if (secret !== null) headers[SIGNATURE_HEADER[provider]] = signFor(provider, body, secret);
  const res = await app.request(`/api/v1/webhooks/${provider}/${endpointId}`, { method: 'POST', headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body: parsed };
}

/** A Lemon Squeezy endpoint with one received event, through the API (for the tenancy test). */
export async function billingFixtures(
  t: { app: { request: (path: string, init: RequestInit) => Response | Promise<Response> } },
  call: (path: string, body: unknown) => Promise<{ status: number; body: { endpoint: { id: string }; signingSecret: string } }>,
): Promise<Record<string, string>> {
  const created = await call('/api/v1/billing-endpoints', { provider: 'lemonsqueezy', name: 'Fixture store' });
  if (created.status !== 201) throw new Error(`billing endpoint failed: ${created.status}`);
  const body = JSON.stringify({ meta: { event_name: 'order_created' }, data: { type: 'orders', id: '1', attributes: { currency: 'USD', total: 100, status: 'paid', customer_id: 1, user_email: 'fixture@example.com', created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z' } } });
  const received = await deliver(t.app, 'lemonsqueezy', created.body.endpoint.id, body, created.body.signingSecret);
  if (received.status !== 200) throw new Error(`billing event failed: ${received.status}`);
  return { 'billing-endpoints': created.body.endpoint.id, 'billing-events': received.body.eventId };
}

/** Every ordering of `items` (arrival-order tests). */
export function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((x, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [x, ...rest]));
}

/** A seeded shuffle (mulberry32), so a failing delivery order can be replayed. */
export function shuffled<T>(items: T[], seed: number): T[] {
  const rnd = seededRandom(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
