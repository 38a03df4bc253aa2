import { type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db.ts';
import type { Explanation } from './evaluate.ts';

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
  explanation: Explanation | Record<string, unknown>;
  earnedAt: Date;
  approvedAt?: Date | null;
}

/** One element of a PostgreSQL array literal: NULL, or a double-quoted string with `\\` and `"` backslash-escaped. */
function arrayElement(v: string | null): string {
  return v === null ? 'NULL' : `"${v.replace(/[\\"]/g, '\\$&')}"`;
}

/** A PostgreSQL array literal (`{"a","b",NULL}`), bound as ONE text parameter and cast in SQL (`::text[]`, `::bigint[]`…). */
export function pgArray(values: (string | null)[]): string {
  return `{${values.map(arrayElement).join(',')}}`;
}

/**
 * An array literal of JSON documents. `JSON.stringify` of the JSON text is exactly a quoted
 * array element: the JSON text has no raw control characters, so only `"` and `\\` are escaped
 * (with a backslash, as PostgreSQL expects) — and it is native, unlike a regex over long strings.
 */
function pgJsonArray(values: unknown[]): string {
  return `{${values.map((v) => JSON.stringify(JSON.stringify(v))).join(',')}}`;
}

/**
 * Inserts ledger lines in one statement, skipping any whose idempotency key already exists:
 * replays and reorders change nothing. Returns the ids inserted. The columns travel as one
 * array parameter each and are zipped with `unnest` (several times cheaper for PostgreSQL to
 * decode than one big JSON document through `jsonb_to_recordset`); `explanation` travels as
 * JSON text per element and `flags` as an array literal per element.
 */
export async function insertEntries(db: Executor, entries: NewEntry[]): Promise<string[]> {
  if (entries.length === 0) return [];
  const col = (f: (e: NewEntry) => string | null) => pgArray(entries.map(f));
  const str = (v: bigint | number | null | undefined) => (v === null || v === undefined ? null : v.toString());
  const inserted = await rows<{ id: string }>(
    db,
    sql`insert into commission_entry (id, workspace_id, program_id, partner_id, plan_id, rule_id, kind, source_type, source_id,
        conversion_id, deal_id, reverses_entry_id, idempotency_key, base_minor, rate_bp, amount_minor, currency, status,
        hold_until, flags, explanation, earned_at, approved_at)
      select x.id, x.workspace_id, x.program_id, x.partner_id, x.plan_id, x.rule_id, x.kind, x.source_type, x.source_id,
        x.conversion_id, x.deal_id, x.reverses_entry_id, x.idempotency_key, x.base_minor, x.rate_bp, x.amount_minor, x.currency, x.status,
        x.hold_until, coalesce(x.flags::text[], '{}'::text[]), x.explanation::jsonb, x.earned_at, x.approved_at
      from unnest(${col((e) => e.id)}::text[], ${col((e) => e.workspaceId)}::text[], ${col((e) => e.programId)}::text[],
        ${col((e) => e.partnerId)}::text[], ${col((e) => e.planId)}::text[], ${col((e) => e.ruleId)}::text[], ${col((e) => e.kind)}::text[],
        ${col((e) => e.sourceType)}::text[], ${col((e) => e.sourceId)}::text[], ${col((e) => e.conversionId)}::text[], ${col((e) => e.dealId)}::text[],
        ${col((e) => e.reversesEntryId)}::text[], ${col((e) => e.idempotencyKey)}::text[], ${col((e) => str(e.baseMinor))}::bigint[],
        ${col((e) => str(e.rateBp))}::int[], ${col((e) => e.amountMinor.toString())}::bigint[], ${col((e) => e.currency)}::text[],
        ${col((e) => e.status)}::text[], ${col((e) => (e.holdUntil ? e.holdUntil.toISOString() : null))}::timestamptz[],
        ${col((e) => pgArray(e.flags))}::text[], ${pgJsonArray(entries.map((e) => e.explanation))}::text[],
        ${col((e) => e.earnedAt.toISOString())}::timestamptz[], ${col((e) => (e.approvedAt ? e.approvedAt.toISOString() : null))}::timestamptz[])
        as x(id, workspace_id, program_id, partner_id, plan_id, rule_id, kind, source_type, source_id, conversion_id, deal_id,
          reverses_entry_id, idempotency_key, base_minor, rate_bp, amount_minor, currency, status, hold_until, flags, explanation, earned_at, approved_at)
      on conflict (workspace_id, idempotency_key) do nothing
      returning id`,
  );
  return inserted.map((r) => r.id);
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
