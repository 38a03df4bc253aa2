import { and, asc, desc, eq, gte, inArray, lte, sql } from 'drizzle-orm';
import type { Executor, Tx } from '../../platform/db.ts';
import { emit } from '../../platform/events.ts';
import { newId } from '../../platform/ids.ts';
import type { Money } from '../../platform/money.ts';
import { enrollment, partner } from '../partners/schema.ts';
import { click, conversion, customer, link, trackingSettings } from './schema.ts';

export type ConversionKind = 'lead' | 'sale' | 'refund' | 'dispute_opened' | 'dispute_won' | 'dispute_lost' | 'cancellation';
export type ConversionSource = 'tracking_api' | 'stripe' | 'paddle' | 'lemonsqueezy' | 'manual';
export type AccrualStatus = 'pending' | 'unattributed' | 'accrued' | 'no_plan' | 'waiting_original';
export const CONVERSION_KINDS = ['lead', 'sale', 'refund', 'dispute_opened', 'dispute_won', 'dispute_lost', 'cancellation'] as const;
export const CONVERSION_SOURCES = ['tracking_api', 'stripe', 'paddle', 'lemonsqueezy', 'manual'] as const;
export const ACCRUAL_STATUSES = ['pending', 'unattributed', 'accrued', 'no_plan', 'waiting_original'] as const;

/**
 * The accrual status as the API and console show it. Commission accrual does not rewrite a
 * conversion to mark it accrued: a conversion stored as 'pending' is queued for accrual in the
 * same transaction (a trigger fills `commission_accrual_queue`, commissions/schema.ts), and it
 * reads 'accrued' once the accrual has taken it out of the queue. The other statuses are stored.
 */
export const effectiveAccrualStatus = sql<AccrualStatus>`(case when ${conversion.accrualStatus} = 'pending' and not exists (
  select 1 from commission_accrual_queue q where q.workspace_id = ${conversion.workspaceId} and q.occurred_at = ${conversion.occurredAt} and q.conversion_id = ${conversion.id})
  then 'accrued' else ${conversion.accrualStatus} end)`;

export interface ConversionInput {
  kind: ConversionKind;
  source: ConversionSource;
  /** Unique per workspace, e.g. 'stripe:evt_1Nx…:sale' or 'api:<client key>'. */
  idempotencyKey: string;
  /** This money movement: invoice / charge / transaction / order id. */
  externalRef: string | null;
  /** Refunds & disputes: externalRef of the sale they reverse. */
  originalRef: string | null;
  subscriptionRef: string | null;
  /** Sales: amount paid (positive); refunds/disputes: amount reversed (positive). */
  amount: Money | null;
  product: string | null;
  /** A renewal payment (true) vs a first payment (false); null = unknown. */
  recurring: boolean | null;
  occurredAt: Date;
  customer: { externalId?: string | null; email?: string | null; country?: string | null; name?: string | null };
  /** Attribution hints, strongest first. */
  clickId?: string | null;
  /** Link code or partner referral code from metadata / custom data. */
  partnerCode?: string | null;
  programId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  /** Provider facts worth showing in the explanation. */
  details?: Record<string, unknown>;
}

export interface RecordedConversion {
  id: string;
  created: boolean;
  partnerId: string | null;
  status: 'pending' | 'unattributed';
}

export interface TrackingSettings {
  attributionWindowDays: number;
  model: 'last_click' | 'first_click';
  defaultDestinationUrl: string | null;
}

export const DEFAULT_TRACKING_SETTINGS: TrackingSettings = { attributionWindowDays: 90, model: 'last_click', defaultDestinationUrl: null };
const DAY_MS = 86_400_000;

export async function trackingSettingsFor(db: Executor, workspaceId: string, programId: string): Promise<TrackingSettings> {
  const [row] = await db
    .select()
    .from(trackingSettings)
    .where(and(eq(trackingSettings.workspaceId, workspaceId), eq(trackingSettings.programId, programId)));
  if (!row) return { ...DEFAULT_TRACKING_SETTINGS };
  return {
    attributionWindowDays: row.attributionWindowDays,
    model: row.model === 'first_click' ? 'first_click' : 'last_click',
    defaultDestinationUrl: row.defaultDestinationUrl,
  };
}

