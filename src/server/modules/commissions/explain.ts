import { sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db.ts';
import { type CommissionLine, type ConversionFacts, type Explanation, type TierRef, capKey, evaluateConversion, fmt, periodKey } from './evaluate.ts';
import { rows } from './ledger.ts';
import { type PlanRef, cachedPlanRef } from './plan.ts';

/**
 * Ledger lines accrued from conversions store the facts they were computed from, not their
 * explanation: `{ "facts": {…}, "signals"?: […] }` in `commission_entry.explanation` (~150 bytes
 * instead of ~1 kB). The explanation is a pure function of the plan version (immutable once
 * active) and these facts, so it is rendered when read — by evaluating the same plan on the same
 * facts — and every reader (API, console, portal, statements) sees the same explanation as
 * before. Other lines (deals, reversals, adjustments, rebates) store their explanation as is.
 */
export interface StoredFacts {
  kind: 'sale' | 'lead';
  amount: string | null;
  currency: string | null;
  product: string | null;
  country: string | null;
  recurring: boolean | null;
  /** The customer's first sale, as the evaluation saw it (ISO 8601). */
  firstSaleAt: string | null;
  tier: TierRef | null;
  /** Already earned under the rule's per-period cap before this line (minor units). */
  capUsed?: string;
}

export interface StoredExplanation {
  facts: StoredFacts;
  signals?: { flag: string; detail: string }[];
}

/**
 * What to store for each line `evaluateConversion(plan, f)` returned: the conversion's facts,
 * plus — for a line under a per-period cap — what was already used under that cap (call it
 * before adding the lines to the usage).
 */
export function storedFactsOf(plan: PlanRef, f: ConversionFacts, lines: CommissionLine[]): StoredFacts[] {
  const base: StoredFacts = {
    kind: f.kind,
    amount: f.amount ? f.amount.amountMinor.toString() : null,
    currency: f.amount ? f.amount.currency : null,
    product: f.product,
    country: f.country,
    recurring: f.isRecurring,
    firstSaleAt: f.customerFirstSaleAt ? f.customerFirstSaleAt.toISOString() : null,
    tier: f.tier,
  };
  return lines.map((line) => {
    if (line.kind !== 'commission' && line.kind !== 'recurring') return base;
    const period = plan.document.rules.find((r) => r.id === line.ruleId)?.caps?.perPartnerPerPeriod?.period;
    if (!period) return base;
    return { ...base, capUsed: (f.capUsage?.get(capKey(line.ruleId, periodKey(f.occurredAt, period), line.amount.currency)) ?? 0n).toString() };
  });
}

export function isStoredFacts(x: unknown): x is StoredExplanation {
  return typeof x === 'object' && x !== null && 'facts' in x && !('summary' in x);
}

/** What a stored line says about itself (its row). */
export interface LineRow {
  planId: string | null;
  ruleId: string | null;
  kind: string;
  sourceId: string;
  partnerId: string;
  programId: string;
  currency: string;
  amountMinor: string;
  /** ISO 8601 */
  earnedAt: string;
}

/** The explanation of a conversion line from its plan and stored facts (pure). */
export function renderExplanation(plan: PlanRef, row: LineRow, stored: StoredExplanation): Explanation & { signals?: StoredExplanation['signals'] } {
  const f = stored.facts;
  const occurredAt = new Date(row.earnedAt);
  const capUsage = new Map<string, bigint>();
  const rule = plan.document.rules.find((r) => r.id === row.ruleId);
  const period = rule?.caps?.perPartnerPerPeriod?.period;
  if (period && f.capUsed !== undefined) capUsage.set(capKey(rule.id, periodKey(occurredAt, period), row.currency), BigInt(f.capUsed));
  const facts: ConversionFacts = {
    conversionId: row.sourceId,
    kind: f.kind,
    partnerId: row.partnerId,
    programId: row.programId,
    occurredAt,
    amount: f.amount !== null && f.currency ? { amountMinor: BigInt(f.amount), currency: f.currency } : null,
    product: f.product,
    country: f.country,
    isRecurring: f.recurring,
    customerFirstSaleAt: f.firstSaleAt ? new Date(f.firstSaleAt) : null,
    tier: f.tier,
    capUsage,
    bonusesGranted: new Set(),
  };
  const family = (k: string) => (k === 'commission' || k === 'recurring' ? 'rule' : k);
  const line = evaluateConversion(plan, facts).find((l) => l.ruleId === row.ruleId && family(l.kind) === family(row.kind));
  const explanation: Explanation = line
    ? line.explanation
    : {
        summary: `${row.kind} ${fmt({ amountMinor: BigInt(row.amountMinor), currency: row.currency })} on conversion ${row.sourceId} (rule ${row.ruleId}, plan “${plan.name}” v${plan.version})`,
        source: { type: 'conversion', id: row.sourceId, kind: f.kind },
        plan: { id: plan.id, version: plan.version, name: plan.name },
        rule: row.ruleId ? { id: row.ruleId, name: row.ruleId } : null,
        base: null,
        rateBp: null,
        tier: f.tier,
        modifiers: [],
      };
  return stored.signals?.length ? { ...explanation, signals: stored.signals } : explanation;
}

/** Only if the plan version is gone (its program was deleted): the numbers, without the rule's words. */
function withoutPlan(row: LineRow, stored: StoredExplanation): Explanation {
  return {
    summary: `${row.kind} ${fmt({ amountMinor: BigInt(row.amountMinor), currency: row.currency })} on conversion ${row.sourceId} (rule ${row.ruleId ?? '—'}; its plan version no longer exists)`,
    source: { type: 'conversion', id: row.sourceId, kind: stored.facts.kind },
    plan: null,
    rule: row.ruleId ? { id: row.ruleId, name: row.ruleId } : null,
    base: null,
    rateBp: null,
    tier: stored.facts.tier,
    modifiers: [],
  };
}

/**
 * Plan versions by id, each only for lines of its own program (a plan id read from a line can
 * never render another program's or workspace's plan). Parsed documents are cached (cachedPlanRef).
 */
export async function plansById(db: Executor, wanted: { planId: string; programId: string }[]): Promise<Map<string, PlanRef>> {
  const out = new Map<string, PlanRef>();
  if (wanted.length === 0) return out;
  const list = await rows<{ id: string; program_id: string; version: number; name: string; updated: string; document: unknown }>(
    db,
    sql`select id, program_id, version, name, updated_at::text as updated, document from commission_plan where (id, program_id) in (${sql.join(
      wanted.map((w) => sql`(${w.planId}, ${w.programId})`),
      sql`, `,
    )})`,
  );
  for (const p of list) out.set(`${p.id}@${p.program_id}`, cachedPlanRef(p));
  return out;
}

/**
 * Replaces stored facts by the rendered explanation on each row that has them (in place; one
 * query for the plans of the whole list). `explanation` may be JSON text or an object.
 */
export async function renderStoredExplanations<T extends { explanation: unknown }>(db: Executor, list: T[], lineOf: (row: T) => LineRow): Promise<T[]> {
  const withFacts: { row: T; stored: StoredExplanation }[] = [];
  for (const row of list) {
    const parsed = typeof row.explanation === 'string' ? JSON.parse(row.explanation) : row.explanation;
    if (isStoredFacts(parsed)) withFacts.push({ row, stored: parsed });
  }
  if (withFacts.length === 0) return list;
  const wanted = new Map<string, { planId: string; programId: string }>();
  for (const { row } of withFacts) {
    const line = lineOf(row);
    if (line.planId) wanted.set(`${line.planId}@${line.programId}`, { planId: line.planId, programId: line.programId });
  }
  const plans = await plansById(db, [...wanted.values()]);
  for (const { row, stored } of withFacts) {
    const line = lineOf(row);
    const plan = line.planId ? plans.get(`${line.planId}@${line.programId}`) : undefined;
    const rendered = plan ? renderExplanation(plan, line, stored) : withoutPlan(line, stored);
    row.explanation = (typeof row.explanation === 'string' ? JSON.stringify(rendered) : rendered) as T['explanation'];
  }
  return list;
}
