import { type Money, allocate, applyBasisPoints, divideRounded, minorUnitExponent } from '../../platform/money.ts';
import type { Bonus, Caps, Period, PlanDocument, PlanRef, Rebate, Rule, RuleConditions, Spiff } from './plan.ts';

/**
 * The commission function: plan + facts → ledger lines. Pure (no I/O, no clock): the
 * accrual job gathers the facts in bulk and writes the lines with their idempotency keys.
 * Every line carries a structured explanation a person can read.
 */

export type LineKind = 'commission' | 'recurring' | 'spiff' | 'bonus' | 'rebate';

export interface ExplanationModifier {
  kind: 'cap_per_conversion' | 'cap_per_period' | 'share' | 'spiff_window' | 'duration' | 'pro_rata' | 'rounding' | 'note';
  detail: string;
}

/** Stored in `commission_entry.explanation` (JSON). Money values as `{ amountMinor: string, currency }`. */
export interface Explanation {
  summary: string;
  source: { type: 'conversion' | 'deal' | 'period' | 'manual'; id: string; kind?: string; occurredAt?: string; amount?: JsonMoney | null; product?: string | null; country?: string | null };
  plan: { id: string; version: number; name: string } | null;
  rule: { id: string; name: string; type?: 'percentage' | 'flat' | 'rebate' | 'bonus'; duration?: string } | null;
  base: JsonMoney | null;
  rateBp: number | null;
  flat?: JsonMoney | null;
  tier: { id: string; name: string } | null;
  credit?: { role: string; shareBp: number } | null;
  modifiers: ExplanationModifier[];
}

export interface JsonMoney {
  amountMinor: string;
  currency: string;
}

export interface CommissionLine {
  partnerId: string;
  kind: LineKind;
  ruleId: string;
  idempotencyKey: string;
  base: Money | null;
  rateBp: number | null;
  amount: Money;
  explanation: Explanation;
}

export interface TierRef {
  id: string;
  name: string;
}

/** Facts about one conversion (a sale or a lead) attributed to a partner. */
export interface ConversionFacts {
  conversionId: string;
  kind: 'sale' | 'lead';
  partnerId: string;
  programId: string;
  occurredAt: Date;
  amount: Money | null;
  product: string | null;
  country: string | null;
  /** From the provider: a renewal (true) vs a first payment (false); null = unknown. */
  isRecurring: boolean | null;
  /** The customer's earliest sale by occurred time (this one included); null when unknown. */
  customerFirstSaleAt: Date | null;
  tier: TierRef | null;
  /** Already used under a per-period cap: key `${ruleId}|${periodKey}|${currency}` → minor units. */
  capUsage?: ReadonlyMap<string, bigint>;
  /** Onboarding bonus triggers already granted to this partner in this program (only `has` is asked). */
  bonusesGranted?: Pick<ReadonlySet<string>, 'has'>;
}

export interface DealCreditFacts {
  partnerId: string;
  role: string;
  shareBp: number;
  tier: TierRef | null;
  capUsage?: ReadonlyMap<string, bigint>;
  bonusesGranted?: ReadonlySet<string>;
}

export interface DealFacts {
  dealId: string;
  occurredAt: Date;
  amount: Money;
  country: string | null;
  products: string[];
  isRenewal: boolean;
  credits: DealCreditFacts[];
}

// ── helpers ──

export function jsonMoney(m: Money): JsonMoney {
  return { amountMinor: m.amountMinor.toString(), currency: m.currency };
}

/** Cheap, exact formatting for explanations: "USD 1,234.56". */
export function fmt(m: Money): string {
  const exp = minorUnitExponent(m.currency);
  const neg = m.amountMinor < 0n;
  const abs = neg ? -m.amountMinor : m.amountMinor;
  const base = 10n ** BigInt(exp);
  const major = (abs / base).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const minor = exp > 0 ? `.${(abs % base).toString().padStart(exp, '0')}` : '';
  return `${neg ? '-' : ''}${m.currency} ${major}${minor}`;
}

