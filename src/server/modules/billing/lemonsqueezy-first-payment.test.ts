/**
 * Lemon Squeezy sends the first payment of a new subscription as `order_created` and as
 * `subscription_payment_success` (billing reason `initial`); only a subscription event says they
 * belong together. These tests deliver the corpus payloads (pay-rails-webhooks/lemon_squeezy, with
 * consistent ids) in every arrival order, with refunds through either event, replays and four
 * concurrent workers, and check that the payment earns its commission once and a refund reverses
 * it once, pro rata. Runs on PGlite and PostgreSQL.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../platform/ids.ts';
import { call, createTestApp, ownerWithWorkspace, type TestApp } from '../../test/harness.ts';
import { accruePending } from '../commissions/accrual.ts';
import { ZPlanDocument } from '../commissions/plan.ts';
import { commissionPlan } from '../commissions/schema.ts';
import { makePartner } from '../deals/test-fixtures.ts';
import { link } from '../tracking/schema.ts';
import { lemonSqueezyFacts } from './lemonsqueezy-first-payment.ts';
import { CORPORA_DIR, corporaAvailable, deliver, permutations, shuffled } from './test-corpus.ts';

const SECRET = 'lsq_first_payment_secret';
const TOTAL = 5000; // $50.00 → 20 % = $10.00 commission
const COMMISSION = 1000;

type Obj = Record<string, any>;
const corpus = (file: string): Obj => JSON.parse(readFileSync(path.join(CORPORA_DIR, 'pay-rails-webhooks', 'lemon_squeezy', file), 'utf8'));

/** One checkout of a subscription: its order, subscription, initial invoice and customer (Lemon Squeezy ids). */
interface Pay {
  n: number;
  /** The partner's link code, passed as checkout custom data. */
  code: string;
  order: string;
  sub: string;
  invoice: string;
  customer: string;
}
const pay = (w: World, n: number): Pay => ({ n, code: w.code, order: `${9000 + n}`, sub: `${7000 + n}`, invoice: `${5000 + n}`, customer: `${3000 + n}` });
const at = (p: Pay, minute = 0) => `2026-03-${String(1 + (p.n % 27)).padStart(2, '0')}T10:${String(minute).padStart(2, '0')}:00.000000Z`;

// The corpus payloads, with one checkout's ids (the corpus files describe unrelated objects).
const events = {
  order(p: Pay): string {
    const e = corpus('order_created.json');
    e.meta.custom_data = { openprm_partner: p.code };
    Object.assign(e.data, { id: p.order });
    Object.assign(e.data.attributes, {
      customer_id: Number(p.customer), user_email: `buyer${p.n}@example.com`, setup_fee: 0, subtotal: TOTAL, total: TOTAL, created_at: at(p), updated_at: at(p),
      first_order_item: { ...e.data.attributes.first_order_item, order_id: Number(p.order), product_id: 42 },
    });
    return JSON.stringify(e);
  },
  subscription(p: Pay, file: 'subscription_created.json' | 'subscription_updated.json' = 'subscription_created.json'): string {
    const e = corpus(file);
    e.meta.custom_data = { openprm_partner: p.code };
    Object.assign(e.data, { id: p.sub });
    Object.assign(e.data.attributes, { order_id: Number(p.order), customer_id: Number(p.customer), product_id: 42, status: 'active', user_email: `buyer${p.n}@example.com`, created_at: at(p), updated_at: at(p, file === 'subscription_created.json' ? 0 : 5) });
    return JSON.stringify(e);
  },
  invoice(p: Pay, billingReason: 'initial' | 'renewal' = 'initial', id = p.invoice): string {
    const e = corpus('subscription_payment_success.json');
    e.meta.custom_data = { openprm_partner: p.code };
    Object.assign(e.data, { id });
    Object.assign(e.data.attributes, {
      subscription_id: Number(p.sub), customer_id: Number(p.customer), user_email: `buyer${p.n}@example.com`, billing_reason: billingReason, subtotal: TOTAL, total: TOTAL,
      created_at: at(p, billingReason === 'initial' ? 1 : 30), updated_at: at(p, billingReason === 'initial' ? 1 : 30),
    });
    return JSON.stringify(e);
  },
  invoiceRefunded(p: Pay, refunded: number): string {
    const e = corpus('subscription_payment_refunded.json');
    e.meta.custom_data = { openprm_partner: p.code };
    Object.assign(e.data, { id: p.invoice });
    Object.assign(e.data.attributes, {
      subscription_id: Number(p.sub), customer_id: Number(p.customer), user_email: `buyer${p.n}@example.com`, billing_reason: 'initial', subtotal: TOTAL, total: TOTAL,
      refunded_amount: refunded, refunded: refunded >= TOTAL, status: refunded >= TOTAL ? 'refunded' : 'partial_refund', created_at: at(p, 1), updated_at: at(p, 20), refunded_at: at(p, 20),
    });
    return JSON.stringify(e);
  },
  orderRefunded(p: Pay, refunded: number): string {
    const e = JSON.parse(events.order(p));
    e.meta.event_name = 'order_refunded';
    Object.assign(e.data.attributes, { refunded_amount: refunded, refunded: refunded >= TOTAL, status: refunded >= TOTAL ? 'refunded' : 'partial_refund', refunded_at: at(p, 21), updated_at: at(p, 21) });
    return JSON.stringify(e);
  },
};

