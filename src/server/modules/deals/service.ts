import { type SQL, and, asc, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import { audit, diff } from '../../platform/audit.ts';
import type { Principal, TxContext, WorkspaceContext } from '../../platform/context.ts';
import type { Executor } from '../../platform/db.ts';
import { normalizeDomain } from '../../platform/domain-name.ts';
import { AppError, type FieldError, invalid, notFound } from '../../platform/errors.ts';
import { emit } from '../../platform/events.ts';
import { newId } from '../../platform/ids.ts';
import { applyBasisPoints, moneyToJson } from '../../platform/money.ts';
import { toPage } from '../../platform/pagination.ts';
import { authUser } from '../../platform/schema.ts';
import { account } from '../accounts/schema.ts';
import { upsertAccount } from '../accounts/service.ts';
import { partner } from '../partners/schema.ts';
import { registration } from '../registrations/schema.ts';
import { member } from '../workspaces/schema.ts';
import type {
  CreateDealRequest,
  CreatePipelineRequest,
  CreditInput,
  DealListQuery,
  REQUIRABLE_FIELDS,
  StageInput,
  UpdateDealRequest,
} from './contract.ts';
import { attributionSetting, deal, dealCredit, pipeline, stage } from './schema.ts';

export const DEAL_STAGE_CHANGED = 'deal.stage_changed';
export const DEAL_WON = 'deal.won';
export const DEAL_CREATED = 'deal.created';

type StageRow = typeof stage.$inferSelect;
type DealRow = typeof deal.$inferSelect;
type RegistrationRow = typeof registration.$inferSelect;
type RequirableField = (typeof REQUIRABLE_FIELDS)[number];
type StageKind = 'open' | 'won' | 'lost';

export const DEFAULT_PIPELINE_NAME = 'Partner pipeline';
export const DEFAULT_STAGES: StageInput[] = [
  { name: 'Registered', winProbabilityBp: 1000, kind: 'open', requiredFields: [] },
  { name: 'Qualified', winProbabilityBp: 2500, kind: 'open', requiredFields: [] },
  { name: 'Proposal', winProbabilityBp: 5000, kind: 'open', requiredFields: [] },
  { name: 'Negotiation', winProbabilityBp: 7500, kind: 'open', requiredFields: [] },
  { name: 'Closed won', winProbabilityBp: 10_000, kind: 'won', requiredFields: [] },
  { name: 'Closed lost', winProbabilityBp: 0, kind: 'lost', requiredFields: [] },
];

type Ctx = Pick<WorkspaceContext, 'workspaceId' | 'principal' | 'requestId'>;
const txCtx = (ctx: Ctx, tx: Executor): TxContext => ({ workspaceId: ctx.workspaceId, principal: ctx.principal, requestId: ctx.requestId, db: tx });

// ────────────────────────────── Pipelines ──────────────────────────────

function toStage(row: StageRow) {
  return {
    id: row.id,
    name: row.name,
    position: row.position,
    winProbabilityBp: row.winProbabilityBp,
    kind: row.kind as StageKind,
    requiredFields: row.requiredFields as string[],
  };
}

async function pipelineViews(db: Executor, workspaceId: string, ids?: string[]) {
  const pipelines = await db
    .select()
    .from(pipeline)
    .where(and(eq(pipeline.workspaceId, workspaceId), ids ? inArray(pipeline.id, ids) : undefined))
    .orderBy(desc(pipeline.isDefault), asc(pipeline.name));
  if (pipelines.length === 0) return [];
  const stages = await db
    .select()
    .from(stage)
    .where(
      and(
        eq(stage.workspaceId, workspaceId),
        inArray(
          stage.pipelineId,
          pipelines.map((p) => p.id),
        ),
      ),
    )
    .orderBy(asc(stage.position));
  return pipelines.map((p) => ({
    id: p.id,
    name: p.name,
    isDefault: p.isDefault,
    stages: stages.filter((s) => s.pipelineId === p.id).map(toStage),
    createdAt: p.createdAt.toISOString(),
  }));
}

/** Checks an ordered stage list: unique names, open stages first, one won, at least one lost. */
function validateStages(stages: StageInput[]): void {
  const fields: FieldError[] = [];
  const names = new Set<string>();
  const ids = new Set<string>();
  let sawClosed = false;
  stages.forEach((s, i) => {
    const key = s.name.toLowerCase();
    if (names.has(key)) fields.push({ path: `stages.${i}.name`, message: 'is used by another stage' });
    names.add(key);
    if (s.id) {
      if (ids.has(s.id)) fields.push({ path: `stages.${i}.id`, message: 'appears twice' });
      ids.add(s.id);
    }
    if (s.kind === 'open' && sawClosed) fields.push({ path: `stages.${i}.kind`, message: 'open stages come before the closed (won, lost) stages' });
    if (s.kind !== 'open') sawClosed = true;
    if (s.kind === 'won' && s.winProbabilityBp !== 10_000) fields.push({ path: `stages.${i}.winProbabilityBp`, message: 'a won stage has a win probability of 10000 (100 %)' });
    if (s.kind === 'lost' && s.winProbabilityBp !== 0) fields.push({ path: `stages.${i}.winProbabilityBp`, message: 'a lost stage has a win probability of 0' });
    if (new Set(s.requiredFields).size !== s.requiredFields.length) fields.push({ path: `stages.${i}.requiredFields`, message: 'lists a field twice' });
  });
  const count = (k: StageKind) => stages.filter((s) => s.kind === k).length;
  if (count('open') === 0) fields.push({ path: 'stages', message: 'needs at least one open stage' });
  if (count('won') !== 1) fields.push({ path: 'stages', message: 'needs exactly one won stage' });
  if (count('lost') === 0) fields.push({ path: 'stages', message: 'needs at least one lost stage' });
  if (fields.length > 0) throw new AppError('validation_failed', fields.map((f) => `${f.path}: ${f.message}`).join('; '), { fields });
}

async function insertStages(tx: Executor, workspaceId: string, pipelineId: string, stages: StageInput[]) {
  await tx.insert(stage).values(
    stages.map((s, i) => ({
      id: newId('stage'),
      workspaceId,
      pipelineId,
      name: s.name,
      position: i,
      winProbabilityBp: s.winProbabilityBp,
      kind: s.kind,
      requiredFields: s.requiredFields,
    })),
  );
}

/**
 * The workspace's default pipeline, created the first time anything needs it ("Partner
 * pipeline": Registered 10 %, Qualified 25 %, Proposal 50 %, Negotiation 75 %, Closed won,
 * Closed lost). Call inside the caller's transaction.
 */
export async function ensureDefaultPipeline(ctx: TxContext): Promise<string> {
  const [existing] = await ctx.db
    .select({ id: pipeline.id })
    .from(pipeline)
    .where(and(eq(pipeline.workspaceId, ctx.workspaceId), eq(pipeline.isDefault, true)))
    .limit(1);
  if (existing) return existing.id;
  const id = newId('pipeline');
  const inserted = await ctx.db
    .insert(pipeline)
    .values({ id, workspaceId: ctx.workspaceId, name: DEFAULT_PIPELINE_NAME, isDefault: true })
    .onConflictDoNothing()
    .returning({ id: pipeline.id });
  if (inserted.length === 0) {
    // A pipeline with that name exists (made by hand, or by a concurrent request): it becomes the default.
    const [named] = await ctx.db
      .select({ id: pipeline.id })
      .from(pipeline)
      .where(and(eq(pipeline.workspaceId, ctx.workspaceId), eq(pipeline.name, DEFAULT_PIPELINE_NAME)));
    await ctx.db.update(pipeline).set({ isDefault: true }).where(eq(pipeline.id, named.id));
    return named.id;
  }
  await insertStages(ctx.db, ctx.workspaceId, id, DEFAULT_STAGES);
  await audit(ctx, { action: 'pipeline.created', entityType: 'pipeline', entityId: id, changes: { name: DEFAULT_PIPELINE_NAME, stages: DEFAULT_STAGES, lazilyCreated: true } });
  return id;
}

export async function listPipelines(ctx: WorkspaceContext) {
  const views = await pipelineViews(ctx.db, ctx.workspaceId);
  if (views.length > 0) return { data: views, nextCursor: null };
  await ctx.db.transaction(async (tx) => {
    await ensureDefaultPipeline(txCtx(ctx, tx));
  });
  return { data: await pipelineViews(ctx.db, ctx.workspaceId), nextCursor: null };
}

export async function getPipeline(ctx: Pick<WorkspaceContext, 'workspaceId' | 'db'>, id: string) {
  const [view] = await pipelineViews(ctx.db, ctx.workspaceId, [id]);
  if (!view) throw notFound('Pipeline');
  return view;
}

export async function createPipeline(ctx: WorkspaceContext, input: CreatePipelineRequest) {
  const stages = input.stages ?? DEFAULT_STAGES;
  if (stages.some((s) => s.id)) throw invalid('stages', 'new pipelines take new stages (no ids)');
  validateStages(stages);
  const id = newId('pipeline');
  await ctx.db.transaction(async (tx) => {
    const t = txCtx(ctx, tx);
    // Make sure the default exists first, so a new pipeline never silently becomes the only one without a default.
    await ensureDefaultPipeline(t);
    const inserted = await tx
      .insert(pipeline)
      .values({ id, workspaceId: ctx.workspaceId, name: input.name, isDefault: false })
      .onConflictDoNothing()
      .returning({ id: pipeline.id });
    if (inserted.length === 0) {
      throw new AppError('conflict', `A pipeline named “${input.name}” already exists`, { fields: [{ path: 'name', message: 'is used by another pipeline' }] });
    }
    await insertStages(tx, ctx.workspaceId, id, stages);
    if (input.isDefault) {
      await tx.update(pipeline).set({ isDefault: false }).where(eq(pipeline.workspaceId, ctx.workspaceId));
      await tx.update(pipeline).set({ isDefault: true }).where(eq(pipeline.id, id));
    }
    await audit(t, { action: 'pipeline.created', entityType: 'pipeline', entityId: id, changes: { name: input.name, isDefault: input.isDefault, stages } });
  });
  return getPipeline(ctx, id);
}

/** Replaces a pipeline's ordered stages. Stages named by id are kept (their deals stay); a removed stage must be empty. */
export async function replaceStages(ctx: WorkspaceContext, pipelineId: string, stages: StageInput[]) {
  validateStages(stages);
  await ctx.db.transaction(async (tx) => {
    const [p] = await tx
      .select()
      .from(pipeline)
      .where(and(eq(pipeline.workspaceId, ctx.workspaceId), eq(pipeline.id, pipelineId)))
      .for('update');
    if (!p) throw notFound('Pipeline');
    const existing = await tx.select().from(stage).where(eq(stage.pipelineId, pipelineId));
    const byId = new Map(existing.map((s) => [s.id, s]));
    const counts = await tx
      .select({ stageId: deal.stageId, n: sql<number>`count(*)::int` })
      .from(deal)
      .where(and(eq(deal.workspaceId, ctx.workspaceId), eq(deal.pipelineId, pipelineId)))
      .groupBy(deal.stageId);
    const dealsIn = new Map(counts.map((c) => [c.stageId, c.n]));

    const fields: FieldError[] = [];
    stages.forEach((s, i) => {
      if (!s.id) return;
      const before = byId.get(s.id);
      if (!before) fields.push({ path: `stages.${i}.id`, message: 'is not a stage of this pipeline' });
      else if (before.kind !== s.kind && (dealsIn.get(s.id) ?? 0) > 0) {
        fields.push({ path: `stages.${i}.kind`, message: `cannot change from ${before.kind} while the stage holds deals` });
      }
    });
    if (fields.length > 0) throw new AppError('validation_failed', fields.map((f) => `${f.path}: ${f.message}`).join('; '), { fields });

    const kept = new Set(stages.flatMap((s) => (s.id ? [s.id] : [])));
    const removed = existing.filter((s) => !kept.has(s.id));
    const blocking = removed.filter((s) => (dealsIn.get(s.id) ?? 0) > 0);
    if (blocking.length > 0) {
      throw new AppError(
        'conflict',
        `Move the deals out first: ${blocking.map((s) => `“${s.name}” holds ${dealsIn.get(s.id)} deal(s)`).join(', ')}`,
        { extensions: { stagesWithDeals: blocking.map((s) => ({ id: s.id, name: s.name, deals: dealsIn.get(s.id) })) } },
      );
    }
    // Park every kept position out of the way so the (pipeline, position) unique index holds mid-update.
    await tx
      .update(stage)
      .set({ position: sql`-1 - ${stage.position}` })
      .where(eq(stage.pipelineId, pipelineId));
    if (removed.length > 0) {
      await tx.delete(stage).where(
        inArray(
          stage.id,
          removed.map((s) => s.id),
        ),
      );
    }
    for (const [i, s] of stages.entries()) {
      if (s.id) {
        await tx
          .update(stage)
          .set({ name: s.name, position: i, winProbabilityBp: s.winProbabilityBp, kind: s.kind, requiredFields: s.requiredFields })
          .where(eq(stage.id, s.id));
      } else {
        await tx.insert(stage).values({
          id: newId('stage'),
          workspaceId: ctx.workspaceId,
          pipelineId,
          name: s.name,
          position: i,
          winProbabilityBp: s.winProbabilityBp,
          kind: s.kind,
          requiredFields: s.requiredFields,
        });
      }
    }
    await audit(txCtx(ctx, tx), {
      action: 'pipeline.stages_replaced',
      entityType: 'pipeline',
      entityId: pipelineId,
      changes: { before: existing.sort((a, b) => a.position - b.position).map(toStage), after: stages },
    });
  });
  return getPipeline(ctx, pipelineId);
}

// ────────────────────────────── Attribution ──────────────────────────────

export type AttributionModel = 'primary_only' | 'split';

export async function attributionModelOf(db: Executor, workspaceId: string): Promise<AttributionModel> {
  const [row] = await db.select().from(attributionSetting).where(eq(attributionSetting.workspaceId, workspaceId));
  return (row?.model as AttributionModel | undefined) ?? 'primary_only';
}

export async function getAttributionSettings(ctx: WorkspaceContext) {
  const [row] = await ctx.db.select().from(attributionSetting).where(eq(attributionSetting.workspaceId, ctx.workspaceId));
  return { model: (row?.model as AttributionModel | undefined) ?? 'primary_only', updatedAt: row?.updatedAt.toISOString() ?? null };
}

export async function updateAttributionSettings(ctx: WorkspaceContext, input: { model: AttributionModel }) {
  await ctx.db.transaction(async (tx) => {
    const before = await attributionModelOf(tx, ctx.workspaceId);
    if (before === input.model) return;
    await tx
      .insert(attributionSetting)
      .values({ workspaceId: ctx.workspaceId, model: input.model })
      .onConflictDoUpdate({ target: attributionSetting.workspaceId, set: { model: input.model, updatedAt: new Date() } });
    await audit(txCtx(ctx, tx), { action: 'attribution.model_changed', entityType: 'workspace', entityId: ctx.workspaceId, changes: { model: { from: before, to: input.model } } });
  });
  return getAttributionSettings(ctx);
}

/**
 * The attribution rules, pure. `primary_only`: exactly one credit holds 10,000 bp (the
 * primary partner) and any others hold 0 (noted as influencing, earning nothing). `split`:
 * shares sum to 10,000. No credits at all is allowed under both (an unattributed deal).
 * A partner appears at most once per role.
 */
export function attributionErrors(model: AttributionModel, credits: CreditInput[], path = 'credits'): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  credits.forEach((c, i) => {
    const key = `${c.partnerId} ${c.role}`;
    if (seen.has(key)) errors.push({ path: `${path}.${i}`, message: 'credits the same partner in the same role twice' });
    seen.add(key);
  });
  if (credits.length === 0) return errors;
  if (model === 'primary_only') {
    const full = credits.filter((c) => c.shareBp === 10_000);
    const partial = credits.findIndex((c) => c.shareBp !== 10_000 && c.shareBp !== 0);
    if (full.length !== 1 || partial >= 0) {
      errors.push({
        path: partial >= 0 ? `${path}.${partial}.shareBp` : path,
        message: 'primary-only attribution credits exactly one partner with 10000 bp (100 %); any other credit has 0',
      });
    }
  } else {
    const sum = credits.reduce((s, c) => s + c.shareBp, 0);
    if (sum !== 10_000) errors.push({ path, message: `split shares must sum to 10000 bp (100 %); they sum to ${sum}` });
  }
  return errors;
}

