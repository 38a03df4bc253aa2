import { randomBytes } from 'node:crypto';
import { and, desc, eq, getTableColumns, inArray, lt, sql } from 'drizzle-orm';
import { audit, diff } from '../../platform/audit.ts';
import { now } from '../../platform/clock.ts';
import type { WorkspaceContext } from '../../platform/context.ts';
import type { Executor } from '../../platform/db.ts';
import { AppError, invalid, notFound } from '../../platform/errors.ts';
import { emit } from '../../platform/events.ts';
import type { PortalContext } from '../../platform/http.ts';
import { newId } from '../../platform/ids.ts';
import { toPage } from '../../platform/pagination.ts';
import { enrollment, partner } from '../partners/schema.ts';
import { program } from '../programs/schema.ts';
import { type ConversionKind, DEFAULT_TRACKING_SETTINGS, effectiveAccrualStatus, recordConversion, trackingSettingsFor } from './conversions.ts';
import { clickDaily, conversion, customer, link, trackingSettings } from './schema.ts';

export const LINK_CHANGED = 'link.changed';
export const CONVERSION_ATTRIBUTED = 'conversion.attributed';

type LinkRow = typeof link.$inferSelect;
type MoneyJson = { amountMinor: string; currency: string };

export interface LinkStats {
  clicks: number;
  uniqueClicks: number;
  leads: number;
  sales: number;
  revenue: MoneyJson[];
}

async function rowsOf<T>(db: Executor, query: ReturnType<typeof sql>): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const emptyStats = (): LinkStats => ({ clicks: 0, uniqueClicks: 0, leads: 0, sales: 0, revenue: [] });

export function linkUrl(publicUrl: string, l: { code: string; customDomain: string | null }): string {
  return l.customDomain ? `https://${l.customDomain}/${l.code}` : `${publicUrl}/r/${l.code}`;
}

/** Clicks, leads, sales and revenue per link, from the maintained per-day counters and the conversions. */
async function statsForLinks(db: Executor, workspaceId: string, linkIds: string[]): Promise<Map<string, LinkStats>> {
  const out = new Map<string, LinkStats>();
  if (linkIds.length === 0) return out;
  for (const id of linkIds) out.set(id, emptyStats());
  const clicks = await db
    .select({ linkId: clickDaily.linkId, total: sql<string>`sum(${clickDaily.total})`, uniq: sql<string>`sum(${clickDaily.uniqueClicks})` })
    .from(clickDaily)
    .where(and(eq(clickDaily.workspaceId, workspaceId), inArray(clickDaily.linkId, linkIds)))
    .groupBy(clickDaily.linkId);
  for (const r of clicks) {
    const s = out.get(r.linkId);
    if (s) {
      s.clicks = Number(r.total);
      s.uniqueClicks = Number(r.uniq);
    }
  }
  const conv = await db
    .select({
      linkId: conversion.linkId,
      kind: conversion.kind,
      currency: conversion.currency,
      n: sql<string>`count(*)`,
      amount: sql<string | null>`sum(${conversion.amountMinor})`,
    })
    .from(conversion)
    .where(and(eq(conversion.workspaceId, workspaceId), inArray(conversion.linkId, linkIds), inArray(conversion.kind, ['lead', 'sale'])))
    .groupBy(conversion.linkId, conversion.kind, conversion.currency);
  for (const r of conv) {
    const s = r.linkId ? out.get(r.linkId) : undefined;
    if (!s) continue;
    if (r.kind === 'lead') s.leads += Number(r.n);
    else {
      s.sales += Number(r.n);
      if (r.currency && r.amount !== null) s.revenue.push({ amountMinor: String(r.amount), currency: r.currency });
    }
  }
  return out;
}

