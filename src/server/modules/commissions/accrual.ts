import { sql } from 'drizzle-orm';
import { now } from '../../platform/clock.ts';
import type { Db, Executor } from '../../platform/db.ts';
import { newId } from '../../platform/ids.ts';
import type { Money } from '../../platform/money.ts';
import {
  type CommissionLine,
  type ConversionFacts,
  type ExplanationModifier,
  type TierRef,
  capKey,
  evaluateConversion,
  evaluateDeal,
  fmt,
  jsonMoney,
  periodKey,
  reversalParts,
} from './evaluate.ts';
import { type StoredExplanation, storedFactsOf } from './explain.ts';
import { type NewEntry, insertEntries, insertEntriesCount, pgArray, rows } from './ledger.ts';
import { type PlanDocument, type PlanRef, cachedPlanRef } from './plan.ts';

/**
 * Commission accrual: set-based and idempotent. `accruePending` takes every conversion in
 * accrual_status 'pending' (oldest occurred first, in batches), evaluates its program's active
 * plan in memory and writes all lines of a batch in one INSERT … ON CONFLICT DO NOTHING, then
 * marks the batch in one UPDATE. A per-workspace advisory lock serializes runs, so caps and
 * "first sale" rules see every earlier line. Refunds and disputes reverse the entries of their
 * original sale pro rata; one whose sale is not accrued yet waits ('waiting_original').
 */

const DAY_MS = 86_400_000;
const SALE_KINDS = new Set(['sale', 'lead']);
const REVERSING_KINDS = new Set(['refund', 'dispute_opened', 'dispute_won', 'dispute_lost', 'cancellation']);

export interface AccrualStats {
  processed: number;
  accrued: number;
  noPlan: number;
  waiting: number;
  entries: number;
}

/** Time spent per step, when OPENPRM_ACCRUAL_PROFILE=1 (the bench prints it). */
const PROFILE = process.env.OPENPRM_ACCRUAL_PROFILE === '1';
export const accrualProfile = new Map<string, number>();
async function timed<T>(name: string, work: Promise<T> | (() => Promise<T>)): Promise<T> {
  if (!PROFILE) return typeof work === 'function' ? work() : work;
  const started = performance.now();
  try {
    return await (typeof work === 'function' ? work() : work);
  } finally {
    accrualProfile.set(name, (accrualProfile.get(name) ?? 0) + performance.now() - started);
  }
}

const emptyStats = (): AccrualStats => ({ processed: 0, accrued: 0, noPlan: 0, waiting: 0, entries: 0 });

interface ConvRow {
  id: string;
  program_id: string | null;
  partner_id: string | null;
  customer_id: string | null;
  click_id: string | null;
  kind: string;
  external_ref: string | null;
  original_ref: string | null;
  amount_minor: string | null;
  currency: string | null;
  product: string | null;
  is_recurring: boolean | null;
  country: string | null;
  ip: string | null;
  user_agent: string | null;
  /** Epoch milliseconds (a number on both drivers: cheaper to read than a formatted time). */
  occurred_ms: number;
  customer_email: string | null;
  click_ms: number | null;
  accrual_status: string;
}