async function validateCredits(tx: Executor, workspaceId: string, credits: CreditInput[], path = 'credits'): Promise<void> {
  const errors = attributionErrors(await attributionModelOf(tx, workspaceId), credits, path);
  const ids = [...new Set(credits.map((c) => c.partnerId))];
  if (ids.length > 0) {
    const found = await tx
      .select({ id: partner.id })
      .from(partner)
      .where(and(eq(partner.workspaceId, workspaceId), inArray(partner.id, ids)));
    const known = new Set(found.map((p) => p.id));
    credits.forEach((c, i) => {
      if (!known.has(c.partnerId)) errors.push({ path: `${path}.${i}.partnerId`, message: 'is not a partner in this workspace' });
    });
  }
  if (errors.length > 0) throw new AppError('validation_failed', errors.map((f) => `${f.path}: ${f.message}`).join('; '), { fields: errors });
}

async function writeCredits(tx: Executor, workspaceId: string, dealId: string, credits: CreditInput[]) {
  await tx.delete(dealCredit).where(and(eq(dealCredit.workspaceId, workspaceId), eq(dealCredit.dealId, dealId)));
  if (credits.length === 0) return;
  await tx.insert(dealCredit).values(credits.map((c) => ({ id: newId('dealCredit'), workspaceId, dealId, partnerId: c.partnerId, role: c.role, shareBp: c.shareBp })));
}