async function namesFor(db: Executor, workspaceId: string, rows: { programId: string | null; partnerId: string | null }[]) {
  const programIds = [...new Set(rows.map((r) => r.programId).filter((x): x is string => !!x))];
  const partnerIds = [...new Set(rows.map((r) => r.partnerId).filter((x): x is string => !!x))];
  const programs = programIds.length
    ? await db.select({ id: program.id, name: program.name }).from(program).where(and(eq(program.workspaceId, workspaceId), inArray(program.id, programIds)))
    : [];
  const partners = partnerIds.length
    ? await db.select({ id: partner.id, name: partner.name }).from(partner).where(and(eq(partner.workspaceId, workspaceId), inArray(partner.id, partnerIds)))
    : [];
  return { programs: new Map(programs.map((p) => [p.id, p.name])), partners: new Map(partners.map((p) => [p.id, p.name])) };
}

async function toLinks(db: Executor, workspaceId: string, publicUrl: string, rows: LinkRow[]) {
  const stats = await statsForLinks(db, workspaceId, rows.map((r) => r.id));
  const names = await namesFor(db, workspaceId, rows);
  return rows.map((r) => ({
    id: r.id,
    programId: r.programId,
    programName: names.programs.get(r.programId) ?? '',
    partnerId: r.partnerId,
    partnerName: names.partners.get(r.partnerId) ?? '',
    code: r.code,
    name: r.name,
    url: linkUrl(publicUrl, r),
    destinationUrl: r.destinationUrl,
    params: r.params ?? {},
    customDomain: r.customDomain,
    status: r.status as 'active' | 'archived',
    stats: stats.get(r.id) ?? emptyStats(),
    createdAt: r.createdAt.toISOString(),
    archivedAt: iso(r.archivedAt),
  }));
}
export type LinkView = Awaited<ReturnType<typeof toLinks>>[number];

// ── Tracking settings ──

async function assertProgram(db: Executor, workspaceId: string, programId: string, path = 'programId') {
  const [p] = await db.select({ id: program.id }).from(program).where(and(eq(program.workspaceId, workspaceId), eq(program.id, programId)));
  if (!p) {
    if (path === 'id') throw notFound('Program');
    throw invalid(path, 'no such program in this workspace');
  }
}

export async function getTrackingSettings(ctx: Pick<WorkspaceContext, 'workspaceId' | 'db'>, programId: string) {
  await assertProgram(ctx.db, ctx.workspaceId, programId, 'id');
  return { programId, ...(await trackingSettingsFor(ctx.db, ctx.workspaceId, programId)) };
}

export async function updateTrackingSettings(
  ctx: WorkspaceContext,
  programId: string,
  input: { attributionWindowDays?: number; model?: 'last_click' | 'first_click'; defaultDestinationUrl?: string | null },
) {
  await assertProgram(ctx.db, ctx.workspaceId, programId, 'id');
  return ctx.db.transaction(async (tx) => {
    const before = await trackingSettingsFor(tx, ctx.workspaceId, programId);
    const next = {
      attributionWindowDays: input.attributionWindowDays ?? before.attributionWindowDays,
      model: input.model ?? before.model,
      defaultDestinationUrl: input.defaultDestinationUrl === undefined ? before.defaultDestinationUrl : input.defaultDestinationUrl,
    };
    await tx
      .insert(trackingSettings)
      .values({ programId, workspaceId: ctx.workspaceId, ...next, updatedAt: new Date() })
      .onConflictDoUpdate({ target: trackingSettings.programId, set: { ...next, updatedAt: new Date() } });
    await audit({ ...ctx, db: tx }, { action: 'tracking_settings.updated', entityType: 'program', entityId: programId, changes: diff(before as unknown as Record<string, unknown>, next) });
    return { programId, ...next };
  });
}

// ── Links ──

function generateCode(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  const bytes = randomBytes(7);
  let out = '';
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}

const RESERVED_CODES = new Set(['api', 'app', 'portal', 'assets', 'r', 't.js', 'healthz', 'admin', 'shared', 'register']);

