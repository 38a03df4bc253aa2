/**
 * Stripe API 2025-03-31+ ("basil"): a refund or dispute names only the PaymentIntent (else the Charge)
 * of a subscription invoice, whose sale is recorded under the invoice id. `invoice_payment.paid`
 * (or an invoice's `payments`) links them (stripe-links.ts). These tests deliver signed webhooks
 * through the route, in every arrival order and as shuffled replays, and check that the refund or
 * dispute reverses the invoice's commission — once — on PGlite and PostgreSQL.
 *
 * The payloads are stripe-mock's examples (stripe-mock-openapi-fixtures/fixtures3.json, the objects of
 * Stripe's OpenAPI spec in the current API shape). No corpus has an `invoice_payment.paid` event:
 * its object is the spec's `invoice_payment` example with the ids and amounts of the invoice it paid.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../platform/ids.ts';
import { call, createTestApp, ownerWithWorkspace, type TestApp, testDatabaseKind } from '../../test/harness.ts';
import { accruePending } from '../commissions/accrual.ts';
import { ZPlanDocument } from '../commissions/plan.ts';
import { commissionPlan } from '../commissions/schema.ts';
import { makePartner } from '../deals/test-fixtures.ts';
import { link } from '../tracking/schema.ts';
import { billingPaymentLink } from './schema.ts';
import { signStripe } from './signatures.ts';
import { CORPORA_DIR, corporaAvailable, deliver, permutations, shuffled } from './test-corpus.ts';

type Obj = Record<string, unknown>;
const SECRET = 'whsec_stripe_links';
const ON_POSTGRES = testDatabaseKind() === 'postgres';

const fixtures = (): Record<string, Obj> =>
  (JSON.parse(readFileSync(path.join(CORPORA_DIR, 'stripe-mock-openapi-fixtures', 'fixtures3.json'), 'utf8')) as { resources: Record<string, Obj> }).resources;

interface World {
  workspaceId: string;
  endpointId: string;
  code: string;
}

interface Delivery {
  name: string;
  body: string;
}

let t: TestApp;
let r: Record<string, Obj>;

/** A workspace with a program, a partner with a link code, a 20 % plan and a Stripe endpoint. */
async function world(name: string): Promise<World> {
  const owner = await ownerWithWorkspace(t, name);
  const programId = (await call(t, 'POST', '/api/v1/programs', { ...owner.as, body: { name: 'Affiliates', partnerType: 'affiliate', currency: 'USD', status: 'active' } })).body.id as string;
  const partnerId = await makePartner(t, owner.as, 'Referrer', programId);
  const code = `ref-${newId('link').slice(-10).toLowerCase()}`;
  await t.services.db.insert(link).values({ id: newId('link'), workspaceId: owner.workspaceId, programId, partnerId, code, destinationUrl: 'https://vendor.example/' });
  const document = ZPlanDocument.parse({ holdDays: 0, rules: [{ id: 'all-sales', name: '20 % of every payment', type: 'percentage', rateBp: 2000, duration: { type: 'lifetime' } }] });
  await t.services.db.insert(commissionPlan).values({ id: newId('commissionPlan'), workspaceId: owner.workspaceId, programId, version: 1, name: 'Links plan', status: 'active', document, activatedAt: new Date() });
  const res = await call(t, 'POST', '/api/v1/billing-endpoints', { ...owner.as, body: { provider: 'stripe', programId, signingSecret: SECRET } });
  if (res.status !== 201) throw new Error(`endpoint failed: ${res.status}`);
  return { workspaceId: owner.workspaceId, endpointId: res.body.endpoint.id, code };
}

// ── basil-shaped events, from stripe-mock's objects ──

const event = (id: string, type: string, object: Obj, extra: Obj = {}, created = 1_750_000_000): Delivery => ({
  name: id,
  body: JSON.stringify({ ...r.event, id, type, created, api_version: '2025-03-31.basil', data: { object, ...extra } }),
});

