import { type SQL, sql } from 'drizzle-orm';
import { type Executor, isUniqueViolation } from '../../platform/db.ts';
import type { Explanation } from './evaluate.ts';
import type { StoredExplanation } from './explain.ts';

/** Raw rows of a plain-SQL query, the same on PGlite and node-postgres. */
export async function rows<T>(db: Executor, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

export const ENTRY_KINDS = ['commission', 'recurring', 'spiff', 'rebate', 'bonus', 'reversal', 'clawback', 'adjustment'] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];
export const ENTRY_STATUSES = ['pending', 'approved', 'payable', 'paid', 'reversed'] as const;
export type EntryStatus = (typeof ENTRY_STATUSES)[number];

/** A ledger line to insert (idempotent on workspace + idempotency key). */
export interface NewEntry {
  id: string;
  workspaceId: string;
  programId: string;
  partnerId: string;
  planId: string | null;
  ruleId: string | null;
  kind: EntryKind;
  sourceType: 'conversion' | 'deal' | 'period' | 'manual';
  sourceId: string;
  conversionId: string | null;
  dealId: string | null;
  reversesEntryId: string | null;
  idempotencyKey: string;
  baseMinor: bigint | null;
  rateBp: number | null;
  amountMinor: bigint;
  currency: string;
  status: EntryStatus;
  holdUntil: Date | null;
  flags: string[];
  /** The explanation, or (conversion lines) the facts it is rendered from when read: explain.ts. */
  explanation: Explanation | StoredExplanation | Record<string, unknown>;
  earnedAt: Date;
  approvedAt?: Date | null;
}