async function insertLink(
  ctx: Pick<WorkspaceContext, 'workspaceId' | 'db' | 'principal' | 'requestId'>,
  input: { partnerId: string; programId: string; code?: string; name?: string; destinationUrl?: string; params?: Record<string, string>; customDomain?: string | null },
  pathPrefix = '',
): Promise<LinkRow> {
  const db = ctx.db;
  const [p] = await db.select({ id: partner.id }).from(partner).where(and(eq(partner.workspaceId, ctx.workspaceId), eq(partner.id, input.partnerId)));
  if (!p) throw invalid(`${pathPrefix}partnerId`, 'no such partner in this workspace');
  await assertProgram(db, ctx.workspaceId, input.programId);
  const [enr] = await db
    .select({ status: enrollment.status })
    .from(enrollment)
    .where(and(eq(enrollment.workspaceId, ctx.workspaceId), eq(enrollment.partnerId, input.partnerId), eq(enrollment.programId, input.programId)));
  if (!enr) throw invalid('programId', 'the partner is not enrolled in this program');
  if (enr.status === 'terminated') throw invalid('programId', "the partner's enrollment in this program is terminated");
  const settings = await trackingSettingsFor(db, ctx.workspaceId, input.programId);
  const destinationUrl = input.destinationUrl ?? settings.defaultDestinationUrl;
  if (!destinationUrl) throw invalid('destinationUrl', 'is required (the program has no default destination)');
  if (input.code && RESERVED_CODES.has(input.code)) throw invalid('code', 'is reserved; choose another');
  for (let attempt = 0; attempt < 5; attempt++) {
    const code = input.code ?? generateCode();
    const id = newId('link');
    const inserted = await db
      .insert(link)
      .values({
        id,
        workspaceId: ctx.workspaceId,
        programId: input.programId,
        partnerId: input.partnerId,
        code,
        name: input.name ?? null,
        destinationUrl,
        params: input.params ?? {},
        customDomain: input.customDomain ?? null,
        status: 'active',
        createdBy: ctx.principal.kind === 'system' ? null : ctx.principal.name,
      })
      .onConflictDoNothing()
      .returning();
    if (inserted.length > 0) {
      await db.transaction(async (tx) => {
        await audit({ ...ctx, db: tx }, { action: 'link.created', entityType: 'link', entityId: id, changes: { code, partnerId: input.partnerId, programId: input.programId, destinationUrl } });
        await emit(tx, ctx.workspaceId, LINK_CHANGED, { linkId: id, code });
      });
      return inserted[0];
    }
    if (input.code) throw new AppError('conflict', `The code “${code}” is taken; choose another`, { fields: [{ path: 'code', message: 'is taken' }] });
  }
  throw new AppError('internal', 'Could not generate a free link code');
}

export async function createLink(ctx: WorkspaceContext, publicUrl: string, input: Parameters<typeof insertLink>[1]): Promise<LinkView> {
  const row = await insertLink(ctx, input);
  return (await toLinks(ctx.db, ctx.workspaceId, publicUrl, [row]))[0];
}

async function loadLink(db: Executor, workspaceId: string, id: string, partnerId?: string): Promise<LinkRow> {
  const [row] = await db
    .select()
    .from(link)
    .where(and(eq(link.workspaceId, workspaceId), eq(link.id, id), partnerId ? eq(link.partnerId, partnerId) : undefined));
  if (!row) throw notFound('Link');
  return row;
}

export async function getLink(ctx: Pick<WorkspaceContext, 'workspaceId' | 'db'>, publicUrl: string, id: string) {
  return (await toLinks(ctx.db, ctx.workspaceId, publicUrl, [await loadLink(ctx.db, ctx.workspaceId, id)]))[0];
}

export async function listLinks(
  ctx: Pick<WorkspaceContext, 'workspaceId' | 'db'>,
  publicUrl: string,
  q: { limit: number; cursor?: string; partnerId?: string; programId?: string; status?: 'active' | 'archived'; q?: string },
) {
  const like = q.q ? `%${q.q.toLowerCase().replace(/[\\%_]/g, (m) => `\\${m}`)}%` : null;
  const rows = await ctx.db
    .select()
    .from(link)
    .where(
      and(
        eq(link.workspaceId, ctx.workspaceId),
        q.partnerId ? eq(link.partnerId, q.partnerId) : undefined,
        q.programId ? eq(link.programId, q.programId) : undefined,
        q.status ? eq(link.status, q.status) : undefined,
        like ? sql`(${link.code} like ${like} or lower(coalesce(${link.name}, '')) like ${like} or lower(${link.destinationUrl}) like ${like})` : undefined,
        q.cursor ? lt(link.id, q.cursor) : undefined,
      ),
    )
    .orderBy(desc(link.id))
    .limit(q.limit + 1);
  const page = toPage(rows, q.limit, (r) => r.id, (r) => r);
  return { data: await toLinks(ctx.db, ctx.workspaceId, publicUrl, page.data), nextCursor: page.nextCursor };
}