/** How a conversion found its partner; kept in `details.attribution` so a person can follow it. */
export interface Attribution {
  partnerId: string;
  programId: string;
  linkId: string | null;
  clickId: string | null;
  via: 'bound_customer' | 'click' | 'partner_code' | 'original_sale' | 'manual' | 'backfill';
  note?: string;
}

type CustomerRow = typeof customer.$inferSelect;

async function findCustomer(tx: Executor, workspaceId: string, externalId: string | null, email: string | null): Promise<CustomerRow | null> {
  if (externalId) {
    const [row] = await tx
      .select()
      .from(customer)
      .where(and(eq(customer.workspaceId, workspaceId), eq(customer.externalId, externalId)));
    if (row) return row;
  }
  if (email) {
    const [row] = await tx
      .select()
      .from(customer)
      .where(and(eq(customer.workspaceId, workspaceId), eq(customer.email, email)));
    if (row) return row;
  }
  return null;
}

/**
 * Attribution by click id: the click must belong to the workspace and lie within its program's
 * attribution window before the conversion. The model picks, among the same visitor's clicks on
 * links of that program inside the window, the last (default) or the first one.
 */
export async function attributeByClick(
  tx: Executor,
  workspaceId: string,
  clickId: string,
  at: Date,
): Promise<Attribution | { rejected: string }> {
  const [c] = await tx
    .select()
    .from(click)
    .where(and(eq(click.workspaceId, workspaceId), eq(click.id, clickId)));
  if (!c) return { rejected: `click ${clickId} is unknown` };
  const settings = await trackingSettingsFor(tx, workspaceId, c.programId);
  const windowStart = new Date(at.getTime() - settings.attributionWindowDays * DAY_MS);
  if (c.occurredAt < windowStart) {
    return { rejected: `click ${clickId} is older than the ${settings.attributionWindowDays}-day attribution window` };
  }
  const [chosen] = await tx
    .select()
    .from(click)
    .where(
      and(
        eq(click.workspaceId, workspaceId),
        eq(click.visitorId, c.visitorId),
        eq(click.programId, c.programId),
        gte(click.occurredAt, windowStart),
        lte(click.occurredAt, at > c.occurredAt ? at : c.occurredAt),
      ),
    )
    .orderBy(settings.model === 'first_click' ? asc(click.occurredAt) : desc(click.occurredAt), settings.model === 'first_click' ? asc(click.id) : desc(click.id))
    .limit(1);
  const winner = chosen ?? c;
  return {
    partnerId: winner.partnerId,
    programId: winner.programId,
    linkId: winner.linkId,
    clickId: winner.id,
    via: 'click',
    note: winner.id === c.id ? undefined : `${settings.model === 'first_click' ? 'first' : 'last'} click of the same visitor in the window`,
  };
}

/** A partner code is a link code (any status: printed links keep working for attribution) or a partner id. */
export async function attributeByPartnerCode(
  tx: Executor,
  workspaceId: string,
  code: string,
  programId: string | null,
): Promise<Attribution | null> {
  const trimmed = code.trim();
  if (!trimmed) return null;
  const [l] = await tx
    .select({ id: link.id, partnerId: link.partnerId, programId: link.programId })
    .from(link)
    .where(and(eq(link.workspaceId, workspaceId), eq(link.code, trimmed.toLowerCase())));
  if (l) return { partnerId: l.partnerId, programId: l.programId, linkId: l.id, clickId: null, via: 'partner_code' };
  if (trimmed.startsWith('ptr_')) {
    const rows = await tx
      .select({ programId: enrollment.programId })
      .from(enrollment)
      .innerJoin(partner, eq(partner.id, enrollment.partnerId))
      .where(and(eq(partner.workspaceId, workspaceId), eq(partner.id, trimmed)));
    const match = programId ? rows.find((r) => r.programId === programId) : rows.length === 1 ? rows[0] : undefined;
    if (match) return { partnerId: trimmed, programId: match.programId, linkId: null, clickId: null, via: 'partner_code' };
  }
  return null;
}

/**
 * When a conversion binds a customer that was not bound yet, the customer's earlier unattributed
 * conversions in the same attribution are credited too: a payment webhook often arrives before the
 * vendor's app reports the sign-up (with the click id). Only conversions at or after the click
 * (click attribution), or inside the program's attribution window before the binding event
 * (partner code), are back-filled; older ones wait for manual attribution. Returns their ids.
 */
