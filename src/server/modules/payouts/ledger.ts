import { type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db.ts';
import { renderStoredExplanations } from '../commissions/explain.ts';

/**
 * The payouts module's only access to the commission ledger (`commission_entry`, owned by the
 * commissions module). Payouts is the only writer of `payout_id` and of the statuses
 * `payable` and `paid`, and returns entries from `payable` to `approved` when a payout is
 * cancelled. Plain SQL on the contract's column names keeps this independent of how the
 * commissions module declares its table.
 */
export interface LedgerEntry {
  id: string;
  partnerId: string;
  programId: string;
  kind: string;
  sourceType: string;
  sourceId: string | null;
  baseMinor: bigint | null;
  rateBp: number | null;
  amountMinor: bigint;
  currency: string;
  status: string;
  explanation: Record<string, unknown>;
  earnedAt: Date;
}

async function rows<T>(db: Executor, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

const utc = (s: string | null) => (s ? new Date(`${s.replace(' ', 'T')}Z`) : null);

const SELECT = sql`select e.id, e.partner_id, e.program_id, e.kind, e.source_type, e.source_id, e.plan_id, e.rule_id,
  e.base_minor::text as base_minor, e.rate_bp, e.amount_minor::text as amount_minor, e.currency, e.status,
  coalesce(e.explanation, '{}'::jsonb)::text as explanation,
  to_char(e.earned_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS') as earned_at
  from commission_entry e`;

type Raw = {
  id: string; partner_id: string; program_id: string; kind: string; source_type: string; source_id: string | null; plan_id: string | null; rule_id: string | null;
  base_minor: string | null; rate_bp: number | null; amount_minor: string; currency: string; status: string; explanation: string; earned_at: string;
};

function toEntry(r: Raw): LedgerEntry {
  let explanation: Record<string, unknown> = {};
  try {
    explanation = JSON.parse(r.explanation) as Record<string, unknown>;
  } catch {
    // keep empty
  }
  return {
    id: r.id,
    partnerId: r.partner_id,
    programId: r.program_id,
    kind: r.kind,
    sourceType: r.source_type,
    sourceId: r.source_id,
    baseMinor: r.base_minor === null ? null : BigInt(r.base_minor),
    rateBp: r.rate_bp === null ? null : Number(r.rate_bp),
    amountMinor: BigInt(r.amount_minor),
    currency: r.currency,
    status: r.status,
    explanation,
    earnedAt: utc(r.earned_at) as Date,
  };
}

/** Approved entries of a program not yet in a payout, earned up to `cutoff`. */
export async function payableCandidates(db: Executor, workspaceId: string, programId: string, cutoff: Date): Promise<LedgerEntry[]> {
  const raw = await rows<Raw>(
    db,
    sql`${SELECT} where e.workspace_id = ${workspaceId} and e.program_id = ${programId} and e.status = 'approved'
      and e.payout_id is null and e.earned_at <= ${cutoff.toISOString()}::timestamptz
      and not exists (select 1 from payout_item i where i.workspace_id = e.workspace_id and i.entry_id = e.id)
      order by e.partner_id, e.earned_at, e.id`,
  );
  return raw.map(toEntry);
}

/** The entries of a payout (draft or later), oldest first. */
export async function entriesOfPayout(db: Executor, workspaceId: string, payoutId: string): Promise<LedgerEntry[]> {
  const raw = await rows<Raw>(
    db,
    sql`${SELECT} join payout_item i on i.workspace_id = e.workspace_id and i.entry_id = e.id
      where e.workspace_id = ${workspaceId} and i.payout_id = ${payoutId} order by e.earned_at, e.id`,
  );
  // Conversion lines store the facts of their explanation; the commissions module renders it.
  await renderStoredExplanations(db, raw, (r) => ({
    planId: r.plan_id,
    ruleId: r.rule_id,
    kind: r.kind,
    sourceId: r.source_id ?? '',
    partnerId: r.partner_id,
    programId: r.program_id,
    currency: r.currency,
    amountMinor: r.amount_minor,
    earnedAt: `${r.earned_at.replace(' ', 'T')}Z`,
  }));
  return raw.map(toEntry);
}

/** approved → payable with payout_id set, for the payout's items; returns how many moved. */
export async function markPayable(db: Executor, workspaceId: string, payoutId: string): Promise<number> {
  const moved = await rows<{ id: string }>(
    db,
    sql`update commission_entry set status = 'payable', payout_id = ${payoutId}
      where workspace_id = ${workspaceId} and status = 'approved' and payout_id is null
      and id in (select entry_id from payout_item where workspace_id = ${workspaceId} and payout_id = ${payoutId}) returning id`,
  );
  return moved.length;
}

/** payable → paid for a payout the provider confirmed. */
export async function markPaid(db: Executor, workspaceId: string, payoutId: string, paidAt: Date): Promise<number> {
  const moved = await rows<{ id: string }>(
    db,
    sql`update commission_entry set status = 'paid', paid_at = ${paidAt.toISOString()}::timestamptz
      where workspace_id = ${workspaceId} and payout_id = ${payoutId} and status = 'payable' returning id`,
  );
  return moved.length;
}

/** payable → approved (payout_id cleared) when a payout is cancelled: the entries go to a later run. */
export async function returnToApproved(db: Executor, workspaceId: string, payoutId: string): Promise<number> {
  const moved = await rows<{ id: string }>(
    db,
    sql`update commission_entry set status = 'approved', payout_id = null
      where workspace_id = ${workspaceId} and payout_id = ${payoutId} and status = 'payable' returning id`,
  );
  return moved.length;
}

/** Sums by status of a partner's entries (portal summary), per currency. */
export async function partnerBalances(db: Executor, workspaceId: string, partnerId: string) {
  return rows<{ status: string; currency: string; total: string }>(
    db,
    sql`select status, currency, sum(amount_minor)::text as total from commission_entry
      where workspace_id = ${workspaceId} and partner_id = ${partnerId} group by status, currency order by status, currency`,
  );
}

/**
 * Attaches the −R line of a transfer reversal (payouts/reversals.ts) to the payout it came back
 * from: `paid` there, so the ledger's paid total is what the partner kept, and listed with that
 * payout's lines.
 */
export async function attachReturnedEntry(db: Executor, workspaceId: string, entryId: string, payoutId: string, at: Date): Promise<void> {
  await db.execute(
    sql`update commission_entry set payout_id = ${payoutId}, paid_at = ${at.toISOString()}::timestamptz
      where workspace_id = ${workspaceId} and id = ${entryId} and status = 'paid' and amount_minor < 0`,
  );
}