export function fmtRate(bp: number): string {
  const whole = Math.trunc(bp / 100);
  const frac = Math.abs(bp % 100);
  return frac === 0 ? `${whole}%` : `${whole}.${frac.toString().padStart(2, '0').replace(/0$/, '')}%`;
}

function money(m: { amountMinor: string; currency: string }): Money {
  return { amountMinor: BigInt(m.amountMinor), currency: m.currency };
}

/** Adds calendar months in UTC, clamping the day (31 Jan + 1 month = 28/29 Feb). */
export function addMonthsUtc(d: Date, months: number): Date {
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const targetY = y + Math.floor(m / 12);
  const targetM = ((m % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(targetY, targetM + 1, 0)).getUTCDate();
  const day = Math.min(d.getUTCDate(), lastDay);
  return new Date(Date.UTC(targetY, targetM, day, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()));
}

/** Calendar period key in UTC: 2026-11, 2026-Q4, 2026. */
export function periodKey(d: Date, period: Period): string {
  const y = d.getUTCFullYear();
  if (period === 'year') return `${y}`;
  if (period === 'quarter') return `${y}-Q${Math.floor(d.getUTCMonth() / 3) + 1}`;
  return `${y}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** [start, end) of the period with this key. */
export function periodBounds(key: string): { start: Date; end: Date; period: Period } {
  const q = /^(\d{4})-Q([1-4])$/.exec(key);
  if (q) {
    const y = Number(q[1]);
    const m0 = (Number(q[2]) - 1) * 3;
    return { start: new Date(Date.UTC(y, m0, 1)), end: new Date(Date.UTC(y, m0 + 3, 1)), period: 'quarter' };
  }
  const m = /^(\d{4})-(\d{2})$/.exec(key);
  if (m) {
    const y = Number(m[1]);
    const mm = Number(m[2]) - 1;
    if (mm < 0 || mm > 11) throw new Error(`Bad period ${key}`);
    return { start: new Date(Date.UTC(y, mm, 1)), end: new Date(Date.UTC(y, mm + 1, 1)), period: 'month' };
  }
  const y = /^(\d{4})$/.exec(key);
  if (y) return { start: new Date(Date.UTC(Number(y[1]), 0, 1)), end: new Date(Date.UTC(Number(y[1]) + 1, 0, 1)), period: 'year' };
  throw new Error(`Bad period ${key}`);
}

export function capKey(ruleId: string, key: string, currency: string): string {
  return `${ruleId}|${key}|${currency}`;
}

interface MatchInput {
  payment: 'new' | 'recurring';
  country: string | null;
  products: string[];
  tier: TierRef | null;
  role: string | null;
}

function conditionsMatch(c: RuleConditions, m: MatchInput): boolean {
  if (c.payment !== 'any' && c.payment !== m.payment) return false;
  if (c.countries?.length && (!m.country || !c.countries.includes(m.country))) return false;
  if (c.products?.length && !m.products.some((p) => c.products?.includes(p))) return false;
  if (c.tierIds?.length && (!m.tier || !c.tierIds.includes(m.tier.id))) return false;
  if (c.dealRoles?.length && (!m.role || !c.dealRoles.includes(m.role as never))) return false;
  return true;
}

function durationText(rule: Rule): string {
  const d = rule.duration;
  if (d.type === 'recurring') return `recurring for ${d.months} months`;
  return d.type === 'lifetime' ? 'lifetime' : 'one-time';
}

interface CapResult {
  amount: Money;
  modifiers: ExplanationModifier[];
}

/** Applies a rule's caps to one line amount (per conversion, then the per-period remainder). */
function applyCaps(amount: Money, caps: Caps | undefined, ruleId: string, at: Date, usage: ReadonlyMap<string, bigint> | undefined): CapResult {
  const modifiers: ExplanationModifier[] = [];
  let value = amount.amountMinor;
  if (caps?.perConversion) {
    const cap = money(caps.perConversion);
    if (cap.currency !== amount.currency) modifiers.push({ kind: 'note', detail: `cap per conversion ${fmt(cap)} not applied: line is in ${amount.currency}` });
    else if (value > cap.amountMinor) {
      modifiers.push({ kind: 'cap_per_conversion', detail: `capped from ${fmt({ amountMinor: value, currency: amount.currency })} to ${fmt(cap)} per conversion` });
      value = cap.amountMinor;
    }
  }
  if (caps?.perPartnerPerPeriod) {
    const cap = money(caps.perPartnerPerPeriod.amount);
    const key = periodKey(at, caps.perPartnerPerPeriod.period);
    if (cap.currency !== amount.currency) modifiers.push({ kind: 'note', detail: `cap per ${caps.perPartnerPerPeriod.period} ${fmt(cap)} not applied: line is in ${amount.currency}` });
    else {
      const used = usage?.get(capKey(ruleId, key, amount.currency)) ?? 0n;
      const room = cap.amountMinor - used > 0n ? cap.amountMinor - used : 0n;
      if (value > room) {
        modifiers.push({
          kind: 'cap_per_period',
          detail: `capped from ${fmt({ amountMinor: value, currency: amount.currency })} to ${fmt({ amountMinor: room, currency: amount.currency })}: ${fmt(cap)} per ${caps.perPartnerPerPeriod.period} (${key}), ${fmt({ amountMinor: used, currency: amount.currency })} already earned`,
        });
        value = room;
      }
    }
  }
  return { amount: { amountMinor: value, currency: amount.currency }, modifiers };
}

/**
 * Attaches the explanation as a lazy, memoized property: the accrual job evaluates hundreds of
 * thousands of conversions and stores their facts, not their explanation (rendered when read,
 * see explain.ts), so it never pays for the formatting; anyone who reads `line.explanation`
 * gets the same object as before.
 */
class Line implements CommissionLine {
  partnerId: string;
  kind: LineKind;
  ruleId: string;
  idempotencyKey: string;
  base: Money | null;
  rateBp: number | null;
  amount: Money;
  #explain: (() => Explanation) | null;
  #value: Explanation | undefined;

  constructor(l: Omit<CommissionLine, 'explanation'>, explain: () => Explanation) {
    this.partnerId = l.partnerId;
    this.kind = l.kind;
    this.ruleId = l.ruleId;
    this.idempotencyKey = l.idempotencyKey;
    this.base = l.base;
    this.rateBp = l.rateBp;
    this.amount = l.amount;
    this.#explain = explain;
  }

  /** A getter on the prototype (not `Object.defineProperty` per line, which is several times slower). */
  get explanation(): Explanation {
    if (this.#value === undefined) {
      this.#value = (this.#explain as () => Explanation)();
      this.#explain = null;
    }
    return this.#value;
  }
}

function withExplanation(line: Omit<CommissionLine, 'explanation'>, explain: () => Explanation): CommissionLine {
  return new Line(line, explain);
}

function planRef(plan: PlanRef) {
  return { id: plan.id, version: plan.version, name: plan.name };
}

// ── conversions ──

/**
 * Evaluates one sale or lead under a plan. Rule choice: the first rule (in document order)
 * whose source, kind and conditions match and whose duration covers this payment; then every
 * SPIFF whose window contains the conversion; then the first-sale bonus if not yet granted.
 */
export function evaluateConversion(plan: PlanRef, f: ConversionFacts): CommissionLine[] {
  const doc = plan.document;
  const lines: CommissionLine[] = [];
  const firstAt = f.customerFirstSaleAt ?? f.occurredAt;
  const isFirstByTime = f.occurredAt.getTime() <= firstAt.getTime();
  const isRenewal = f.kind === 'sale' ? (f.isRecurring ?? !isFirstByTime) : false;
  const match: MatchInput = { payment: isRenewal ? 'recurring' : 'new', country: f.country, products: f.product ? [f.product] : [], tier: f.tier, role: null };
  const source = f;
  const what = f.kind === 'sale' ? (isRenewal ? 'renewal payment' : 'sale') : 'lead';

  for (const rule of doc.rules) {
    if (rule.source !== 'conversion' || rule.conversionKind !== f.kind) continue;
    if (!conditionsMatch(rule.conditions, match)) continue;
    if (rule.type === 'percentage' && !f.amount) continue;
    let until: Date | null = null;
    if (f.kind === 'sale') {
      const d = rule.duration;
      if (d.type === 'one_time' && isRenewal) continue;
      if (d.type === 'recurring') {
        until = addMonthsUtc(firstAt, d.months);
        if (f.occurredAt.getTime() >= until.getTime()) continue;
      }
    }
    const base: Money | null = rule.type === 'percentage' ? (f.amount as Money) : null;
    const rateBp: number | null = rule.type === 'percentage' ? (rule.rateBp as number) : null;
    const full = base ? applyBasisPoints(base, rateBp as number, 'half_even') : money(rule.flat as JsonMoney);
    const capped = applyCaps(full, rule.caps, rule.id, f.occurredAt, f.capUsage);
    const amount = capped.amount;
    if (amount.amountMinor > 0n) {
      const duration = rule.duration;
      lines.push(
        withExplanation(
          { partnerId: f.partnerId, kind: isRenewal ? 'recurring' : 'commission', ruleId: rule.id, idempotencyKey: `cnv:${f.conversionId}:${rule.id}`, base, rateBp, amount },
          () => {
            const modifiers: ExplanationModifier[] = [];
            if (until && duration.type === 'recurring') {
              modifiers.push({ kind: 'duration', detail: `within ${duration.months} months of the customer's first sale on ${firstAt.toISOString().slice(0, 10)} (until ${until.toISOString().slice(0, 10)})` });
            }
            modifiers.push(...capped.modifiers);
            const calc = base ? `${fmtRate(rateBp as number)} of ${fmt(base)}` : `flat ${fmt(full)}`;
            return {
              summary: `${calc} on ${what} ${f.conversionId} = ${fmt(amount)} (rule “${rule.name}”, ${durationText(rule)}, plan “${plan.name}” v${plan.version}${f.tier ? `, tier ${f.tier.name}` : ''})`,
              source: conversionSource(source),
              plan: planRef(plan),
              rule: { id: rule.id, name: rule.name, type: rule.type, duration: durationText(rule) },
              base: base ? jsonMoney(base) : null,
              rateBp,
              flat: rule.flat ?? null,
              tier: f.tier,
              modifiers,
            };
          },
        ),
      );
    }
    break;
  }

  for (const spiff of doc.spiffs) {
    if (spiff.source !== 'conversion' || spiff.conversionKind !== f.kind) continue;
    if (!inWindow(spiff, f.occurredAt)) continue;
    if (!conditionsMatch(spiff.conditions, match)) continue;
    if (spiff.type === 'percentage' && !f.amount) continue;
    const line = spiffAmount(spiff, f.amount);
    if (line.amount.amountMinor <= 0n) continue;
    lines.push(
      withExplanation(
        { partnerId: f.partnerId, kind: 'spiff', ruleId: spiff.id, idempotencyKey: `cnv:${f.conversionId}:${spiff.id}`, base: line.base, rateBp: line.rateBp, amount: line.amount },
        () => ({
          summary: `SPIFF “${spiff.name}”: ${line.calc()} on ${what} ${f.conversionId} = ${fmt(line.amount)} (window ${spiff.startsAt} – ${spiff.endsAt})`,
          source: conversionSource(source),
          plan: planRef(plan),
          rule: { id: spiff.id, name: spiff.name, type: spiff.type },
          base: line.base ? jsonMoney(line.base) : null,
          rateBp: line.rateBp,
          flat: spiff.flat ?? null,
          tier: f.tier,
          modifiers: [{ kind: 'spiff_window', detail: `occurred ${f.occurredAt.toISOString()} within ${spiff.startsAt} – ${spiff.endsAt}` }],
        }),
      ),
    );
  }

  if (f.kind === 'sale') {
    const bonus = doc.bonuses.find((b) => b.trigger === 'first_sale');
    if (bonus && !f.bonusesGranted?.has('first_sale')) lines.push(bonusLine(plan, bonus, f.partnerId, f.programId, source, f.tier, `first sale ${f.conversionId}`));
  }
  return lines;
}