async function backfillCustomer(tx: Tx, workspaceId: string, customerId: string, attribution: Attribution, at: Date): Promise<string[]> {
  let from: Date;
  if (attribution.clickId) {
    const [c] = await tx.select({ occurredAt: click.occurredAt }).from(click).where(and(eq(click.workspaceId, workspaceId), eq(click.id, attribution.clickId)));
    if (!c) return [];
    from = c.occurredAt;
  } else {
    const settings = await trackingSettingsFor(tx, workspaceId, attribution.programId);
    from = new Date(at.getTime() - settings.attributionWindowDays * DAY_MS);
  }
  const via = { via: 'backfill', linkId: attribution.linkId, clickId: attribution.clickId, note: `credited when the customer was bound (${attribution.via === 'click' ? 'by a click' : 'by a partner code'})` };
  const rows = await tx
    .update(conversion)
    .set({
      partnerId: attribution.partnerId,
      programId: attribution.programId,
      linkId: attribution.linkId,
      accrualStatus: 'pending',
      details: sql`${conversion.details} || ${JSON.stringify({ attribution: via })}::jsonb`,
    })
    .where(
      and(
        eq(conversion.workspaceId, workspaceId),
        eq(conversion.customerId, customerId),
        eq(conversion.accrualStatus, 'unattributed'),
        sql`${conversion.partnerId} is null`,
        gte(conversion.occurredAt, from),
      ),
    )
    .returning({ id: conversion.id });
  return rows.map((r) => r.id);
}

/**
 * Records a conversion. Idempotent on (workspace, idempotencyKey): a replay returns the stored
 * conversion with `created: false`. Finds or creates the customer and binds it to a partner
 * (click id within the window > partner code; a customer already bound stays bound; refunds and
 * disputes follow the sale they reverse). No partner ⇒ stored 'unattributed' for manual
 * attribution. Emits 'conversion.recorded' on creation. Call inside a transaction.
 */