/** A timestamptz column as an ISO 8601 UTC string (parsed the same on both drivers). */
const iso = (column: string) => sql.raw(`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);
const moneyOf = (minor: string | null, currency: string | null): Money | null => (minor !== null && currency ? { amountMinor: BigInt(minor), currency } : null);

/**
 * A conversion's accrual status as readers see it (alias `a`): stored 'pending' and no longer in
 * the accrual queue reads 'accrued' (the accrual never rewrites a conversion row to mark it; see
 * `commissionAccrualQueue`). The same rule as `effectiveAccrualStatus` in tracking/conversions.ts.
 */
const effectiveStatus = (a: string) =>
  sql.raw(`(case when ${a}.accrual_status = 'pending' and not exists (select 1 from commission_accrual_queue q
    where q.workspace_id = ${a}.workspace_id and q.occurred_at = ${a}.occurred_at and q.conversion_id = ${a}.id) then 'accrued' else ${a}.accrual_status end)`);

const CONV_COLUMNS = sql`select c.id,
    coalesce(c.program_id, (select e.program_id from enrollment e where e.workspace_id = c.workspace_id and e.partner_id = c.partner_id order by e.created_at, e.id limit 1)) as program_id,
    c.partner_id, c.customer_id, c.click_id, c.kind, c.external_ref, c.original_ref, c.amount_minor::text as amount_minor, c.currency,
    c.product, c.is_recurring, coalesce(c.country, cu.country) as country, c.ip, c.user_agent,
    floor(extract(epoch from c.occurred_at) * 1000)::float8 as occurred_ms,
    cu.email as customer_email,
    (select floor(extract(epoch from k.occurred_at) * 1000)::float8 from click k where k.id = c.click_id) as click_ms,
    c.accrual_status`;
const CONV_SELECT = sql`${CONV_COLUMNS} from conversion c left join customer cu on cu.id = c.customer_id`;

// ── plans ──


/** Active plans of these programs, parsed once per version (cached by id + updated time). */
export async function activePlans(db: Executor, workspaceId: string, programIds: string[]): Promise<Map<string, PlanRef>> {
  const out = new Map<string, PlanRef>();
  if (programIds.length === 0) return out;
  const list = await rows<{ id: string; program_id: string; version: number; name: string; updated: string; document: unknown }>(
    db,
    sql`select id, program_id, version, name, updated_at::text as updated, document from commission_plan
      where workspace_id = ${workspaceId} and status = 'active' and program_id in (${sql.join(
        programIds.map((p) => sql`${p}`),
        sql`, `,
      )})`,
  );
  for (const p of list) {
    const ref = cachedPlanRef(p);
    out.set(p.program_id, ref);
  }
  return out;
}

const inList = (values: string[]) =>
  sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  );

/**
 * `= any(array)` with the list as ONE array parameter: the planner uses an index scan with
 * `= ANY` instead of a join against a set-returning function it estimates at 100 rows (which
 * became a nested loop over a seq scan while the ledger's statistics are stale in a large run).
 */
const jsonList = (values: string[]) => sql`any(${pgArray(values)}::text[])`;

async function tiersOf(db: Executor, workspaceId: string, partnerIds: string[]): Promise<Map<string, TierRef>> {
  const out = new Map<string, TierRef>();
  if (partnerIds.length === 0) return out;
  const list = await rows<{ partner_id: string; program_id: string; id: string; name: string }>(
    db,
    sql`select e.partner_id, e.program_id, t.id, t.name from enrollment e join tier t on t.id = e.tier_id
      where e.workspace_id = ${workspaceId} and e.partner_id = ${jsonList(partnerIds)}`,
  );
  for (const r of list) out.set(`${r.partner_id}|${r.program_id}`, { id: r.id, name: r.name });
  return out;
}

/** Onboarding bonuses already granted to these partner × program pairs (looked up by idempotency key). */
async function grantedBonuses(db: Executor, workspaceId: string, pairs: { partnerId: string; programId: string }[]): Promise<Set<string>> {
  const set = new Set<string>();
  const keys = [...new Set(pairs.flatMap((p) => ['first_sale', 'first_won_deal'].map((t) => `bonus:${t}:${p.programId}:${p.partnerId}`)))];
  if (keys.length === 0) return set;
  const list = await rows<{ idempotency_key: string }>(
    db,
    sql`select e.idempotency_key from commission_entry e where e.workspace_id = ${workspaceId} and e.idempotency_key = ${jsonList(keys)}`,
  );
  for (const r of list) set.add(r.idempotency_key);
  return set;
}

/** Net amounts already earned per partner, program, rule, UTC month (for per-period caps). */
async function capUsage(db: Executor, workspaceId: string, partnerIds: string[], ruleIds: string[], since: Date): Promise<Map<string, Map<string, bigint>>> {
  const out = new Map<string, Map<string, bigint>>();
  if (partnerIds.length === 0 || ruleIds.length === 0) return out;
  const list = await rows<{ partner_id: string; program_id: string; rule_id: string; currency: string; month: string; total: string }>(
    db,
    sql`select e.partner_id, e.program_id, e.rule_id, e.currency, to_char(e.earned_at at time zone 'UTC', 'YYYY-MM') as month, sum(e.amount_minor)::text as total
      from commission_entry e where e.workspace_id = ${workspaceId} and e.partner_id = ${jsonList(partnerIds)}
        and e.rule_id = ${jsonList(ruleIds)} and e.earned_at >= ${since.toISOString()}::timestamptz
      group by 1, 2, 3, 4, 5`,
  );
  for (const r of list) addUsage(out, r.partner_id, r.program_id, r.rule_id, r.currency, new Date(`${r.month}-01T00:00:00Z`), BigInt(r.total));
  return out;
}

function addUsage(out: Map<string, Map<string, bigint>>, partnerId: string, programId: string, ruleId: string, currency: string, at: Date, amount: bigint) {
  const k = `${partnerId}|${programId}`;
  let m = out.get(k);
  if (!m) {
    m = new Map();
    out.set(k, m);
  }
  for (const p of ['month', 'quarter', 'year'] as const) {
    const key = capKey(ruleId, periodKey(at, p), currency);
    m.set(key, (m.get(key) ?? 0n) + amount);
  }
}

const cappedRuleIdsOf = new WeakMap<PlanDocument, string[]>();
/** The ids of the plan's rules with a per-period cap (once per parsed plan document). */
function cappedRuleIds(doc: PlanDocument): string[] {
  let ids = cappedRuleIdsOf.get(doc);
  if (!ids) {
    ids = doc.rules.filter((r) => r.caps?.perPartnerPerPeriod).map((r) => r.id);
    cappedRuleIdsOf.set(doc, ids);
  }
  return ids;
}

function holdUntil(earnedAt: Date, holdDays: number, at: Date): Date {
  const end = new Date(earnedAt.getTime() + holdDays * DAY_MS);
  return end.getTime() > at.getTime() ? end : at;
}

// ── fraud signals ──

interface FraudContext {
  partnerDomains: Map<string, string | null>;
  partnerEmails: Map<string, Set<string>>;
  duplicateIps: Set<string>;
  refundStats: Map<string, { sales: number; refunds: number }>;
}

/**
 * Per-run caches: each partner's fraud facts, cap usage and granted bonuses, and each customer's
 * first sale, are read once per accrual run (per worker) and kept up to date in memory as the run
 * writes lines. Batches of one lane group are serialized by its advisory lock, but two runs (a job
 * and a manual run, or two processes) can interleave their batches: each batch compares the lane
 * counters with those after its run's previous batch and starts the caches afresh when someone
 * else wrote in between (`laneGenerations`).
 */
interface RunCache {
  fraud: FraudContext;
  fraudLoaded: Set<string>;
  usage: Map<string, Map<string, bigint>>;
  usageLoaded: Set<string>;
  bonuses: Set<string>;
  bonusesLoaded: Set<string>;
  firstSale: Map<string, Date | null>;
  /** The lane counters (`laneGenerations`) after this run's last batch; null before the first. */
  generations: string | null;
}

const newRunCache = (): RunCache => ({
  fraud: { partnerDomains: new Map(), partnerEmails: new Map(), duplicateIps: new Set(), refundStats: new Map() },
  fraudLoaded: new Set(),
  usage: new Map(),
  usageLoaded: new Set(),
  bonuses: new Set(),
  bonusesLoaded: new Set(),
  firstSale: new Map(),
  generations: null,
});

async function fraudContext(db: Executor, workspaceId: string, batch: ConvRow[], since: Date, cache: RunCache): Promise<FraudContext> {
  const ctx = cache.fraud;
  const partnerIds = [...new Set(batch.map((r) => r.partner_id as string))].filter((p) => !cache.fraudLoaded.has(p));
  if (partnerIds.length === 0) return ctx;
  for (const p of partnerIds) cache.fraudLoaded.add(p);
  const domains = await rows<{ id: string; domain: string | null }>(db, sql`select id, domain from partner where workspace_id = ${workspaceId} and id = ${jsonList(partnerIds)}`);
  for (const d of domains) ctx.partnerDomains.set(d.id, d.domain?.toLowerCase() ?? null);
  const emails = await rows<{ partner_id: string; email: string }>(
    db,
    sql`select partner_id, lower(email) as email from partner_user where workspace_id = ${workspaceId} and partner_id = ${jsonList(partnerIds)}`,
  );
  for (const e of emails) {
    const set = ctx.partnerEmails.get(e.partner_id) ?? new Set<string>();
    set.add(e.email);
    ctx.partnerEmails.set(e.partner_id, set);
  }
  // One pass over these partners' recent conversions: IPs shared by several customers, and refund
  // counts (a correction — a payment the billing module found recorded twice and undid — is not a
  // customer's refund).
  const stats = await rows<{ partner_id: string; ip: string | null; customers: number; sales: number; refunds: number }>(
    db,
    sql`select o.partner_id, o.ip, count(distinct coalesce(o.customer_id, o.id)) filter (where o.kind in ('sale', 'lead'))::int as customers,
        count(*) filter (where o.kind = 'sale')::int as sales,
        count(*) filter (where o.kind in ('refund', 'dispute_opened', 'dispute_lost') and not (o.details ? 'correction'))::int as refunds
      from conversion o where o.workspace_id = ${workspaceId} and o.partner_id = ${jsonList(partnerIds)} and o.occurred_at >= ${since.toISOString()}::timestamptz
        and o.kind in ('sale', 'lead', 'refund', 'dispute_opened', 'dispute_lost')
      group by o.partner_id, o.ip`,
  );
  for (const st of stats) {
    if (st.ip && Number(st.customers) > 1) ctx.duplicateIps.add(`${st.partner_id}|${st.ip}`);
    const t = ctx.refundStats.get(st.partner_id) ?? { sales: 0, refunds: 0 };
    t.sales += Number(st.sales);
    t.refunds += Number(st.refunds);
    ctx.refundStats.set(st.partner_id, t);
  }
  return ctx;
}

export interface FraudSignal {
  flag: 'self_referral' | 'duplicate_ip' | 'fast_conversion' | 'high_refund_rate';
  detail: string;
}

function signalsFor(r: ConvRow, doc: PlanDocument, f: FraudContext): FraudSignal[] {
  const out: FraudSignal[] = [];
  const partnerId = r.partner_id as string;
  const email = r.customer_email?.toLowerCase() ?? null;
  if (email) {
    const domain = email.split('@')[1] ?? '';
    const pDomain = f.partnerDomains.get(partnerId);
    if (pDomain && (domain === pDomain || domain.endsWith(`.${pDomain}`))) out.push({ flag: 'self_referral', detail: `customer email domain ${domain} is the partner's domain` });
    else if (f.partnerEmails.get(partnerId)?.has(email)) out.push({ flag: 'self_referral', detail: 'customer email is the email of a user of this partner' });
  }
  if (r.ip && f.duplicateIps.has(`${partnerId}|${r.ip}`)) out.push({ flag: 'duplicate_ip', detail: `IP ${r.ip} is shared by several customers of this partner` });
  if (r.click_ms !== null) {
    const seconds = (Number(r.occurred_ms) - Number(r.click_ms)) / 1000;
    if (seconds >= 0 && seconds < doc.fraud.minClickToConversionSeconds) {
      out.push({ flag: 'fast_conversion', detail: `converted ${seconds.toFixed(1)} s after the click (minimum ${doc.fraud.minClickToConversionSeconds} s)` });
    }
  }
  const s = f.refundStats.get(partnerId);
  if (s && s.sales >= doc.fraud.refundRateMinSales && s.refunds * 10_000 > s.sales * doc.fraud.maxRefundRateBp) {
    out.push({ flag: 'high_refund_rate', detail: `${s.refunds} refunds or disputes for ${s.sales} sales in 90 days (limit ${doc.fraud.maxRefundRateBp / 100} %)` });
  }
  return out;
}

