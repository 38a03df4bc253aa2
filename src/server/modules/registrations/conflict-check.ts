import { createHash } from 'node:crypto';
import { is, type SQL, sql } from 'drizzle-orm';
import { NodePgSession } from 'drizzle-orm/node-postgres';
import type { Executor } from '../../platform/db.ts';
import { normalizeDomain } from '../../platform/domain-name.ts';
import { NAME_SIZE_CLASSES, nameSizeClassPredicate } from '../accounts/name-size.ts';
import { ENTITY_WORD_PATTERN, GENERIC_LEADING_WORDS, MIN_BRAND_LENGTH, brandOf } from '../accounts/matching.ts';
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
 * match-quality evaluation, so both measure the same thing: a similar name (`similarNames`) or
 * the same brand (`sameBrand`).
 */
export function nameMatches(left: SQL, right: SQL, threshold = NAME_SIMILARITY_THRESHOLD, options: { brandRule?: boolean } = {}): SQL {
  const similar = similarNames(left, right, threshold);
  if (options.brandRule === false) return similar;
  return sql`(${similar} or ${sameBrand(left, right)})`;
}

/**
 * pg_trgm similarity of the two names at least `threshold`. `%` lets the planner use the GIN
 * trigram index (at pg_trgm's default limit 0.3, below ours, unless the statement sets the
 * limit first, as the conflict check does); the similarity test decides.
 */
export function similarNames(left: SQL, right: SQL, threshold = NAME_SIMILARITY_THRESHOLD): SQL {
  return sql`(${left} % ${right} and similarity(${left}, ${right}) >= ${threshold}::real)`;
}

const GENERIC = sql.raw(`array[${GENERIC_LEADING_WORDS.map((w) => `'${w}'`).join(',')}]::text[]`);

/** The brand rule (accounts/matching.ts `brandOf`) as SQL: same distinctive first word, two words or more, no entity word. */
export function sameBrand(left: SQL, right: SQL): SQL {
  return sql`(split_part(${left}, ' ', 1) = split_part(${right}, ' ', 1)
    and length(split_part(${left}, ' ', 1)) >= ${MIN_BRAND_LENGTH}
    and strpos(${left}, ' ') > 0 and strpos(${right}, ' ') > 0
    and split_part(${left}, ' ', 1) <> all(${GENERIC})
    and ${left} !~ ${ENTITY_WORD_PATTERN} and ${right} !~ ${ENTITY_WORD_PATTERN})`;
}

interface MatchedAccount {
  id: string;
  incumbent_partner_id: string | null;
  created_at: Date | string;
  match_kind: ConflictCandidate['matchKind'];
  sim: number | string;
}

/**
 * Everything that competes with a registration for the same customer, in two small statements
 * (small, so planning them is cheap, which matters most on PGlite): first the matched accounts
 * (`matchedAccountsQuery`: same domain, or a similar normalized name or the same brand among
 * claimed accounts), then, only when there are any, on those accounts the active registrations of
 * other partners (submitted, info requested, or approved with protection not yet ended), the open
 * deals (stage kind `open`) not credited to this partner, and the account's incumbent partner
 * when it is another partner (`competitorsQuery`). Works on PostgreSQL and PGlite alike.
 */
