import { type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db.ts';
import { normalizeDomain } from '../../platform/domain-name.ts';
import { matchNameOf } from '../accounts/service.ts';

/**
 * Two normalized company names are "the same customer" for the conflict check when their
 * pg_trgm similarity is at least this. Chosen on the KU Leuven PATSTAT corpus
 * (`accounts/match-quality.test.ts`): the highest-F1 threshold at which none of the corpus's
 * 8 hard-negative pairs (same brand, different legal entity) matches. The binding pair is
 * `SCHLUMBERGER LIMITED` / `SCHLUMBERGER HOLDINGS LIMITED` (0.591).
 */
export const NAME_SIMILARITY_THRESHOLD = 0.6;
/** At most this many fuzzy-matched claimed accounts are considered (best first); domain matches always are. */
export const MAX_NAME_MATCHES = 20;
/**
 * The most similar names looked at for claims. A claimed account is missed only when more than
 * this many unclaimed accounts have a more similar name — the bound that keeps the check fast.
 */
export const MAX_NAME_CANDIDATES = 200;

export const ACTIVE_REGISTRATION_STATUSES = ['submitted', 'info_requested', 'approved'] as const;

export interface ConflictCandidate {
  otherKind: 'registration' | 'deal' | 'incumbent';
  /** The other registration's or deal's id; for an incumbent, the account's id. */
  otherId: string;
  otherPartnerId: string | null;
  matchedAccountId: string;
  matchKind: 'domain' | 'name';
  /** pg_trgm similarity of the normalized names (1 for an identical name). */
  similarity: number;
  otherCreatedAt: Date;
  otherStatus: string;
}

export interface ConflictCheckInput {
  workspaceId: string;
  /** The registration being checked, excluded from its own results. */
  registrationId?: string;
  partnerId: string;
  accountName: string;
  domain: string | null;
  now: Date;
}

interface Row {
  other_kind: ConflictCandidate['otherKind'];
  other_id: string;
  other_partner_id: string | null;
  account_id: string;
  match_kind: ConflictCandidate['matchKind'];
  sim: number | string;
  other_created_at: Date | string;
  other_status: string;
}

/**
 * The matching decision alone, as SQL: `left` (a `match_name` column) is the same customer as
 * `right` (another column or a bound normalized name). Used by the conflict check and by the
 * match-quality evaluation, so both measure the same thing. `%` lets the planner use the GIN
 * trigram index (at pg_trgm's default limit 0.3, below ours); the similarity test decides.
 */
export function nameMatches(left: SQL, right: SQL, threshold = NAME_SIMILARITY_THRESHOLD): SQL {
  return sql`(${left} % ${right} and similarity(${left}, ${right}) >= ${threshold}::real)`;
}

/**
 * Everything that competes with a registration for the same customer, in ONE statement:
 * accounts matched by domain (btree) or by a similar normalized name (trigram GIN index), then
 * on those accounts the active registrations of other partners (submitted, info requested, or
 * approved with protection not yet ended), the open deals (stage kind `open`) not credited to
 * this partner, and the account's incumbent partner when it is another partner. Works on
 * PostgreSQL and PGlite alike.
 */
export async function checkConflicts(db: Executor, input: ConflictCheckInput): Promise<ConflictCandidate[]> {
  const result = (await db.execute(conflictQuery(input))) as unknown as { rows: Row[] };
  return result.rows.map((r) => ({
    otherKind: r.other_kind,
    otherId: r.other_id,
    otherPartnerId: r.other_partner_id,
    matchedAccountId: r.account_id,
    matchKind: r.match_kind,
    similarity: Math.round(Number(r.sim) * 1000) / 1000,
    otherCreatedAt: r.other_created_at instanceof Date ? r.other_created_at : new Date(r.other_created_at),
    otherStatus: r.other_status,
  }));
}

/** The statement `checkConflicts` runs (exported for EXPLAIN in tests and the bench). */
export function conflictQuery(input: ConflictCheckInput): SQL {
  let domain: string | null = null;
  try {
    domain = normalizeDomain(input.domain);
  } catch {
    domain = null; // an unusable domain cannot match; the name still can
  }
  const name = matchNameOf(input.accountName);
  const registrationId = input.registrationId ?? null;
  const query = sql`
    with by_domain as (
      select a.id, a.incumbent_partner_id, a.created_at, 'domain'::text as match_kind, similarity(a.match_name, ${name})::float8 as sim
      from account a
      where a.workspace_id = ${input.workspaceId} and ${domain}::text is not null and a.domain = ${domain}::text
    ),
    name_candidates as (
      select a.id, a.incumbent_partner_id, a.created_at, 'name'::text as match_kind, similarity(a.match_name, ${name})::float8 as sim
      from account a
      where a.workspace_id = ${input.workspaceId}
        -- The name comes through a subquery that first sets pg_trgm's threshold to ours (transaction-local): the
        -- index scan needs the value before it starts, so the GIN index already filters at 0.6, not at the default
        -- 0.3 (5-10× fewer candidates to recheck). The similarity test in nameMatches stays the decision.
        and ${nameMatches(sql.raw('a.match_name'), sql`(select ${name}::text from (select set_config('pg_trgm.similarity_threshold', ${String(NAME_SIMILARITY_THRESHOLD)}, true)) as at_threshold)`)}
        and a.id not in (select id from by_domain)
      order by sim desc, a.id
      limit ${MAX_NAME_CANDIDATES}
    ),
    by_name as (
      -- Only accounts someone has a claim on can conflict: unclaimed look-alikes must not push a claimed
      -- account out of the top matches. Scalar subqueries with LIMIT 1 run per candidate on the
      -- (workspace, account) indexes (EXISTS would be planned as a scan of every registration and deal).
      select c.* from name_candidates c
      where c.incumbent_partner_id is not null
        or coalesce((
          select true from registration r
          where r.workspace_id = ${input.workspaceId} and r.account_id = c.id and r.status in ('submitted', 'info_requested', 'approved')
          limit 1
        ), false)
        or coalesce((
          select true from deal d join stage s on s.id = d.stage_id and s.kind = 'open'
          where d.workspace_id = ${input.workspaceId} and d.account_id = c.id
          limit 1
        ), false)
      order by c.sim desc, c.id
      limit ${MAX_NAME_MATCHES}
    ),
    matched as (select * from by_domain union all select * from by_name)
    select 'registration' as other_kind, r.id as other_id, r.partner_id as other_partner_id, m.id as account_id, m.match_kind, m.sim,
           r.created_at as other_created_at, r.status as other_status
    from matched m
    join registration r on r.workspace_id = ${input.workspaceId} and r.account_id = m.id
    where r.partner_id <> ${input.partnerId}
      and r.status in ('submitted', 'info_requested', 'approved')
      and (r.status <> 'approved' or r.protection_ends_at is null or r.protection_ends_at > ${input.now.toISOString()}::timestamptz)
      and (${registrationId}::text is null or r.id <> ${registrationId}::text)
    union all
    select 'deal', d.id, credit.partner_id, m.id, m.match_kind, m.sim, d.created_at, s.name
    from matched m
    join deal d on d.workspace_id = ${input.workspaceId} and d.account_id = m.id
    join stage s on s.id = d.stage_id and s.kind = 'open'
    left join lateral (
      select dc.partner_id from deal_credit dc
      where dc.deal_id = d.id
      order by (dc.role = 'sourced') desc, dc.share_bp desc, dc.id
      limit 1
    ) credit on true
    where (${registrationId}::text is null or d.registration_id is distinct from ${registrationId}::text)
      and not exists (select 1 from deal_credit own where own.deal_id = d.id and own.partner_id = ${input.partnerId})
    union all
    select 'incumbent', m.id, m.incumbent_partner_id, m.id, m.match_kind, m.sim, m.created_at, 'incumbent'
    from matched m
    where m.incumbent_partner_id is not null and m.incumbent_partner_id <> ${input.partnerId}
    order by 6 desc, 2`;
  return query;
}
