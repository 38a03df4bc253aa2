import { and, asc, desc, eq, gt, inArray, isNull } from 'drizzle-orm';
import { audit } from '../../platform/audit.ts';
import type { TxContext, WorkspaceContext } from '../../platform/context.ts';
import type { Db, Executor } from '../../platform/db.ts';
import { AppError, type FieldError, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { TokenService } from '../../platform/tokens.ts';
import { PARTNER_VISIBLE_FIELDS } from '../../platform/visibility.ts';
import { deal, dealCredit } from '../deals/schema.ts';
import { partnerDeals } from '../deals/partner-view.ts';
import { partner } from '../partners/schema.ts';
import { program } from '../programs/schema.ts';
import type { SharingRuleInput } from './contract.ts';
import { MODES_FOR_KIND, SHAREABLE_FIELDS, SHARE_OBJECTS, type ShareMode } from './projection.ts';
import { fieldShareRule, signedLink } from './schema.ts';

type RuleRow = typeof fieldShareRule.$inferSelect;

function toRule(r: RuleRow) {
  return {
    id: r.id,
    programId: r.programId,
    object: r.object as (typeof SHARE_OBJECTS)[number],
    field: r.field,
    audience: r.audience as '*',
    mode: r.mode as ShareMode,
    bandSizeMinor: r.bandSizeMinor?.toString() ?? null,
    updatedAt: r.updatedAt.toISOString(),
  };
}

export function sharingCatalog() {
  return SHARE_OBJECTS.map((object) => ({
    object,
    alwaysVisible: [...PARTNER_VISIBLE_FIELDS[object]],
    shareable: Object.entries(SHAREABLE_FIELDS[object]).map(([field, kind]) => ({ field, kind, modes: [...MODES_FOR_KIND[kind]] })),
  }));
}

export async function listSharingRules(ctx: WorkspaceContext) {
  const rows = await ctx.db
    .select()
    .from(fieldShareRule)
    .where(eq(fieldShareRule.workspaceId, ctx.workspaceId))
    .orderBy(asc(fieldShareRule.object), asc(fieldShareRule.field), asc(fieldShareRule.id));
  return { data: rows.map(toRule), catalog: sharingCatalog() };
}

/** Adds or changes rules, keyed by (program, object, field, audience). Each change is audited. */
export async function upsertSharingRules(ctx: WorkspaceContext, rules: SharingRuleInput[]) {
  const errors: FieldError[] = [];
  const keys = new Set<string>();
  rules.forEach((r, i) => {
    const base: readonly string[] = PARTNER_VISIBLE_FIELDS[r.object];
    const kind = SHAREABLE_FIELDS[r.object][r.field];
    if (base.includes(r.field)) errors.push({ path: `rules.${i}.field`, message: `is always visible to partners on their own ${r.object}s` });
    else if (!kind) {
      errors.push({ path: `rules.${i}.field`, message: `cannot be shared; shareable ${r.object} fields: ${Object.keys(SHAREABLE_FIELDS[r.object]).join(', ')}` });
    } else if (!MODES_FOR_KIND[kind].includes(r.mode)) {
      errors.push({ path: `rules.${i}.mode`, message: `${r.mode} does not apply to a ${kind} field; use ${MODES_FOR_KIND[kind].join(', ')}` });
    }
    if (r.bandSizeMinor && r.mode !== 'banded') errors.push({ path: `rules.${i}.bandSizeMinor`, message: 'applies only to banded rules' });
    if (r.bandSizeMinor && BigInt(r.bandSizeMinor) <= 0n) errors.push({ path: `rules.${i}.bandSizeMinor`, message: 'must be more than 0' });
    const key = `${r.programId} ${r.object} ${r.field} ${r.audience}`;
    if (keys.has(key)) errors.push({ path: `rules.${i}`, message: 'repeats an earlier rule (same program, object, field and audience)' });
    keys.add(key);
  });
  const programIds = [...new Set(rules.flatMap((r) => (r.programId ? [r.programId] : [])))];
  if (programIds.length > 0) {
    const found = await ctx.db
      .select({ id: program.id })
      .from(program)
      .where(and(eq(program.workspaceId, ctx.workspaceId), inArray(program.id, programIds)));
    const known = new Set(found.map((p) => p.id));
    rules.forEach((r, i) => {
      if (r.programId && !known.has(r.programId)) errors.push({ path: `rules.${i}.programId`, message: 'is not a program in this workspace' });
    });
  }
  if (errors.length > 0) throw new AppError('validation_failed', errors.map((f) => `${f.path}: ${f.message}`).join('; '), { fields: errors });

  await ctx.db.transaction(async (tx) => {
    const t: TxContext = { ...ctx, db: tx };
    for (const r of rules) {
      const bandSizeMinor = r.mode === 'banded' && r.bandSizeMinor ? BigInt(r.bandSizeMinor) : null;
      // The unique index treats NULL programs as distinct, so look the rule up by hand.
      const [existing] = await tx
        .select()
        .from(fieldShareRule)
        .where(
          and(
            eq(fieldShareRule.workspaceId, ctx.workspaceId),
            r.programId ? eq(fieldShareRule.programId, r.programId) : isNull(fieldShareRule.programId),
            eq(fieldShareRule.object, r.object),
            eq(fieldShareRule.field, r.field),
            eq(fieldShareRule.audience, r.audience),
          ),
        )
        .for('update');
      if (existing) {
        if (existing.mode === r.mode && existing.bandSizeMinor === bandSizeMinor) continue;
        await tx.update(fieldShareRule).set({ mode: r.mode, bandSizeMinor, updatedAt: new Date() }).where(eq(fieldShareRule.id, existing.id));
        await audit(t, {
          action: 'sharing_rule.updated',
          entityType: 'sharing_rule',
          entityId: existing.id,
          changes: { rule: { programId: r.programId, object: r.object, field: r.field, audience: r.audience }, mode: { from: existing.mode, to: r.mode }, bandSizeMinor: { from: existing.bandSizeMinor, to: bandSizeMinor } },
        });
      } else {
        const id = newId('fieldShareRule');
        await tx.insert(fieldShareRule).values({ id, workspaceId: ctx.workspaceId, programId: r.programId, object: r.object, field: r.field, audience: r.audience, mode: r.mode, bandSizeMinor });
        await audit(t, { action: 'sharing_rule.created', entityType: 'sharing_rule', entityId: id, changes: { ...r, bandSizeMinor } });
      }
    }
  });
  return listSharingRules(ctx);
}

export async function deleteSharingRule(ctx: WorkspaceContext, id: string) {
  await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .delete(fieldShareRule)
      .where(and(eq(fieldShareRule.workspaceId, ctx.workspaceId), eq(fieldShareRule.id, id)))
      .returning();
    if (!row) throw notFound('Sharing rule');
    await audit({ ...ctx, db: tx }, { action: 'sharing_rule.deleted', entityType: 'sharing_rule', entityId: id, changes: { ...toRule(row) } });
  });
}