export async function updateLink(
  ctx: WorkspaceContext,
  publicUrl: string,
  id: string,
  input: { name?: string | null; destinationUrl?: string; params?: Record<string, string>; customDomain?: string | null; status?: 'active' | 'archived' },
) {
  const before = await loadLink(ctx.db, ctx.workspaceId, id);
  const patch: Partial<LinkRow> = {};
  if (input.name !== undefined) patch.name = input.name;
  if (input.destinationUrl !== undefined) patch.destinationUrl = input.destinationUrl;
  if (input.params !== undefined) patch.params = input.params;
  if (input.customDomain !== undefined) patch.customDomain = input.customDomain;
  if (input.status !== undefined && input.status !== before.status) {
    patch.status = input.status;
    patch.archivedAt = input.status === 'archived' ? new Date() : null;
  }
  const row = await ctx.db.transaction(async (tx) => {
    const [updated] = await tx
      .update(link)
      .set({ ...patch, updatedAt: new Date() })
      .where(and(eq(link.workspaceId, ctx.workspaceId), eq(link.id, id)))
      .returning();
    const changes = diff(before as unknown as Record<string, unknown>, patch as Record<string, unknown>);
    if (Object.keys(changes).length > 0) {
      await audit({ ...ctx, db: tx }, { action: patch.status === 'archived' ? 'link.archived' : 'link.updated', entityType: 'link', entityId: id, changes });
      await emit(tx, ctx.workspaceId, LINK_CHANGED, { linkId: id, code: before.code });
    }
    return updated;
  });
  return { link: (await toLinks(ctx.db, ctx.workspaceId, publicUrl, [row]))[0], code: before.code };
}

// ── Analytics ──

function range(q: { from?: string; to?: string }): { from: string; to: string } {
  const to = q.to ?? now().toISOString().slice(0, 10);
  const from = q.from ?? new Date(Date.parse(`${to}T00:00:00Z`) - 29 * 86_400_000).toISOString().slice(0, 10);
  if (Number.isNaN(Date.parse(`${from}T00:00:00Z`))) throw invalid('from', 'is not a valid date');
  if (Number.isNaN(Date.parse(`${to}T00:00:00Z`))) throw invalid('to', 'is not a valid date');
  if (from > to) throw invalid('from', 'must not be after to');
  if (Date.parse(to) - Date.parse(from) > 366 * 86_400_000) throw invalid('from', 'the range is at most 366 days');
  return { from, to };
}