/** A paid subscription invoice: no payment_intent / charge (basil); the referral in the subscription's metadata. */
function invoice(id: string, code: string | null, o: Obj = {}): Obj {
  return {
    ...r.invoice,
    id,
    customer: `cus_${id}`,
    status: 'paid',
    amount_paid: 1000,
    billing_reason: 'subscription_create',
    status_transitions: { finalized_at: 1_750_000_000, marked_uncollectible_at: null, paid_at: 1_750_000_000, voided_at: null },
    parent: { type: 'subscription_details', quote_details: null, subscription_details: { subscription: `sub_${id}`, metadata: code ? { openprm_partner: code } : {} } },
    ...o,
  };
}

const invoicePayment = (invoiceId: string, payment: Obj, o: Obj = {}): Obj => ({
  ...r.invoice_payment,
  id: `inpay_${invoiceId}_${String(payment.payment_intent ?? payment.charge)}`,
  invoice: invoiceId,
  currency: 'usd',
  amount_paid: 1000,
  amount_requested: 1000,
  livemode: false,
  status: 'paid',
  payment,
  status_transitions: { canceled_at: null, paid_at: 1_750_000_000 },
  ...o,
});

/** A charge refunded by `refunded` in total (of which `previous` before): basil charges name no invoice. */
const refundedCharge = (chargeId: string, paymentIntent: string | null, refunded: number, previous: number, customer: string | null = null): Obj => ({
  ...r.charge,
  id: chargeId,
  amount: 1000,
  amount_captured: 1000,
  amount_refunded: refunded,
  refunded: refunded === 1000,
  captured: true,
  customer,
  payment_intent: paymentIntent,
  previous_attributes: previous,
});

const refundEvent = (id: string, charge: Obj, created = 1_750_100_000) => {
  const { previous_attributes: previous, ...object } = charge;
  return event(id, 'charge.refunded', object, { previous_attributes: { amount_refunded: previous } }, created);
};

const dispute = (id: string, chargeId: string, paymentIntent: string | null, status: string): Obj => ({ ...r.dispute, id, charge: chargeId, payment_intent: paymentIntent, amount: 1000, status });

// ── delivering and reading back ──