// ── the accrual run ──

/** Accrues every pending conversion (of one workspace, or all); idempotent; safe to run concurrently. */
export async function accruePending(db: Db, workspaceId?: string, options: { batchSize?: number; workers?: 1 | 2 } = {}): Promise<AccrualStats> {
  const batchSize = options.batchSize ?? 10_000;
  const workers = options.workers ?? defaultWorkers(db);
  const workspaces = workspaceId
    ? [workspaceId]
    : (
        await rows<{ workspace_id: string }>(
          db,
          sql`select workspace_id from commission_accrual_queue group by workspace_id
            union select workspace_id from conversion where accrual_status = 'waiting_original'
            or (accrual_status = 'unattributed' and kind in ('refund', 'dispute_opened', 'dispute_won', 'dispute_lost') and original_ref is not null)`,
        )
      ).map((r) => r.workspace_id);
  const stats = emptyStats();
  for (const ws of workspaces) {
    // One worker per lane group, each on its own connection: while one waits for PostgreSQL,
    // the other evaluates, and PostgreSQL writes on two backends.
    const worker = async (k: number) => {
      const cache = newRunCache();
      for (;;) {
        const n = await timed('batch', () => db.transaction(async (tx) => timed('inner', async () => {
          await timed('lock', lockLanes(tx, ws, workers, k));
          // Anyone else who wrote lines for these lanes since our last batch makes our caches stale.
          if ((await laneGenerations(tx, ws, workers, k)) !== cache.generations) Object.assign(cache, newRunCache());
          const batch = await timed(
            'select',
            claimBatch(tx, ws, batchSize, workers, k),
          );
          await processBatch(tx, ws, batch.rows, stats, cache);
          cache.generations = await laneGenerations(tx, ws, workers, k);
          return batch.claimed;
        })));
        if (n < batchSize) break;
      }
    };
    await Promise.all(Array.from({ length: workers }, (_, k) => worker(k)));
    const cache = newRunCache();
    // Refunds and disputes whose sale has been accrued since (or that arrived before it).
    await timed('retry', () => db.transaction(async (tx) => {
      await lockWorkspace(tx, ws);
      const retry = await rows<ConvRow>(
        tx,
        sql`${CONV_SELECT} where c.workspace_id = ${ws}
          and (c.accrual_status = 'waiting_original'
            or (c.accrual_status = 'unattributed' and c.kind in ('refund', 'dispute_opened', 'dispute_won', 'dispute_lost') and c.original_ref is not null))
          and exists (select 1 from conversion s where s.workspace_id = c.workspace_id and s.external_ref = c.original_ref and s.kind = 'sale'
            and ${effectiveStatus('s')} in ('accrued', 'no_plan'))
          order by c.occurred_at, c.id limit 2000`,
      );
      await processBatch(tx, ws, retry, stats, cache);
    }));
  }
  return stats;
}

/**
 * Takes the next `limit` queued conversions of the workspace (oldest occurred first) out of the
 * accrual queue and reads them, in one statement. Inside the batch transaction: a rollback puts
 * them back. The rows are picked through the queue's index and deleted by ctid (a join on the
 * key made PostgreSQL hash the whole queue on every batch). No `for update skip locked`: the lane
 * locks already keep two claimers off the same rows, and locking each row first doubled the
 * writes (a row lock is a tuple update); were it to happen, the DELETE of a row another
 * transaction deleted first just finds nothing. Queue rows whose conversion is no longer
 * 'pending' are dropped. A worker names its lanes as a list (`lane = any(…)`), which the planner
 * estimates from the column's statistics and reads in key order through the primary key, stopping
 * at the limit; `lane % n = k` it estimated at 0.5 % and answered with a scan and sort of the
 * whole queue on every batch.
 */