// ────────────────────────────── Deal views ──────────────────────────────

const ownerName = sql<string | null>`(select u.name from member m join auth_user u on u.id = m.user_id where m.id = "deal"."owner_member_id")`;

const dealSelection = {
  d: deal,
  stageName: stage.name,
  stageKind: stage.kind,
  stageWinBp: stage.winProbabilityBp,
  accountName: account.name,
  accountDomain: account.domain,
  accountCountry: account.country,
  incumbentPartnerId: account.incumbentPartnerId,
  ownerName,
};
type DealSelectRow = {
  d: DealRow;
  stageName: string;
  stageKind: string;
  stageWinBp: number;
  accountName: string;
  accountDomain: string | null;
  accountCountry: string | null;
  incumbentPartnerId: string | null;
  ownerName: string | null;
};
type CreditView = { id: string; partnerId: string; partnerName: string; role: CreditInput['role']; shareBp: number };

async function creditsFor(db: Executor, workspaceId: string, dealIds: string[]): Promise<Map<string, CreditView[]>> {
  const out = new Map<string, CreditView[]>();
  if (dealIds.length === 0) return out;
  const rows = await db
    .select({ id: dealCredit.id, dealId: dealCredit.dealId, partnerId: dealCredit.partnerId, partnerName: partner.name, role: dealCredit.role, shareBp: dealCredit.shareBp })
    .from(dealCredit)
    .innerJoin(partner, eq(partner.id, dealCredit.partnerId))
    .where(and(eq(dealCredit.workspaceId, workspaceId), inArray(dealCredit.dealId, dealIds)))
    .orderBy(desc(dealCredit.shareBp), asc(dealCredit.id));
  for (const r of rows) {
    const list = out.get(r.dealId) ?? [];
    list.push({ id: r.id, partnerId: r.partnerId, partnerName: r.partnerName, role: r.role as CreditInput['role'], shareBp: r.shareBp });
    out.set(r.dealId, list);
  }
  return out;
}