async function send(w: World, d: Delivery): Promise<{ status: string; conversionIds: string[]; eventId: string }> {
  const res = await deliver(t.app, 'stripe', w.endpointId, d.body, SECRET);
  if (res.status !== 200) throw new Error(`${d.name}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

const accrue = (w: World) => accruePending(t.services.db, w.workspaceId);

async function settle(w: World) {
  await t.services.bus.drain();
  for (let i = 0; i < 3; i++) await accrue(w);
}

async function select(query: ReturnType<typeof sql>): Promise<Obj[]> {
  return ((await t.services.db.execute(query)) as unknown as { rows: Obj[] }).rows;
}

/** Conversions as comparable facts: the partner is the conversion's own (not inferred from its sale). */
const conversions = (w: World) =>
  select(sql`
    select c.idempotency_key, c.kind, c.external_ref, c.original_ref, c.amount_minor::text as amount_minor, c.currency,
      (select p.name from partner p where p.id = c.partner_id) as partner,
      (case when c.accrual_status = 'pending' and not exists (select 1 from commission_accrual_queue q where q.workspace_id = c.workspace_id and q.conversion_id = c.id)
        then 'accrued' else c.accrual_status end) as accrual_status
    from conversion c where c.workspace_id = ${w.workspaceId} order by c.idempotency_key`);

const ledger = (w: World) =>
  select(sql`
    select c.idempotency_key as conversion, e.kind, e.amount_minor::text as amount_minor, e.currency, e.status,
      (select p.name from partner p where p.id = e.partner_id) as partner,
      (select rc.idempotency_key from commission_entry x join conversion rc on rc.id = x.conversion_id where x.id = e.reverses_entry_id) as reverses
    from commission_entry e left join conversion c on c.id = e.conversion_id
    where e.workspace_id = ${w.workspaceId} order by c.idempotency_key, e.kind, e.amount_minor`);

const links = (w: World) =>
  select(sql`select payment_ref, invoice_id, invoice_payment_id from billing_payment_link where workspace_id = ${w.workspaceId} order by payment_ref, invoice_id`);



/** Delivers in this order, running the accrual after each delivery (as the job runner may), then settles. */
async function play(w: World, deliveries: Delivery[]): Promise<{ conversions: Obj[]; ledger: Obj[] }> {
  for (const d of deliveries) {
    await send(w, d);
    await accrue(w);
  }
  await settle(w);
  return { conversions: await conversions(w), ledger: await ledger(w) };
}

beforeAll(async () => {
  t = await createTestApp();
  if (corporaAvailable()) r = fixtures();
}, 60_000);
afterAll(async () => {
  await t?.close();
});

describe.skipIf(!corporaAvailable())('Stripe 2025-03-31+: a refund or dispute of an invoice finds its sale through invoice_payment.paid', () => {
  it('refund: in every arrival order of invoice.paid, invoice.payment_succeeded, invoice_payment.paid and charge.refunded, one sale and its commission reversed by the refund', async () => {
    const scenario = (code: string) => [
      event('evt_paid', 'invoice.paid', invoice('in_L1', code)),
      event('evt_succeeded', 'invoice.payment_succeeded', invoice('in_L1', code)),
      event('evt_link', 'invoice_payment.paid', invoicePayment('in_L1', { type: 'payment_intent', payment_intent: 'pi_L1' })),
      refundEvent('evt_refund', refundedCharge('ch_L1', 'pi_L1', 250, 0)),
    ];
    let expected: { conversions: Obj[]; ledger: Obj[] } | null = null;
    for (const order of permutations([0, 1, 2, 3])) {
      const w = await world(`Refund order ${order.join('')}`);
      const events = scenario(w.code);
      const got = await play(
        w,
        order.map((i) => events[i]),
      );
      if (!expected) {
        expected = got;
        expect(got.conversions).toEqual([
          { idempotency_key: 'stripe:refund:ch_L1:250', kind: 'refund', external_ref: 'ch_L1', original_ref: 'in_L1', amount_minor: '250', currency: 'USD', partner: 'Referrer', accrual_status: 'accrued' },
          { idempotency_key: 'stripe:sale:in_L1', kind: 'sale', external_ref: 'in_L1', original_ref: null, amount_minor: '1000', currency: 'USD', partner: 'Referrer', accrual_status: 'accrued' },
        ]);
        expect(got.ledger.map((e) => [e.conversion, e.amount_minor, e.partner, e.reverses])).toEqual([
          ['stripe:refund:ch_L1:250', '-50', 'Referrer', 'stripe:sale:in_L1'],
          ['stripe:sale:in_L1', '200', 'Referrer', null],
        ]);
      }
      expect(got, `order ${order.join(',')}`).toEqual(expected);
      expect(await links(w)).toEqual([{ payment_ref: 'pi_L1', invoice_id: 'in_L1', invoice_payment_id: 'inpay_in_L1_pi_L1' }]);
    }
  }, 300_000);

  it('refund of a known customer: it follows the customer but waits for its sale until the link names the invoice (every order)', async () => {
    const scenario = (code: string) => [
      event('evt_paid', 'invoice.paid', invoice('in_L2', code)),
      event('evt_link', 'invoice_payment.paid', invoicePayment('in_L2', { type: 'payment_intent', payment_intent: 'pi_L2' })),
      refundEvent('evt_refund_1', refundedCharge('ch_L2', 'pi_L2', 400, 0, 'cus_in_L2')),
      refundEvent('evt_refund_2', refundedCharge('ch_L2', 'pi_L2', 1000, 400, 'cus_in_L2'), 1_750_200_000),
    ];
    let expected: { conversions: Obj[]; ledger: Obj[] } | null = null;
    for (const order of permutations([0, 1, 2, 3])) {
      const w = await world(`Customer order ${order.join('')}`);
      const events = scenario(w.code);
      const got = await play(
        w,
        order.map((i) => events[i]),
      );
      if (!expected) {
        expected = got;
        expect(got.conversions.map((c) => [c.idempotency_key, c.original_ref, c.partner, c.accrual_status])).toEqual([
          ['stripe:refund:ch_L2:1000', 'in_L2', 'Referrer', 'accrued'],
          ['stripe:refund:ch_L2:400', 'in_L2', 'Referrer', 'accrued'],
          ['stripe:sale:in_L2', null, 'Referrer', 'accrued'],
        ]);
        // Fully refunded in two steps: the commission of 200 is reversed by 80 + 120, never more.
        expect(got.ledger.map((e) => [e.conversion, e.amount_minor])).toEqual([
          ['stripe:refund:ch_L2:1000', '-120'],
          ['stripe:refund:ch_L2:400', '-80'],
          ['stripe:sale:in_L2', '200'],
        ]);
      }
      expect(got, `order ${order.join(',')}`).toEqual(expected);
    }
  }, 300_000);

  it('dispute of a charge-type payment (no PaymentIntent): opened and lost, in every order, reverse the commission once', async () => {
    // Which of the two dispute conversions carries the reversal depends on whether the loss arrived
    // before the opening (the commission accrual's rule, as for older API versions); the amounts do not.
    const entries = (ledger: Obj[]) => ledger.map((e) => [e.amount_minor, e.kind, e.partner, e.reverses]).sort((a, b) => String(a).localeCompare(String(b)));
    const scenario = (code: string) => [
      event('evt_paid', 'invoice.paid', invoice('in_L3', code)),
      event('evt_link', 'invoice_payment.paid', invoicePayment('in_L3', { type: 'charge', charge: 'ch_L3' })),
      event('evt_dispute_opened', 'charge.dispute.created', dispute('dp_L3', 'ch_L3', null, 'needs_response'), {}, 1_750_100_000),
      event('evt_dispute_lost', 'charge.dispute.closed', dispute('dp_L3', 'ch_L3', null, 'lost'), {}, 1_750_200_000),
    ];
    let expected: { conversions: Obj[]; ledger: Obj[] } | null = null;
    for (const order of permutations([0, 1, 2, 3])) {
      const w = await world(`Dispute order ${order.join('')}`);
      const events = scenario(w.code);
      const got = await play(
        w,
        order.map((i) => events[i]),
      );
      if (!expected) {
        expected = got;
        expect(got.conversions.map((c) => [c.kind, c.original_ref, c.partner, c.accrual_status])).toEqual([
          ['dispute_lost', 'in_L3', 'Referrer', 'accrued'],
          ['dispute_opened', 'in_L3', 'Referrer', 'accrued'],
          ['sale', null, 'Referrer', 'accrued'],
        ]);
        expect(got.ledger.map((e) => [e.conversion, e.amount_minor, e.reverses])).toEqual([
          ['stripe:dispute_opened:dp_L3', '-200', 'stripe:sale:in_L3'],
          ['stripe:sale:in_L3', '200', null],
        ]);
      }
      expect(got.conversions, `order ${order.join(',')}`).toEqual(expected.conversions);
      expect(entries(got.ledger), `order ${order.join(',')}`).toEqual(entries(expected.ledger));
    }
  }, 300_000);

  it('an invoice carrying `payments` links each paid payment: a refund of its second PaymentIntent reverses the one sale', async () => {
    const w = await world('Payments list');
    const payments = {
      object: 'list',
      has_more: false,
      data: [
        invoicePayment('in_L4', { type: 'payment_intent', payment_intent: 'pi_L4a' }, { amount_paid: 600 }),
        invoicePayment('in_L4', { type: 'payment_intent', payment_intent: 'pi_L4b' }, { amount_paid: 400 }),
        invoicePayment('in_L4', { type: 'payment_intent', payment_intent: 'pi_L4c' }, { status: 'canceled', amount_paid: null }),
      ],
    };
    const refund = await send(w, refundEvent('evt_refund', refundedCharge('ch_L4b', 'pi_L4b', 400, 0)));
    expect(refund.status).toBe('unattributed');
    const paid = await send(w, event('evt_paid', 'invoice.paid', invoice('in_L4', w.code, { payments })));
    expect(paid.status).toBe('applied');
    // The sale, and the refund it led to its sale.
    expect(paid.conversionIds).toHaveLength(2);
    expect(paid.conversionIds).toContain(refund.conversionIds[0]);
    const sibling = await send(w, event('evt_succeeded', 'invoice.payment_succeeded', invoice('in_L4', w.code)));
    expect(sibling.conversionIds).toEqual([paid.conversionIds[0]]);
    await settle(w);
    expect((await conversions(w)).map((c) => [c.kind, c.external_ref, c.original_ref, c.partner])).toEqual([
      ['refund', 'ch_L4b', 'in_L4', 'Referrer'],
      ['sale', 'in_L4', null, 'Referrer'],
    ]);
    expect((await ledger(w)).map((e) => e.amount_minor)).toEqual(['-80', '200']);
    expect((await links(w)).map((l) => l.payment_ref)).toEqual(['pi_L4a', 'pi_L4b']);
  });

  it('the link event: applied with no conversion of its own, names the refunds it led to their sale; a replay is a duplicate', async () => {
    const w = await world('Link event');
    await send(w, event('evt_paid', 'invoice.paid', invoice('in_L5', w.code)));
    const refund = await send(w, refundEvent('evt_refund', refundedCharge('ch_L5', 'pi_L5', 1000, 0)));
    expect(refund.status).toBe('unattributed');
    const linkBody = event('evt_link', 'invoice_payment.paid', invoicePayment('in_L5', { type: 'payment_intent', payment_intent: 'pi_L5' }));
    const linked = await send(w, linkBody);
    expect(linked).toMatchObject({ status: 'applied', conversionIds: refund.conversionIds });
    const [row] = await select(sql`select status, reason, normalized from billing_event where id = ${linked.eventId}`);
    expect(row).toMatchObject({ status: 'applied', normalized: [] });
    expect(row.reason).toBe("linked in_L5 ← pi_L5 (no conversion of its own); 1 earlier refund(s) or dispute(s) now reverse the invoice's sale");
    const before = [await conversions(w), await links(w)];
    expect(await send(w, linkBody)).toMatchObject({ status: 'duplicate', eventId: linked.eventId, conversionIds: refund.conversionIds });
    // The same link from another event (an invoice carrying `payments`) changes nothing either.
    await send(w, event('evt_paid_again', 'invoice.paid', invoice('in_L5', w.code, { payments: { object: 'list', data: [invoicePayment('in_L5', { type: 'payment_intent', payment_intent: 'pi_L5' })] } })));
    expect([await conversions(w), await links(w)]).toEqual(before);
    await settle(w);
    expect((await conversions(w)).filter((c) => c.kind === 'sale')).toHaveLength(1);
    expect((await ledger(w)).map((e) => e.amount_minor)).toEqual(['-200', '200']);
  });

  it('a payment linked to two invoices is ambiguous: its refund is not pointed at either sale', async () => {
    const w = await world('Ambiguous');
    await send(w, event('evt_paid_a', 'invoice.paid', invoice('in_L6a', w.code)));
    await send(w, event('evt_paid_b', 'invoice.paid', invoice('in_L6b', w.code, { customer: 'cus_in_L6a' })));
    const linkA = await send(w, event('evt_link_a', 'invoice_payment.paid', invoicePayment('in_L6a', { type: 'payment_intent', payment_intent: 'pi_L6' })));
    expect(linkA).toMatchObject({ status: 'applied', conversionIds: [] });
    expect((await select(sql`select reason from billing_event where id = ${linkA.eventId}`))[0].reason).toBe('linked in_L6a ← pi_L6 (no conversion of its own); no earlier refund or dispute was waiting for it');
    await send(w, event('evt_link_b', 'invoice_payment.paid', invoicePayment('in_L6b', { type: 'payment_intent', payment_intent: 'pi_L6' })));
    const refund = await send(w, refundEvent('evt_refund', refundedCharge('ch_L6', 'pi_L6', 300, 0)));
    expect(refund.status).toBe('unattributed');
    await settle(w);
    const [row] = (await conversions(w)).filter((c) => c.kind === 'refund');
    expect(row).toMatchObject({ original_ref: 'pi_L6', partner: null, accrual_status: 'unattributed' });
    expect((await ledger(w)).every((e) => Number(e.amount_minor) > 0)).toBe(true);
  });

  it('links are workspace-scoped: a link received by another workspace does not attribute this one’s refund', async () => {
    const [a, b] = [await world('Scope A'), await world('Scope B')];
    await send(a, event('evt_paid', 'invoice.paid', invoice('in_L7', a.code)));
    await send(a, refundEvent('evt_refund', refundedCharge('ch_L7', 'pi_L7', 500, 0)));
    await send(b, event('evt_link', 'invoice_payment.paid', invoicePayment('in_L7', { type: 'payment_intent', payment_intent: 'pi_L7' })));
    await settle(a);
    expect((await conversions(a)).find((c) => c.kind === 'refund')).toMatchObject({ original_ref: 'pi_L7', partner: null });
    expect(await links(a)).toEqual([]);
    expect(await links(b)).toHaveLength(1);
    expect((await ledger(a)).map((e) => e.amount_minor)).toEqual(['200']);
  });

  it('older API versions are unchanged: the invoice names its PaymentIntent, the refund matches it directly, no link is stored', async () => {
    const w = await world('Old shape');
    const old = { ...invoice('in_L8', w.code), payment_intent: 'pi_L8', charge: 'ch_L8', parent: undefined, subscription: 'sub_L8', subscription_details: { metadata: { openprm_partner: w.code } } };
    await send(w, refundEvent('evt_refund', { ...refundedCharge('ch_L8', 'pi_L8', 500, 0), invoice: 'in_L8' }));
    await send(w, event('evt_paid', 'invoice.paid', old));
    await settle(w);
    // As before: the refund (no customer) stays without a partner of its own; the accrual reverses its sale's commission.
    expect((await conversions(w)).map((c) => [c.kind, c.external_ref, c.original_ref, c.partner])).toEqual([
      ['refund', 'ch_L8', 'pi_L8', null],
      ['sale', 'pi_L8', null, 'Referrer'],
    ]);
    expect((await ledger(w)).map((e) => e.amount_minor)).toEqual(['-100', '200']);
    expect(await links(w)).toEqual([]);
  });

  it('a bad signature on invoice_payment.paid → 400, and no link is stored', async () => {
    const w = await world('Bad signature');
    const d = event('evt_link_badsig', 'invoice_payment.paid', invoicePayment('in_L9', { type: 'payment_intent', payment_intent: 'pi_L9' }));
    expect((await deliver(t.app, 'stripe', w.endpointId, d.body, 'whsec_not_this_one')).status).toBe(400);
    expect((await deliver(t.app, 'stripe', w.endpointId, d.body, null)).status).toBe(400);
    const stale = await t.app.request(`/api/v1/webhooks/stripe/${w.endpointId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': signStripe(d.body, SECRET, Math.floor(Date.now() / 1000) - 301) },
      body: d.body,
    });
    expect(stale.status).toBe(400);
    expect(await links(w)).toEqual([]);
    expect(await select(sql`select id from billing_event where workspace_id = ${w.workspaceId}`)).toEqual([]);
    expect((await t.services.db.select().from(billingPaymentLink)).some((l) => l.invoiceId === 'in_L9')).toBe(false);
  });

  it(`replay ×10, shuffled${ON_POSTGRES ? ', 4 concurrent workers and the accrual running alongside' : ''}: the conversions and ledger of one ordered delivery`, async () => {
    const scenario = (code: string): Delivery[] => [
      event('evt_r_paid_1', 'invoice.paid', invoice('in_R1', code)),
      event('evt_r_succeeded_1', 'invoice.payment_succeeded', invoice('in_R1', code)),
      event('evt_r_link_1', 'invoice_payment.paid', invoicePayment('in_R1', { type: 'payment_intent', payment_intent: 'pi_R1' })),
      refundEvent('evt_r_refund_1a', refundedCharge('ch_R1', 'pi_R1', 300, 0)),
      refundEvent('evt_r_refund_1b', refundedCharge('ch_R1', 'pi_R1', 700, 300, 'cus_in_R1'), 1_750_200_000),
      event('evt_r_paid_2', 'invoice.paid', invoice('in_R2', code, { billing_reason: 'subscription_cycle', payments: { object: 'list', data: [invoicePayment('in_R2', { type: 'charge', charge: 'ch_R2' })] } })),
      event('evt_r_dispute_2', 'charge.dispute.created', dispute('dp_R2', 'ch_R2', null, 'needs_response'), {}, 1_750_100_000),
      event('evt_r_dispute_2_won', 'charge.dispute.closed', dispute('dp_R2', 'ch_R2', null, 'won'), {}, 1_750_300_000),
      event('evt_r_paid_3', 'invoice.paid', invoice('in_R3', null, { customer: 'cus_stranger' })),
      event('evt_r_link_3', 'invoice_payment.paid', invoicePayment('in_R3', { type: 'payment_intent', payment_intent: 'pi_R3' })),
      refundEvent('evt_r_refund_3', refundedCharge('ch_R3', 'pi_R3', 100, 0)),
      event('evt_r_link_none', 'invoice_payment.paid', invoicePayment('in_R4', { type: 'payment_record', payment_record: 'pr_1' })),
    ];
    const ordered = await world('Replay ordered');
    const want = await play(ordered, scenario(ordered.code));
    expect(want.conversions.filter((c) => c.kind === 'sale')).toHaveLength(3);
    expect(want.conversions.filter((c) => c.kind !== 'sale').map((c) => [c.idempotency_key, c.original_ref, c.partner])).toEqual([
      ['stripe:dispute_opened:dp_R2', 'in_R2', 'Referrer'],
      ['stripe:dispute_won:dp_R2', 'in_R2', 'Referrer'],
      ['stripe:refund:ch_R1:300', 'in_R1', 'Referrer'],
      ['stripe:refund:ch_R1:700', 'in_R1', 'Referrer'],
      ['stripe:refund:ch_R3:100', 'in_R3', null],
    ]);
    expect(want.ledger.filter((e) => Number(e.amount_minor) < 0).length).toBeGreaterThanOrEqual(2);

    const w = await world('Replay shuffled');
    const seed = Number(process.env.REPLAY_SEED ?? 20261122);
    const events = scenario(w.code);
    const queue = shuffled(
      events.flatMap((e) => Array.from({ length: 10 }, () => e)),
      seed,
    );
    const statuses = new Map<string, string[]>();
    let stop = false;
    const worker = async () => {
      for (let d = queue.pop(); d; d = queue.pop()) {
        const res = await send(w, d);
        statuses.set(d.name, [...(statuses.get(d.name) ?? []), res.status]);
      }
    };
    const accrual = async () => {
      while (!stop) {
        await accrue(w);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    };
    const loop = accrual();
    await Promise.all(Array.from({ length: ON_POSTGRES ? 4 : 1 }, worker));
    stop = true;
    await loop;
    await settle(w);
    for (const e of events) expect(statuses.get(e.name)?.filter((s) => s === 'duplicate'), `${e.name} (seed ${seed})`).toHaveLength(9);
    expect({ conversions: await conversions(w), ledger: await ledger(w) }).toEqual(want);
    expect(await links(w)).toEqual(await links(ordered));
  }, 300_000);
});