export async function linkAnalytics(ctx: Pick<WorkspaceContext, 'workspaceId' | 'db'>, id: string, q: { from?: string; to?: string }, partnerId?: string) {
  const l = await loadLink(ctx.db, ctx.workspaceId, id, partnerId);
  const { from, to } = range(q);
  const days = new Map<string, { day: string; clicks: number; uniqueClicks: number; botClicks: number; leads: number; sales: number }>();
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    const day = new Date(t).toISOString().slice(0, 10);
    days.set(day, { day, clicks: 0, uniqueClicks: 0, botClicks: 0, leads: 0, sales: 0 });
  }
  const clicks = await ctx.db
    .select()
    .from(clickDaily)
    .where(and(eq(clickDaily.workspaceId, ctx.workspaceId), eq(clickDaily.linkId, l.id), sql`${clickDaily.day} between ${from}::date and ${to}::date`));
  for (const c of clicks) {
    const d = days.get(c.day);
    if (d) {
      d.clicks += c.total;
      d.uniqueClicks += c.uniqueClicks;
      d.botClicks += c.bot;
    }
  }
  const conv = await rowsOf<{ day: string; kind: string; currency: string | null; n: string; amount: string | null }>(ctx.db, sql`
    select to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD') as day, kind, currency, count(*)::text as n, sum(amount_minor)::text as amount
    from conversion where workspace_id = ${ctx.workspaceId} and link_id = ${l.id} and kind in ('lead', 'sale')
      and occurred_at >= ${from}::date and occurred_at < (${to}::date + 1)
    group by 1, 2, 3`);
  const revenue = new Map<string, bigint>();
  for (const r of conv) {
    const d = days.get(r.day);
    if (!d) continue;
    if (r.kind === 'lead') d.leads += Number(r.n);
    else {
      d.sales += Number(r.n);
      if (r.currency && r.amount) revenue.set(r.currency, (revenue.get(r.currency) ?? 0n) + BigInt(r.amount));
    }
  }
  const list = [...days.values()];
  const sum = (k: 'clicks' | 'uniqueClicks' | 'botClicks' | 'leads' | 'sales') => list.reduce((a, d) => a + d[k], 0);
  return {
    linkId: l.id,
    from,
    to,
    totals: {
      clicks: sum('clicks'),
      uniqueClicks: sum('uniqueClicks'),
      botClicks: sum('botClicks'),
      leads: sum('leads'),
      sales: sum('sales'),
      revenue: [...revenue].map(([currency, a]) => ({ amountMinor: a.toString(), currency })),
    },
    days: list,
  };
}

export async function partnerAnalytics(ctx: Pick<WorkspaceContext, 'workspaceId' | 'db'>, q: { from?: string; to?: string }) {
  const { from, to } = range(q);
  const rows = new Map<string, { partnerId: string; partnerName: string; clicks: number; uniqueClicks: number; botClicks: number; leads: number; sales: number; revenue: MoneyJson[] }>();
  const row = (partnerId: string) => {
    let r = rows.get(partnerId);
    if (!r) {
      r = { partnerId, partnerName: '', clicks: 0, uniqueClicks: 0, botClicks: 0, leads: 0, sales: 0, revenue: [] };
      rows.set(partnerId, r);
    }
    return r;
  };
  const clicks = await rowsOf<{ partner_id: string; total: string; uniq: string; bot: string }>(ctx.db, sql`
    select partner_id, sum(total)::text as total, sum(unique_clicks)::text as uniq, sum(bot)::text as bot
    from click_daily where workspace_id = ${ctx.workspaceId} and day between ${from}::date and ${to}::date group by partner_id`);
  for (const c of clicks) {
    const r = row(c.partner_id);
    r.clicks = Number(c.total);
    r.uniqueClicks = Number(c.uniq);
    r.botClicks = Number(c.bot);
  }
  const conv = await rowsOf<{ partner_id: string; kind: string; currency: string | null; n: string; amount: string | null }>(ctx.db, sql`
    select partner_id, kind, currency, count(*)::text as n, sum(amount_minor)::text as amount
    from conversion where workspace_id = ${ctx.workspaceId} and partner_id is not null and kind in ('lead', 'sale')
      and occurred_at >= ${from}::date and occurred_at < (${to}::date + 1)
    group by 1, 2, 3`);
  for (const c of conv) {
    const r = row(c.partner_id);
    if (c.kind === 'lead') r.leads += Number(c.n);
    else {
      r.sales += Number(c.n);
      if (c.currency && c.amount) r.revenue.push({ amountMinor: c.amount, currency: c.currency });
    }
  }
  const names = await namesFor(ctx.db, ctx.workspaceId, [...rows.keys()].map((partnerId) => ({ partnerId, programId: null })));
  const data = [...rows.values()].map((r) => ({ ...r, partnerName: names.partners.get(r.partnerId) ?? '' })).sort((a, b) => b.clicks - a.clicks || a.partnerName.localeCompare(b.partnerName));
  return { from, to, data };
}

// ── Conversions ──