export async function recordConversion(tx: Tx, workspaceId: string, input: ConversionInput): Promise<RecordedConversion> {
  const existing = await existingByKey(tx, workspaceId, input.idempotencyKey);
  if (existing) return existing;

  const externalId = input.customer.externalId?.trim() || null;
  const email = input.customer.email?.trim().toLowerCase() || null;
  const notes: string[] = [];
  let backfilled: string[] = [];
  let found = await findCustomer(tx, workspaceId, externalId, email);

  let attribution: Attribution | null = null;
  if (found?.partnerId && found.programId) {
    attribution = { partnerId: found.partnerId, programId: found.programId, linkId: found.linkId, clickId: null, via: 'bound_customer' };
  }
  if (!attribution && input.originalRef && input.kind !== 'sale' && input.kind !== 'lead') {
    const [orig] = await tx
      .select({ partnerId: conversion.partnerId, programId: conversion.programId, linkId: conversion.linkId, customerId: conversion.customerId })
      .from(conversion)
      .where(and(eq(conversion.workspaceId, workspaceId), eq(conversion.externalRef, input.originalRef), eq(conversion.kind, 'sale')))
      .limit(1);
    if (orig?.partnerId && orig.programId) {
      attribution = { partnerId: orig.partnerId, programId: orig.programId, linkId: orig.linkId, clickId: null, via: 'original_sale' };
    }
  }
  if (!attribution && input.clickId) {
    const byClick = await attributeByClick(tx, workspaceId, input.clickId.trim(), input.occurredAt);
    if ('rejected' in byClick) notes.push(byClick.rejected);
    else attribution = byClick;
  }
  if (!attribution && input.partnerCode) {
    attribution = await attributeByPartnerCode(tx, workspaceId, input.partnerCode, input.programId ?? null);
    if (!attribution) notes.push(`partner code “${input.partnerCode}” matches no link or partner`);
  }

  // The customer: create it, or fill in what we learned; bind it when it is not bound yet.
  let customerId: string | null = found?.id ?? null;
  if (!found && (externalId || email)) {
    const id = newId('customer');
    await tx
      .insert(customer)
      .values({
        id,
        workspaceId,
        externalId,
        email,
        country: input.customer.country ?? null,
        name: input.customer.name ?? null,
        programId: attribution?.programId ?? null,
        partnerId: attribution?.partnerId ?? null,
        linkId: attribution?.linkId ?? null,
        firstClickId: attribution?.clickId ?? null,
        boundAt: attribution ? input.occurredAt : null,
      })
      .onConflictDoNothing();
    found = await findCustomer(tx, workspaceId, externalId, email);
    customerId = found?.id ?? null;
  } else if (found) {
    const patch: Partial<CustomerRow> = {};
    if (externalId && !found.externalId) patch.externalId = externalId;
    if (email && !found.email) patch.email = email;
    if (input.customer.country && !found.country) patch.country = input.customer.country;
    if (input.customer.name && !found.name) patch.name = input.customer.name;
    if (Object.keys(patch).length > 0) {
      // A concurrent writer may have claimed the external id / email on another row: keep ours as is then.
      const target = found.id;
      await tx
        .transaction(async (sp) => {
          await sp.update(customer).set(patch).where(eq(customer.id, target));
        })
        .catch(() => {});
    }
    if (attribution && !found.partnerId) {
      const bound = await tx
        .update(customer)
        .set({
          partnerId: attribution.partnerId,
          programId: attribution.programId,
          linkId: attribution.linkId,
          firstClickId: attribution.clickId,
          boundAt: input.occurredAt,
        })
        .where(and(eq(customer.id, found.id), sql`${customer.partnerId} is null`))
        .returning({ id: customer.id });
      if (bound.length > 0) backfilled = await backfillCustomer(tx, workspaceId, found.id, attribution, input.occurredAt);
    }
  }
  if (found && attribution && attribution.via !== 'bound_customer') {
    // Re-read: if someone else bound the customer first, theirs wins (a customer stays bound).
    const [now] = await tx.select().from(customer).where(eq(customer.id, found.id));
    if (now?.partnerId && now.programId && now.partnerId !== attribution.partnerId) {
      attribution = { partnerId: now.partnerId, programId: now.programId, linkId: now.linkId, clickId: null, via: 'bound_customer' };
    }
  }

  const status: 'pending' | 'unattributed' = attribution ? 'pending' : 'unattributed';
  const id = newId('conversion');
  const details: Record<string, unknown> = { ...(input.details ?? {}) };
  details.attribution = attribution
    ? { via: attribution.via, linkId: attribution.linkId, clickId: attribution.clickId, ...(attribution.note ? { note: attribution.note } : {}), ...(notes.length ? { ignored: notes } : {}) }
    : { via: null, ...(notes.length ? { ignored: notes } : {}) };
  const inserted = await tx
    .insert(conversion)
    .values({
      id,
      workspaceId,
      programId: attribution?.programId ?? input.programId ?? null,
      partnerId: attribution?.partnerId ?? null,
      customerId,
      linkId: attribution?.linkId ?? null,
      clickId: attribution?.clickId ?? input.clickId ?? null,
      kind: input.kind,
      source: input.source,
      idempotencyKey: input.idempotencyKey,
      externalRef: input.externalRef,
      originalRef: input.originalRef,
      subscriptionRef: input.subscriptionRef,
      amountMinor: input.amount?.amountMinor ?? null,
      currency: input.amount?.currency ?? null,
      product: input.product,
      isRecurring: input.recurring,
      country: input.customer.country ?? null,
      ip: input.ip ?? null,
      userAgent: input.userAgent ?? null,
      occurredAt: input.occurredAt,
      details,
      accrualStatus: status,
    })
    .onConflictDoNothing()
    .returning({ id: conversion.id });
  if (inserted.length === 0) {
    const again = await existingByKey(tx, workspaceId, input.idempotencyKey);
    if (again) return again;
    throw new Error(`conversion ${input.idempotencyKey} neither inserted nor found`);
  }
  for (const earlier of backfilled) {
    await emit(tx, workspaceId, 'conversion.attributed', { conversionId: earlier, partnerId: attribution?.partnerId ?? null, programId: attribution?.programId ?? null, accrualStatus: 'pending', backfilledFrom: id });
  }
  await emit(tx, workspaceId, 'conversion.recorded', {
    conversionId: id,
    kind: input.kind,
    source: input.source,
    partnerId: attribution?.partnerId ?? null,
    programId: attribution?.programId ?? input.programId ?? null,
    accrualStatus: status,
  });
  return { id, created: true, partnerId: attribution?.partnerId ?? null, status };
}