export async function checkConflicts(db: Executor, input: ConflictCheckInput): Promise<ConflictCandidate[]> {
  const matched = ((await executePrepared(db, matchedAccountsQuery(input), 'conflict_accounts')) as { rows: MatchedAccount[] }).rows;
  if (matched.length === 0) return [];
  const result = (await executePrepared(db, competitorsQuery(input, matched), 'conflict_competitors')) as { rows: Row[] };
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

interface PreparingSession {
  prepareQuery(query: { sql: string; params: unknown[] }, fields: undefined, name: string, arrayMode: boolean): { execute(): Promise<unknown> };
}

/**
 * On PostgreSQL, runs the statement as a named prepared statement (the name is a hash of its text;
 * node-postgres prepares it once per connection), so the server plans each of the check's few
 * statement shapes once per connection and then reuses the plan: planning cost as much as
 * running them. PGlite has no named statements; there it runs as usual.
 */
async function executePrepared(db: Executor, query: SQL, prefix: string): Promise<unknown> {
  const { session, dialect } = db as unknown as { session: unknown; dialect: { sqlToQuery(q: SQL): { sql: string; params: unknown[] } } };
  if (!is(session, NodePgSession)) return db.execute(query);
  const built = dialect.sqlToQuery(query);
  const name = `${prefix}_${createHash('sha1').update(built.sql).digest('hex').slice(0, 16)}`;
  return (session as unknown as PreparingSession).prepareQuery(built, undefined, name, false).execute();
}

/**
 * The accounts that are the same customer: every account with the same domain (unique per
 * workspace), and the best `MAX_NAME_MATCHES` claimed accounts whose normalized name matches
 * (`nameMatches`). Only claimed accounts (an active registration, an open deal or an incumbent;
 * kept by triggers, see accounts/schema.ts) can conflict, so the name search reads partial
 * indexes over those alone: a fraction of all accounts, and no unclaimed look-alike can push a
 * claimed account out of the top matches. The name candidates come from two index paths, each its
 * own branch so the planner cannot trade them for a scan, and each branch tests its half of
 * `nameMatches`: similar names (`similarNameCandidates`: one branch per name size class on its
 * trigram GIN index, the similarity test deciding; it sets pg_trgm's limit, transaction-local,
 * through the subquery that supplies the searched string), and, when the brand rule applies to
 * the name being checked, the same first word (btree on split_part).
 */
export function matchedAccountsQuery(input: ConflictCheckInput): SQL {
  let domain: string | null = null;
  try {
    domain = normalizeDomain(input.domain);
  } catch {
    domain = null; // an unusable domain cannot match; the name still can
  }
  const name = matchNameOf(input.accountName);
  const brand = brandOf(name);
  const nameParam = sql`${name}::text`;
  const byName = sql`
      select c.id, c.incumbent_partner_id, c.created_at, 'name'::text as match_kind, similarity(c.match_name, ${nameParam})::float8 as sim
      from (
        ${similarNameCandidates(input.workspaceId, name)}
        ${
          brand
            ? sql`union
        select a.id, a.incumbent_partner_id, a.created_at, a.match_name, a.domain from account a
        where a.workspace_id = ${input.workspaceId} and a.claimed and strpos(a.match_name, ' ') > 0
          and split_part(a.match_name, ' ', 1) = ${brand}::text and ${sameBrand(sql.raw('a.match_name'), nameParam)}`
            : sql``
        }
      ) c
      ${domain ? sql`where c.domain is distinct from ${domain}::text` : sql``}
      order by sim desc, c.id
      limit ${MAX_NAME_MATCHES}`;
  if (!domain) return byName;
  return sql`
    select a.id, a.incumbent_partner_id, a.created_at, 'domain'::text as match_kind, similarity(a.match_name, ${nameParam})::float8 as sim
    from account a
    where a.workspace_id = ${input.workspaceId} and a.domain = ${domain}::text
    union all
    (${byName})`;
}

/**
 * pg_trgm's `%` can only ask its GIN index for names that share at least `t·|A|` of the `|A|`
 * trigrams of the name A being checked (it cannot know a stored name's size), so a name like
 * `Bripele Construction` had every claimed `… Construction` (2.5 % of them) read and rechecked.
 * Similarity (Jaccard over trigram sets) `o / (a + b − o) ≥ t` needs an overlap
 * `o ≥ t·(a + b) / (1 + t)`, which grows with the stored name's size b. So the trigram index is
 * split by b (`NAME_SIZE_CLASSES`, partial indexes), and for a class of sizes `b ≥ L` the name
 * is padded with `f` trigrams names rarely have (a word of digits; a stored name sharing some of
 * them only passes more easily) and searched at a lower limit θ. The index asks for an overlap of
 * `θ·(a + f)`; the recheck, `sim(B, A ∪ F) = o / (a + f + b − o) ≥ θ`, holds for every B of the
 * class with `sim(A, B) ≥ t` as long as `θ ≤ t·(a + L) / ((a + L) + (1 + t)·f)` (worst case: the
 * smallest B, with the smallest overlap). So f is picked for a limit near `PADDED_SEARCH_LIMIT`
 * (`f ≈ (a + L)·(t − θ) / (θ·(1 + t))`, whole trigrams), and then each class's limit is set to
 * exactly that bound for the f it got (less a relative 1e-6 for float rounding): the padding
 * never loses a match, and the overlap the index asks for is as close to `t·(a + L) / (1 + t)` as
 * that f allows. A fixed limit with a trigram of slack, as before, asked for up to one shared
 * trigram less, which let every name sharing only a long common word (`… Semiconductors`) be
 * read and rechecked. Classes whose sizes cannot reach `t·a … a / t` are skipped (a one-time
 * filter). The similarity test against the plain name decides, as in `nameMatches`.
 */
export const PADDED_SEARCH_LIMIT = 0.2;
/** Digit trigrams (a de Bruijn sequence of order 3 over 0–9: every 3-digit window differs), the padding of `similarNameCandidates`. */
const PADDING = (() => {
  const a = new Array<number>(30).fill(0);
  const out: number[] = [];
  const db = (t: number, p: number) => {
    if (t > 3) {
      if (3 % p === 0) out.push(...a.slice(1, p + 1));
      return;
    }
    a[t] = a[t - p];
    db(t + 1, p);
    for (let j = a[t - p] + 1; j < 10; j++) {
      a[t] = j;
      db(t + 1, t);
    }
  };
  db(1, 1);
  return out.join('');
})();

function similarNameCandidates(workspaceId: string, name: string): SQL {
  const t = NAME_SIMILARITY_THRESHOLD;
  const theta = PADDED_SEARCH_LIMIT;
  const size = sql`array_length(show_trgm(${name}::text), 1)`;
  const branches = NAME_SIZE_CLASSES.map((sizeClass) => {
    const [low, high] = sizeClass;
    const from = sql`greatest(${sql.raw(String(low))}, ceil(${sql.raw(String(t))} * ${size})::int)`;
    // The padding word's digits (a word of n digits has n + 1 trigrams), at most the sequence.
    const digits = sql`greatest(least(${sql.raw(String(PADDING.length - 3))}, floor((${size} + ${from}) * ${sql.raw(`(${t}::numeric - ${theta}) / (${theta} * (1 + ${t}::numeric))`)})::int) - 1, 0)`;
    const f = sql.raw('(case when p.digits > 0 then p.digits + 1 else 0 end)');
    const limit = sql`(${sql.raw(String(t))}::numeric * (${size} + ${from}) / ((${size} + ${from}) + ${sql.raw(String(1 + t))}::numeric * ${f}) * 0.999999)::text`;
    const padded = sql`(select ${name}::text || ' ' || left(${PADDING}::text, at_limit.digits)
      from (select p.digits, set_config('pg_trgm.similarity_threshold', ${limit}, true) from (select ${digits} as digits) p) as at_limit)`;
    const reachable = sql`${high === null ? sql`true` : sql`${sql.raw(String(high))} >= ceil(${sql.raw(String(t))} * ${size})`} and ${sql.raw(String(low))} <= floor(${size} / ${sql.raw(String(t))})`;
    return sql`select a.id, a.incumbent_partner_id, a.created_at, a.match_name, a.domain from account a
        where a.workspace_id = ${workspaceId} and a.claimed and ${nameSizeClassPredicate(sql.raw('a.match_name'), sizeClass)} and ${reachable}
          and a.match_name % ${padded} and similarity(a.match_name, ${name}::text) >= ${sql.raw(String(t))}::real`;
  });
  return sql.join(branches, sql`\n        union all\n        `);
}

/** On the matched accounts: other partners' active registrations, open deals not credited to this partner, other incumbents. */
export function competitorsQuery(input: ConflictCheckInput, accounts: MatchedAccount[]): SQL {
  const registrationId = input.registrationId ?? null;
  const matched = JSON.stringify(
    accounts.map((a) => ({
      id: a.id,
      incumbent_partner_id: a.incumbent_partner_id,
      created_at: a.created_at instanceof Date ? a.created_at.toISOString() : a.created_at,
      match_kind: a.match_kind,
      sim: Number(a.sim),
    })),
  );
  // The ids again as an array literal, so the planner knows how few accounts there are and reads the account indexes.
  const ids = sql`${`{${accounts.map((a) => `"${a.id.replace(/(["\\])/g, '\\$1')}"`).join(',')}}`}::text[]`;
  return sql`
    with matched as materialized (
      select * from jsonb_to_recordset(${matched}::jsonb) as m(id text, incumbent_partner_id text, created_at timestamptz, match_kind text, sim float8)
    )
    select 'registration' as other_kind, r.id as other_id, r.partner_id as other_partner_id, m.id as account_id, m.match_kind, m.sim,
           r.created_at as other_created_at, r.status as other_status
    from registration r
    join matched m on m.id = r.account_id
    where r.workspace_id = ${input.workspaceId} and r.account_id = any(${ids})
      and r.partner_id <> ${input.partnerId}
      and r.status in ('submitted', 'info_requested', 'approved')
      and (r.status <> 'approved' or r.protection_ends_at is null or r.protection_ends_at > ${input.now.toISOString()}::timestamptz)
      and (${registrationId}::text is null or r.id <> ${registrationId}::text)
    union all
    select 'deal', d.id, credit.partner_id, m.id, m.match_kind, m.sim, d.created_at, s.name
    from deal d
    join matched m on m.id = d.account_id
    join stage s on s.id = d.stage_id and s.kind = 'open'
    left join lateral (
      select dc.partner_id from deal_credit dc
      where dc.deal_id = d.id
      order by (dc.role = 'sourced') desc, dc.share_bp desc, dc.id
      limit 1
    ) credit on true
    where d.workspace_id = ${input.workspaceId} and d.account_id = any(${ids})
      and (${registrationId}::text is null or d.registration_id is distinct from ${registrationId}::text)
      and not exists (select 1 from deal_credit own where own.deal_id = d.id and own.partner_id = ${input.partnerId})
    union all
    select 'incumbent', m.id, m.incumbent_partner_id, m.id, m.match_kind, m.sim, m.created_at, 'incumbent'
    from matched m
    where m.incumbent_partner_id is not null and m.incumbent_partner_id <> ${input.partnerId}
    order by 6 desc, 2`;
}
