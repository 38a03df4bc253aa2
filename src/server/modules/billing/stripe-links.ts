/**
 * Stripe API 2025-03-31 ("basil") and later: invoices no longer name the PaymentIntent / Charge that
 * paid them (unless `payments` is included) and charges no longer name their invoice. A refund or
 * dispute names the PaymentIntent (else the Charge), while the sale of a subscription invoice is
 * recorded under the invoice id — so the normalized facts alone cannot connect them.
 *
 * The `invoice_payment.paid` event (and an invoice's `payments`) says which payment paid which
 * invoice. This file stores those links (`billing_payment_link`) and follows them, whatever the
 * arrival order:
 * - a refund / dispute recorded when its payment's link and its invoice's sale are known is recorded
 *   against that sale (its `originalRef` is the sale's externalRef, as for older API versions);
 * - otherwise it is recorded as it comes (it waits, or is unattributed), and when the missing link
 *   or sale arrives, `followSale` (tracking/conversions.ts) re-points it at the sale and credits it
 *   to the sale's partner; the commission accrual then reverses the sale's commission.
 * Links create no conversion: `invoice.paid` + `invoice.payment_succeeded` + `invoice_payment.paid`
 * of one invoice still record one sale. Every step is idempotent, so replays change nothing.
 *
 * Concurrency: a refund, its link and its sale may be applied by three concurrent deliveries, each
 * unable to see the others' uncommitted rows. A per-workspace transaction lock (taken after the
 * event row is inserted, as every Stripe delivery that records something does) serializes them.
 *
 * A payment linked to several invoices (one PaymentIntent paying several invoices) is ambiguous:
 * its refunds are not re-pointed and wait for manual attribution (docs/billing-webhooks.md).
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Executor, Tx } from '../../platform/db.ts';
import { followSale, refsWithSale, type SaleRef, saleByKey } from '../tracking/conversions.ts';
import type { BillingConversion, NormalizedEvent, StripePaymentLink } from './normalize.ts';
import { billingPaymentLink } from './schema.ts';

const PROVIDER = 'stripe';
const REVERSALS = new Set(['refund', 'dispute_opened', 'dispute_won', 'dispute_lost']);
const saleKey = (invoiceId: string) => `stripe:sale:${invoiceId}`;

export interface StripeLinkPlan {
  /** The event's conversions, reversals re-pointed at their invoice's sale where the link already says which. */
  conversions: BillingConversion[];
  /** Invoices whose waiting refunds / disputes to re-point once the event's conversions are recorded. */
  invoices: string[];
  /** Links this delivery stored for the first time. */
  linked: StripePaymentLink[];
}