async function claimBatch(tx: Executor, ws: string, limit: number, workers: number, k: number): Promise<{ claimed: number; rows: ConvRow[] }> {
  const list = await rows<ConvRow & { claimed: number }>(
    tx,
    sql`with claimed as (
        delete from commission_accrual_queue q where q.ctid = any(array(
          select n.ctid from commission_accrual_queue n where n.workspace_id = ${ws} ${workers > 1 ? sql`and n.lane = any(${lanesOf(workers, k)}::smallint[])` : sql``}
          order by n.occurred_at, n.conversion_id limit ${limit}))
        returning q.conversion_id
      ), counted as (select count(*)::int as claimed from claimed)
      ${CONV_COLUMNS}, (select claimed from counted) as claimed
      from counted left join (claimed k join conversion c on c.workspace_id = ${ws} and c.id = k.conversion_id and c.accrual_status = 'pending'
        left join customer cu on cu.id = c.customer_id) on true
      order by c.occurred_at, c.id`,
  );
  const claimed = list.length ? Number(list[0].claimed) : 0;
  return { claimed, rows: list.filter((r) => r.id !== null) };
}

/**
 * Accrual of a workspace is serialized per lane group: LANE_LOCKS advisory locks per workspace;
 * the worker k of n takes the locks j with j % n = k (one worker: all of them, in order), so a
 * partner's conversions (caps, first-sale bonus) are only ever accrued by one transaction at a
 * time, whatever the number of workers of each process. Won deals and the retry of waiting
 * reversals take every lock (in order: no deadlock).
 */
const LANE_LOCKS = 2;

/** The queue lanes (0…63, see `commissionAccrualQueue.lane`) of worker k of n, as an array literal. */
const lanesOf = (workers: number, k: number) => `{${Array.from({ length: 64 }, (_, lane) => lane).filter((lane) => lane % workers === k).join(',')}}`;

/** Two workers when the database has a pool of at least two connections (PostgreSQL), else one. */
function defaultWorkers(db: Db): 1 | 2 {
  const client = (db as unknown as { $client?: { options?: { max?: number } } }).$client;
  return (client?.options?.max ?? 1) >= 2 ? 2 : 1;
}