export function weightedAmountMinor(amountMinor: bigint, winProbabilityBp: number): bigint {
  return applyBasisPoints({ amountMinor, currency: 'XXX' }, winProbabilityBp, 'half_even').amountMinor;
}

function toDeal(r: DealSelectRow, credits: CreditView[]) {
  const d = r.d;
  return {
    id: d.id,
    name: d.name,
    pipelineId: d.pipelineId,
    stage: { id: d.stageId, name: r.stageName, kind: r.stageKind as StageKind, winProbabilityBp: r.stageWinBp },
    account: { id: d.accountId, name: r.accountName, domain: r.accountDomain, country: r.accountCountry, incumbentPartnerId: r.incumbentPartnerId },
    amount: moneyToJson({ amountMinor: d.amountMinor, currency: d.currency }),
    weightedAmount: moneyToJson({ amountMinor: weightedAmountMinor(d.amountMinor, r.stageWinBp), currency: d.currency }),
    closeDate: d.closeDate,
    owner: d.ownerMemberId && r.ownerName !== null ? { memberId: d.ownerMemberId, name: r.ownerName } : null,
    origin: d.origin as 'partner' | 'direct',
    isRenewal: d.isRenewal,
    lostReason: d.lostReason,
    nextStep: d.nextStep,
    internalNotes: d.internalNotes,
    discountBp: d.discountBp,
    registrationId: d.registrationId,
    credits,
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
    closedAt: d.closedAt?.toISOString() ?? null,
  };
}
export type DealView = ReturnType<typeof toDeal>;