interface World {
  workspaceId: string;
  endpointId: string;
  code: string;
}

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
}, 60_000);
afterAll(async () => {
  await t?.close();
});

/** A workspace with a partner whose link code the checkouts carry, a 20 % plan (no hold) and a Lemon Squeezy endpoint. */
async function world(app: TestApp = t): Promise<World> {
  const owner = await ownerWithWorkspace(app, 'Lemon Vendor');
  const programId = (await call(app, 'POST', '/api/v1/programs', { ...owner.as, body: { name: 'Affiliates', partnerType: 'affiliate', currency: 'USD', status: 'active' } })).body.id as string;
  const partnerId = await makePartner(app, owner.as, 'Lemon Partner', programId);
  const code = `fp-${owner.workspaceId.slice(-8).toLowerCase()}`;
  await app.services.db.insert(link).values({ id: newId('link'), workspaceId: owner.workspaceId, programId, partnerId, code, destinationUrl: 'https://vendor.example/' });
  const document = ZPlanDocument.parse({ holdDays: 0, rules: [{ id: 'all', name: '20 % of every payment', type: 'percentage', rateBp: 2000, duration: { type: 'lifetime' } }] });
  await app.services.db.insert(commissionPlan).values({ id: newId('commissionPlan'), workspaceId: owner.workspaceId, programId, version: 1, name: 'Plan', status: 'active', document, activatedAt: new Date() });
  const res = await call(app, 'POST', '/api/v1/billing-endpoints', { ...owner.as, body: { provider: 'lemonsqueezy', programId, signingSecret: SECRET } });
  return { workspaceId: owner.workspaceId, endpointId: res.body.endpoint.id, code };
}

async function send(w: World, body: string, app: TestApp = t): Promise<{ status: string; reason?: string; conversionIds: string[]; eventId: string }> {
  const res = await deliver(app.app, 'lemonsqueezy', w.endpointId, body, SECRET);
  if (res.status !== 200) throw new Error(`${res.status} ${JSON.stringify(res.body)}`);
  const [row] = await q<{ reason: string | null }>(app, sql`select reason from billing_event where id = ${res.body.eventId}`);
  return { ...res.body, reason: row?.reason ?? undefined };
}

async function settle(w: World, app: TestApp = t): Promise<void> {
  await app.services.bus.drain();
  for (let i = 0; i < 3; i++) await accruePending(app.services.db, w.workspaceId);
}

const q = async <T>(app: TestApp, query: ReturnType<typeof sql>) => ((await app.services.db.execute(query)) as unknown as { rows: T[] }).rows;