async function lockLanes(tx: Executor, workspaceId: string, workers: number, k: number) {
  for (let j = 0; j < LANE_LOCKS; j++) {
    if (j % workers === k) await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`commission-accrual:${workspaceId}:${j}`}))`);
  }
}

/**
 * The counters of the lane locks this worker holds (`commissionAccrualGeneration`, bumped by a
 * trigger whenever lines are inserted for their partners), as one comparable string.
 */
async function laneGenerations(tx: Executor, workspaceId: string, workers: number, k: number): Promise<string> {
  const locks = Array.from({ length: LANE_LOCKS }, (_, j) => j).filter((j) => j % workers === k);
  const list = await rows<{ lane_lock: number; generation: string }>(
    tx,
    sql`select lane_lock, generation::text as generation from commission_accrual_generation
      where workspace_id = ${workspaceId} and lane_lock = any(${`{${locks.join(',')}}`}::smallint[]) order by lane_lock`,
  );
  return locks.map((j) => list.find((r) => Number(r.lane_lock) === j)?.generation ?? '0').join(',');
}

async function lockWorkspace(tx: Executor, workspaceId: string) {
  await lockLanes(tx, workspaceId, 1, 0);
}

/**
 * Stores the outcomes that differ from what the conversion row already says. 'accrued' is stored
 * as 'pending' (read as 'accrued' once the conversion has left the queue), so the common case —
 * a queued conversion accrued — writes nothing; only 'no_plan', 'waiting_original' and the end of
 * a wait are written, one UPDATE per status with the ids as one array parameter.
 */
async function setStatuses(tx: Executor, workspaceId: string, statuses: Map<string, string>, stored: Map<string, string>) {
  if (statuses.size === 0) return;
  const byStatus = new Map<string, string[]>();
  for (const [id, outcome] of statuses) {
    const s = outcome === 'accrued' ? 'pending' : outcome;
    if (stored.get(id) === s) continue;
    const list = byStatus.get(s);
    if (list) list.push(id);
    else byStatus.set(s, [id]);
  }
  for (const [s, ids] of byStatus) {
    await tx.execute(sql`update conversion set accrual_status = ${s} where workspace_id = ${workspaceId} and id = ${jsonList(ids)} and accrual_status <> ${s}`);
  }
}

async function processBatch(tx: Executor, ws: string, batch: ConvRow[], stats: AccrualStats, cache: RunCache) {
  if (batch.length === 0) return;
  const at = now();
  const statuses = new Map<string, string>();
  const sales = batch.filter((r) => SALE_KINDS.has(r.kind) && r.partner_id && r.program_id);
  for (const r of batch) if (SALE_KINDS.has(r.kind) && !(r.partner_id && r.program_id)) statuses.set(r.id, 'no_plan');

  if (sales.length > 0) {
    const programIds = [...new Set(sales.map((r) => r.program_id as string))];
    const partnerIds = [...new Set(sales.map((r) => r.partner_id as string))];
    const plans = await timed('plans', activePlans(tx, ws, programIds));
    const withPlan = sales.filter((r) => plans.has(r.program_id as string));
    for (const r of sales) if (!plans.has(r.program_id as string)) statuses.set(r.id, 'no_plan');
    if (withPlan.length > 0) {
      const minAt = withPlan.reduce((m, r) => Math.min(m, Number(r.occurred_ms)), Number.POSITIVE_INFINITY);
      const lookback = new Date(minAt - 90 * DAY_MS);
      const docs = [...plans.values()].map((p) => p.document);
      const needsBonuses = docs.some((d) => d.bonuses.length > 0);
      const capped = [...new Set(docs.flatMap(cappedRuleIds))];
      const yearStart = new Date(Date.UTC(new Date(minAt).getUTCFullYear(), 0, 1));
      const customerIds = [...new Set(withPlan.filter((r) => r.kind === 'sale' && r.customer_id && !cache.firstSale.has(r.customer_id)).map((r) => r.customer_id as string))];
      const tiers = await timed('tiers', tiersOf(tx, ws, partnerIds));
      const pairs = new Map<string, { partnerId: string; programId: string }>();
      for (const r of withPlan) {
        const k = `${r.partner_id}|${r.program_id}`;
        if (!cache.bonusesLoaded.has(k)) pairs.set(k, { partnerId: r.partner_id as string, programId: r.program_id as string });
      }
      for (const k of pairs.keys()) cache.bonusesLoaded.add(k);
      if (needsBonuses) for (const key of await timed('bonuses', grantedBonuses(tx, ws, [...pairs.values()]))) cache.bonuses.add(key);
      const bonuses = cache.bonuses;
      const fresh = partnerIds.filter((p) => !cache.usageLoaded.has(p));
      for (const p of fresh) cache.usageLoaded.add(p);
      const loaded = await timed('caps', capUsage(tx, ws, fresh, capped, yearStart));
      for (const [k, m] of loaded) cache.usage.set(k, m);
      const usage = cache.usage;
      const firstSales = await timed(
        'first-sales',
        customerIds.length
          ? rows<{ customer_id: string; first_ms: number }>(
              tx,
              sql`select customer_id, floor(extract(epoch from min(occurred_at)) * 1000)::float8 as first_ms from conversion
                where workspace_id = ${ws} and kind = 'sale' and customer_id = ${jsonList(customerIds)} group by customer_id`,
            )
          : Promise.resolve([]),
      );
      const fraud = await timed('fraud', fraudContext(tx, ws, withPlan, lookback, cache));
      const evalStarted = performance.now();
      for (const id of customerIds) cache.firstSale.set(id, null);
      for (const f of firstSales) cache.firstSale.set(f.customer_id, new Date(Number(f.first_ms)));
      const firstSaleAt = cache.firstSale;
      const entries: NewEntry[] = [];
      for (const r of withPlan) {
        const plan = plans.get(r.program_id as string) as PlanRef;
        const partnerId = r.partner_id as string;
        const programId = r.program_id as string;
        const usageKey = `${partnerId}|${programId}`;
        const occurredAt = new Date(Number(r.occurred_ms));
        const facts: ConversionFacts = {
          conversionId: r.id,
          kind: r.kind as 'sale' | 'lead',
          partnerId,
          programId,
          occurredAt,
          amount: moneyOf(r.amount_minor, r.currency),
          product: r.product,
          country: r.country,
          isRecurring: r.is_recurring,
          customerFirstSaleAt: r.customer_id ? (firstSaleAt.get(r.customer_id) ?? null) : null,
          tier: tiers.get(usageKey) ?? null,
          capUsage: usage.get(usageKey),
          // Read through to the run's set (a bonus granted earlier in this batch counts), without a set per conversion.
          bonusesGranted: { has: (trigger: string) => bonuses.has(`bonus:${trigger}:${programId}:${partnerId}`) },
        };
        const lines = evaluateConversion(plan, facts);
        statuses.set(r.id, 'accrued');
        if (lines.length === 0) continue;
        const signals = signalsFor(r, plan.document, fraud);
        // The facts the lines were computed from (their explanation is rendered from them when read).
        const stored = storedFactsOf(plan, facts, lines);
        const capped = cappedRuleIds(plan.document);
        for (let i = 0; i < lines.length; i++) {
          const line = lines[i];
          if (line.kind === 'bonus') bonuses.add(line.idempotencyKey);
          if (capped.includes(line.ruleId)) addUsage(usage, partnerId, programId, line.ruleId, line.amount.currency, occurredAt, line.amount.amountMinor);
          const explanation: StoredExplanation = signals.length ? { facts: stored[i], signals } : { facts: stored[i] };
          entries.push(lineToEntry(ws, programId, plan, line, { sourceType: 'conversion', sourceId: r.id, conversionId: r.id, dealId: null, earnedAt: occurredAt, at, signals, explanation }));
        }
      }
      if (PROFILE) accrualProfile.set('evaluate', (accrualProfile.get('evaluate') ?? 0) + performance.now() - evalStarted);
      // Not `stats.entries += await …`: that reads the total before the await, and two workers share it.
      const written = await timed('insert', () => insertEntriesCount(tx, entries));
      stats.entries += written;
    }
  }

  const reversing = batch.filter((r) => REVERSING_KINDS.has(r.kind));
  if (reversing.length > 0) {
    const outcome = await timed('reversals', applyReversals(tx, ws, reversing, at));
    for (const [id, status] of outcome.statuses) statuses.set(id, status);
    stats.entries += outcome.entries;
  }

  for (const s of statuses.values()) {
    stats.processed++;
    if (s === 'accrued') stats.accrued++;
    else if (s === 'no_plan') stats.noPlan++;
    else if (s === 'waiting_original') stats.waiting++;
  }
  await timed('statuses', () => setStatuses(tx, ws, statuses, new Map(batch.map((r) => [r.id, r.accrual_status]))));
}

function lineToEntry(
  ws: string,
  programId: string,
  plan: PlanRef,
  line: CommissionLine,
  o: {
    sourceType: 'conversion' | 'deal';
    sourceId: string;
    conversionId: string | null;
    dealId: string | null;
    earnedAt: Date;
    at: Date;
    signals: FraudSignal[];
    /** Stored instead of the line's explanation (conversion lines store their facts). */
    explanation?: StoredExplanation;
  },
): NewEntry {
  const explanation = o.explanation ?? (o.signals.length ? { ...line.explanation, signals: o.signals } : line.explanation);
  return {
    id: newId('commissionEntry'),
    workspaceId: ws,
    programId,
    partnerId: line.partnerId,
    planId: plan.id,
    ruleId: line.ruleId,
    kind: line.kind,
    sourceType: o.sourceType,
    sourceId: o.sourceId,
    conversionId: o.conversionId,
    dealId: o.dealId,
    reversesEntryId: null,
    idempotencyKey: line.idempotencyKey,
    baseMinor: line.base?.amountMinor ?? null,
    rateBp: line.rateBp,
    amountMinor: line.amount.amountMinor,
    currency: line.amount.currency,
    status: 'pending',
    holdUntil: holdUntil(o.earnedAt, plan.document.holdDays, o.at),
    flags: o.signals.length ? [...new Set(o.signals.map((s) => s.flag))] : [],
    explanation,
    earnedAt: o.earnedAt,
  };
}

// ── refunds, disputes, cancellations ──

/** A ledger line as read for a reversal (snake_case, as the SQL returns it). */
export interface OriginalEntry {
  id: string;
  program_id: string;
  partner_id: string;
  plan_id: string | null;
  rule_id: string | null;
  kind: string;
  amount_minor: string;
  currency: string;
  status: string;
  hold_until: string | null;
  flags: string[] | string;
  earned_at: string;
}

interface ChildEntry {
  id: string;
  reverses_entry_id: string;
  amount_minor: string;
  status: string;
  kind: string;
  conversion_id: string | null;
}

interface SaleRow {
  id: string;
  external_ref: string;
  accrual_status: string;
  amount_minor: string | null;
  currency: string | null;
}

interface SiblingRow {
  id: string;
  kind: string;
  original_ref: string;
  amount_minor: string | null;
  currency: string | null;
  accrual_status: string;
}

/**
 * Refunds, disputes and cancellations of a batch, set-based: their sales, sibling reversals,
 * the sales' entries and earlier reversals are read in four queries; the reversals are computed
 * in memory in occurred order and written in one insert and one update.
 */
async function applyReversals(tx: Executor, ws: string, list: ConvRow[], at: Date): Promise<{ statuses: Map<string, string>; entries: number }> {
  const statuses = new Map<string, string>();
  const refs = [...new Set(list.filter((r) => r.kind !== 'cancellation' && r.original_ref).map((r) => r.original_ref as string))];
  for (const r of list) if (r.kind === 'cancellation' || !r.original_ref) statuses.set(r.id, 'accrued');
  if (refs.length === 0) return { statuses, entries: 0 };
  const sales = await timed('rev-sales', rows<SaleRow>(
    tx,
    sql`select distinct on (external_ref) id, external_ref, ${effectiveStatus('conversion')} as accrual_status, amount_minor::text as amount_minor, currency from conversion
      where workspace_id = ${ws} and kind = 'sale' and external_ref = ${jsonList(refs)} order by external_ref, occurred_at, id`,
  ));
  const saleByRef = new Map(sales.map((x) => [x.external_ref, x]));
  const accruedSales = sales.filter((x) => x.accrual_status === 'accrued').map((x) => x.id);
  const originals = accruedSales.length
    ? await timed('rev-originals', rows<OriginalEntry & { conversion_id: string }>(
        tx,
        sql`select id, conversion_id, program_id, partner_id, plan_id, rule_id, kind, amount_minor::text as amount_minor, currency, status,
            ${iso('hold_until')} as hold_until, flags, ${iso('earned_at')} as earned_at
          from commission_entry where workspace_id = ${ws} and conversion_id = ${jsonList(accruedSales)} and amount_minor > 0 and reverses_entry_id is null
          order by id for update`,
      ))
    : [];
  const children = await timed('rev-children', childrenOf(
    tx,
    ws,
    originals.map((o) => o.id),
  ));
  // Earlier refunds/disputes of these sales: the ones that reversed something (found through the
  // ledger, by primary key) and those of this batch; disputes also look their siblings up by reference.
  const siblingIds = [...new Set([...children.map((c) => c.conversion_id).filter((id): id is string => Boolean(id)), ...list.map((r) => r.id)])];
  const byId = await timed('rev-byid', rows<SiblingRow>(
    tx,
    sql`select id, kind, original_ref, amount_minor::text as amount_minor, currency, ${effectiveStatus('conversion')} as accrual_status from conversion
      where workspace_id = ${ws} and id = ${jsonList(siblingIds)} and kind in ('refund', 'dispute_opened', 'dispute_won', 'dispute_lost')`,
  ));
  const disputeRefs = [...new Set(list.filter((r) => r.kind.startsWith('dispute_') && r.original_ref).map((r) => r.original_ref as string))];
  const byRef = disputeRefs.length
    ? await rows<SiblingRow>(
        tx,
        sql`select id, kind, original_ref, amount_minor::text as amount_minor, currency, ${effectiveStatus('conversion')} as accrual_status from conversion
          where workspace_id = ${ws} and original_ref = ${jsonList(disputeRefs)} and kind in ('refund', 'dispute_opened', 'dispute_won', 'dispute_lost')`,
      )
    : [];
  const siblings = [...new Map([...byId, ...byRef].map((x) => [x.id, x])).values()];
  // This batch's conversions have left the queue already: they count once handled in this loop.
  const ofBatch = new Set(list.map((r) => r.id));
  const inBatch = new Set<string>();
  const done = (x: SiblingRow) => inBatch.has(x.id) || (!ofBatch.has(x.id) && x.accrual_status === 'accrued');
  const entries: NewEntry[] = [];
  const toMark = new Set<string>();
  let reaccrued = 0;
  for (const r of list) {
    if (statuses.has(r.id)) continue;
    const sale = saleByRef.get(r.original_ref as string);
    if (!sale || (sale.accrual_status !== 'accrued' && sale.accrual_status !== 'no_plan')) {
      statuses.set(r.id, 'waiting_original');
      continue;
    }
    statuses.set(r.id, 'accrued');
    inBatch.add(r.id);
    if (sale.accrual_status === 'no_plan') continue;
    const sibs = siblings.filter((x) => x.original_ref === r.original_ref && x.id !== r.id);
    const applied = sibs.filter(done);
    if (r.kind === 'dispute_won') {
      const opened = sibs.filter((x) => x.kind === 'dispute_opened');
      if (opened.some((x) => !done(x))) {
        statuses.set(r.id, 'waiting_original');
        inBatch.delete(r.id);
        continue;
      }
      if (entries.length) {
        await insertEntries(tx, entries.splice(0));
        await markReversed(tx, ws, [...toMark]);
        toMark.clear();
      }
      reaccrued += await reaccrue(
        tx,
        ws,
        r,
        opened.map((x) => x.id),
        at,
      );
      continue;
    }
    if (r.kind === 'dispute_lost' && sibs.some((x) => x.kind === 'dispute_opened')) continue; // the opening already reversed
    if (r.kind === 'dispute_opened' && applied.some((x) => x.kind === 'dispute_won')) continue; // won before we saw it opened: nets to zero
    const saleMoney = moneyOf(sale.amount_minor, sale.currency);
    const sum = (kinds: string[]) =>
      applied.filter((x) => kinds.includes(x.kind) && x.currency === r.currency && x.amount_minor !== null).reduce((t, x) => t + BigInt(x.amount_minor as string), 0n);
    const thisAmount = r.amount_minor !== null ? BigInt(r.amount_minor) : null;
    const cumulative: Money | null =
      thisAmount === null || !r.currency ? null : { amountMinor: sum(['refund', 'dispute_opened', 'dispute_lost']) - sum(['dispute_won']) + thisAmount, currency: r.currency };
    const mine = originals.filter((o) => o.conversion_id === sale.id);
    const parts = reversalParts(
      mine.map((o) => ({ id: o.id, kind: o.kind, amountMinor: BigInt(o.amount_minor), currency: o.currency, reversedMinor: reversedSoFar(o.id, children) })),
      saleMoney,
      cumulative,
    );
    for (const part of parts) {
      const o = mine.find((x) => x.id === part.entryId) as OriginalEntry;
      const planned = planReversal(ws, o, children, part.amountMinor, {
        key: `rev:${r.id}:${o.id}`,
        sourceType: 'conversion',
        sourceId: r.id,
        conversionId: r.id,
        at,
        summary: `${r.kind === 'refund' ? 'Refund' : 'Dispute'} ${r.id}${r.amount_minor && r.currency ? ` of ${fmt({ amountMinor: BigInt(r.amount_minor), currency: r.currency })}` : ''} on sale ${sale.id}: ${part.detail}`,
        modifiers: [{ kind: 'pro_rata', detail: part.detail }],
        reason: null,
      });
      if (!planned) continue;
      entries.push(planned.entry);
      // Later reversals in this batch see this one.
      children.push({ id: planned.entry.id, reverses_entry_id: o.id, amount_minor: planned.entry.amountMinor.toString(), status: planned.entry.status, kind: planned.entry.kind, conversion_id: r.id });
      for (const id of planned.markReversed) {
        toMark.add(id);
        const child = children.find((c) => c.id === id);
        if (child) child.status = 'reversed';
        if (id === o.id) o.status = 'reversed';
      }
    }
  }
  const written = (await timed('rev-insert', () => insertEntries(tx, entries))).length;
  await timed('rev-mark', markReversed(tx, ws, [...toMark]));
  return { statuses, entries: written + reaccrued };
}

async function childrenOf(tx: Executor, ws: string, ids: string[]): Promise<ChildEntry[]> {
  if (ids.length === 0) return [];
  return rows<ChildEntry>(
    tx,
    sql`select id, reverses_entry_id, amount_minor::text as amount_minor, status, kind, conversion_id from commission_entry
      where workspace_id = ${ws} and reverses_entry_id = ${jsonList(ids)} for update`,
  );
}

/** What has been taken back from an entry so far (reversals/clawbacks minus re-accruals of them). */
export function reversedSoFar(entryId: string, children: ChildEntry[]): bigint {
  return children.filter((c) => c.reverses_entry_id === entryId).reduce((t, c) => t - BigInt(c.amount_minor), 0n);
}

/**
 * Takes `amount` (positive) back from an original entry. Before payment (the original and its
 * earlier reversals still pending/approved): a partial reversal is a negative entry that travels
 * with the original; the last one marks the original and its reversals 'reversed'. After
 * payment: a negative 'approved' clawback that nets against the next payout.
 */
export interface ReversalMeta {
  key: string;
  sourceType: 'conversion' | 'manual';
  sourceId: string;
  conversionId: string | null;
  at: Date;
  summary: string;
  modifiers: ExplanationModifier[];
  reason: string | null;
}

/** The reversal entry for `amount` and the ids to mark 'reversed' with it (no I/O). */
export function planReversal(ws: string, o: OriginalEntry, children: ChildEntry[], amount: bigint, m: ReversalMeta): { entry: NewEntry; markReversed: string[] } | null {
  if (amount <= 0n) return null;
  const mine = children.filter((c) => c.reverses_entry_id === o.id);
  const unpaid = (o.status === 'pending' || o.status === 'approved') && mine.every((c) => c.status === 'pending' || c.status === 'approved' || c.status === 'reversed');
  const total = BigInt(o.amount_minor);
  const full = reversedSoFar(o.id, children) + amount >= total;
  const flags = Array.isArray(o.flags) ? o.flags : parsePgArray(o.flags);
  let status: NewEntry['status'];
  let kind: NewEntry['kind'];
  if (unpaid && full) {
    status = 'reversed';
    kind = 'reversal';
  } else if (unpaid) {
    status = o.status as NewEntry['status'];
    kind = 'reversal';
  } else {
    status = 'approved';
    kind = 'clawback';
  }
  const entry: NewEntry = {
    id: newId('commissionEntry'),
    workspaceId: ws,
    programId: o.program_id,
    partnerId: o.partner_id,
    planId: o.plan_id,
    ruleId: o.rule_id,
    kind,
    sourceType: m.sourceType,
    sourceId: m.sourceId,
    conversionId: m.conversionId,
    dealId: null,
    reversesEntryId: o.id,
    idempotencyKey: m.key,
    baseMinor: null,
    rateBp: null,
    amountMinor: -amount,
    currency: o.currency,
    status,
    holdUntil: status === 'pending' ? (o.hold_until ? new Date(o.hold_until) : m.at) : null,
    flags: status === 'pending' ? flags : [],
    explanation: {
      summary: `${kind === 'clawback' ? 'Clawback (already paid)' : 'Reversal'}: ${m.summary}`,
      source: { type: m.sourceType, id: m.sourceId },
      plan: null,
      rule: o.rule_id ? { id: o.rule_id, name: o.rule_id } : null,
      base: jsonMoney({ amountMinor: total, currency: o.currency }),
      rateBp: null,
      tier: null,
      reverses: o.id,
      modifiers: m.modifiers,
    },
    earnedAt: m.at,
    approvedAt: status === 'approved' ? m.at : null,
  };
  const markReversed = unpaid && full ? [o.id, ...mine.filter((c) => c.status !== 'reversed').map((c) => c.id)] : [];
  return { entry, markReversed };
}

/**
 * Takes `amount` (positive) back from an original entry. Before payment (the original and its
 * earlier reversals still pending/approved): a partial reversal is a negative entry that travels
 * with the original; the last one marks the original and its reversals 'reversed'. After
 * payment: a negative 'approved' clawback that nets against the next payout.
 */
export async function writeReversal(tx: Executor, ws: string, o: OriginalEntry, children: ChildEntry[], amount: bigint, m: ReversalMeta): Promise<number> {
  const plan = planReversal(ws, o, children, amount, m);
  if (!plan) return 0;
  const inserted = await insertEntries(tx, [plan.entry]);
  if (inserted.length === 0) return 0;
  await markReversed(tx, ws, plan.markReversed);
  return 1;
}

async function markReversed(tx: Executor, ws: string, ids: string[]) {
  if (ids.length === 0) return;
  await tx.execute(
    sql`update commission_entry set status = 'reversed' where workspace_id = ${ws} and id = ${jsonList(ids)} and status in ('pending', 'approved')`,
  );
}

function parsePgArray(v: string | null): string[] {
  if (!v || v === '{}') return [];
  return v
    .replace(/^\{|\}$/g, '')
    .split(',')
    .map((s) => s.replace(/^"|"$/g, ''))
    .filter(Boolean);
}

/** A won dispute restores what its opening reversed: positive entries undoing those reversals. */
async function reaccrue(tx: Executor, ws: string, r: ConvRow, openedIds: string[], at: Date): Promise<number> {
  if (openedIds.length === 0) return 0;
  const reversals = await rows<{ id: string; reverses_entry_id: string; amount_minor: string; currency: string }>(
    tx,
    sql`select id, reverses_entry_id, amount_minor::text as amount_minor, currency from commission_entry
      where workspace_id = ${ws} and conversion_id in (${inList(openedIds)}) and amount_minor < 0 and reverses_entry_id is not null`,
  );
  if (reversals.length === 0) return 0;
  const originals = await rows<OriginalEntry>(
    tx,
    sql`select id, program_id, partner_id, plan_id, rule_id, kind, amount_minor::text as amount_minor, currency, status,
        ${iso('hold_until')} as hold_until, flags, ${iso('earned_at')} as earned_at
      from commission_entry where workspace_id = ${ws} and id in (${inList(reversals.map((x) => x.reverses_entry_id))})`,
  );
  const entries: NewEntry[] = [];
  for (const rev of reversals) {
    const o = originals.find((x) => x.id === rev.reverses_entry_id);
    if (!o) continue;
    const amount = -BigInt(rev.amount_minor);
    entries.push({
      id: newId('commissionEntry'),
      workspaceId: ws,
      programId: o.program_id,
      partnerId: o.partner_id,
      planId: o.plan_id,
      ruleId: o.rule_id,
      kind: o.kind as NewEntry['kind'],
      sourceType: 'conversion',
      sourceId: r.id,
      conversionId: r.id,
      dealId: null,
      reversesEntryId: rev.id,
      idempotencyKey: `reacc:${r.id}:${rev.id}`,
      baseMinor: null,
      rateBp: null,
      amountMinor: amount,
      currency: o.currency,
      status: 'pending',
      holdUntil: at,
      flags: [],
      explanation: {
        summary: `Dispute won (${r.id}): ${fmt({ amountMinor: amount, currency: o.currency })} re-accrued, undoing reversal ${rev.id} of ${o.id}`,
        source: { type: 'conversion', id: r.id, kind: 'dispute_won' },
        plan: null,
        rule: o.rule_id ? { id: o.rule_id, name: o.rule_id } : null,
        base: null,
        rateBp: null,
        tier: null,
        reverses: rev.id,
        modifiers: [],
      },
      earnedAt: at,
    });
  }
  return (await insertEntries(tx, entries)).length;
}

// ── deals ──

export interface DealWonPayload {
  dealId: string;
  amount: { amountMinor: string; currency: string };
  credits: { partnerId: string; role: string; shareBp: number }[];
}

/**
 * Credits a won deal's partners under their program's plan (deal rules). The program is the
 * deal's registration program, else the partner's first enrollment whose active plan has deal
 * rules. Idempotent (keys `deal:<deal>:<partner>:<role>:<rule>`).
 */
export async function accrueDealWon(db: Db, workspaceId: string, payload: DealWonPayload): Promise<number> {
  return db.transaction(async (tx) => {
    await lockWorkspace(tx, workspaceId);
    const [deal] = await rows<{ id: string; closed_at: string | null; is_renewal: boolean; country: string | null; reg_program: string | null; products: string[] | string | null }>(
      tx,
      sql`select d.id, ${iso('d.closed_at')} as closed_at, d.is_renewal, a.country, r.program_id as reg_program, r.products
        from deal d join account a on a.id = d.account_id left join registration r on r.id = d.registration_id
        where d.workspace_id = ${workspaceId} and d.id = ${payload.dealId}`,
    );
    if (!deal) return 0;
    const credits = payload.credits.filter((c) => c.shareBp > 0);
    if (credits.length === 0) return 0;
    const partnerIds = [...new Set(credits.map((c) => c.partnerId))];
    const enrollments = await rows<{ partner_id: string; program_id: string }>(
      tx,
      sql`select partner_id, program_id from enrollment where workspace_id = ${workspaceId} and partner_id in (${inList(partnerIds)}) order by created_at, id`,
    );
    const plans = await activePlans(tx, workspaceId, [...new Set(enrollments.map((e) => e.program_id).concat(deal.reg_program ? [deal.reg_program] : []))]);
    const hasDealRules = (p: string) => plans.get(p)?.document.rules.some((r) => r.source === 'deal') || plans.get(p)?.document.spiffs.some((s) => s.source === 'deal');
    // One program per partner, then evaluate per program (credits of the same program split together).
    const programOf = new Map<string, string>();
    for (const pid of partnerIds) {
      const own = enrollments.filter((e) => e.partner_id === pid).map((e) => e.program_id);
      const chosen = deal.reg_program && own.includes(deal.reg_program) && hasDealRules(deal.reg_program) ? deal.reg_program : own.find(hasDealRules);
      if (chosen) programOf.set(pid, chosen);
    }
    const tiers = await tiersOf(tx, workspaceId, partnerIds);
    const bonuses = await grantedBonuses(tx, workspaceId, enrollments.map((e) => ({ partnerId: e.partner_id, programId: e.program_id })));
    const occurredAt = deal.closed_at ? new Date(deal.closed_at) : now();
    const amount: Money = { amountMinor: BigInt(payload.amount.amountMinor), currency: payload.amount.currency };
    const products = Array.isArray(deal.products) ? deal.products : parsePgArray(deal.products);
    const at = now();
    const entries: NewEntry[] = [];
    for (const programId of new Set(programOf.values())) {
      const plan = plans.get(programId) as PlanRef;
      const usage = await capUsage(tx, workspaceId, partnerIds, cappedRuleIds(plan.document), new Date(Date.UTC(occurredAt.getUTCFullYear(), 0, 1)));
      // Shares are of the whole deal: credits outside this program keep their weight so no one gets more than its share.
      const lines = evaluateDeal(plan, programId, {
        dealId: deal.id,
        occurredAt,
        amount,
        country: deal.country,
        products,
        isRenewal: deal.is_renewal,
        credits: credits.map((c) => ({
          partnerId: programOf.get(c.partnerId) === programId ? c.partnerId : `~${c.partnerId}`,
          role: programOf.get(c.partnerId) === programId ? c.role : '~other',
          shareBp: c.shareBp,
          tier: tiers.get(`${c.partnerId}|${programId}`) ?? null,
          capUsage: usage.get(`${c.partnerId}|${programId}`),
          bonusesGranted: new Set(['first_won_deal'].filter((t) => bonuses.has(`bonus:${t}:${programId}:${c.partnerId}`))),
        })),
      }).filter((l) => !l.partnerId.startsWith('~'));
      for (const line of lines) {
        entries.push(lineToEntry(workspaceId, programId, plan, line, { sourceType: 'deal', sourceId: deal.id, conversionId: null, dealId: deal.id, earnedAt: occurredAt, at, signals: [] }));
      }
    }
    return (await insertEntries(tx, entries)).length;
  });
}

// ── holds ──

/** pending → approved for unflagged entries whose hold has passed (reversals follow their original). */
export async function releaseHolds(db: Executor, workspaceId?: string): Promise<number> {
  // Twice: a partial reversal waits for its original, which may be released in the first pass.
  return (await releaseOnce(db, workspaceId)) + (await releaseOnce(db, workspaceId));
}

async function releaseOnce(db: Executor, workspaceId?: string): Promise<number> {
  const at = now().toISOString();
  const moved = await rows<{ id: string }>(
    db,
    sql`update commission_entry e set status = 'approved', approved_at = ${at}::timestamptz
      where e.status = 'pending' and e.hold_until <= ${at}::timestamptz and cardinality(e.flags) = 0
        ${workspaceId ? sql`and e.workspace_id = ${workspaceId}` : sql``}
        and (e.reverses_entry_id is null or e.amount_minor > 0
          or not exists (select 1 from commission_entry p where p.id = e.reverses_entry_id and p.status = 'pending'))
      returning e.id`,
  );
  return moved.length;
}