function dealQuery(db: Executor) {
  return db
    .select(dealSelection)
    .from(deal)
    .innerJoin(stage, eq(stage.id, deal.stageId))
    .innerJoin(account, eq(account.id, deal.accountId));
}

export async function getDeal(ctx: Pick<WorkspaceContext, 'workspaceId' | 'db'>, id: string): Promise<DealView> {
  const [row] = await dealQuery(ctx.db).where(and(eq(deal.workspaceId, ctx.workspaceId), eq(deal.id, id)));
  if (!row) throw notFound('Deal');
  const credits = await creditsFor(ctx.db, ctx.workspaceId, [id]);
  return toDeal(row, credits.get(id) ?? []);
}

const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export async function listDeals(ctx: WorkspaceContext, query: DealListQuery) {
  const filters: (SQL | undefined)[] = [eq(deal.workspaceId, ctx.workspaceId)];
  if (query.partnerId || query.role) {
    const partnerFilter = query.partnerId ? sql`and ${dealCredit.partnerId} = ${query.partnerId}` : sql``;
    const roleFilter = query.role ? sql`and ${dealCredit.role} = ${query.role}` : sql``;
    filters.push(sql`exists (select 1 from ${dealCredit} where ${dealCredit.dealId} = ${deal.id} ${partnerFilter} ${roleFilter})`);
  }
  if (query.stageId) filters.push(eq(deal.stageId, query.stageId));
  if (query.pipelineId) filters.push(eq(deal.pipelineId, query.pipelineId));
  if (query.origin) filters.push(eq(deal.origin, query.origin));
  if (query.q) {
    const like = likePattern(query.q);
    filters.push(sql`(${deal.name} ilike ${like} or ${account.name} ilike ${like})`);
  }
  if (query.cursor) filters.push(lt(deal.id, query.cursor));
  const rows = await dealQuery(ctx.db)
    .where(and(...filters))
    .orderBy(desc(deal.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const credits = await creditsFor(
    ctx.db,
    ctx.workspaceId,
    page.map((r) => r.d.id),
  );
  return toPage(rows, query.limit, (r) => r.d.id, (r) => toDeal(r, credits.get(r.d.id) ?? []));
}

// ────────────────────────────── Deal writes ──────────────────────────────

async function assertMember(tx: Executor, workspaceId: string, memberId: string, path: string) {
  const [m] = await tx
    .select({ id: member.id })
    .from(member)
    .where(and(eq(member.workspaceId, workspaceId), eq(member.id, memberId)));
  if (!m) throw invalid(path, 'is not a member of this workspace');
}

/**
 * The fields of `required` that are empty on the deal (for stage-change validation). `custom.<key>`
 * looks at the custom fields of the deal's registration (none: a deal without one lacks them all);
 * it is reported as `customFields.<key>`.
 */
function missingFields(
  d: Pick<DealRow, 'amountMinor' | 'closeDate' | 'nextStep' | 'ownerMemberId'>,
  creditCount: number,
  required: string[],
  customFields: Record<string, unknown> | null = null,
): string[] {
  const missing = required.filter((f) => {
    if (f.startsWith('custom.')) {
      const value = customFields?.[f.slice('custom.'.length)];
      return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
    }
    switch (f as RequirableField) {
      case 'amount':
        return d.amountMinor <= 0n;
      case 'closeDate':
        return !d.closeDate;
      case 'nextStep':
        return !d.nextStep || d.nextStep.trim() === '';
      case 'ownerMemberId':
        return !d.ownerMemberId;
      case 'credits':
        return creditCount === 0;
      default:
        return false;
    }
  });
  return missing.map((f) => (f.startsWith('custom.') ? `customFields.${f.slice('custom.'.length)}` : f));
}

/** The custom fields of the deal's registration (its own, or one linked to it), when a stage asks for any. */
async function registrationCustomFields(tx: Executor, workspaceId: string, d: Pick<DealRow, 'id' | 'registrationId'>, required: string[]) {
  if (!required.some((f) => f.startsWith('custom.'))) return null;
  const [row] = await tx
    .select({ customFields: registration.customFields })
    .from(registration)
    .where(
      and(
        eq(registration.workspaceId, workspaceId),
        d.registrationId ? eq(registration.id, d.registrationId) : eq(registration.dealId, d.id),
      ),
    )
    .orderBy(asc(registration.id))
    .limit(1);
  return row?.customFields ?? null;
}

function missingFieldsError(stageName: string, missing: string[]) {
  return new AppError('validation_failed', `The stage “${stageName}” requires ${missing.join(', ')}`, {
    fields: missing.map((path) => ({ path, message: `is required before the stage “${stageName}”` })),
  });
}

export async function createDeal(ctx: WorkspaceContext, input: CreateDealRequest) {
  const id = newId('deal');
  await ctx.db.transaction(async (tx) => {
    const t = txCtx(ctx, tx);
    const errors: FieldError[] = [];
    if (BigInt(input.amount.amountMinor) < 0n) errors.push({ path: 'amount.amountMinor', message: 'must not be negative' });
    if (!input.accountId && !input.account) errors.push({ path: 'accountId', message: 'give accountId or account' });
    let domain: string | null = null;
    if (input.account?.domain) {
      domain = normalizeDomain(input.account.domain);
      if (!domain) errors.push({ path: 'account.domain', message: 'is not a domain name' });
    }
    if (errors.length > 0) throw new AppError('validation_failed', errors.map((f) => `${f.path}: ${f.message}`).join('; '), { fields: errors });

    // Account: an existing one by id, else found or created from name and domain.
    let acct: typeof account.$inferSelect;
    if (input.accountId) {
      const [found] = await tx
        .select()
        .from(account)
        .where(and(eq(account.workspaceId, ctx.workspaceId), eq(account.id, input.accountId)));
      if (!found) throw invalid('accountId', 'is not an account in this workspace');
      acct = found;
    } else {
      const a = input.account as NonNullable<CreateDealRequest['account']>;
      acct = await upsertAccount(tx, ctx.workspaceId, { name: a.name, domain, country: a.country ?? null });
    }

    // Pipeline and stage.
    const pipelineId = input.pipelineId ?? (await ensureDefaultPipeline(t));
    const [p] = await tx
      .select({ id: pipeline.id })
      .from(pipeline)
      .where(and(eq(pipeline.workspaceId, ctx.workspaceId), eq(pipeline.id, pipelineId)));
    if (!p) throw invalid('pipelineId', 'is not a pipeline in this workspace');
    const stages = await tx.select().from(stage).where(eq(stage.pipelineId, pipelineId)).orderBy(asc(stage.position));
    const target = input.stageId ? stages.find((s) => s.id === input.stageId) : stages.find((s) => s.kind === 'open');
    if (!target) throw invalid('stageId', "is not a stage of the deal's pipeline");
    if (target.kind !== 'open') throw invalid('stageId', 'a new deal starts in an open stage; move it to a closed stage afterwards');

    if (input.ownerMemberId) await assertMember(tx, ctx.workspaceId, input.ownerMemberId, 'ownerMemberId');

    // Renewals keep the incumbent partner: credited as the reseller of record (not "sourced":
    // a renewal is not newly originated business, so it stays out of partner-sourced revenue).
    let credits = input.credits ?? [];
    if (credits.length === 0 && input.isRenewal && acct.incumbentPartnerId) {
      credits = [{ partnerId: acct.incumbentPartnerId, role: 'reseller', shareBp: 10_000 }];
    }
    await validateCredits(tx, ctx.workspaceId, credits);

    const values = {
      id,
      workspaceId: ctx.workspaceId,
      pipelineId,
      stageId: target.id,
      accountId: acct.id,
      name: input.name,
      amountMinor: BigInt(input.amount.amountMinor),
      currency: input.amount.currency,
      closeDate: input.closeDate ?? null,
      ownerMemberId: input.ownerMemberId ?? null,
      origin: input.origin ?? (credits.length > 0 ? 'partner' : 'direct'),
      isRenewal: input.isRenewal,
      nextStep: input.nextStep ?? null,
      internalNotes: input.internalNotes ?? null,
      discountBp: input.discountBp ?? null,
    };
    const missing = missingFields(values, credits.length, target.requiredFields);
    if (missing.length > 0) throw missingFieldsError(target.name, missing);

    await tx.insert(deal).values(values);
    await writeCredits(tx, ctx.workspaceId, id, credits);
    await audit(t, { action: 'deal.created', entityType: 'deal', entityId: id, changes: { ...values, credits } });
    await emit(tx, ctx.workspaceId, DEAL_CREATED, { dealId: id, origin: values.origin, partnerIds: credits.map((c) => c.partnerId) });
  });
  return getDeal(ctx, id);
}

export async function updateDeal(ctx: WorkspaceContext, id: string, input: UpdateDealRequest) {
  await ctx.db.transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(deal)
      .where(and(eq(deal.workspaceId, ctx.workspaceId), eq(deal.id, id)))
      .for('update');
    if (!before) throw notFound('Deal');
    const patch: Partial<DealRow> = {};
    if (input.name !== undefined) patch.name = input.name;
    if (input.amount !== undefined) {
      if (BigInt(input.amount.amountMinor) < 0n) throw invalid('amount.amountMinor', 'must not be negative');
      patch.amountMinor = BigInt(input.amount.amountMinor);
      patch.currency = input.amount.currency;
    }
    if (input.closeDate !== undefined) patch.closeDate = input.closeDate;
    if (input.ownerMemberId !== undefined) {
      if (input.ownerMemberId) await assertMember(tx, ctx.workspaceId, input.ownerMemberId, 'ownerMemberId');
      patch.ownerMemberId = input.ownerMemberId;
    }
    if (input.isRenewal !== undefined) patch.isRenewal = input.isRenewal;
    if (input.nextStep !== undefined) patch.nextStep = input.nextStep;
    if (input.internalNotes !== undefined) patch.internalNotes = input.internalNotes;
    if (input.discountBp !== undefined) patch.discountBp = input.discountBp;
    const plain = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === 'bigint' ? v.toString() : v]));
    const changes = diff(plain(before), plain(patch));
    if (Object.keys(changes).length === 0) return;
    await tx
      .update(deal)
      .set({ ...patch, updatedAt: new Date() })
      .where(eq(deal.id, id));
    await audit(txCtx(ctx, tx), { action: 'deal.updated', entityType: 'deal', entityId: id, changes });
  });
  return getDeal(ctx, id);
}