/** Per checkout (Lemon Squeezy customer): the net commission, ledger lines, sales and the reversal that undid a duplicate. */
async function byCustomer(w: World, p: Pay, app: TestApp = t) {
  const ext = `lemonsqueezy:${p.customer}`;
  const [ledger] = await q<{ net: string; lines: number; partners: number }>(
    app,
    sql`select coalesce(sum(e.amount_minor), 0)::text as net, count(*)::int as lines, count(distinct e.partner_id)::int as partners
      from commission_entry e join conversion c on c.id = e.conversion_id join customer cu on cu.id = c.customer_id
      where e.workspace_id = ${w.workspaceId} and cu.external_id = ${ext}`,
  );
  const conversions = await q<{ kind: string; idempotency_key: string; external_ref: string; original_ref: string | null; amount_minor: string; accrual_status: string; correction: string | null }>(
    app,
    sql`select c.kind, c.idempotency_key, c.external_ref, c.original_ref, c.amount_minor::text as amount_minor, c.accrual_status, c.details->>'correction' as correction
      from conversion c join customer cu on cu.id = c.customer_id where c.workspace_id = ${w.workspaceId} and cu.external_id = ${ext} order by c.idempotency_key`,
  );
  const sales = conversions.filter((c) => c.kind === 'sale');
  const duplicates = conversions.filter((c) => c.correction === 'same_payment');
  const refunds = conversions.filter((c) => c.kind === 'refund' && !c.correction);
  /** The sales that count (not undone as a duplicate) and the refunds recorded against them. */
  const counted = sales.filter((s) => !duplicates.some((d) => d.original_ref === s.external_ref));
  return {
    counted,
    countedRefunds: refunds.filter((x) => counted.some((s) => s.external_ref === x.original_ref)),
    net: Number(ledger.net),
    lines: Number(ledger.lines),
    partners: Number(ledger.partners),
    sales,
    duplicates,
    refunds,
    conversions,
  };
}



type Step = 'order' | 'subscription' | 'invoice' | 'orderRefund' | 'invoiceRefund';
const body = (p: Pay, s: Step, refunded = 2000) =>
  s === 'order' ? events.order(p) : s === 'subscription' ? events.subscription(p) : s === 'invoice' ? events.invoice(p) : s === 'orderRefund' ? events.orderRefunded(p, refunded) : events.invoiceRefunded(p, refunded);