function conversionSource(f: ConversionFacts): Explanation['source'] {
  return {
    type: 'conversion',
    id: f.conversionId,
    kind: f.kind,
    occurredAt: f.occurredAt.toISOString(),
    amount: f.amount ? jsonMoney(f.amount) : null,
    product: f.product,
    country: f.country,
  };
}

function inWindow(spiff: Spiff, at: Date): boolean {
  const t = at.getTime();
  return t >= Date.parse(spiff.startsAt) && t < Date.parse(spiff.endsAt);
}

function spiffAmount(spiff: Spiff, amount: Money | null): { amount: Money; base: Money | null; rateBp: number | null; calc: () => string } {
  if (spiff.type === 'percentage') {
    const base = amount as Money;
    const rateBp = spiff.rateBp as number;
    return { amount: applyBasisPoints(base, rateBp, 'half_even'), base, rateBp, calc: () => `${fmtRate(rateBp)} of ${fmt(base)}` };
  }
  const flat = money(spiff.flat as JsonMoney);
  return { amount: flat, base: null, rateBp: null, calc: () => `flat ${fmt(flat)}` };
}

function bonusLine(plan: PlanRef, bonus: Bonus, partnerId: string, programId: string, source: ConversionFacts | Explanation['source'], tier: TierRef | null, what: string): CommissionLine {
  const amount = money(bonus.amount);
  return withExplanation(
    // Once per partner per program, whichever event comes first.
    { partnerId, kind: 'bonus', ruleId: bonus.id, idempotencyKey: `bonus:${bonus.trigger}:${programId}:${partnerId}`, base: null, rateBp: null, amount },
    () => ({
      summary: `Onboarding bonus “${bonus.name}” for the ${what} = ${fmt(amount)} (once per partner, plan “${plan.name}” v${plan.version})`,
      source: 'conversionId' in source ? conversionSource(source) : source,
      plan: planRef(plan),
      rule: { id: bonus.id, name: bonus.name, type: 'bonus' },
      base: null,
      rateBp: null,
      flat: bonus.amount,
      tier,
      modifiers: [],
    }),
  );
}

