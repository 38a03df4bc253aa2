import { type SQL, sql } from 'drizzle-orm';
import type { WorkspaceContext } from '../../platform/context.ts';
import type { Executor } from '../../platform/db.ts';
import { invalid } from '../../platform/errors.ts';
import { divideRounded } from '../../platform/money.ts';
import type { PerformanceGroup, PerformanceQuery } from './contract.ts';

/**
 * Partner performance: a read model computed with SQL aggregates straight from the
 * registration, conflict, deal, stage and deal_credit tables.
 *
 * Definitions (also in the API description):
 * - Registration figures count registrations created in [from, to). "Approved" = ever
 *   approved (protection started), so an approved registration that later expired still
 *   counts. Approval rate = approved / (approved + rejected). Time to decision = decided_at −
 *   created_at; the SLA figure is each registration's own sla_due_at − created_at.
 *   Conflict rate = conflict records / registrations. Registered → won = approved
 *   registrations whose deal is won / approved registrations.
 * - Pipeline and weighted pipeline are the current open deals (a snapshot, not bounded by
 *   the period), per currency; weighted = Σ amount × stage probability, rounded half-even
 *   once per currency. Won/lost, win rate, average deal size, revenue and velocity use deals
 *   closed in [from, to). Velocity = median days from the deal's registration to its close.
 * - Grouped by partner, a deal counts for every partner it credits (at its full amount for
 *   pipeline and deal size; revenue by role is amount × that partner's share). Grouped by
 *   program, a deal belongs to the program of its registration (id null: no program).
 *   Grouped by tier, a registration belongs to its partner's tier in the registration's
 *   program, and a deal to the tier (in the deal's program) of every partner it credits,
 *   once per tier; revenue by role goes to each credited partner's tier. The tier is the
 *   enrollment's tier now (tiers are not historized). Id null: no tier / no program.
 * - Amounts in different currencies are never added.
 */

const STATUSES = ['submitted', 'info_requested', 'approved', 'rejected', 'expired', 'withdrawn'] as const;
const ROLES = ['sourced', 'influenced', 'reseller', 'fulfillment'] as const;
type Role = (typeof ROLES)[number];

async function rows<T>(db: Executor, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

function rate(n: number, d: number): number | null {
  return d === 0 ? null : Math.round((n / d) * 10_000) / 10_000;
}
const round2 = (n: number | string | null) => (n === null ? null : Math.round(Number(n) * 100) / 100);

function parseRange(q: PerformanceQuery, now: Date) {
  const plainDate = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s);
  let to = now;
  if (q.to) {
    to = new Date(plainDate(q.to) ? `${q.to}T00:00:00Z` : q.to);
    if (plainDate(q.to)) to = new Date(to.getTime() + 24 * 3600 * 1000);
  }
  const from = q.from ? new Date(plainDate(q.from) ? `${q.from}T00:00:00Z` : q.from) : new Date(to.getTime() - 365 * 24 * 3600 * 1000);
  if (from.getTime() >= to.getTime()) throw invalid('from', 'must be before to');
  return { from, to };
}

function emptyGroup(id: string | null, name: string): PerformanceGroup {
  return {
    key: { id, name },
    registrations: {
      total: 0,
      byStatus: Object.fromEntries(STATUSES.map((s) => [s, 0])),
      approved: 0,
      rejected: 0,
      approvalRate: null,
      medianHoursToDecision: null,
      medianSlaHours: null,
      decidedWithinSlaRate: null,
      conflicts: 0,
      conflictRate: null,
      won: 0,
      registeredToWonRate: null,
    },
    deals: {
      open: 0,
      pipeline: [],
      weightedPipeline: [],
      won: 0,
      lost: 0,
      winRate: null,
      medianDaysRegistrationToClose: null,
      averageDealSize: [],
      wonRevenue: [],
      revenueByRole: { sourced: [], influenced: [], reseller: [], fulfillment: [] },
    },
  };
}

const bp = (sum: string) => divideRounded(BigInt(sum), 10_000n, 'half_even').toString();

type Acc = Map<string, PerformanceGroup>;

function group(acc: Acc, key: string | null): PerformanceGroup {
  const k = key ?? '';
  let g = acc.get(k);
  if (!g) {
    g = emptyGroup(key, '');
    acc.set(k, g);
  }
  return g;
}