describe.skipIf(!corporaAvailable())('Lemon Squeezy: the first payment of a subscription is one sale', () => {
  it('reads the facts it links by from the corpus payloads (contract)', () => {
    const sub = lemonSqueezyFacts(corpus('subscription_created.json'));
    expect(sub).toMatchObject({ event: 'subscription_created', object: 'subscription', id: '1', subscriptionId: '1', orderId: '2', customerId: '2', productId: '2' });
    expect(lemonSqueezyFacts(corpus('subscription_updated.json'))).toMatchObject({ object: 'subscription', subscriptionId: '1', orderId: '2' });
    expect(lemonSqueezyFacts(corpus('order_created.json'))).toMatchObject({ object: 'order', id: '1', orderId: '1', subscriptionId: null, customerId: '1', currency: 'USD', total: 5899n });
    expect(lemonSqueezyFacts(corpus('subscription_payment_success.json'))).toMatchObject({ object: 'invoice', id: '1', subscriptionId: '1', orderId: null, billingReason: 'initial', total: 999n });
    expect(lemonSqueezyFacts(corpus('subscription_payment_refunded.json'))).toMatchObject({ object: 'invoice', billingReason: 'initial', customerId: '1' });
    expect(lemonSqueezyFacts({ meta: {}, data: {} })).toBeNull();
  });

  it('every arrival order of order_created, subscription_created and the initial invoice counts the payment once', async () => {
    const w = await world();
    const orders = permutations<Step>(['order', 'subscription', 'invoice']);
    for (const [i, order] of orders.entries()) {
      const p = pay(w, 100 + i);
      const receipts: Record<string, Awaited<ReturnType<typeof send>>> = {};
      for (const step of order) {
        receipts[step] = await send(w, body(p, step));
        await settle(w); // accrual runs between deliveries: a sale may be accrued before its twin arrives
      }
      const r = await byCustomer(w, p);
      const name = order.join(' → ');
      expect(r.net, name).toBe(COMMISSION);
      expect(r.partners, name).toBe(1);
      if (order[2] === 'subscription') {
        // Both recorded before the link was known: the invoice's sale is reversed through the ledger, the order's counts.
        expect(r.sales.map((s) => s.external_ref).sort(), name).toEqual([`lsq_order_${p.order}`, `lsq_subinv_${p.invoice}`]);
        expect(r.duplicates, name).toHaveLength(1);
        expect(r.duplicates[0], name).toMatchObject({ kind: 'refund', original_ref: `lsq_subinv_${p.invoice}`, amount_minor: String(TOTAL) });
        expect(r.lines, name).toBe(3);
        expect(receipts.subscription.status, name).toBe('applied');
        expect(receipts.subscription.conversionIds, name).toHaveLength(1);
      } else {
        // The link was known when the second arrived: no second sale was ever recorded.
        expect(r.sales, name).toHaveLength(1);
        expect(r.duplicates, name).toHaveLength(0);
        expect(r.lines, name).toBe(1);
        const second = order.filter((s) => s !== 'subscription')[1];
        expect(receipts[second].status, name).toBe('applied');
        expect(receipts[second].reason, name).toMatch(/not counted twice/);
        expect(receipts[second].conversionIds, name).toEqual(receipts[order.filter((s) => s !== 'subscription')[0]].conversionIds);
        expect(receipts.subscription.status, name).toBe('ignored');
      }
      // A replay of any of the three changes nothing.
      for (const step of order) expect((await send(w, body(p, step))).status, name).toBe('duplicate');
      await settle(w);
      expect((await byCustomer(w, p)).net, name).toBe(COMMISSION);
    }
  }, 120_000);

  it('a refund of the first payment — order_refunded, subscription_payment_refunded or both — reverses it once, pro rata, in every arrival order', async () => {
    const w = await world();
    const cases: { steps: Step[]; refunded: number }[] = [];
    // Every arrival order of the three events and one refund (through either event), partial (40 %).
    for (const refund of ['orderRefund', 'invoiceRefund'] as const) for (const steps of permutations<Step>(['order', 'subscription', 'invoice', refund])) cases.push({ steps, refunded: 2000 });
    // Both refund events for one refund (LS may send both), in 30 of the 120 orders of the five events; full refunds too.
    const all = permutations<Step>(['order', 'subscription', 'invoice', 'orderRefund', 'invoiceRefund']);
    for (const [i, steps] of shuffled(all, 20261122).slice(0, 30).entries()) cases.push({ steps, refunded: i % 3 === 0 ? TOTAL : 2000 });
    for (const [i, c] of cases.entries()) {
      const p = pay(w, 200 + i);
      for (const step of c.steps) {
        await send(w, body(p, step, c.refunded));
        await settle(w);
      }
      const r = await byCustomer(w, p);
      const name = `${c.steps.join(' → ')} (refunded ${c.refunded})`;
      expect(r.net, name).toBe(COMMISSION - (COMMISSION * c.refunded) / TOTAL);
      // The refund was counted once against the sale that counts, whichever event(s) told it.
      expect(r.counted, name).toHaveLength(1);
      expect(r.countedRefunds, name).toHaveLength(1);
      expect(r.countedRefunds[0].idempotency_key, name).toBe(`lemonsqueezy:refund:${r.counted[0].external_ref}:${c.refunded}`);
      expect(r.countedRefunds[0].accrual_status, name).not.toBe('waiting_original');
    }
  }, 300_000);

  it('without subscription_created: any later subscription event links them; the order alone or the invoice alone is one sale', async () => {
    const w = await world();
    // order + invoice, then subscription_updated (the vendor did not enable subscription_created).
    const a = pay(w, 300);
    await send(w, events.order(a));
    await send(w, events.invoice(a));
    await settle(w);
    const linked = await send(w, events.subscription(a, 'subscription_updated.json'));
    expect(linked.status).toBe('applied');
    await settle(w);
    expect((await byCustomer(w, a)).net).toBe(COMMISSION);
    // A store that sends only the invoices (order_created not enabled): the initial invoice is the sale.
    const b = pay(w, 301);
    await send(w, events.subscription(b));
    expect((await send(w, events.invoice(b))).status).toBe('applied');
    await send(w, events.invoiceRefunded(b, 1000));
    await settle(w);
    const rb = await byCustomer(w, b);
    expect(rb.sales.map((s) => s.idempotency_key)).toEqual([`lemonsqueezy:sale:lsq_subinv_${b.invoice}`]);
    expect(rb.net).toBe(COMMISSION - 200);
    // A store that sends only order_created: the order is the sale, its refund reverses it.
    const c = pay(w, 302);
    await send(w, events.order(c));
    await send(w, events.orderRefunded(c, TOTAL));
    await settle(w);
    const rc = await byCustomer(w, c);
    expect(rc.sales.map((s) => s.idempotency_key)).toEqual([`lemonsqueezy:sale:lsq_order_${c.order}`]);
    expect(rc.net).toBe(0);
  }, 60_000);

  it('renewals and one-time orders are recorded as before; an invoice of another customer is never merged', async () => {
    const w = await world();
    const p = pay(w, 400);
    for (const step of ['order', 'subscription', 'invoice'] as const) await send(w, body(p, step));
    const renewal = await send(w, events.invoice(p, 'renewal', `${p.invoice}9`));
    expect(renewal.status).toBe('applied');
    const oneTime = pay(w, 401);
    await send(w, events.order(oneTime));
    await send(w, events.orderRefunded(oneTime, 1000));
    await settle(w);
    const r = await byCustomer(w, p);
    expect(r.sales.map((s) => s.idempotency_key)).toEqual([`lemonsqueezy:sale:lsq_order_${p.order}`, `lemonsqueezy:sale:lsq_subinv_${p.invoice}9`]);
    expect(r.net).toBe(2 * COMMISSION);
    const o = await byCustomer(w, oneTime);
    expect(o.conversions.map((c) => c.idempotency_key)).toEqual([`lemonsqueezy:refund:lsq_order_${oneTime.order}:1000`, `lemonsqueezy:sale:lsq_order_${oneTime.order}`]);
    expect(o.net).toBe(COMMISSION - 200);

    // The corpus as shipped: subscription 1 was created by order 2 (customer 2) but its invoice 1 is
    // customer 1's. Different customers are different money: three sales, nothing merged.
    const v = await world();
    for (const f of ['order_created.json', 'subscription_created.json', 'subscription_payment_success.json']) await send(v, JSON.stringify(corpus(f)));
    const order2 = corpus('order_created.json');
    order2.data.id = '2';
    order2.data.attributes.customer_id = 2;
    const res = await send(v, JSON.stringify(order2));
    expect(res.status).toBe('unattributed');
    const [{ sales }] = await q<{ sales: number }>(t, sql`select count(*)::int as sales from conversion where workspace_id = ${v.workspaceId} and kind = 'sale'`);
    expect(Number(sales)).toBe(3);
  }, 60_000);
});

