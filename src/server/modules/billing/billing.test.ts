import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../platform/ids.ts';
import { type TestApp, call, createTestApp, memberWithRole, ownerWithWorkspace } from '../../test/harness.ts';
import { makePartner } from '../deals/test-fixtures.ts';
import { conversion, link } from '../tracking/schema.ts';
import { billingEndpoint, billingEvent } from './schema.ts';
import { signPaddle, signStripe } from './signatures.ts';
import { corporaAvailable, corpusEvents, deliver } from './test-corpus.ts';

let t: TestApp;
let vendor: Awaited<ReturnType<typeof ownerWithWorkspace>>;
let other: Awaited<ReturnType<typeof ownerWithWorkspace>>;
let programId: string;
let partnerId: string;

const STRIPE_SECRET = 'whsec_billing_test_secret';
const PADDLE_SECRET = 'pdl_ntfset_01test_secret';

async function createEndpoint(as: typeof vendor.as, body: Record<string, unknown>) {
  const res = await call(t, 'POST', '/api/v1/billing-endpoints', { ...as, body });
  if (res.status !== 201) throw new Error(`endpoint failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { endpoint: { id: string; webhookUrl: string; secretHint: string }; signingSecret: string };
}

const count = async (table: typeof billingEvent | typeof conversion, workspaceId: string) =>
  (await t.services.db.select({ id: table.id }).from(table).where(eq(table.workspaceId, workspaceId))).length;

const stripeEvent = (type: string, object: Record<string, unknown>, id = `evt_${newId('event').slice(-12)}`) =>
  JSON.stringify({ id, object: 'event', type, created: Math.floor(Date.now() / 1000), livemode: false, data: { object } });

beforeAll(async () => {
  t = await createTestApp();
  vendor = await ownerWithWorkspace(t, 'Billing Vendor');
  other = await ownerWithWorkspace(t, 'Other Vendor');
  programId = (await call(t, 'POST', '/api/v1/programs', { ...vendor.as, body: { name: 'Affiliates', partnerType: 'affiliate', currency: 'USD', status: 'active' } })).body.id;
  partnerId = await makePartner(t, vendor.as, 'Referrer', programId);
  await t.services.db.insert(link).values({ id: newId('link'), workspaceId: vendor.workspaceId, programId, partnerId, code: 'corpus-partner', destinationUrl: 'https://vendor.example/' });
});
afterAll(async () => {
  await t.close();
});

describe('billing endpoints', () => {
  it('creates an endpoint, shows the secret once and masked afterwards, and audits it', async () => {
    const created = await createEndpoint(vendor.as, { provider: 'stripe', programId, signingSecret: STRIPE_SECRET });
    expect(created.signingSecret).toBe(STRIPE_SECRET);
    expect(created.endpoint.webhookUrl).toMatch(new RegExp(`/api/v1/webhooks/stripe/${created.endpoint.id}$`));
    expect(created.endpoint.secretHint).toBe('•••• cret');
    const listed = await call(t, 'GET', '/api/v1/billing-endpoints', vendor.as);
    expect(JSON.stringify(listed.body)).not.toContain(STRIPE_SECRET);
    const [row] = await t.services.db.select().from(billingEndpoint).where(eq(billingEndpoint.id, created.endpoint.id));
    expect(row.secretEncrypted).not.toContain(STRIPE_SECRET);
    const audit = await call(t, 'GET', `/api/v1/audit-entries?entityId=${created.endpoint.id}`, vendor.as);
    expect(audit.status).toBe(200);
    expect(JSON.stringify(audit.body)).toContain('billing_endpoint.created');
    expect(JSON.stringify(audit.body)).not.toContain(STRIPE_SECRET);
  });

  it('Stripe and Paddle need the provider secret; Lemon Squeezy gets a generated one', async () => {
    const missing = await call(t, 'POST', '/api/v1/billing-endpoints', { ...vendor.as, body: { provider: 'paddle' } });
    expect(missing.status).toBe(422);
    expect(missing.body.errors[0].path).toBe('signingSecret');
    const bad = await call(t, 'POST', '/api/v1/billing-endpoints', { ...vendor.as, body: { provider: 'stripe', signingSecret: 'short' } });
    expect(bad.status).toBe(422);
    const wrongProvider = await call(t, 'POST', '/api/v1/billing-endpoints', { ...vendor.as, body: { provider: 'braintree', signingSecret: 'x'.repeat(20) } });
    expect(wrongProvider.status).toBe(422);
    expect(wrongProvider.body.errors[0].path).toBe('provider');
    const foreignProgram = await call(t, 'POST', '/api/v1/billing-endpoints', { ...other.as, body: { provider: 'lemonsqueezy', programId } });
    expect(foreignProgram.status).toBe(422);
    expect(foreignProgram.body.errors[0].path).toBe('programId');
    const ls = await createEndpoint(vendor.as, { provider: 'lemonsqueezy' });
    expect(ls.signingSecret).toMatch(/^lsq_[0-9a-f]{32}$/);
  });

  it('rotates the secret: the new one is shown once, the previous one verifies during the grace period', async () => {
    const { endpoint } = await createEndpoint(vendor.as, { provider: 'paddle', signingSecret: PADDLE_SECRET });
    const rotated = await call(t, 'POST', `/api/v1/billing-endpoints/${endpoint.id}/rotate-secret`, { ...vendor.as, body: { signingSecret: 'pdl_ntfset_new_secret_2', keepPreviousHours: 24 } });
    expect(rotated.status).toBe(200);
    expect(rotated.body.signingSecret).toBe('pdl_ntfset_new_secret_2');
    expect(rotated.body.endpoint.previousSecretExpiresAt).toBeTruthy();
    const body = (id: string) => JSON.stringify({ event_id: id, event_type: 'customer.created', occurred_at: '2024-01-01T00:00:00Z', data: { id: 'ctm_1' } });
    expect((await deliver(t.app, 'paddle', endpoint.id, body('evt_rot_old'), PADDLE_SECRET)).status).toBe(200);
    expect((await deliver(t.app, 'paddle', endpoint.id, body('evt_rot_new'), 'pdl_ntfset_new_secret_2')).status).toBe(200);
    await call(t, 'POST', `/api/v1/billing-endpoints/${endpoint.id}/rotate-secret`, { ...vendor.as, body: { signingSecret: 'pdl_ntfset_new_secret_3', keepPreviousHours: 0 } });
    expect((await deliver(t.app, 'paddle', endpoint.id, body('evt_rot_stale'), 'pdl_ntfset_new_secret_2')).status).toBe(400);
  });

  it('warns when the events received show a webhook setting missing, until the missing events arrive', async () => {
    const warnings = async (id: string) => ((await call(t, 'GET', `/api/v1/billing-endpoints/${id}`, vendor.as)).body.setupWarnings as { code: string }[]).map((w) => w.code);
    // Lemon Squeezy: subscription payments but no subscription events (each first payment would count twice).
    const ls = await createEndpoint(vendor.as, { provider: 'lemonsqueezy' });
    const lsEvent = (eventName: string, type: string, id: string, attributes: Record<string, unknown>) =>
      JSON.stringify({ meta: { event_name: eventName }, data: { type, id, attributes: { store_id: 1, customer_id: 7, currency: 'USD', user_email: 'sub@example.com', created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z', ...attributes } } });
    expect(await warnings(ls.endpoint.id)).toEqual([]);
    await deliver(t.app, 'lemonsqueezy', ls.endpoint.id, lsEvent('order_created', 'orders', '501', { total: 4900, status: 'paid' }), ls.signingSecret);
    expect(await warnings(ls.endpoint.id)).toEqual([]); // one-time orders need no subscription events
    await deliver(t.app, 'lemonsqueezy', ls.endpoint.id, lsEvent('subscription_payment_success', 'subscription-invoices', '600', { subscription_id: 8, billing_reason: 'renewal', total: 4900, status: 'paid', refunded: false }), ls.signingSecret);
    expect(await warnings(ls.endpoint.id)).toEqual([]); // nor do renewals (no order is sent with them)
    await deliver(t.app, 'lemonsqueezy', ls.endpoint.id, lsEvent('subscription_payment_success', 'subscription-invoices', '601', { subscription_id: 9, billing_reason: 'initial', total: 4900, status: 'paid', refunded: false }), ls.signingSecret);
    expect(await warnings(ls.endpoint.id)).toEqual(['lemonsqueezy_subscription_events_missing']);
    await deliver(t.app, 'lemonsqueezy', ls.endpoint.id, lsEvent('subscription_created', 'subscriptions', '9', { order_id: 501, status: 'active' }), ls.signingSecret);
    expect(await warnings(ls.endpoint.id)).toEqual([]);

    // Stripe 2025-03-31+: invoices without a charge, but no invoice_payment.paid (their refunds could not find the sale).
    const stripe = await createEndpoint(vendor.as, { provider: 'stripe', signingSecret: 'whsec_setup_warnings' });
    await deliver(t.app, 'stripe', stripe.endpoint.id, stripeEvent('invoice.paid', { id: 'in_old_shape', charge: 'ch_old', currency: 'usd', amount_paid: 100 }), 'whsec_setup_warnings');
    expect(await warnings(stripe.endpoint.id)).toEqual([]);
    await deliver(t.app, 'stripe', stripe.endpoint.id, stripeEvent('invoice.paid', { id: 'in_basil', currency: 'usd', amount_paid: 100, payments: { data: [] } }), 'whsec_setup_warnings');
    expect(await warnings(stripe.endpoint.id)).toEqual(['stripe_invoice_payment_events_missing']);
    // The list shows it too, and another workspace sees none of it.
    const listed = (await call(t, 'GET', '/api/v1/billing-endpoints', vendor.as)).body.data.find((e: { id: string }) => e.id === stripe.endpoint.id);
    expect(listed.setupWarnings[0].message).toContain('invoice_payment.paid');
    expect((await call(t, 'GET', `/api/v1/billing-endpoints/${stripe.endpoint.id}`, other.as)).status).toBe(404);
    await deliver(t.app, 'stripe', stripe.endpoint.id, stripeEvent('invoice_payment.paid', { id: 'inpay_1', object: 'invoice_payment', invoice: 'in_basil', status: 'paid', payment: { type: 'payment_intent', payment_intent: 'pi_basil' } }), 'whsec_setup_warnings');
    expect(await warnings(stripe.endpoint.id)).toEqual([]);
  });

  it('disables, updates and deletes (only without events)', async () => {
    const { endpoint } = await createEndpoint(vendor.as, { provider: 'stripe', signingSecret: 'whsec_disable_me' });
    const patched = await call(t, 'PATCH', `/api/v1/billing-endpoints/${endpoint.id}`, { ...vendor.as, body: { name: 'Old Stripe', status: 'disabled' } });
    expect(patched.body).toMatchObject({ name: 'Old Stripe', status: 'disabled' });
    const refused = await deliver(t.app, 'stripe', endpoint.id, stripeEvent('customer.created', { id: 'cus_x' }), 'whsec_disable_me');
    expect(refused.status).toBe(404);
    expect((await call(t, 'DELETE', `/api/v1/billing-endpoints/${endpoint.id}`, vendor.as)).status).toBe(204);
    expect((await call(t, 'GET', `/api/v1/billing-endpoints/${endpoint.id}`, vendor.as)).status).toBe(404);
  });

  it('wrong role → 403; another workspace’s endpoint id → 404', async () => {
    const { endpoint } = await createEndpoint(vendor.as, { provider: 'stripe', signingSecret: 'whsec_roles_test' });
    for (const role of ['sales', 'marketing', 'analyst', 'finance', 'partner_manager']) {
      const m = await memberWithRole(t, vendor, role);
      expect((await call(t, 'GET', '/api/v1/billing-endpoints', m.as)).status, role).toBe(403);
      expect((await call(t, 'POST', '/api/v1/billing-endpoints', { ...m.as, body: { provider: 'lemonsqueezy' } })).status, role).toBe(403);
      expect((await call(t, 'POST', `/api/v1/billing-endpoints/${endpoint.id}/rotate-secret`, { ...m.as, body: {} })).status, role).toBe(403);
    }
    expect((await call(t, 'GET', `/api/v1/billing-endpoints/${endpoint.id}`, other.as)).status).toBe(404);
    expect((await call(t, 'PATCH', `/api/v1/billing-endpoints/${endpoint.id}`, { ...other.as, body: { status: 'disabled' } })).status).toBe(404);
    expect((await call(t, 'POST', `/api/v1/billing-endpoints/${endpoint.id}/rotate-secret`, { ...other.as, body: {} })).status).toBe(404);
    expect((await call(t, 'DELETE', `/api/v1/billing-endpoints/${endpoint.id}`, other.as)).status).toBe(404);
  });
});

describe('receiving webhooks', () => {
  let stripeId: string;
  beforeAll(async () => {
    stripeId = (await createEndpoint(vendor.as, { provider: 'stripe', programId, name: 'Stripe live', signingSecret: 'whsec_receiving' })).endpoint.id;
  });

  it('a bad, missing or stale signature → 400 problem JSON, logged, nothing stored', async () => {
    const before = [await count(billingEvent, vendor.workspaceId), await count(conversion, vendor.workspaceId)];
    const body = stripeEvent('invoice.paid', { id: 'in_badsig', currency: 'usd', amount_paid: 1000, customer: 'cus_badsig' });
    const wrong = await deliver(t.app, 'stripe', stripeId, body, 'whsec_someone_else');
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ code: 'bad_request', status: 400, detail: 'Webhook signature verification failed' });
    expect((await deliver(t.app, 'stripe', stripeId, body, null)).status).toBe(400);
    const stale = await t.app.request(`/api/v1/webhooks/stripe/${stripeId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': signStripe(body, 'whsec_receiving', Math.floor(Date.now() / 1000) - 301) },
      body,
    });
    expect(stale.status).toBe(400);
    expect(stale.headers.get('content-type')).toContain('application/problem+json');
    const tampered = await t.app.request(`/api/v1/webhooks/stripe/${stripeId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': signStripe(body, 'whsec_receiving') },
      body: body.replace('1000', '9000'),
    });
    expect(tampered.status).toBe(400);
    // Paddle's header on a Stripe endpoint is no signature either.
    expect((await deliver(t.app, 'stripe', stripeId, body, null, { 'paddle-signature': signPaddle(body, 'whsec_receiving') })).status).toBe(400);
    expect([await count(billingEvent, vendor.workspaceId), await count(conversion, vendor.workspaceId)]).toEqual(before);
  });

  it('unknown endpoint, wrong provider in the URL, or malformed JSON after a valid signature', async () => {
    const body = stripeEvent('invoice.paid', { id: 'in_x' });
    expect((await deliver(t.app, 'stripe', 'bep_nope', body, 'whsec_receiving')).status).toBe(404);
    expect((await deliver(t.app, 'paddle', stripeId, body, 'whsec_receiving')).status).toBe(404);
    expect((await deliver(t.app, 'braintree' as 'stripe', stripeId, body, 'whsec_receiving')).status).toBe(404);
    expect((await deliver(t.app, 'stripe', stripeId, '{not json', 'whsec_receiving')).status).toBe(400);
    expect((await deliver(t.app, 'stripe', stripeId, '{"hello":"world"}', 'whsec_receiving')).status).toBe(400);
    const huge = JSON.stringify({ id: 'evt_huge', type: 'invoice.paid', data: { object: { pad: 'x'.repeat(1024 * 1024) } } });
    expect((await deliver(t.app, 'stripe', stripeId, huge, 'whsec_receiving')).status).toBe(413);
  });

  it('records a sale once; a replay answers duplicate and changes nothing; the sibling event of the same invoice adds nothing', async () => {
    const invoice = { id: 'in_once', charge: 'ch_once', payment_intent: 'pi_once', currency: 'usd', amount_paid: 4900, customer: 'cus_once', customer_email: 'Once@Example.com', billing_reason: 'subscription_create', subscription_details: { metadata: { openprm_partner: 'corpus-partner' } } };
    const body = stripeEvent('invoice.paid', invoice, 'evt_once');
    const first = await deliver(t.app, 'stripe', stripeId, body, 'whsec_receiving');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ received: true, status: 'applied' });
    const snapshot = [await count(billingEvent, vendor.workspaceId), await count(conversion, vendor.workspaceId)];
    const replay = await deliver(t.app, 'stripe', stripeId, body, 'whsec_receiving');
    expect(replay.body).toMatchObject({ status: 'duplicate', eventId: first.body.eventId, conversionIds: first.body.conversionIds });
    const sibling = await deliver(t.app, 'stripe', stripeId, stripeEvent('invoice.payment_succeeded', invoice, 'evt_once_sibling'), 'whsec_receiving');
    expect(sibling.body).toMatchObject({ status: 'applied', conversionIds: first.body.conversionIds });
    expect(await count(conversion, vendor.workspaceId)).toBe(snapshot[1]);
    const [cnv] = await t.services.db.select().from(conversion).where(eq(conversion.id, first.body.conversionIds[0]));
    expect(cnv).toMatchObject({ kind: 'sale', source: 'stripe', partnerId, programId, amountMinor: 4900n, currency: 'USD', isRecurring: false, externalRef: 'pi_once' });

    // A refund (arriving later) reverses that sale and follows its partner.
    const refund = await deliver(t.app, 'stripe', stripeId, JSON.stringify({ id: 'evt_once_refund', type: 'charge.refunded', created: 1, data: { object: { id: 'ch_once', invoice: 'in_once', payment_intent: 'pi_once', currency: 'usd', amount: 4900, amount_refunded: 1000 }, previous_attributes: { amount_refunded: 0 } } }), 'whsec_receiving');
    const [ref] = await t.services.db.select().from(conversion).where(eq(conversion.id, refund.body.conversionIds[0]));
    expect(ref).toMatchObject({ kind: 'refund', originalRef: 'pi_once', amountMinor: 1000n, partnerId });
  });

  it('partial refunds of a charge add up to its amount_refunded, with or without previous_attributes, in either order', async () => {
    // $10 then $30 refunded of a $49 charge: amount_refunded is 1000, then 4000 (cumulative).
    const refundEvent = (chargeId: string, id: string, total: number, previous?: number) =>
      JSON.stringify({
        id,
        type: 'charge.refunded',
        created: 1,
        data: {
          object: { id: chargeId, invoice: `in_${chargeId}`, payment_intent: `pi_${chargeId}`, currency: 'usd', amount: 4900, amount_refunded: total },
          ...(previous === undefined ? {} : { previous_attributes: { amount_refunded: previous } }),
        },
      });
    const refunded = async (chargeId: string) => {
      const rows = await t.services.db.select().from(conversion).where(and(eq(conversion.workspaceId, vendor.workspaceId), eq(conversion.externalRef, chargeId), eq(conversion.kind, 'refund')));
      return rows.reduce((sum, r) => sum + (r.amountMinor ?? 0n), 0n);
    };
    const scenarios: { charge: string; events: [string, number, number | undefined][] }[] = [
      // The second event without previous_attributes used to count the first $10 again ($50 reversed).
      { charge: 'ch_cum_a', events: [['evt_cum_a1', 1000, 0], ['evt_cum_a2', 4000, undefined]] },
      // The second refund arrives first: each names its previous total, so each records its own step.
      { charge: 'ch_cum_b', events: [['evt_cum_b2', 4000, 1000], ['evt_cum_b1', 1000, 0]] },
      // Neither names it: the later total records the whole $40 and the late first adds nothing.
      { charge: 'ch_cum_c', events: [['evt_cum_c2', 4000, undefined], ['evt_cum_c1', 1000, undefined]] },
      // Mixed: $40 recorded without a previous total, then the first step ($10, named) is already covered.
      { charge: 'ch_cum_e', events: [['evt_cum_e2', 4000, undefined], ['evt_cum_e1', 1000, 0]] },
    ];
    for (const s of scenarios) {
      await deliver(t.app, 'stripe', stripeId, stripeEvent('invoice.paid', { id: `in_${s.charge}`, charge: s.charge, payment_intent: `pi_${s.charge}`, currency: 'usd', amount_paid: 4900, customer: 'cus_once', customer_email: 'once@example.com' }), 'whsec_receiving');
      for (const [id, total, previous] of s.events) {
        const res = await deliver(t.app, 'stripe', stripeId, refundEvent(s.charge, id, total, previous), 'whsec_receiving');
        expect(res.body.status, `${s.charge} ${id}`).toBe('applied');
      }
      expect(await refunded(s.charge), s.charge).toBe(4000n);
      // Replays of every event change nothing.
      for (const [id, total, previous] of s.events) await deliver(t.app, 'stripe', stripeId, refundEvent(s.charge, id, total, previous), 'whsec_receiving');
      expect(await refunded(s.charge), `${s.charge} after replays`).toBe(4000n);
    }
    // A refund recorded before refundedTotal existed (only Stripe's amountRefundedTotal) still counts as the charge's total so far.
    await deliver(t.app, 'stripe', stripeId, refundEvent('ch_cum_d', 'evt_cum_d1', 1000, 0), 'whsec_receiving');
    await t.services.db.execute(sql`update conversion set details = details - 'refundedTotal' - 'refundedBefore' where workspace_id = ${vendor.workspaceId} and external_ref = 'ch_cum_d'`);
    await deliver(t.app, 'stripe', stripeId, refundEvent('ch_cum_d', 'evt_cum_d2', 4000), 'whsec_receiving');
    expect(await refunded('ch_cum_d')).toBe(4000n);

    // Another workspace's refunds of a charge with the same id cover nothing here.
    const foreign = await call(t, 'POST', '/api/v1/billing-endpoints', { ...other.as, body: { provider: 'stripe', signingSecret: 'whsec_other_refunds' } });
    expect(foreign.status).toBe(201);
    await deliver(t.app, 'stripe', foreign.body.endpoint.id, refundEvent('ch_cum_f', 'evt_cum_f_other', 4000, 0), 'whsec_other_refunds');
    await deliver(t.app, 'stripe', stripeId, refundEvent('ch_cum_f', 'evt_cum_f1', 1000), 'whsec_receiving');
    expect(await refunded('ch_cum_f')).toBe(1000n);
  });

  it('an unknown customer becomes an unattributed conversion, visible in the events list', async () => {
    const res = await deliver(t.app, 'stripe', stripeId, stripeEvent('invoice.paid', { id: 'in_stranger', currency: 'eur', amount_paid: 1500, customer: 'cus_stranger', customer_email: 'stranger@example.com' }), 'whsec_receiving');
    expect(res.body.status).toBe('unattributed');
    const [cnv] = await t.services.db.select().from(conversion).where(eq(conversion.id, res.body.conversionIds[0]));
    expect(cnv).toMatchObject({ partnerId: null, accrualStatus: 'unattributed', programId });
    const events = await call(t, 'GET', `/api/v1/billing-events?endpointId=${stripeId}&status=unattributed`, vendor.as);
    expect(events.body.data.map((e: { id: string }) => e.id)).toContain(res.body.eventId);
    const detail = await call(t, 'GET', `/api/v1/billing-events/${res.body.eventId}`, vendor.as);
    expect(detail.body).toMatchObject({ type: 'invoice.paid', status: 'unattributed', payload: { id: expect.any(String), type: 'invoice.paid' } });
    expect(detail.body.normalized[0]).toMatchObject({ kind: 'sale', amount: { amountMinor: '1500', currency: 'EUR' } });
    expect((await call(t, 'GET', `/api/v1/billing-events/${res.body.eventId}`, other.as)).status).toBe(404);
  });

  it('an event type we do not use is acknowledged (200) and stored as ignored', async () => {
    const res = await deliver(t.app, 'stripe', stripeId, stripeEvent('transfer.paid', { id: 'tr_1' }), 'whsec_receiving');
    expect(res).toMatchObject({ status: 200, body: { status: 'ignored', conversionIds: [] } });
  });

  it('a bad currency is stored as failed with its reason, and retried on redelivery', async () => {
    const body = stripeEvent('invoice.paid', { id: 'in_badcur', currency: 'zzz', amount_paid: 100, customer: 'cus_badcur' }, 'evt_badcur');
    const res = await deliver(t.app, 'stripe', stripeId, body, 'whsec_receiving');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('failed');
    const [row] = await t.services.db.select().from(billingEvent).where(eq(billingEvent.id, res.body.eventId));
    expect(row.reason).toBeTruthy();
    const again = await deliver(t.app, 'stripe', stripeId, body, 'whsec_receiving');
    expect(again.body).toMatchObject({ status: 'failed', eventId: res.body.eventId });
    expect(await t.services.db.select().from(conversion).where(and(eq(conversion.workspaceId, vendor.workspaceId), eq(conversion.externalRef, 'in_badcur')))).toHaveLength(0);
  });

  it('the same event id in another workspace is a different event', async () => {
    const otherEndpoint = (await createEndpoint(other.as, { provider: 'stripe', signingSecret: 'whsec_other_ws' })).endpoint.id;
    const body = stripeEvent('invoice.paid', { id: 'in_once', currency: 'usd', amount_paid: 4900, customer: 'cus_once' }, 'evt_once');
    const res = await deliver(t.app, 'stripe', otherEndpoint, body, 'whsec_other_ws');
    expect(res.body.status).toBe('unattributed');
  });
});

describe.skipIf(!corporaAvailable())('every corpus payload, signed and delivered', () => {
  it('answers 200 for each, stores each once, and a second delivery changes nothing', async () => {
    const owner = await ownerWithWorkspace(t, 'Corpus Vendor');
    const program = (await call(t, 'POST', '/api/v1/programs', { ...owner.as, body: { name: 'Corpus', partnerType: 'affiliate', currency: 'USD', status: 'active' } })).body.id;
    const partner = await makePartner(t, owner.as, 'Corpus Partner', program);
    await t.services.db.insert(link).values({ id: newId('link'), workspaceId: owner.workspaceId, programId: program, partnerId: partner, code: `corpus-${owner.workspaceId.slice(-6).toLowerCase()}`, destinationUrl: 'https://vendor.example/' });
    const secrets = { stripe: 'whsec_corpus', paddle: 'pdl_ntfset_corpus', lemonsqueezy: 'lsq_corpus_secret' } as const;
    const endpoints = {
      stripe: (await createEndpoint(owner.as, { provider: 'stripe', programId: program, signingSecret: secrets.stripe })).endpoint.id,
      paddle: (await createEndpoint(owner.as, { provider: 'paddle', programId: program, signingSecret: secrets.paddle })).endpoint.id,
      lemonsqueezy: (await createEndpoint(owner.as, { provider: 'lemonsqueezy', programId: program, signingSecret: secrets.lemonsqueezy })).endpoint.id,
    };
    const events = corpusEvents();
    const statuses: Record<string, string> = {};
    for (const e of events) {
      const res = await deliver(t.app, e.provider, endpoints[e.provider], e.body, secrets[e.provider]);
      expect(res.status, `${e.name}: ${JSON.stringify(res.body)}`).toBe(200);
      statuses[e.name] = res.body.status;
    }
    expect(await count(billingEvent, owner.workspaceId)).toBe(events.length);
    expect(statuses['pay-rails-webhooks/lemon_squeezy/order_created.json']).toBe('unattributed');
    expect(statuses['paddle-billing-webhooks/entity/transaction.completed.json']).toBe('unattributed');
    expect(statuses['paddle-billing-webhooks/entity/adjustment.created.json']).toBe('ignored');
    expect(statuses['stripe-ruby-mock-webhook-events/transfer.paid.json']).toBe('ignored');
    const conversions = await count(conversion, owner.workspaceId);
    expect(conversions).toBeGreaterThanOrEqual(20);
    for (const e of events) {
      const res = await deliver(t.app, e.provider, endpoints[e.provider], e.body, secrets[e.provider]);
      expect(res.body.status, e.name).toBe('duplicate');
    }
    expect(await count(billingEvent, owner.workspaceId)).toBe(events.length);
    expect(await count(conversion, owner.workspaceId)).toBe(conversions);
  });

  it('Stripe fixtures sharing one event id (evt_000…) are one event: the second is a duplicate', async () => {
    const owner = await ownerWithWorkspace(t, 'Zeroed Ids');
    const id = (await createEndpoint(owner.as, { provider: 'stripe', signingSecret: 'whsec_zeroed' })).endpoint.id;
    const events = corpusEvents().filter((e) => e.name.startsWith('stripe-ruby-mock') && (e.name.includes('invoice.paid') || e.name.includes('charge.refunded')));
    const bodies = events.map((e) => JSON.stringify({ ...JSON.parse(e.body), id: 'evt_000000000000000000000000' }));
    expect((await deliver(t.app, 'stripe', id, bodies[0], 'whsec_zeroed')).body.status).not.toBe('duplicate');
    expect((await deliver(t.app, 'stripe', id, bodies[1], 'whsec_zeroed')).body.status).toBe('duplicate');
  });
});