export async function partnerPerformance(ctx: Pick<WorkspaceContext, 'workspaceId' | 'db'>, q: PerformanceQuery, now = new Date()) {
  const groupBy = q.groupBy;
  const { from, to } = parseRange(q, now);
  const ws = ctx.workspaceId;
  const fromIso = from.toISOString();
  const toIso = to.toISOString();
  const acc: Acc = new Map();

  // ── Registrations created in the period ──
  const regKey = sql.raw(groupBy === 'partner' ? 'r.partner_id' : groupBy === 'program' ? 'r.program_id' : 'r.tier_id');
  const statusCounts = sql.join(
    STATUSES.map((st) => sql`count(*) filter (where r.status = ${st})::int as ${sql.raw(`"st_${st}"`)}`),
    sql`, `,
  );
  const regRows = await rows<Record<string, number | string | null>>(
    ctx.db,
    sql`
      with regs as (
        select r.*,
          coalesce(r.deal_id, (select d2.id from deal d2 where d2.workspace_id = r.workspace_id and d2.registration_id = r.id order by d2.id limit 1)) as linked_deal_id,
          (select e.tier_id from enrollment e where e.workspace_id = r.workspace_id and e.partner_id = r.partner_id and e.program_id = r.program_id) as tier_id
        from registration r
        where r.workspace_id = ${ws} and r.created_at >= ${fromIso}::timestamptz and r.created_at < ${toIso}::timestamptz
      ),
      conflict_counts as (
        select c.registration_id, count(*)::int as n from conflict c
        where c.workspace_id = ${ws} and c.registration_id in (select id from regs)
        group by c.registration_id
      )
      select ${regKey} as key,
        count(*)::int as total,
        ${statusCounts},
        count(*) filter (where r.protection_starts_at is not null)::int as approved,
        count(*) filter (where r.status = 'rejected')::int as rejected,
        (percentile_cont(0.5) within group (order by extract(epoch from (r.decided_at - r.created_at)) / 3600.0) filter (where r.decided_at is not null))::float8 as median_hours,
        (percentile_cont(0.5) within group (order by extract(epoch from (r.sla_due_at - r.created_at)) / 3600.0))::float8 as median_sla_hours,
        count(*) filter (where r.decided_at is not null)::int as decided,
        count(*) filter (where r.decided_at is not null and r.decided_at <= r.sla_due_at)::int as within_sla,
        coalesce(sum(cc.n), 0)::int as conflicts,
        count(*) filter (where r.protection_starts_at is not null and s.kind = 'won')::int as won
      from regs r
      left join conflict_counts cc on cc.registration_id = r.id
      left join deal d on d.id = r.linked_deal_id and d.workspace_id = r.workspace_id
      left join stage s on s.id = d.stage_id
      group by ${regKey}
    `,
  );
  for (const r of regRows) {
    const g = group(acc, r.key as string | null).registrations;
    const n = (k: string) => Number(r[k] ?? 0);
    g.total = n('total');
    g.byStatus = Object.fromEntries(STATUSES.map((st) => [st, n(`st_${st}`)]));
    g.approved = n('approved');
    g.rejected = n('rejected');
    g.approvalRate = rate(g.approved, g.approved + g.rejected);
    g.medianHoursToDecision = round2(r.median_hours);
    g.medianSlaHours = round2(r.median_sla_hours);
    g.decidedWithinSlaRate = rate(n('within_sla'), n('decided'));
    g.conflicts = n('conflicts');
    g.conflictRate = rate(g.conflicts, g.total);
    g.won = n('won');
    g.registeredToWonRate = rate(g.won, g.approved);
  }

  // ── Deals: which group each deal belongs to ──
  // The deal's program: that of its registration (or of a registration linked to it).
  const dealProgram = sql`coalesce((select r.program_id from registration r where r.id = d.registration_id),
                       (select r.program_id from registration r where r.workspace_id = d.workspace_id and r.deal_id = d.id order by r.id limit 1))`;
  // A credited partner's tier in the deal's program (null: no tier, or a deal with no program).
  const creditTierJoin = sql`left join enrollment e on e.workspace_id = d.workspace_id and e.partner_id = dc.partner_id and e.program_id = ${dealProgram}`;
  const dealGroups =
    groupBy === 'partner'
      ? sql`select distinct dc.deal_id, dc.partner_id as key from deal_credit dc where dc.workspace_id = ${ws}`
      : groupBy === 'program'
        ? sql`select d.id as deal_id, ${dealProgram} as key from deal d where d.workspace_id = ${ws}`
        : sql`select distinct dc.deal_id, e.tier_id as key
              from deal_credit dc join deal d on d.id = dc.deal_id and d.workspace_id = dc.workspace_id
              ${creditTierJoin}
              where dc.workspace_id = ${ws}`;
  const closedInPeriod = sql`d.closed_at >= ${fromIso}::timestamptz and d.closed_at < ${toIso}::timestamptz`;
  const dealRows = await rows<{ key: string | null; currency: string; open: number; pipeline: string; weighted_bp: string; won: number; lost: number; won_amount: string }>(
    ctx.db,
    sql`
      with g as (${dealGroups})
      select g.key, d.currency,
        count(*) filter (where s.kind = 'open')::int as open,
        coalesce(sum(d.amount_minor) filter (where s.kind = 'open'), 0)::text as pipeline,
        coalesce(sum(d.amount_minor::numeric * s.win_probability_bp) filter (where s.kind = 'open'), 0)::text as weighted_bp,
        count(*) filter (where s.kind = 'won' and ${closedInPeriod})::int as won,
        count(*) filter (where s.kind = 'lost' and ${closedInPeriod})::int as lost,
        coalesce(sum(d.amount_minor) filter (where s.kind = 'won' and ${closedInPeriod}), 0)::text as won_amount
      from g
      join deal d on d.id = g.deal_id and d.workspace_id = ${ws}
      join stage s on s.id = d.stage_id
      group by g.key, d.currency
      order by d.currency
    `,
  );
  for (const r of dealRows) {
    const g = group(acc, r.key).deals;
    g.open += r.open;
    g.won += r.won;
    g.lost += r.lost;
    if (r.open > 0) {
      g.pipeline.push({ amountMinor: BigInt(r.pipeline).toString(), currency: r.currency });
      g.weightedPipeline.push({ amountMinor: bp(r.weighted_bp), currency: r.currency });
    }
    if (r.won > 0) {
      g.wonRevenue.push({ amountMinor: BigInt(r.won_amount).toString(), currency: r.currency });
      g.averageDealSize.push({ amountMinor: divideRounded(BigInt(r.won_amount), BigInt(r.won), 'half_even').toString(), currency: r.currency });
    }
  }

  // Velocity: registration → close, won deals closed in the period.
  const velocity = await rows<{ key: string | null; median_days: number | null }>(
    ctx.db,
    sql`
      with g as (${dealGroups})
      select g.key, (percentile_cont(0.5) within group (order by extract(epoch from (d.closed_at - r.created_at)) / 86400.0))::float8 as median_days
      from g
      join deal d on d.id = g.deal_id and d.workspace_id = ${ws}
      join stage s on s.id = d.stage_id
      join registration r on r.id = d.registration_id and r.workspace_id = d.workspace_id
      where s.kind = 'won' and ${closedInPeriod}
      group by g.key
    `,
  );
  for (const r of velocity) group(acc, r.key).deals.medianDaysRegistrationToClose = round2(r.median_days);

  // Revenue by role: won deals closed in the period × each credit's share.
  const roleKey = sql.raw(groupBy === 'partner' ? 'dc.partner_id' : groupBy === 'program' ? 'g.key' : 'e.tier_id');
  const roleJoin = groupBy === 'partner' ? sql`` : groupBy === 'program' ? sql`join (${dealGroups}) g on g.deal_id = d.id` : creditTierJoin;
  const revenue = await rows<{ key: string | null; currency: string; role: Role; amount_bp: string }>(
    ctx.db,
    sql`
      select ${roleKey} as key, d.currency, dc.role, sum(d.amount_minor::numeric * dc.share_bp)::text as amount_bp
      from deal d
      join stage s on s.id = d.stage_id
      join deal_credit dc on dc.deal_id = d.id
      ${roleJoin}
      where d.workspace_id = ${ws} and s.kind = 'won' and ${closedInPeriod}
      group by ${roleKey}, d.currency, dc.role
      order by d.currency
    `,
  );
  for (const r of revenue) {
    if (!ROLES.includes(r.role)) continue;
    group(acc, r.key).deals.revenueByRole[r.role].push({ amountMinor: bp(r.amount_bp), currency: r.currency });
  }
  for (const g of acc.values()) g.deals.winRate = rate(g.deals.won, g.deals.won + g.deals.lost);

  // Names.
  const ids = [...acc.keys()].filter((k) => k !== '');
  const names = new Map<string, string>();
  if (ids.length > 0) {
    const idList = sql.join(
      ids.map((id) => sql`${id}`),
      sql`, `,
    );
    const named = await rows<{ id: string; name: string }>(
      ctx.db,
      groupBy === 'tier'
        ? sql`select t.id, t.name || ' · ' || p.name as name from tier t join program p on p.id = t.program_id where t.workspace_id = ${ws} and t.id in (${idList})`
        : sql`select id, name from ${sql.raw(groupBy)} where workspace_id = ${ws} and id in (${idList})`,
    );
    for (const n of named) names.set(n.id, n.name);
  }
  const groups = [...acc.values()].map((g) => ({ ...g, key: { id: g.key.id, name: g.key.id ? (names.get(g.key.id) ?? g.key.id) : groupBy === 'tier' ? 'No tier' : 'No program' } }));
  groups.sort((a, b) => (a.key.id === null ? 1 : b.key.id === null ? -1 : a.key.name.localeCompare(b.key.name)));
  return { groupBy, from: fromIso, to: toIso, groups };
}