describe.skipIf(!corporaAvailable())('Lemon Squeezy: successive partial refunds (refunded_amount is cumulative)', () => {
  it('two partial refunds reverse what was refunded in all, not the sum of the totals, in either arrival order and on replay', async () => {
    for (const order of [[1000, 3000], [3000, 1000]]) {
      const w = await world();
      const oneTime = pay(w, 500);
      await send(w, events.order(oneTime));
      for (const refunded of order) await send(w, events.orderRefunded(oneTime, refunded));
      await send(w, events.orderRefunded(oneTime, order[0])); // a replay of the first refund event
      await settle(w);
      const o = await byCustomer(w, oneTime);
      // $30.00 of $50.00 refunded in all → 60 % of the $10.00 commission reversed, once.
      expect(o.net, `refunds delivered as ${order.join(' then ')}`).toBe(COMMISSION - 600);
      expect(o.refunds.reduce((sum, r) => sum + Number(r.amount_minor), 0)).toBe(3000);
    }
  }, 60_000);

  it('partial refunds of a first payment through both events count what was refunded in all, once', async () => {
    const w = await world();
    const p = pay(w, 510);
    for (const step of ['order', 'subscription', 'invoice'] as const) await send(w, body(p, step));
    await send(w, events.orderRefunded(p, 1000));
    await send(w, events.invoiceRefunded(p, 1000));
    await send(w, events.invoiceRefunded(p, 2500));
    await send(w, events.orderRefunded(p, 2500));
    await settle(w);
    const r = await byCustomer(w, p);
    expect(r.net).toBe(COMMISSION - 500); // $25.00 of $50.00 refunded → half the commission
  }, 60_000);
});