// ── deals ──

/**
 * Evaluates a won deal: the deal amount is split between the credited partners by share
 * (`allocate`, so no minor unit is lost). Credits matched by the same rule are computed as
 * one group (rate × the group's base) and the result is allocated back by share, so the
 * partners' lines always add up to exactly the group's commission.
 */
export function evaluateDeal(plan: PlanRef, programId: string, f: DealFacts): CommissionLine[] {
  const doc = plan.document;
  const credits = f.credits.filter((c) => c.shareBp > 0);
  if (credits.length === 0) return [];
  const bases = allocate(f.amount, credits.map((c) => c.shareBp));
  const payment: 'new' | 'recurring' = f.isRenewal ? 'recurring' : 'new';
  const source = { type: 'deal' as const, id: f.dealId, kind: 'won', occurredAt: f.occurredAt.toISOString(), amount: jsonMoney(f.amount), product: f.products[0] ?? null, country: f.country };
  const lines: CommissionLine[] = [];

  type Member = { index: number; credit: DealCreditFacts; base: Money };
  const groups = new Map<string, { rule: Rule | Spiff; members: Member[]; spiff: boolean }>();
  credits.forEach((credit, index) => {
    const m: MatchInput = { payment, country: f.country, products: f.products, tier: credit.tier, role: credit.role };
    const rule = doc.rules.find((r) => r.source === 'deal' && conditionsMatch(r.conditions, m));
    if (rule) {
      const g = groups.get(rule.id) ?? { rule, members: [], spiff: false };
      g.members.push({ index, credit, base: bases[index] });
      groups.set(rule.id, g);
    }
    for (const spiff of doc.spiffs) {
      if (spiff.source !== 'deal' || !inWindow(spiff, f.occurredAt) || !conditionsMatch(spiff.conditions, m)) continue;
      const g = groups.get(spiff.id) ?? { rule: spiff, members: [], spiff: true };
      g.members.push({ index, credit, base: bases[index] });
      groups.set(spiff.id, g);
    }
  });

  for (const { rule, members, spiff } of groups.values()) {
    const groupBase: Money = { amountMinor: members.reduce((s, m) => s + m.base.amountMinor, 0n), currency: f.amount.currency };
    const groupShare = members.reduce((s, m) => s + m.credit.shareBp, 0);
    let total: Money;
    let calc: string;
    if (rule.type === 'percentage') {
      total = applyBasisPoints(groupBase, rule.rateBp as number, 'half_even');
      calc = `${fmtRate(rule.rateBp as number)} of ${fmt(groupBase)}`;
    } else {
      const flat = money(rule.flat as JsonMoney);
      total = { amountMinor: divideRounded(flat.amountMinor * BigInt(groupShare), 10_000n, 'half_even'), currency: flat.currency };
      calc = `flat ${fmt(flat)} × ${fmtRate(groupShare)} share`;
    }
    const parts = total.amountMinor > 0n ? allocate(total, members.map((m) => m.credit.shareBp)) : members.map(() => ({ amountMinor: 0n, currency: total.currency }));
    members.forEach((m, i) => {
      const modifiers: ExplanationModifier[] = [];
      if (members.length > 1) {
        modifiers.push({ kind: 'share', detail: `${fmt(total)} (${calc}) for ${members.length} credits split by share: ${fmtRate(m.credit.shareBp)} of ${fmtRate(groupShare)} → ${fmt(parts[i])}` });
      } else if (m.credit.shareBp !== 10_000) {
        modifiers.push({ kind: 'share', detail: `${fmtRate(m.credit.shareBp)} share of the deal amount ${fmt(f.amount)} = ${fmt(m.base)}` });
      }
      let amount = parts[i];
      if (!spiff) {
        const capped = applyCaps(amount, (rule as Rule).caps, rule.id, f.occurredAt, m.credit.capUsage);
        modifiers.push(...capped.modifiers);
        amount = capped.amount;
      }
      if (amount.amountMinor <= 0n) return;
      lines.push({
        partnerId: m.credit.partnerId,
        kind: spiff ? 'spiff' : 'commission',
        ruleId: rule.id,
        idempotencyKey: `deal:${f.dealId}:${m.credit.partnerId}:${m.credit.role}:${rule.id}`,
        base: m.base,
        rateBp: rule.type === 'percentage' ? (rule.rateBp as number) : null,
        amount,
        explanation: {
          summary: `${spiff ? `SPIFF “${rule.name}”: ` : ''}${rule.type === 'percentage' ? `${fmtRate(rule.rateBp as number)} of ${fmt(m.base)}` : `flat ${fmt(money(rule.flat as JsonMoney))} × ${fmtRate(m.credit.shareBp)}`} on won deal ${f.dealId} as ${m.credit.role} (${fmtRate(m.credit.shareBp)} share) = ${fmt(amount)} (${spiff ? '' : `rule “${rule.name}”, `}plan “${plan.name}” v${plan.version}${m.credit.tier ? `, tier ${m.credit.tier.name}` : ''})`,
          source,
          plan: planRef(plan),
          rule: { id: rule.id, name: rule.name, type: rule.type },
          base: jsonMoney(m.base),
          rateBp: rule.type === 'percentage' ? (rule.rateBp as number) : null,
          flat: rule.flat ?? null,
          tier: m.credit.tier,
          credit: { role: m.credit.role, shareBp: m.credit.shareBp },
          modifiers,
        },
      });
    });
  }

  const bonus = doc.bonuses.find((b) => b.trigger === 'first_won_deal');
  if (bonus) {
    const seen = new Set<string>();
    for (const c of credits) {
      if (seen.has(c.partnerId) || c.bonusesGranted?.has('first_won_deal')) continue;
      seen.add(c.partnerId);
      lines.push(bonusLine(plan, bonus, c.partnerId, programId, source, c.tier, `first won deal ${f.dealId}`));
    }
  }
  return lines;
}