async function existingByKey(tx: Executor, workspaceId: string, key: string): Promise<RecordedConversion | null> {
  const [row] = await tx
    .select({ id: conversion.id, partnerId: conversion.partnerId, accrualStatus: conversion.accrualStatus })
    .from(conversion)
    .where(and(eq(conversion.workspaceId, workspaceId), eq(conversion.idempotencyKey, key)));
  if (!row) return null;
  return { id: row.id, created: false, partnerId: row.partnerId, status: row.partnerId ? 'pending' : 'unattributed' };
}

// ── Reversals that learn their sale later ──

const REVERSAL_KINDS: ConversionKind[] = ['refund', 'dispute_opened', 'dispute_won', 'dispute_lost'];

/** A sale as the refunds and disputes that reverse it follow it. */
export interface SaleRef {
  id: string;
  externalRef: string | null;
  partnerId: string | null;
  programId: string | null;
  linkId: string | null;
}

/** The sale recorded under this idempotency key (e.g. a billing provider's `stripe:sale:in_…`), or null. */
export async function saleByKey(tx: Executor, workspaceId: string, idempotencyKey: string): Promise<SaleRef | null> {
  const [row] = await tx
    .select({ id: conversion.id, externalRef: conversion.externalRef, partnerId: conversion.partnerId, programId: conversion.programId, linkId: conversion.linkId })
    .from(conversion)
    .where(and(eq(conversion.workspaceId, workspaceId), eq(conversion.idempotencyKey, idempotencyKey), eq(conversion.kind, 'sale')));
  return row ?? null;
}

/** Those of `refs` that are a sale's externalRef: a refund or dispute naming one finds its sale directly. */
export async function refsWithSale(tx: Executor, workspaceId: string, refs: string[]): Promise<Set<string>> {
  if (refs.length === 0) return new Set();
  const rows = await tx
    .selectDistinct({ ref: conversion.externalRef })
    .from(conversion)
    .where(and(eq(conversion.workspaceId, workspaceId), eq(conversion.kind, 'sale'), inArray(conversion.externalRef, refs)));
  return new Set(rows.map((r) => r.ref).filter((r): r is string => r !== null));
}

/**
 * Refunds and disputes of `source` that name one of `refs` — a payment the provider told us later
 * belongs to `sale` (e.g. a Stripe PaymentIntent that paid an invoice) — are re-pointed at the
 * sale (`originalRef` := its externalRef, the name they had kept in `details.originalRefNamed`),
 * and an unattributed one follows the sale's partner, as if it had arrived after the sale. The
 * commission accrual then reverses the sale's commission (or retries a 'waiting_original' one).
 * Idempotent: a replay finds nothing left to re-point. Emits 'conversion.attributed' for each.
 * Returns their ids. Call inside a transaction.
 */
export async function followSale(tx: Tx, workspaceId: string, source: ConversionSource, refs: string[], sale: SaleRef, note: Record<string, unknown> = {}): Promise<string[]> {
  const target = sale.externalRef;
  const from = refs.filter((r) => r !== target);
  if (!target || from.length === 0) return [];
  const rows = await tx
    .select({ id: conversion.id, partnerId: conversion.partnerId, accrualStatus: conversion.accrualStatus, originalRef: conversion.originalRef })
    .from(conversion)
    .where(and(eq(conversion.workspaceId, workspaceId), eq(conversion.source, source), inArray(conversion.kind, REVERSAL_KINDS), inArray(conversion.originalRef, from)))
    .orderBy(conversion.id)
    .for('update');
  for (const row of rows) {
    const attribute = !row.partnerId && row.accrualStatus === 'unattributed' && sale.partnerId !== null && sale.programId !== null;
    const details: Record<string, unknown> = { originalRefNamed: row.originalRef, ...note };
    if (attribute) details.attribution = { via: 'original_sale', linkId: sale.linkId, clickId: null };
    await tx
      .update(conversion)
      .set({
        originalRef: target,
        details: sql`${conversion.details} || ${JSON.stringify(details)}::jsonb`,
        ...(attribute ? { partnerId: sale.partnerId, programId: sale.programId, linkId: sale.linkId, accrualStatus: 'pending' } : {}),
      })
      .where(eq(conversion.id, row.id));
    await emit(tx, workspaceId, 'conversion.attributed', {
      conversionId: row.id,
      partnerId: attribute ? sale.partnerId : row.partnerId,
      programId: attribute ? sale.programId : null,
      accrualStatus: attribute ? 'pending' : row.accrualStatus,
      originalRef: target,
      followedSale: sale.id,
    });
  }
  return rows.map((r) => r.id);
}