async function lockWorkspace(tx: Executor, workspaceId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`billing-stripe-links:${workspaceId}`}))`);
}

async function storeLinks(tx: Executor, workspaceId: string, links: StripePaymentLink[]): Promise<StripePaymentLink[]> {
  if (links.length === 0) return [];
  const inserted = await tx
    .insert(billingPaymentLink)
    .values(links.map((l) => ({ workspaceId, provider: PROVIDER, paymentRef: l.payment, invoiceId: l.invoice, invoicePaymentId: l.invoicePayment })))
    .onConflictDoNothing()
    .returning({ payment: billingPaymentLink.paymentRef, invoice: billingPaymentLink.invoiceId });
  return links.filter((l) => inserted.some((i) => i.payment === l.payment && i.invoice === l.invoice));
}

/** The invoices each of these payments paid (one, normally; several when one payment paid several invoices). */
async function invoicesOf(tx: Executor, workspaceId: string, payments: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (payments.length === 0) return out;
  const rows = await tx
    .select({ payment: billingPaymentLink.paymentRef, invoice: billingPaymentLink.invoiceId })
    .from(billingPaymentLink)
    .where(and(eq(billingPaymentLink.workspaceId, workspaceId), eq(billingPaymentLink.provider, PROVIDER), inArray(billingPaymentLink.paymentRef, payments)));
  for (const r of rows) out.set(r.payment, [...(out.get(r.payment) ?? []), r.invoice]);
  return out;
}

/** The sale a refund naming `payment` reverses through a link, when the link is unambiguous and the sale is recorded. */
async function linkedSale(tx: Executor, workspaceId: string, invoices: string[] | undefined): Promise<{ invoice: string; sale: SaleRef } | null> {
  if (!invoices || invoices.length !== 1) return null;
  const sale = await saleByKey(tx, workspaceId, saleKey(invoices[0]));
  return sale?.externalRef ? { invoice: invoices[0], sale } : null;
}

/**
 * Before a Stripe event's conversions are recorded (inside its transaction): takes the workspace's
 * link lock, stores the event's links, and points each refund / dispute whose payment is linked to an
 * invoice with a recorded sale at that sale.
 */
export async function beforeStripeConversions(tx: Executor, workspaceId: string, n: NormalizedEvent): Promise<StripeLinkPlan> {
  await lockWorkspace(tx, workspaceId);
  const links = n.links ?? [];
  const linked = await storeLinks(tx, workspaceId, links);
  const named = n.conversions.filter((c) => REVERSALS.has(c.kind) && c.originalRef).map((c) => c.originalRef as string);
  const direct = await refsWithSale(tx, workspaceId, named);
  const linkedInvoices = await invoicesOf(
    tx,
    workspaceId,
    named.filter((r) => !direct.has(r)),
  );
  const conversions: BillingConversion[] = [];
  for (const c of n.conversions) {
    const named = REVERSALS.has(c.kind) ? c.originalRef : null;
    const found = named && !direct.has(named) ? await linkedSale(tx, workspaceId, linkedInvoices.get(named)) : null;
    conversions.push(
      found ? { ...c, originalRef: found.sale.externalRef, details: { ...(c.details ?? {}), originalRefNamed: named, linkedInvoice: found.invoice } } : c,
    );
  }
  const invoices = new Set(links.map((l) => l.invoice));
  for (const c of n.conversions) if (c.kind === 'sale' && c.idempotencyKey.startsWith('stripe:sale:in_')) invoices.add(c.idempotencyKey.slice('stripe:sale:'.length));
  return { conversions, invoices: [...invoices].sort(), linked };
}

/**
 * After the conversions are recorded: refunds and disputes that arrived before their invoice's
 * link or sale, and name one of the invoice's (unambiguous) payments, are re-pointed at the sale.
 * Returns the ids of the conversions re-pointed.
 */
export async function afterStripeConversions(tx: Tx, workspaceId: string, plan: StripeLinkPlan): Promise<string[]> {
  const out: string[] = [];
  for (const invoice of plan.invoices) {
    const sale = await saleByKey(tx, workspaceId, saleKey(invoice));
    if (!sale?.externalRef) continue;
    const rows = await tx
      .select({ payment: billingPaymentLink.paymentRef })
      .from(billingPaymentLink)
      .where(and(eq(billingPaymentLink.workspaceId, workspaceId), eq(billingPaymentLink.provider, PROVIDER), eq(billingPaymentLink.invoiceId, invoice)));
    const payments = rows.map((r) => r.payment);
    const paid = await invoicesOf(tx, workspaceId, payments);
    const direct = await refsWithSale(tx, workspaceId, payments);
    const refs = payments.filter((p) => (paid.get(p)?.length ?? 0) === 1 && !direct.has(p));
    out.push(...(await followSale(tx, workspaceId, 'stripe', refs, sale, { linkedInvoice: invoice })));
  }
  return out;
}

/** The reason shown for a delivery that only linked (`invoice_payment.paid`): what it linked and what it led to its sale. */
export function stripeLinkReason(links: StripePaymentLink[], followed: number): string {
  const named = links.map((l) => `${l.invoice} ← ${l.payment}`).join(', ');
  const led = followed === 0 ? 'no earlier refund or dispute was waiting for it' : `${followed} earlier refund(s) or dispute(s) now reverse the invoice's sale`;
  return `linked ${named} (no conversion of its own); ${led}`;
}