// ────────────────────────────── Signed links ──────────────────────────────

const DAY_MS = 24 * 3600 * 1000;

function linkUrl(publicUrl: string, tokens: TokenService, id: string) {
  return `${publicUrl}/shared/deals/${tokens.derive('signed_link', id)}`;
}

function toSignedLink(r: typeof signedLink.$inferSelect, partnerName: string, url: string | null) {
  return {
    id: r.id,
    dealId: r.entityId,
    partnerId: r.partnerId,
    partnerName,
    url,
    expiresAt: r.expiresAt.toISOString(),
    revokedAt: r.revokedAt?.toISOString() ?? null,
    lastViewedAt: r.lastViewedAt?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
  };
}

/** A link for one partner to view one deal and update its next step, without signing in. */
export async function createSignedLink(ctx: WorkspaceContext, tokens: TokenService, publicUrl: string, dealId: string, input: { partnerId: string; expiresInDays: number }) {
  const id = newId('signedLink');
  const token = tokens.derive('signed_link', id);
  const expiresAt = new Date(Date.now() + input.expiresInDays * DAY_MS);
  let partnerName = '';
  await ctx.db.transaction(async (tx) => {
    const [d] = await tx
      .select({ id: deal.id })
      .from(deal)
      .where(and(eq(deal.workspaceId, ctx.workspaceId), eq(deal.id, dealId)));
    if (!d) throw notFound('Deal');
    const [p] = await tx
      .select({ id: partner.id, name: partner.name })
      .from(partner)
      .where(and(eq(partner.workspaceId, ctx.workspaceId), eq(partner.id, input.partnerId)));
    if (!p) throw new AppError('validation_failed', 'partnerId: is not a partner in this workspace', { fields: [{ path: 'partnerId', message: 'is not a partner in this workspace' }] });
    const [credit] = await tx
      .select({ id: dealCredit.id })
      .from(dealCredit)
      .where(and(eq(dealCredit.dealId, dealId), eq(dealCredit.partnerId, input.partnerId)))
      .limit(1);
    if (!credit) throw new AppError('validation_failed', 'partnerId: has no credit on this deal', { fields: [{ path: 'partnerId', message: 'has no credit on this deal; credit the partner first' }] });
    partnerName = p.name;
    await tx.insert(signedLink).values({
      id,
      workspaceId: ctx.workspaceId,
      object: 'deal',
      entityId: dealId,
      partnerId: input.partnerId,
      tokenHash: tokens.hash(token),
      expiresAt,
      createdByMemberId: ctx.principal.kind === 'member' ? ctx.principal.memberId : null,
    });
    await audit({ ...ctx, db: tx }, { action: 'signed_link.created', entityType: 'deal', entityId: dealId, changes: { signedLinkId: id, partnerId: input.partnerId, expiresAt } });
  });
  const [row] = await ctx.db.select().from(signedLink).where(eq(signedLink.id, id));
  return toSignedLink(row, partnerName, `${publicUrl}/shared/deals/${token}`);
}

