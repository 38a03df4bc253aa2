import { randomBytes } from 'node:crypto';
import { and, count, desc, eq, inArray, lt, max, sql } from 'drizzle-orm';
import { audit, diff } from '../../platform/audit.ts';
import type { Config } from '../../platform/config.ts';
import type { TxContext, WorkspaceContext } from '../../platform/context.ts';
import type { Db, Executor, Tx } from '../../platform/db.ts';
import { maskTail, type SecretBox } from '../../platform/encryption.ts';
import { AppError, invalid, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { Logger } from '../../platform/logger.ts';
import { isCurrency } from '../../platform/money.ts';
import { toPage } from '../../platform/pagination.ts';
import { applyTransferReversal } from '../payouts/reversals.ts';
import { program } from '../programs/schema.ts';
import { recordConversion } from '../tracking/conversions.ts';
import type { BillingEventQuery, BillingSetupWarning, CreateBillingEndpointRequest, RotateSecretRequest, UpdateBillingEndpointRequest } from './contract.ts';
import { applyLemonSqueezy, type LsqOutcome, lockLemonSqueezy } from './lemonsqueezy-first-payment.ts';
import { recordCumulativeRefund } from './cumulative-refunds.ts';
import { type BillingConversion, MalformedEvent, type NormalizedEvent, normalize, normalizedToJson } from './normalize.ts';
import { billingEndpoint, billingEvent } from './schema.ts';
import { PROVIDERS, type Provider, SIGNATURE_HEADER, verifySignature } from './signatures.ts';
import { afterStripeConversions, beforeStripeConversions, stripeLinkReason } from './stripe-links.ts';

const SECRET_PURPOSE = 'billing_webhook_secret';
/** Largest webhook body accepted (Stripe caps events well below this). */
export const MAX_WEBHOOK_BYTES = 1024 * 1024;

type EndpointRow = typeof billingEndpoint.$inferSelect;
type EventRow = typeof billingEvent.$inferSelect;
type Ctx = Pick<WorkspaceContext, 'workspaceId' | 'principal' | 'requestId' | 'db'>;
const txCtx = (ctx: Ctx, tx: Executor): TxContext => ({ workspaceId: ctx.workspaceId, principal: ctx.principal, requestId: ctx.requestId, db: tx });

export interface BillingDeps {
  db: Db;
  config: Pick<Config, 'publicUrl'>;
  /** Field encryption with the instance secret (platform/encryption.ts): signing secrets are stored encrypted. */
  secrets: SecretBox;
}

export function webhookUrl(publicUrl: string, provider: string, endpointId: string): string {
  return `${publicUrl.replace(/\/$/, '')}/api/v1/webhooks/${provider}/${endpointId}`;
}

function generatedSecret(provider: Provider): string {
  // Lemon Squeezy accepts 6–40 characters; Stripe / Paddle secrets come from the provider.
  return provider === 'lemonsqueezy' ? `lsq_${randomBytes(16).toString('hex')}` : `opk_${randomBytes(24).toString('base64url')}`;
}

function requireProviderSecret(provider: Provider, secret: string | undefined, path: string): string {
  if (secret) return secret;
  if (provider === 'lemonsqueezy') return generatedSecret(provider);
  throw invalid(path, provider === 'stripe' ? 'paste the endpoint signing secret (whsec_…) Stripe shows for this webhook' : 'paste the secret key Paddle shows for this notification destination');
}

async function assertProgram(db: Executor, workspaceId: string, programId: string | null | undefined): Promise<void> {
  if (!programId) return;
  const [row] = await db.select({ id: program.id }).from(program).where(and(eq(program.workspaceId, workspaceId), eq(program.id, programId)));
  if (!row) throw invalid('programId', 'is not a program of this workspace');
}

/**
 * What an endpoint's recent events (30 days) tell about the provider's webhook settings
 * (aggregated with the endpoint's event count; the conditions are only evaluated for recent rows,
 * so old payloads are not read). A Lemon Squeezy subscription's first payment arrives as
 * `order_created` and as the `initial` `subscription_payment_success`, and only a
 * `subscription_*` event names the order of a subscription (lemonsqueezy-first-payment.ts):
 * without them, each such payment is recorded twice. A Stripe account on API 2025-03-31 or later
 * sends invoices without `charge`; without `invoice_payment.paid` their refunds and disputes
 * cannot find the sale (stripe-links.ts). Both events arrive together when enabled, so a window
 * with the one and not the other means the other is not enabled.
 */
const RECENT = sql`${billingEvent.receivedAt} > now() - interval '30 days'`;
const SETUP_SIGNALS = {
  lsInitialPayments: sql<boolean>`bool_or(${billingEvent.provider} = 'lemonsqueezy' and ${billingEvent.type} = 'subscription_payment_success'
    and ${billingEvent.payload}->'data'->'attributes'->>'billing_reason' = 'initial') filter (where ${RECENT})`,
  lsSubscriptionEvents: sql<boolean>`bool_or(${billingEvent.provider} = 'lemonsqueezy' and ${billingEvent.type} like 'subscription\\_%' and ${billingEvent.type} not like 'subscription\\_payment\\_%') filter (where ${RECENT})`,
  stripeInvoicesWithoutCharge: sql<boolean>`bool_or(${billingEvent.provider} = 'stripe' and ${billingEvent.type} in ('invoice.paid', 'invoice.payment_succeeded')
    and jsonb_typeof(${billingEvent.payload}->'data'->'object') = 'object' and (${billingEvent.payload}->'data'->'object'->'charge') is null) filter (where ${RECENT})`,
  stripeInvoicePayments: sql<boolean>`bool_or(${billingEvent.provider} = 'stripe' and ${billingEvent.type} = 'invoice_payment.paid') filter (where ${RECENT})`,
};

function setupWarnings(s: { lsInitialPayments: boolean | null; lsSubscriptionEvents: boolean | null; stripeInvoicesWithoutCharge: boolean | null; stripeInvoicePayments: boolean | null }): BillingSetupWarning[] {
  const out: BillingSetupWarning[] = [];
  if (s.lsInitialPayments && !s.lsSubscriptionEvents) {
    out.push({
      code: 'lemonsqueezy_subscription_events_missing',
      message:
        'Lemon Squeezy sends new subscriptions’ first payments here but no subscription events. A subscription’s first payment arrives both as an order and as an invoice, and only subscription_created says they are one payment: until it is enabled, each first payment is counted twice. Enable subscription_created and subscription_updated for this webhook; first payments recorded twice are then undone as their subscriptions’ events arrive.',
    });
  }
  if (s.stripeInvoicesWithoutCharge && !s.stripeInvoicePayments) {
    out.push({
      code: 'stripe_invoice_payment_events_missing',
      message:
        'Stripe sends invoices without a charge here (API version 2025-03-31 or later) but no invoice_payment.paid events. Refunds and disputes of those invoices cannot find the sale they reverse and wait unattributed: enable invoice_payment.paid for this webhook; waiting refunds then find their sale.',
    });
  }
  return out;
}

async function endpointViews(db: Executor, publicUrl: string, workspaceId: string, ids?: string[]) {
  const rows = await db
    .select({ e: billingEndpoint, programName: program.name })
    .from(billingEndpoint)
    .leftJoin(program, eq(program.id, billingEndpoint.programId))
    .where(and(eq(billingEndpoint.workspaceId, workspaceId), ids ? inArray(billingEndpoint.id, ids) : undefined))
    .orderBy(billingEndpoint.createdAt, billingEndpoint.id);
  if (rows.length === 0) return [];
  const counts = await db
    .select({
      endpointId: billingEvent.endpointId,
      n: count(),
      last: max(billingEvent.receivedAt),
      ...SETUP_SIGNALS,
    })
    .from(billingEvent)
    .where(and(eq(billingEvent.workspaceId, workspaceId), inArray(billingEvent.endpointId, rows.map((r) => r.e.id))))
    .groupBy(billingEvent.endpointId);
  const byId = new Map(counts.map((c) => [c.endpointId, { n: Number(c.n), last: c.last, warnings: setupWarnings(c) }]));
  return rows.map(({ e, programName }) => ({
    id: e.id,
    provider: e.provider as Provider,
    name: e.name,
    programId: e.programId,
    programName: programName ?? null,
    status: e.status as 'active' | 'disabled',
    webhookUrl: webhookUrl(publicUrl, e.provider, e.id),
    secretHint: e.secretHint,
    secretRotatedAt: e.secretRotatedAt?.toISOString() ?? null,
    previousSecretExpiresAt: e.previousSecretExpiresAt && e.previousSecretExpiresAt > new Date() ? e.previousSecretExpiresAt.toISOString() : null,
    lastEventAt: byId.get(e.id)?.last?.toISOString() ?? null,
    eventCount: byId.get(e.id)?.n ?? 0,
    setupWarnings: byId.get(e.id)?.warnings ?? [],
    createdAt: e.createdAt.toISOString(),
  }));
}

const PROVIDER_NAMES: Record<Provider, string> = { stripe: 'Stripe', paddle: 'Paddle Billing', lemonsqueezy: 'Lemon Squeezy' };

// ───────────────────────────── Endpoints ─────────────────────────────

export async function listEndpoints(ctx: Ctx, deps: BillingDeps) {
  return { data: await endpointViews(ctx.db, deps.config.publicUrl, ctx.workspaceId) };
}

export async function getEndpoint(ctx: Ctx, deps: BillingDeps, id: string) {
  const [view] = await endpointViews(ctx.db, deps.config.publicUrl, ctx.workspaceId, [id]);
  if (!view) throw notFound('Billing endpoint');
  return view;
}

export async function createEndpoint(ctx: Ctx, deps: BillingDeps, input: CreateBillingEndpointRequest) {
  const secret = requireProviderSecret(input.provider, input.signingSecret, 'signingSecret');
  const box = deps.secrets;
  const id = newId('billingEndpoint');
  await ctx.db.transaction(async (tx) => {
    await assertProgram(tx, ctx.workspaceId, input.programId);
    const name = input.name ?? PROVIDER_NAMES[input.provider];
    await tx.insert(billingEndpoint).values({
      id,
      workspaceId: ctx.workspaceId,
      provider: input.provider,
      name,
      programId: input.programId ?? null,
      status: 'active',
      secretEncrypted: box.encrypt(secret, SECRET_PURPOSE),
      secretHint: maskTail(secret),
    });
    await audit(txCtx(ctx, tx), { action: 'billing_endpoint.created', entityType: 'billing_endpoint', entityId: id, changes: { provider: input.provider, name, programId: input.programId ?? null, secret: 'set' } });
  });
  return { endpoint: await getEndpoint(ctx, deps, id), signingSecret: secret };
}

async function loadEndpoint(db: Executor, workspaceId: string, id: string): Promise<EndpointRow> {
  const [row] = await db.select().from(billingEndpoint).where(and(eq(billingEndpoint.workspaceId, workspaceId), eq(billingEndpoint.id, id)));
  if (!row) throw notFound('Billing endpoint');
  return row;
}

export async function updateEndpoint(ctx: Ctx, deps: BillingDeps, id: string, input: UpdateBillingEndpointRequest) {
  await ctx.db.transaction(async (tx) => {
    const before = await loadEndpoint(tx, ctx.workspaceId, id);
    if (input.programId !== undefined) await assertProgram(tx, ctx.workspaceId, input.programId);
    const patch = { name: input.name, programId: input.programId === undefined ? undefined : (input.programId ?? null), status: input.status };
    const changes = diff({ name: before.name, programId: before.programId, status: before.status }, patch);
    if (Object.keys(changes).length === 0) return;
    await tx.update(billingEndpoint).set({ ...patch, updatedAt: new Date() }).where(eq(billingEndpoint.id, id));
    await audit(txCtx(ctx, tx), { action: 'billing_endpoint.updated', entityType: 'billing_endpoint', entityId: id, changes });
  });
  return getEndpoint(ctx, deps, id);
}

export async function rotateSecret(ctx: Ctx, deps: BillingDeps, id: string, input: RotateSecretRequest) {
  const box = deps.secrets;
  let secret = '';
  await ctx.db.transaction(async (tx) => {
    const before = await loadEndpoint(tx, ctx.workspaceId, id);
    secret = requireProviderSecret(before.provider as Provider, input.signingSecret, 'signingSecret');
    const at = new Date();
    const keepMs = input.keepPreviousHours * 3_600_000;
    await tx
      .update(billingEndpoint)
      .set({
        secretEncrypted: box.encrypt(secret, SECRET_PURPOSE),
        secretHint: maskTail(secret),
        previousSecretEncrypted: keepMs > 0 ? before.secretEncrypted : null,
        previousSecretExpiresAt: keepMs > 0 ? new Date(at.getTime() + keepMs) : null,
        secretRotatedAt: at,
        updatedAt: at,
      })
      .where(eq(billingEndpoint.id, id));
    await audit(txCtx(ctx, tx), {
      action: 'billing_endpoint.secret_rotated',
      entityType: 'billing_endpoint',
      entityId: id,
      changes: { secretHint: { from: before.secretHint, to: maskTail(secret) }, previousValidHours: input.keepPreviousHours },
    });
  });
  return { endpoint: await getEndpoint(ctx, deps, id), signingSecret: secret };
}

export async function deleteEndpoint(ctx: Ctx, id: string) {
  await ctx.db.transaction(async (tx) => {
    const before = await loadEndpoint(tx, ctx.workspaceId, id);
    const [{ n }] = await tx.select({ n: count() }).from(billingEvent).where(and(eq(billingEvent.workspaceId, ctx.workspaceId), eq(billingEvent.endpointId, id)));
    if (Number(n) > 0) throw new AppError('conflict', 'This endpoint has received events; disable it instead (its event history stays for support)');
    await tx.delete(billingEndpoint).where(eq(billingEndpoint.id, id));
    await audit(txCtx(ctx, tx), { action: 'billing_endpoint.deleted', entityType: 'billing_endpoint', entityId: id, changes: { provider: before.provider, name: before.name } });
  });
}

// ───────────────────────────── Events (console) ─────────────────────────────

function eventView(row: EventRow) {
  return {
    id: row.id,
    endpointId: row.endpointId,
    provider: row.provider as Provider,
    providerEventId: row.providerEventId,
    type: row.type,
    status: row.status as 'applied' | 'ignored' | 'unattributed' | 'failed',
    reason: row.reason,
    conversionIds: row.conversionIds,
    normalized: row.normalized,
    livemode: row.livemode === null ? null : row.livemode === 'live',
    receivedAt: row.receivedAt.toISOString(),
  };
}

export async function listEvents(ctx: Ctx, query: BillingEventQuery) {
  const rows = await ctx.db
    .select()
    .from(billingEvent)
    .where(
      and(
        eq(billingEvent.workspaceId, ctx.workspaceId),
        query.endpointId ? eq(billingEvent.endpointId, query.endpointId) : undefined,
        query.status ? eq(billingEvent.status, query.status) : undefined,
        query.cursor ? lt(billingEvent.id, query.cursor) : undefined,
      ),
    )
    .orderBy(desc(billingEvent.id))
    .limit(query.limit + 1);
  return toPage(rows, query.limit, (r) => r.id, eventView);
}

export async function getEvent(ctx: Ctx, id: string) {
  const [row] = await ctx.db.select().from(billingEvent).where(and(eq(billingEvent.workspaceId, ctx.workspaceId), eq(billingEvent.id, id)));
  if (!row) throw notFound('Billing event');
  return { ...eventView(row), payload: row.payload };
}

// ───────────────────────────── Receiving a webhook ─────────────────────────────

export interface WebhookRequest {
  provider: string;
  endpointId: string;
  rawBody: string;
  /** Request headers, lower-case names. */
  header: (name: string) => string | undefined;
}

export interface WebhookReceipt {
  received: true;
  eventId: string;
  status: 'applied' | 'ignored' | 'unattributed' | 'failed' | 'duplicate';
  conversionIds: string[];
}

const badSignature = () => new AppError('bad_request', 'Webhook signature verification failed');

/**
 * Verifies the signature over the raw body (before any parsing), then stores the event once per
 * (workspace, provider, event id) and records its conversions in the same transaction. A replay
 * of a stored event answers `duplicate` and changes nothing; a stored `failed` event is retried.
 */
export async function receiveWebhook(deps: BillingDeps & { log: Logger }, req: WebhookRequest): Promise<WebhookReceipt> {
  const provider = (PROVIDERS as readonly string[]).includes(req.provider) ? (req.provider as Provider) : null;
  if (!provider) throw notFound('Webhook endpoint');
  if (Buffer.byteLength(req.rawBody) > MAX_WEBHOOK_BYTES) throw new AppError('payload_too_large', `Webhook bodies are limited to ${MAX_WEBHOOK_BYTES} bytes`);
  const [endpoint] = await deps.db.select().from(billingEndpoint).where(eq(billingEndpoint.id, req.endpointId));
  if (!endpoint || endpoint.provider !== provider || endpoint.status !== 'active') {
    deps.log.warn({ endpointId: req.endpointId, provider, reason: endpoint ? `endpoint is ${endpoint.status === 'active' ? `for ${endpoint.provider}` : endpoint.status}` : 'no such endpoint' }, 'billing webhook refused');
    throw notFound('Webhook endpoint');
  }

  // 1. Signature, on the raw bytes, before anything parses them.
  const box = deps.secrets;
  const secrets = [box.decrypt(endpoint.secretEncrypted, SECRET_PURPOSE)];
  if (endpoint.previousSecretEncrypted && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > new Date()) {
    secrets.push(box.decrypt(endpoint.previousSecretEncrypted, SECRET_PURPOSE));
  }
  const failure = verifySignature(provider, req.rawBody, req.header(SIGNATURE_HEADER[provider]), secrets);
  if (failure) {
    deps.log.warn({ endpointId: endpoint.id, workspaceId: endpoint.workspaceId, provider, reason: failure, bytes: Buffer.byteLength(req.rawBody) }, 'billing webhook signature rejected');
    throw badSignature();
  }

  // 2. Parse and normalize (pure).
  let payload: unknown;
  try {
    payload = JSON.parse(req.rawBody);
  } catch {
    throw new AppError('bad_request', 'The webhook body is not JSON');
  }
  let normalized: NormalizedEvent;
  try {
    normalized = normalize(provider, payload);
  } catch (error) {
    if (error instanceof MalformedEvent) throw new AppError('bad_request', error.message);
    throw error;
  }

  // 3. Store once and apply, in one transaction.
  return deps.db.transaction((tx) => applyEvent(tx, endpoint, provider, normalized, payload as Record<string, unknown>));
}

async function applyEvent(tx: Tx, endpoint: EndpointRow, provider: Provider, n: NormalizedEvent, payload: Record<string, unknown>): Promise<WebhookReceipt> {
  const workspaceId = endpoint.workspaceId;
  // Lemon Squeezy: an order, its subscription and its initial invoice are decided one delivery at a time (lemonsqueezy-first-payment.ts).
  if (provider === 'lemonsqueezy') await lockLemonSqueezy(tx, workspaceId);
  const id = newId('billingEvent');
  const inserted = await tx
    .insert(billingEvent)
    .values({
      id,
      workspaceId,
      endpointId: endpoint.id,
      provider,
      providerEventId: n.providerEventId,
      type: n.type,
      status: 'ignored',
      normalized: normalizedToJson(n.conversions),
      payload,
      livemode: n.livemode === null ? null : n.livemode ? 'live' : 'test',
    })
    .onConflictDoNothing()
    .returning({ id: billingEvent.id });
  let eventId = id;
  if (inserted.length === 0) {
    const [existing] = await tx
      .select()
      .from(billingEvent)
      .where(and(eq(billingEvent.workspaceId, workspaceId), eq(billingEvent.provider, provider), eq(billingEvent.providerEventId, n.providerEventId)))
      .for('update');
    if (!existing) throw new AppError('internal', 'Billing event neither inserted nor found');
    if (existing.status !== 'failed') return { received: true, eventId: existing.id, status: 'duplicate', conversionIds: existing.conversionIds };
    eventId = existing.id; // a failed event is applied again on redelivery
  }

  let status: WebhookReceipt['status'] = 'ignored';
  let reason: string | null = n.ignoredReason;
  const conversionIds: string[] = [];
  const badCurrency = n.conversions.find((c) => c.amount && !isCurrency(c.amount.currency));
  if (badCurrency?.amount) {
    status = 'failed';
    reason = `${badCurrency.amount.currency} is not an ISO 4217 currency`;
  } else if (n.transferReversal) {
    // Stripe Connect: a reversed payout transfer is the payouts module's to reflect (payouts/reversals.ts), in this transaction.
    const r = n.transferReversal;
    if (!isCurrency(r.currency)) {
      status = 'failed';
      reason = `${r.currency} is not an ISO 4217 currency`;
    } else {
      ({ status, reason } = await applyTransferReversal(tx, workspaceId, r));
    }
  } else if (provider === 'lemonsqueezy') {
    // The first payment of a subscription (order_created + the `initial` invoice) is one sale, whatever the order of arrival.
    try {
      const outcome = await tx.transaction(async (sp) => {
        // Refunds report the cumulative refunded amount: recorded as what each adds (cumulative-refunds.ts).
        const record = (c: BillingConversion) =>
          recordCumulativeRefund(sp, workspaceId, c, (x) => recordConversion(sp, workspaceId, { ...x, programId: endpoint.programId }));
        const lsq = await applyLemonSqueezy(sp, workspaceId, n, payload, record);
        if (lsq) return lsq;
        const recorded = [];
        for (const c of n.conversions) recorded.push(await record(c));
        return { recorded, countedUnder: [], note: null } satisfies LsqOutcome;
      });
      for (const id of [...outcome.recorded.map((r) => r.id), ...outcome.countedUnder]) if (!conversionIds.includes(id)) conversionIds.push(id);
      ({ status, reason } = lemonSqueezyStatus(outcome, n));
    } catch (error) {
      if (!(error instanceof AppError) || error.code === 'internal') throw error;
      status = 'failed';
      reason = error.message;
    }
  } else if (n.conversions.length > 0 || n.links?.length) {
    try {
      const { results, followed } = await tx.transaction(async (sp) => {
        // Stripe: invoice ↔ payment links, so refunds of 2025-03-31+ invoices find their sale (stripe-links.ts).
        const plan = provider === 'stripe' ? await beforeStripeConversions(sp, workspaceId, n) : null;
        const out = [];
        // A charge's refunds report its cumulative refunded amount: recorded as what each adds (cumulative-refunds.ts).
        for (const c of plan?.conversions ?? n.conversions) {
          out.push(await recordCumulativeRefund(sp, workspaceId, c, (x) => recordConversion(sp, workspaceId, { ...x, programId: endpoint.programId })));
        }
        return { results: out, followed: plan ? await afterStripeConversions(sp, workspaceId, plan) : [] };
      });
      for (const r of results) conversionIds.push(r.id);
      for (const id of followed) if (!conversionIds.includes(id)) conversionIds.push(id);
      status = results.length > 0 && results.every((r) => r.status === 'unattributed') ? 'unattributed' : 'applied';
      reason = status === 'unattributed' ? 'no partner matched this customer: attribute the conversion manually' : results.some((r) => !r.created) ? 'the conversion was already recorded from another event of the same payment' : null;
      if (results.length === 0) reason = stripeLinkReason(n.links ?? [], followed.length);
    } catch (error) {
      if (!(error instanceof AppError) || error.code === 'internal') throw error;
      status = 'failed';
      reason = error.message;
    }
  }
  await tx.update(billingEvent).set({ status, reason, conversionIds }).where(eq(billingEvent.id, eventId));
  return { received: true, eventId, status, conversionIds };
}

/** A Lemon Squeezy delivery's status: counted under an earlier sale of the same payment reads `applied` with the reason. */
function lemonSqueezyStatus(o: LsqOutcome, n: NormalizedEvent): { status: WebhookReceipt['status']; reason: string | null } {
  if (o.recorded.length === 0) return o.countedUnder.length ? { status: 'applied', reason: o.note } : { status: 'ignored', reason: o.note ?? n.ignoredReason };
  if (o.recorded.every((r) => r.status === 'unattributed')) {
    return { status: 'unattributed', reason: ['no partner matched this customer: attribute the conversion manually', o.note].filter(Boolean).join('; ') };
  }
  return { status: 'applied', reason: o.note ?? (o.recorded.some((r) => !r.created) ? 'the conversion was already recorded from another event of the same payment' : null) };
}