/**
 * Which stages a deal may move to: from an open stage, any other stage; from lost, back
 * to an open stage (reopening); from won, none (a won deal is final: commissions and
 * metrics depend on it).
 */
function allowedTargets(current: StageRow, stages: StageRow[]): StageRow[] {
  if (current.kind === 'won') return [];
  if (current.kind === 'lost') return stages.filter((s) => s.kind === 'open');
  return stages.filter((s) => s.id !== current.id);
}

/** The partner that holds the customer after a win: the largest share, the reseller of record first. */
function incumbentFrom(credits: { partnerId: string; role: string; shareBp: number }[]): string | null {
  const rank = (role: string) => (role === 'reseller' ? 0 : role === 'sourced' ? 1 : role === 'fulfillment' ? 2 : 3);
  const sorted = [...credits].filter((c) => c.role !== 'influenced' || c.shareBp > 0).sort((a, b) => b.shareBp - a.shareBp || rank(a.role) - rank(b.role));
  return sorted[0]?.partnerId ?? null;
}

export async function moveStage(ctx: WorkspaceContext, id: string, input: { stageId: string; lostReason?: string }) {
  await ctx.db.transaction(async (tx) => {
    const [d] = await tx
      .select()
      .from(deal)
      .where(and(eq(deal.workspaceId, ctx.workspaceId), eq(deal.id, id)))
      .for('update');
    if (!d) throw notFound('Deal');
    const stages = await tx.select().from(stage).where(eq(stage.pipelineId, d.pipelineId)).orderBy(asc(stage.position));
    const current = stages.find((s) => s.id === d.stageId) as StageRow;
    const target = stages.find((s) => s.id === input.stageId);
    if (!target) throw invalid('stageId', "is not a stage of the deal's pipeline");
    const allowed = allowedTargets(current, stages);
    if (!allowed.some((s) => s.id === target.id)) {
      const names = allowed.map((s) => `“${s.name}”`).join(', ') || 'none';
      const why = current.id === target.id ? `The deal is already in “${current.name}”` : `A deal in “${current.name}” (${current.kind}) cannot move to “${target.name}”`;
      throw new AppError('conflict', `${why}; allowed stages: ${names}`, {
        extensions: { currentStageId: current.id, allowedStages: allowed.map((s) => ({ id: s.id, name: s.name })) },
      });
    }
    const credits = await tx
      .select({ partnerId: dealCredit.partnerId, role: dealCredit.role, shareBp: dealCredit.shareBp })
      .from(dealCredit)
      .where(eq(dealCredit.dealId, id));
    const missing = missingFields(d, credits.length, target.requiredFields, await registrationCustomFields(tx, ctx.workspaceId, d, target.requiredFields));
    if (target.kind === 'lost' && !input.lostReason) missing.push('lostReason');
    if (missing.length > 0) throw missingFieldsError(target.name, missing);

    const now = new Date();
    const patch: Partial<DealRow> = { stageId: target.id, updatedAt: now };
    if (target.kind === 'open') {
      patch.closedAt = null;
      patch.lostReason = null;
    } else {
      patch.closedAt = now;
      patch.lostReason = target.kind === 'lost' ? (input.lostReason as string) : null;
    }
    await tx.update(deal).set(patch).where(eq(deal.id, id));
    const t = txCtx(ctx, tx);
    await audit(t, {
      action: 'deal.stage_changed',
      entityType: 'deal',
      entityId: id,
      changes: { stage: { from: current.name, to: target.name }, stageId: { from: current.id, to: target.id }, ...(patch.lostReason ? { lostReason: patch.lostReason } : {}) },
    });
    await emit(tx, ctx.workspaceId, DEAL_STAGE_CHANGED, { dealId: id, fromStageId: current.id, toStageId: target.id, toKind: target.kind });
    if (target.kind === 'won') {
      // Renewals keep the incumbent: the first win on an account makes its partner the incumbent.
      const incumbent = incumbentFrom(credits);
      if (incumbent) {
        await tx
          .update(account)
          .set({ incumbentPartnerId: incumbent, updatedAt: now })
          .where(and(eq(account.id, d.accountId), sql`${account.incumbentPartnerId} is null`));
      }
      await emit(tx, ctx.workspaceId, DEAL_WON, {
        dealId: id,
        amount: moneyToJson({ amountMinor: d.amountMinor, currency: d.currency }),
        credits: credits.map((c) => ({ partnerId: c.partnerId, role: c.role, shareBp: c.shareBp })),
      });
    }
  });
  return getDeal(ctx, id);
}