export async function listSignedLinks(ctx: WorkspaceContext, tokens: TokenService, publicUrl: string, dealId: string) {
  const [d] = await ctx.db
    .select({ id: deal.id })
    .from(deal)
    .where(and(eq(deal.workspaceId, ctx.workspaceId), eq(deal.id, dealId)));
  if (!d) throw notFound('Deal');
  const rows = await ctx.db
    .select({ l: signedLink, partnerName: partner.name })
    .from(signedLink)
    .innerJoin(partner, eq(partner.id, signedLink.partnerId))
    .where(and(eq(signedLink.workspaceId, ctx.workspaceId), eq(signedLink.object, 'deal'), eq(signedLink.entityId, dealId)))
    .orderBy(desc(signedLink.id));
  const now = Date.now();
  return {
    data: rows.map((r) => toSignedLink(r.l, r.partnerName, !r.l.revokedAt && r.l.expiresAt.getTime() > now ? linkUrl(publicUrl, tokens, r.l.id) : null)),
    nextCursor: null,
  };
}

export async function revokeSignedLink(ctx: WorkspaceContext, id: string) {
  await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(signedLink)
      .where(and(eq(signedLink.workspaceId, ctx.workspaceId), eq(signedLink.id, id)))
      .for('update');
    if (!row) throw notFound('Signed link');
    if (row.revokedAt) return;
    await tx.update(signedLink).set({ revokedAt: new Date() }).where(eq(signedLink.id, id));
    await audit({ ...ctx, db: tx }, { action: 'signed_link.revoked', entityType: 'deal', entityId: row.entityId, changes: { signedLinkId: id, partnerId: row.partnerId } });
  });
}

/** The live link for a token: not revoked, not expired, and its partner still credited on the deal. */
async function liveLink(db: Executor, tokens: TokenService, token: string, now: Date) {
  const [row] = await db
    .select({ l: signedLink, partnerName: partner.name })
    .from(signedLink)
    .innerJoin(partner, eq(partner.id, signedLink.partnerId))
    .where(and(eq(signedLink.tokenHash, tokens.hash(token)), isNull(signedLink.revokedAt), gt(signedLink.expiresAt, now), eq(signedLink.object, 'deal')));
  if (!row) throw notFound('Shared deal');
  return row;
}

function linkCtx(link: typeof signedLink.$inferSelect, partnerName: string, db: Executor, requestId: string | null): TxContext {
  return { workspaceId: link.workspaceId, principal: { kind: 'system', name: `Signed link for ${partnerName}` }, requestId, db };
}

async function sharedDealView(db: Executor, link: typeof signedLink.$inferSelect) {
  // No partner user behind a link: only the rules for every partner role apply.
  const page = await partnerDeals(db, { workspaceId: link.workspaceId, partnerId: link.partnerId, partnerRole: '*', dealIds: [link.entityId], limit: 1 });
  const view = page.data[0];
  if (!view) throw notFound('Shared deal');
  return view;
}

/** The deal behind a signed link, as its partner sees it; each view is audited. */
export async function viewSharedDeal(db: Db, tokens: TokenService, token: string, requestId: string | null, now = new Date()) {
  const { l, partnerName } = await liveLink(db, tokens, token, now);
  const view = await sharedDealView(db, l);
  await db.transaction(async (tx) => {
    await tx.update(signedLink).set({ lastViewedAt: now }).where(eq(signedLink.id, l.id));
    await audit(linkCtx(l, partnerName, tx, requestId), { action: 'signed_link.viewed', entityType: 'deal', entityId: l.entityId, changes: { signedLinkId: l.id, partnerId: l.partnerId } });
  });
  return view;
}

/** The one thing a signed link may change: the deal's next step. */
export async function updateSharedDeal(db: Db, tokens: TokenService, token: string, input: { nextStep: string }, requestId: string | null, now = new Date()) {
  const { l, partnerName } = await liveLink(db, tokens, token, now);
  await sharedDealView(db, l); // 404 when the partner lost its credit
  await db.transaction(async (tx) => {
    const [before] = await tx
      .select({ nextStep: deal.nextStep })
      .from(deal)
      .where(and(eq(deal.workspaceId, l.workspaceId), eq(deal.id, l.entityId)))
      .for('update');
    if (!before) throw notFound('Shared deal');
    const nextStep = input.nextStep === '' ? null : input.nextStep;
    await tx.update(deal).set({ nextStep, updatedAt: now }).where(eq(deal.id, l.entityId));
    await tx.update(signedLink).set({ lastViewedAt: now }).where(eq(signedLink.id, l.id));
    await audit(linkCtx(l, partnerName, tx, requestId), {
      action: 'deal.updated',
      entityType: 'deal',
      entityId: l.entityId,
      changes: { nextStep: { from: before.nextStep, to: nextStep }, via: 'signed_link', signedLinkId: l.id },
    });
  });
  return sharedDealView(db, l);
}