const NEEDS_ESCAPE = /[\\"]/;

/** One element of a PostgreSQL array literal: NULL, or a double-quoted string with `\\` and `"` backslash-escaped. */
function arrayElement(v: string | null): string {
  if (v === null) return 'NULL';
  return NEEDS_ESCAPE.test(v) ? `"${v.replace(/[\\"]/g, '\\$&')}"` : `"${v}"`;
}

/** A PostgreSQL array literal (`{"a","b",NULL}`), bound as ONE text parameter and cast in SQL (`::text[]`, `::bigint[]`…). */
export function pgArray(values: (string | null)[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) out += (i ? ',' : '') + arrayElement(values[i]);
  return `${out}}`;
}

const str = (v: bigint | number | null | undefined) => (v === null || v === undefined ? null : v.toString());
const msOrNull = (d: Date | null | undefined) => (d ? String(d.getTime()) : null);
const NO_FLAGS = '{}';

/**
 * The columns of an insert, in order: name, SQL type, value of an entry, and whether the value can
 * need escaping in an array literal (ids we generate, numbers and timestamps never do).
 * Timestamps travel as epoch milliseconds (`timestamptz_ms`): cheaper to write and to read than
 * ISO text, and exact (a millisecond count ÷ 1000 as float8 rounds back to the same microsecond).
 */
type ColumnType = 'text' | 'bigint' | 'int' | 'timestamptz_ms' | 'text[]';
const COLUMNS: [string, ColumnType, (e: NewEntry) => string | null, boolean][] = [
  ['id', 'text', (e) => e.id, false],
  ['workspace_id', 'text', (e) => e.workspaceId, true],
  ['program_id', 'text', (e) => e.programId, true],
  ['partner_id', 'text', (e) => e.partnerId, true],
  ['plan_id', 'text', (e) => e.planId, true],
  ['rule_id', 'text', (e) => e.ruleId, true],
  ['kind', 'text', (e) => e.kind, false],
  ['source_type', 'text', (e) => e.sourceType, false],
  ['source_id', 'text', (e) => e.sourceId, true],
  ['conversion_id', 'text', (e) => e.conversionId, true],
  ['deal_id', 'text', (e) => e.dealId, true],
  ['reverses_entry_id', 'text', (e) => e.reversesEntryId, true],
  ['idempotency_key', 'text', (e) => e.idempotencyKey, true],
  ['base_minor', 'bigint', (e) => str(e.baseMinor), false],
  ['rate_bp', 'int', (e) => str(e.rateBp), false],
  ['amount_minor', 'bigint', (e) => e.amountMinor.toString(), false],
  ['currency', 'text', (e) => e.currency, true],
  ['status', 'text', (e) => e.status, false],
  ['hold_until', 'timestamptz_ms', (e) => msOrNull(e.holdUntil), false],
  ['flags', 'text[]', (e) => (e.flags.length === 0 ? NO_FLAGS : pgArray(e.flags)), true],
  ['earned_at', 'timestamptz_ms', (e) => String(e.earnedAt.getTime()), false],
  ['approved_at', 'timestamptz_ms', (e) => msOrNull(e.approvedAt), false],
];

/** The SQL value of a column from its bound text (`v` is a parameter or an unnested element). */
function columnValue(type: ColumnType, v: SQL): SQL {
  if (type === 'timestamptz_ms') return sql`to_timestamp(${v}::float8 / 1000)`;
  if (type === 'text[]') return sql`coalesce(${v}::text[], '{}'::text[])`;
  return sql`${v}::${sql.raw(type)}`;
}

/** A PostgreSQL array literal of values that need no escaping (ids, numbers). */
function plainArray(values: (string | null)[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out += (i ? ',' : '') + (v === null ? 'NULL' : v);
  }
  return `${out}}`;
}

/**
 * The INSERT of a list of ledger lines, skipping any whose idempotency key already exists:
 * replays and reorders change nothing. A column with the same value on every line (workspace,
 * program, plan, status, currency… in an accrual batch) is bound once as a scalar; the others
 * travel as one array parameter each and are zipped with `rows from (unnest …)` (several times
 * cheaper for PostgreSQL to decode than one big JSON document through `jsonb_to_recordset`);
 * `flags` travels as an array literal per element, and the explanations as ONE JSON array,
 * zipped in by `jsonb_array_elements` (one parse, no per-element escaping).
 */
function insertSql(entries: NewEntry[], returning: SQL, skipExisting = true): SQL {
  const names: string[] = [];
  const values: SQL[] = [];
  const sources: SQL[] = [];
  const sourceNames: string[] = [];
  const list: (string | null)[] = new Array(entries.length);
  for (const [name, type, get, escapable] of COLUMNS) {
    const first = get(entries[0]);
    let same = true;
    list[0] = first;
    for (let i = 1; i < entries.length; i++) {
      const v = get(entries[i]);
      list[i] = v;
      if (same && v !== first) same = false;
    }
    names.push(name);
    if (same) {
      values.push(columnValue(type, sql`${first}`));
      continue;
    }
    // Numbers and ids are written as they are; a value that may contain quotes or backslashes is quoted.
    const literal = escapable ? pgArray(list) : plainArray(list);
    sources.push(sql`unnest(${literal}::${sql.raw(type === 'timestamptz_ms' ? 'bigint' : type === 'text[]' ? 'text' : type)}[])`);
    sourceNames.push(name);
    values.push(columnValue(type, sql.raw(`x.${name}`)));
  }
  names.push('explanation');
  sources.push(sql`jsonb_array_elements(${JSON.stringify(entries.map((e) => e.explanation))}::jsonb)`);
  sourceNames.push('explanation');
  values.push(sql.raw('x.explanation'));
  return sql`insert into commission_entry (${sql.raw(names.join(', '))})
      select ${sql.join(values, sql`, `)}
      from rows from (${sql.join(sources, sql`, `)}) as x(${sql.raw(sourceNames.join(', '))})
      ${skipExisting ? sql`on conflict (workspace_id, idempotency_key) do nothing` : sql``}
      ${returning}`;
}

/** Inserts ledger lines in one statement (idempotent: see `insertSql`); returns the ids inserted. */
export async function insertEntries(db: Executor, entries: NewEntry[]): Promise<string[]> {
  if (entries.length === 0) return [];
  const inserted = await rows<{ id: string }>(db, insertSql(entries, sql`returning id`));
  return inserted.map((r) => r.id);
}

/**
 * The same, for a large batch (an accrual batch): returns only how many lines were new. Nearly
 * always every line is new — the accrual queue hands each conversion out once — and a plain
 * INSERT costs PostgreSQL ~20 % less than one with ON CONFLICT (no speculative insertion per
 * row). So it first tries the plain INSERT in a savepoint; when a line exists already (a replay:
 * a conversion queued again), the idempotency key refuses it and the batch is inserted again
 * skipping the lines that exist. Either way the ledger ends the same.
 */
export async function insertEntriesCount(db: Executor, entries: NewEntry[]): Promise<number> {
  if (entries.length === 0) return 0;
  try {
    await db.transaction(async (savepoint) => {
      await savepoint.execute(insertSql(entries, sql``, false));
    });
    return entries.length;
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
  }
  const [r] = await rows<{ n: number }>(db, sql`with ins as (${insertSql(entries, sql`returning 1`)}) select count(*)::int as n from ins`);
  return Number(r.n);
}

export interface LedgerFilter {
  partnerId?: string;
  programId?: string;
  status?: EntryStatus;
  kind?: EntryKind;
  /** earned_at in [from, to) */
  from?: Date;
  to?: Date;
  flagged?: boolean;
  /** The lines of one payout (its statement). */
  payoutId?: string;
}

export function filterSql(workspaceId: string, f: LedgerFilter): SQL {
  const parts: SQL[] = [sql`e.workspace_id = ${workspaceId}`];
  if (f.partnerId) parts.push(sql`e.partner_id = ${f.partnerId}`);
  if (f.programId) parts.push(sql`e.program_id = ${f.programId}`);
  if (f.status) parts.push(sql`e.status = ${f.status}`);
  if (f.kind) parts.push(sql`e.kind = ${f.kind}`);
  if (f.from) parts.push(sql`e.earned_at >= ${f.from.toISOString()}::timestamptz`);
  if (f.to) parts.push(sql`e.earned_at < ${f.to.toISOString()}::timestamptz`);
  if (f.flagged === true) parts.push(sql`cardinality(e.flags) > 0`);
  if (f.flagged === false) parts.push(sql`cardinality(e.flags) = 0`);
  if (f.payoutId) parts.push(sql`e.payout_id = ${f.payoutId}`);
  return sql.join(parts, sql` and `);
}

export interface CurrencyTotals {
  currency: string;
  /** Sum of every positive entry. */
  accrued: bigint;
  /** Signed sums of the entries in each status (negative entries net in their status)… */
  pending: bigint;
  approved: bigint;
  payable: bigint;
  paid: bigint;
  /** …except reversed: positive entries in status reversed plus what negative entries outside it take back. */
  reversed: bigint;
  /** Negative entries in status reversed (mirrors of reversed originals). */
  reversedMirror: bigint;
  /** Sum of all entries: what the partner is owed over time. */
  net: bigint;
  entries: number;
}

/**
 * The ledger identity, per currency: accrued = paid + payable + approved + pending + reversed,
 * exactly. Also `reversedMirror` = −(positive entries reversed before payment that were fully
 * mirrored). `balanced` is checked by tests after mixed scenarios.
 */
export async function ledgerTotals(ctx: { db: Executor; workspaceId: string }, filter: LedgerFilter = {}): Promise<{ data: (CurrencyTotals & { balanced: boolean })[] }> {
  const r = await rows<Record<string, string>>(
    ctx.db,
    sql`select e.currency,
        coalesce(sum(e.amount_minor) filter (where e.amount_minor > 0), 0)::text as accrued,
        coalesce(sum(e.amount_minor) filter (where e.status = 'pending'), 0)::text as pending,
        coalesce(sum(e.amount_minor) filter (where e.status = 'approved'), 0)::text as approved,
        coalesce(sum(e.amount_minor) filter (where e.status = 'payable'), 0)::text as payable,
        coalesce(sum(e.amount_minor) filter (where e.status = 'paid'), 0)::text as paid,
        (coalesce(sum(e.amount_minor) filter (where e.status = 'reversed' and e.amount_minor > 0), 0)
          - coalesce(sum(e.amount_minor) filter (where e.status <> 'reversed' and e.amount_minor < 0), 0))::text as reversed,
        coalesce(sum(e.amount_minor) filter (where e.status = 'reversed' and e.amount_minor < 0), 0)::text as reversed_mirror,
        coalesce(sum(e.amount_minor), 0)::text as net,
        count(*)::int as entries
      from commission_entry e where ${filterSql(ctx.workspaceId, filter)}
      group by e.currency order by e.currency`,
  );
  return {
    data: r.map((x) => {
      const t: CurrencyTotals = {
        currency: x.currency,
        accrued: BigInt(x.accrued),
        pending: BigInt(x.pending),
        approved: BigInt(x.approved),
        payable: BigInt(x.payable),
        paid: BigInt(x.paid),
        reversed: BigInt(x.reversed),
        reversedMirror: BigInt(x.reversed_mirror),
        net: BigInt(x.net),
        entries: Number(x.entries),
      };
      const balanced = t.accrued === t.paid + t.payable + t.approved + t.pending + t.reversed && t.net === t.accrued - t.reversed;
      return { ...t, balanced };
    }),
  };
}