export async function replaceCredits(ctx: WorkspaceContext, id: string, credits: CreditInput[]) {
  await ctx.db.transaction(async (tx) => {
    const [d] = await tx
      .select({ id: deal.id })
      .from(deal)
      .where(and(eq(deal.workspaceId, ctx.workspaceId), eq(deal.id, id)))
      .for('update');
    if (!d) throw notFound('Deal');
    await validateCredits(tx, ctx.workspaceId, credits);
    const before = await tx
      .select({ partnerId: dealCredit.partnerId, role: dealCredit.role, shareBp: dealCredit.shareBp })
      .from(dealCredit)
      .where(eq(dealCredit.dealId, id))
      .orderBy(asc(dealCredit.id));
    await writeCredits(tx, ctx.workspaceId, id, credits);
    await tx.update(deal).set({ updatedAt: new Date() }).where(eq(deal.id, id));
    await audit(txCtx(ctx, tx), { action: 'deal.credits_replaced', entityType: 'deal', entityId: id, changes: { credits: { from: before, to: credits } } });
  });
  return getDeal(ctx, id);
}

/**
 * An approved registration becomes a deal: a partner-origin deal in the default pipeline's
 * first open stage, crediting the partner `sourced` 100 %. When the account already has an
 * open deal, the registration links to it instead: the partner is credited `sourced` 100 %
 * if the deal credits nobody yet, else `influenced` with 0 bp (valid under both models; a
 * manager rebalances in the attribution editor). Runs in the caller's transaction.
 */