type ConversionRow = typeof conversion.$inferSelect;
/** A conversion as shown: its accrual status derived from the accrual queue (conversions.ts). */
const conversionView = { ...getTableColumns(conversion), accrualStatus: effectiveAccrualStatus };

async function toConversions(db: Executor, workspaceId: string, rows: ConversionRow[]) {
  const names = await namesFor(db, workspaceId, rows);
  const customerIds = [...new Set(rows.map((r) => r.customerId).filter((x): x is string => !!x))];
  const linkIds = [...new Set(rows.map((r) => r.linkId).filter((x): x is string => !!x))];
  const customers = customerIds.length
    ? await db.select().from(customer).where(and(eq(customer.workspaceId, workspaceId), inArray(customer.id, customerIds)))
    : [];
  const links = linkIds.length ? await db.select({ id: link.id, code: link.code }).from(link).where(and(eq(link.workspaceId, workspaceId), inArray(link.id, linkIds))) : [];
  const cus = new Map(customers.map((c) => [c.id, c]));
  const codes = new Map(links.map((l) => [l.id, l.code]));
  return rows.map((r) => {
    const c = r.customerId ? cus.get(r.customerId) : undefined;
    return {
      id: r.id,
      kind: r.kind as ConversionKind,
      source: r.source as ConversionRow['source'] as 'tracking_api' | 'stripe' | 'paddle' | 'lemonsqueezy' | 'manual',
      programId: r.programId,
      partnerId: r.partnerId,
      partnerName: r.partnerId ? (names.partners.get(r.partnerId) ?? null) : null,
      linkId: r.linkId,
      linkCode: r.linkId ? (codes.get(r.linkId) ?? null) : null,
      clickId: r.clickId,
      customer: c ? { id: c.id, externalId: c.externalId, email: c.email, name: c.name } : null,
      amount: r.amountMinor !== null && r.currency ? { amountMinor: r.amountMinor.toString(), currency: r.currency } : null,
      product: r.product,
      externalRef: r.externalRef,
      originalRef: r.originalRef,
      recurring: r.isRecurring,
      accrualStatus: r.accrualStatus as 'pending' | 'unattributed' | 'accrued' | 'no_plan' | 'waiting_original',
      occurredAt: r.occurredAt.toISOString(),
      receivedAt: r.receivedAt.toISOString(),
      details: r.details ?? {},
    };
  });
}
export type ConversionView = Awaited<ReturnType<typeof toConversions>>[number];

export async function listConversions(
  ctx: Pick<WorkspaceContext, 'workspaceId' | 'db'>,
  q: { limit: number; cursor?: string; status?: string; partnerId?: string; kind?: string; source?: string; linkId?: string },
) {
  const rows = await ctx.db
    .select(conversionView)
    .from(conversion)
    .where(
      and(
        eq(conversion.workspaceId, ctx.workspaceId),
        q.status ? sql`${effectiveAccrualStatus} = ${q.status}` : undefined,
        q.partnerId ? eq(conversion.partnerId, q.partnerId) : undefined,
        q.kind ? eq(conversion.kind, q.kind) : undefined,
        q.source ? eq(conversion.source, q.source) : undefined,
        q.linkId ? eq(conversion.linkId, q.linkId) : undefined,
        q.cursor ? lt(conversion.id, q.cursor) : undefined,
      ),
    )
    .orderBy(desc(conversion.id))
    .limit(q.limit + 1);
  const page = toPage(rows, q.limit, (r) => r.id, (r) => r);
  return { data: await toConversions(ctx.db, ctx.workspaceId, page.data), nextCursor: page.nextCursor };
}

export async function getConversion(ctx: Pick<WorkspaceContext, 'workspaceId' | 'db'>, id: string) {
  const [row] = await ctx.db.select(conversionView).from(conversion).where(and(eq(conversion.workspaceId, ctx.workspaceId), eq(conversion.id, id)));
  if (!row) throw notFound('Conversion');
  return (await toConversions(ctx.db, ctx.workspaceId, [row]))[0];
}

/**
 * Manual attribution of an unattributed conversion: credits the partner, binds the customer (when
 * it is not bound yet) and moves every unattributed conversion of that customer to 'pending'.
 */