// ── reversals ──

export interface ReversibleEntry {
  id: string;
  kind: string;
  amountMinor: bigint;
  currency: string;
  /** Sum (positive) already reversed by earlier reversal/clawback entries. */
  reversedMinor: bigint;
}

export interface ReversalPart {
  entryId: string;
  amountMinor: bigint; // positive: how much to take back now
  /** After this, the entry is reversed in full. */
  full: boolean;
  detail: string;
}

/**
 * Pro-rata reversal of a sale's entries after a refund or dispute. Cumulative, so rounding
 * never drifts: after refunds totalling R of a sale S, an entry of amount A has A × R / S
 * (half-even, at most A) reversed. Bonuses are reversed only when the sale is refunded in full.
 */
export function reversalParts(entries: ReversibleEntry[], sale: Money | null, cumulativeRefunded: Money | null): ReversalPart[] {
  const full = !sale || !cumulativeRefunded || sale.amountMinor <= 0n || cumulativeRefunded.currency !== sale.currency || cumulativeRefunded.amountMinor >= sale.amountMinor;
  const parts: ReversalPart[] = [];
  for (const e of entries) {
    if (e.amountMinor <= 0n) continue;
    let target: bigint;
    if (full) target = e.amountMinor;
    else if (e.kind === 'bonus') target = 0n;
    else {
      target = divideRounded(e.amountMinor * (cumulativeRefunded as Money).amountMinor, (sale as Money).amountMinor, 'half_even');
      if (target > e.amountMinor) target = e.amountMinor;
    }
    const delta = target - e.reversedMinor;
    if (delta <= 0n) continue;
    const detail = full
      ? `reversed in full (${fmt({ amountMinor: e.amountMinor, currency: e.currency })})`
      : `pro rata: ${fmt(cumulativeRefunded as Money)} of ${fmt(sale as Money)} refunded → ${fmt({ amountMinor: target, currency: e.currency })} of ${fmt({ amountMinor: e.amountMinor, currency: e.currency })} reversed in total, ${fmt({ amountMinor: delta, currency: e.currency })} now`;
    parts.push({ entryId: e.id, amountMinor: delta, full: target === e.amountMinor, detail });
  }
  return parts;
}

// ── rebates ──

export interface RebateResult {
  rateBp: number;
  threshold: Money;
  amount: Money;
}

/** The highest threshold reached sets the rate applied to the whole volume; null below the first. */
export function evaluateRebate(rebate: Rebate, volume: Money): RebateResult | null {
  if (volume.currency !== rebate.currency) return null;
  let hit: Rebate['thresholds'][number] | null = null;
  for (const t of rebate.thresholds) if (volume.amountMinor >= BigInt(t.minVolume.amountMinor)) hit = t;
  if (!hit) return null;
  return { rateBp: hit.rateBp, threshold: money(hit.minVolume), amount: applyBasisPoints(volume, hit.rateBp, 'half_even') };
}

export type CommissionFacts = ({ source: 'conversion' } & ConversionFacts) | ({ source: 'deal'; programId: string } & DealFacts);

/** The one entry point: a conversion (sale / lead) or a won deal → ledger lines. Pure. */
export function evaluateCommission(plan: PlanRef, facts: CommissionFacts): CommissionLine[] {
  return facts.source === 'deal' ? evaluateDeal(plan, facts.programId, facts) : evaluateConversion(plan, facts);
}

export type { PlanDocument, PlanRef };