describe.skipIf(!corporaAvailable())('Lemon Squeezy first payments: replay ×10, shuffled, 4 concurrent workers', () => {
  it('gives the net ledger and counted sales of one ordered delivery (three seeds)', async () => {
    const ordered = await world();
    const checkouts = (w: World) => {
      const pays = [pay(w, 500), pay(w, 501), pay(w, 502), pay(w, 503)];
      const list: string[] = [];
      // Checkout 500: refund through both events; 501: order refund; 502: invoice refund (full); 503: no refund, a renewal.
      list.push(...(['order', 'subscription', 'invoice', 'orderRefund', 'invoiceRefund'] as const).map((s) => body(pays[0], s, 2000)));
      list.push(...(['order', 'subscription', 'invoice', 'orderRefund'] as const).map((s) => body(pays[1], s, 1000)));
      list.push(...(['order', 'subscription', 'invoice', 'invoiceRefund'] as const).map((s) => body(pays[2], s, TOTAL)));
      list.push(...(['order', 'subscription', 'invoice'] as const).map((s) => body(pays[3], s)), events.invoice(pays[3], 'renewal', `${pays[3].invoice}9`));
      return { pays, list };
    };
    const { pays } = checkouts(ordered);
    for (const b of checkouts(ordered).list) await send(ordered, b);
    await settle(ordered);
    const first = Number(process.env.REPLAY_SEED ?? 20261122);
    // Interleavings differ per seed; a race (e.g. without the delivery lock) shows in some of them.
    for (const seed of [first, first + 1, first + 2]) {
    const replayed = await world();
    const { list } = checkouts(replayed);
    const queue = shuffled(
      list.flatMap((b) => Array.from({ length: 10 }, () => b)),
      seed,
    );
    const statuses = new Map<string, string[]>();
    let stop = false;
    const worker = async () => {
      for (let b = queue.pop(); b; b = queue.pop()) {
        const r = await send(replayed, b);
        statuses.set(b, [...(statuses.get(b) ?? []), r.status]);
      }
    };
    const accrual = async () => {
      while (!stop) {
        await accruePending(t.services.db, replayed.workspaceId);
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    const loop = accrual();
    await Promise.all([worker(), worker(), worker(), worker()]);
    stop = true;
    await loop;
    await settle(replayed);

    for (const b of list) expect(statuses.get(b)?.filter((s) => s === 'duplicate'), `seed ${seed}`).toHaveLength(9);
    const expected = [COMMISSION - 400, COMMISSION - 200, 0, 2 * COMMISSION];
    for (const [i, p] of pays.entries()) {
      const a = await byCustomer(ordered, p);
      const b = await byCustomer(replayed, p);
      expect(a.net, `ordered ${p.n}`).toBe(expected[i]);
      expect(b.net, `replayed ${p.n} (seed ${seed})`).toBe(a.net);
      expect(b.counted.length, `replayed ${p.n}`).toBe(a.counted.length);
      expect(b.countedRefunds.map((r) => r.amount_minor), `replayed ${p.n}`).toEqual(a.countedRefunds.map((r) => r.amount_minor));
    }
    }
  }, 300_000);
});