export async function attributeConversion(ctx: WorkspaceContext, id: string, input: { partnerId: string; programId?: string }) {
  await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(conversion)
      .where(and(eq(conversion.workspaceId, ctx.workspaceId), eq(conversion.id, id)))
      .for('update');
    if (!row) throw notFound('Conversion');
    if (row.accrualStatus !== 'unattributed' || row.partnerId) {
      throw new AppError('conflict', 'This conversion is already attributed to a partner');
    }
    const [p] = await tx.select({ id: partner.id }).from(partner).where(and(eq(partner.workspaceId, ctx.workspaceId), eq(partner.id, input.partnerId)));
    if (!p) throw invalid('partnerId', 'no such partner in this workspace');
    const enrollments = await tx
      .select({ programId: enrollment.programId })
      .from(enrollment)
      .where(and(eq(enrollment.workspaceId, ctx.workspaceId), eq(enrollment.partnerId, input.partnerId)));
    const programId = input.programId ?? row.programId ?? (enrollments.length === 1 ? enrollments[0].programId : null);
    if (!programId) throw invalid('programId', 'the partner is enrolled in several programs: choose one');
    if (!enrollments.some((e) => e.programId === programId)) throw invalid('programId', 'the partner is not enrolled in this program');
    const ids = [row.id];
    if (row.customerId) {
      const [cus] = await tx.select().from(customer).where(eq(customer.id, row.customerId)).for('update');
      if (cus && !cus.partnerId) {
        await tx.update(customer).set({ partnerId: input.partnerId, programId, boundAt: now() }).where(eq(customer.id, cus.id));
      } else if (cus?.partnerId && cus.partnerId !== input.partnerId) {
        throw invalid('partnerId', 'the customer is already bound to another partner');
      }
      const others = await tx
        .select({ id: conversion.id })
        .from(conversion)
        .where(and(eq(conversion.workspaceId, ctx.workspaceId), eq(conversion.customerId, row.customerId), eq(conversion.accrualStatus, 'unattributed')));
      for (const o of others) if (!ids.includes(o.id)) ids.push(o.id);
    }
    await tx
      .update(conversion)
      .set({
        partnerId: input.partnerId,
        programId,
        accrualStatus: 'pending',
        details: sql`${conversion.details} || ${JSON.stringify({ attribution: { via: 'manual', by: ctx.principal.kind === 'system' ? 'system' : ctx.principal.name } })}::jsonb`,
      })
      .where(and(eq(conversion.workspaceId, ctx.workspaceId), inArray(conversion.id, ids), eq(conversion.accrualStatus, 'unattributed')));
    for (const cid of ids) {
      await audit({ ...ctx, db: tx }, { action: 'conversion.attributed', entityType: 'conversion', entityId: cid, changes: { partnerId: { from: null, to: input.partnerId }, accrualStatus: { from: 'unattributed', to: 'pending' } } });
      await emit(tx, ctx.workspaceId, CONVERSION_ATTRIBUTED, { conversionId: cid, partnerId: input.partnerId, programId, accrualStatus: 'pending' });
    }
  });
  return getConversion(ctx, id);
}

// ── Server-side tracking API ──

export interface TrackInput {
  customer: { externalId?: string; email?: string; name?: string; country?: string };
  clickId?: string;
  partnerCode?: string;
  programId?: string;
  idempotencyKey?: string;
  occurredAt?: string;
  amount?: MoneyJson;
  product?: string;
  externalRef?: string;
  recurring?: boolean;
}