export async function createDealFromRegistration(
  tx: Executor,
  ctx: { workspaceId: string; principal: Principal; requestId: string | null },
  reg: RegistrationRow,
): Promise<{ dealId: string }> {
  const t = txCtx(ctx, tx);
  const [open] = await tx
    .select({ id: deal.id, registrationId: deal.registrationId })
    .from(deal)
    .innerJoin(stage, eq(stage.id, deal.stageId))
    .where(and(eq(deal.workspaceId, ctx.workspaceId), eq(deal.accountId, reg.accountId), eq(stage.kind, 'open')))
    .orderBy(asc(deal.id))
    .limit(1);
  if (open) {
    const existing = await tx
      .select({ partnerId: dealCredit.partnerId, role: dealCredit.role })
      .from(dealCredit)
      .where(eq(dealCredit.dealId, open.id));
    if (!existing.some((c) => c.partnerId === reg.partnerId)) {
      const credit: CreditInput = existing.length === 0 ? { partnerId: reg.partnerId, role: 'sourced', shareBp: 10_000 } : { partnerId: reg.partnerId, role: 'influenced', shareBp: 0 };
      await tx.insert(dealCredit).values({ id: newId('dealCredit'), workspaceId: ctx.workspaceId, dealId: open.id, ...credit });
      await audit(t, { action: 'deal.credit_added', entityType: 'deal', entityId: open.id, changes: { credit, registrationId: reg.id } });
    }
    if (!open.registrationId) {
      await tx.update(deal).set({ registrationId: reg.id, updatedAt: new Date() }).where(eq(deal.id, open.id));
    }
    await audit(t, { action: 'deal.registration_linked', entityType: 'deal', entityId: open.id, changes: { registrationId: reg.id } });
    return { dealId: open.id };
  }

  const pipelineId = await ensureDefaultPipeline(t);
  const [first] = await tx
    .select()
    .from(stage)
    .where(and(eq(stage.pipelineId, pipelineId), eq(stage.kind, 'open')))
    .orderBy(asc(stage.position))
    .limit(1);
  const id = newId('deal');
  const values = {
    id,
    workspaceId: ctx.workspaceId,
    pipelineId,
    stageId: first.id,
    accountId: reg.accountId,
    name: reg.products.length > 0 ? `${reg.accountName} — ${reg.products.join(', ')}` : reg.accountName,
    amountMinor: reg.amountMinor ?? 0n,
    currency: reg.currency,
    closeDate: reg.expectedCloseDate,
    origin: 'partner',
    registrationId: reg.id,
  };
  await tx.insert(deal).values(values);
  const credit: CreditInput = { partnerId: reg.partnerId, role: 'sourced', shareBp: 10_000 };
  await tx.insert(dealCredit).values({ id: newId('dealCredit'), workspaceId: ctx.workspaceId, dealId: id, ...credit });
  await audit(t, { action: 'deal.created', entityType: 'deal', entityId: id, changes: { ...values, credits: [credit], fromRegistration: reg.id } });
  await emit(tx, ctx.workspaceId, DEAL_CREATED, { dealId: id, origin: 'partner', partnerIds: [reg.partnerId], registrationId: reg.id });
  return { dealId: id };
}

/** The member id of a user in a workspace (tests and seeds pick deal owners with it). */
export async function memberIdOfUser(db: Executor, workspaceId: string, userId: string): Promise<string | null> {
  const [m] = await db
    .select({ id: member.id })
    .from(member)
    .innerJoin(authUser, eq(authUser.id, member.userId))
    .where(and(eq(member.workspaceId, workspaceId), eq(member.userId, userId)));
  return m?.id ?? null;
}
