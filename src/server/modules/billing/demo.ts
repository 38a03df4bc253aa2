import { and, eq } from 'drizzle-orm';
import type { WorkspaceContext } from '../../platform/context.ts';
import type { Services } from '../../platform/http.ts';
import { partner } from '../partners/schema.ts';
import { program } from '../programs/schema.ts';
import { createEndpoint, receiveWebhook } from './service.ts';
import { signStripe } from './signatures.ts';

const DAY = 86_400;

/**
 * Demo data: a Stripe endpoint on the referral program with a few signed events delivered
 * through the real webhook path — a referred subscription (checkout, first invoice, renewal,
 * partial refund), a payment from an unknown customer (unattributed) and an ignored type.
 */
export async function seedDemoBilling(ctx: WorkspaceContext, s: Pick<Services, 'db' | 'config' | 'secrets' | 'log'>): Promise<void> {
  const [referral] = await s.db.select({ id: program.id }).from(program).where(and(eq(program.workspaceId, ctx.workspaceId), eq(program.name, 'Referral Partners')));
  const [northwind] = await s.db.select({ id: partner.id }).from(partner).where(and(eq(partner.workspaceId, ctx.workspaceId), eq(partner.name, 'Northwind Consulting')));
  const deps = { db: s.db, config: s.config, secrets: s.secrets };
  const { endpoint, signingSecret } = await createEndpoint(ctx, deps, { provider: 'stripe', name: 'Stripe (live)', programId: referral?.id ?? null, signingSecret: 'whsec_demo_0f3c9a1e5b7d4c2a8e6f1b3d5a7c9e0f' });
  const now = Math.floor(Date.now() / 1000);
  const referredBy: Record<string, string> = northwind ? { openprm_partner: northwind.id } : {};
  const invoice = (id: string, daysAgo: number, reason: string, customer: string, email: string, metadata: Record<string, string>) => ({
    id,
    object: 'invoice',
    currency: 'usd',
    amount_paid: 4900,
    customer,
    customer_email: email,
    customer_name: email.split('@')[0],
    billing_reason: reason,
    charge: `ch_${id.slice(3)}`,
    payment_intent: `pi_${id.slice(3)}`,
    status: 'paid',
    status_transitions: { paid_at: now - daysAgo * DAY },
    subscription: customer === 'cus_demo_lena' ? 'sub_demo_lena' : null,
    subscription_details: { metadata },
    lines: { data: [{ amount: 4900, price: { id: 'price_demo_team', product: 'prod_demo_team' } }] },
  });
  const events: Array<{ id: string; type: string; object: Record<string, unknown>; previous?: Record<string, unknown> }> = [
    { id: 'evt_demo_checkout', type: 'checkout.session.completed', object: { id: 'cs_demo_lena', object: 'checkout.session', mode: 'subscription', customer: 'cus_demo_lena', customer_details: { email: 'lena@brightforge.example', name: 'Lena Ortiz', address: { country: 'US' } }, subscription: 'sub_demo_lena', metadata: referredBy, created: now - 40 * DAY } },
    { id: 'evt_demo_invoice_1', type: 'invoice.paid', object: invoice('in_demo_lena_1', 40, 'subscription_create', 'cus_demo_lena', 'lena@brightforge.example', referredBy) },
    { id: 'evt_demo_invoice_2', type: 'invoice.paid', object: invoice('in_demo_lena_2', 10, 'subscription_cycle', 'cus_demo_lena', 'lena@brightforge.example', referredBy) },
    { id: 'evt_demo_refund', type: 'charge.refunded', object: { id: 'ch_demo_lena_2', object: 'charge', invoice: 'in_demo_lena_2', payment_intent: 'pi_demo_lena_2', currency: 'usd', amount: 4900, amount_refunded: 1500, refunded: false, created: now - 3 * DAY }, previous: { amount_refunded: 0 } },
    { id: 'evt_demo_walkin', type: 'invoice.paid', object: invoice('in_demo_walkin', 6, 'manual', 'cus_demo_walkin', 'ops@quietharbor.example', {}) },
    { id: 'evt_demo_customer', type: 'customer.updated', object: { id: 'cus_demo_lena', object: 'customer' } },
  ];
  for (const e of events) {
    const body = JSON.stringify({ id: e.id, object: 'event', type: e.type, created: now, livemode: true, data: { object: e.object, ...(e.previous ? { previous_attributes: e.previous } : {}) } });
    const signature = signStripe(body, signingSecret);
    await receiveWebhook({ ...deps, log: s.log }, { provider: 'stripe', endpointId: endpoint.id, rawBody: body, header: (name) => (name === 'stripe-signature' ? signature : undefined) });
  }
}