export async function track(
  ctx: WorkspaceContext,
  kind: 'lead' | 'sale',
  input: TrackInput,
  meta: { headerKey: string | undefined; ip: string | null; userAgent: string | null },
) {
  const clientKey = meta.headerKey?.trim() || input.idempotencyKey;
  let key: string;
  if (clientKey) key = `api:${kind}:${clientKey}`;
  else if (kind === 'sale' && input.externalRef) key = `api:sale:ref:${input.externalRef}`;
  else if (kind === 'lead') key = `api:lead:${input.customer.externalId ? `id:${input.customer.externalId}` : `email:${input.customer.email}`}`;
  else throw invalid('idempotencyKey', 'send an Idempotency-Key header, an idempotencyKey or an externalRef so a retried sale is recorded once');
  if (input.programId) await assertProgram(ctx.db, ctx.workspaceId, input.programId);
  if (kind === 'sale' && input.amount && BigInt(input.amount.amountMinor) <= 0n) throw invalid('amount.amountMinor', 'must be positive');
  const result = await ctx.db.transaction(async (tx) => {
    const r = await recordConversion(tx, ctx.workspaceId, {
      kind,
      source: 'tracking_api',
      idempotencyKey: key,
      externalRef: input.externalRef ?? null,
      originalRef: null,
      subscriptionRef: null,
      amount: kind === 'sale' && input.amount ? { amountMinor: BigInt(input.amount.amountMinor), currency: input.amount.currency } : null,
      product: input.product ?? null,
      recurring: input.recurring ?? null,
      occurredAt: input.occurredAt ? new Date(input.occurredAt) : now(),
      customer: input.customer,
      clickId: input.clickId ?? null,
      partnerCode: input.partnerCode ?? null,
      programId: input.programId ?? null,
      ip: meta.ip,
      userAgent: meta.userAgent,
    });
    if (r.created) {
      await audit({ ...ctx, db: tx }, { action: `conversion.${kind}_tracked`, entityType: 'conversion', entityId: r.id, changes: { partnerId: r.partnerId, status: r.status } });
    }
    return r;
  });
  return { created: result.created, conversion: await getConversion(ctx, result.id) };
}

// ── Portal ──

export function maskEmail(email: string | null): string | null {
  if (!email) return null;
  const at = email.indexOf('@');
  if (at <= 0) return '•••';
  return `${email[0]}•••${email.slice(at)}`;
}

export async function listMyLinks(ctx: PortalContext, publicUrl: string) {
  const rows = await ctx.db
    .select()
    .from(link)
    .where(and(eq(link.workspaceId, ctx.workspaceId), eq(link.partnerId, ctx.partnerId)))
    .orderBy(desc(link.id))
    .limit(500);
  return { data: await toLinks(ctx.db, ctx.workspaceId, publicUrl, rows), nextCursor: null };
}

export async function createMyLink(
  ctx: PortalContext,
  publicUrl: string,
  input: { programId: string; code?: string; name?: string; destinationUrl?: string; params?: Record<string, string> },
) {
  const [enr] = await ctx.db
    .select({ status: enrollment.status })
    .from(enrollment)
    .where(and(eq(enrollment.workspaceId, ctx.workspaceId), eq(enrollment.partnerId, ctx.partnerId), eq(enrollment.programId, input.programId)));
  if (!enr || enr.status !== 'active') throw invalid('programId', 'you are not enrolled in this program');
  const row = await insertLink(ctx, { ...input, partnerId: ctx.partnerId, customDomain: null });
  return (await toLinks(ctx.db, ctx.workspaceId, publicUrl, [row]))[0];
}

export async function listMyConversions(ctx: PortalContext, q: { limit: number; cursor?: string }) {
  const rows = await ctx.db
    .select()
    .from(conversion)
    .where(and(eq(conversion.workspaceId, ctx.workspaceId), eq(conversion.partnerId, ctx.partnerId), q.cursor ? lt(conversion.id, q.cursor) : undefined))
    .orderBy(desc(conversion.id))
    .limit(q.limit + 1);
  const page = toPage(rows, q.limit, (r) => r.id, (r) => r);
  const views = await toConversions(ctx.db, ctx.workspaceId, page.data);
  return {
    data: views.map((v) => ({
      id: v.id,
      kind: v.kind,
      programId: v.programId,
      linkCode: v.linkCode,
      customer: maskEmail(v.customer?.email ?? null),
      amount: v.amount,
      product: v.product,
      occurredAt: v.occurredAt,
    })),
    nextCursor: page.nextCursor,
  };
}

export { DEFAULT_TRACKING_SETTINGS };
