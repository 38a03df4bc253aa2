import { describe, expect, it } from 'vitest';
import {
  type CommissionLine,
  type ConversionFacts,
  type DealFacts,
  addMonthsUtc,
  capKey,
  evaluateCommission,
  evaluateDeal,
  evaluateRebate,
  fmt,
  fmtRate,
  periodBounds,
  periodKey,
  reversalParts,
} from './evaluate.ts';
import { type PlanDocumentInput, type PlanRef, ZPlanDocument } from './plan.ts';

const usd = (minor: number | bigint) => ({ amountMinor: BigInt(minor), currency: 'USD' });
const jusd = (minor: number) => ({ amountMinor: String(minor), currency: 'USD' });

function plan(doc: PlanDocumentInput): PlanRef {
  return { id: 'cpl_test', version: 3, name: 'Affiliates', document: ZPlanDocument.parse(doc) };
}

const D = (s: string) => new Date(s);

function sale(over: Partial<ConversionFacts> = {}): ConversionFacts {
  return {
    conversionId: 'cnv_1',
    kind: 'sale',
    partnerId: 'ptr_1',
    programId: 'prg_1',
    occurredAt: D('2026-01-15T10:00:00Z'),
    amount: usd(10_000),
    product: 'pro',
    country: 'US',
    isRecurring: false,
    customerFirstSaleAt: D('2026-01-15T10:00:00Z'),
    tier: null,
    ...over,
  };
}

const amounts = (lines: CommissionLine[]) => lines.map((l) => [l.kind, l.ruleId, l.amount.amountMinor]);

const pct = (rateBp: number, extra: Record<string, unknown> = {}) => ({ id: 'base', name: 'Base', type: 'percentage' as const, rateBp, ...extra });

interface Case {
  name: string;
  doc: PlanDocumentInput;
  facts: Partial<ConversionFacts>;
  expect: [string, string, bigint][];
}

const lifetime = { type: 'lifetime' as const };
const twelveMonths = { type: 'recurring' as const, months: 12 };

const CASES: Case[] = [
  { name: 'percentage of a sale', doc: { rules: [pct(1000)] }, facts: {}, expect: [['commission', 'base', 1000n]] },
  { name: 'percentage rounds half-even down (12.5 → 12)', doc: { rules: [pct(125)] }, facts: { amount: usd(1000) }, expect: [['commission', 'base', 12n]] },
  { name: 'percentage rounds half-even up (13.5 → 14)', doc: { rules: [pct(135)] }, facts: { amount: usd(1000) }, expect: [['commission', 'base', 14n]] },
  { name: 'percentage above half rounds up (0.6 → 1)', doc: { rules: [pct(6)] }, facts: { amount: usd(1000) }, expect: [['commission', 'base', 1n]] },
  { name: 'zero-decimal currency (JPY)', doc: { rules: [pct(1550)] }, facts: { amount: { amountMinor: 999n, currency: 'JPY' } }, expect: [['commission', 'base', 155n]] },
  { name: 'flat per sale', doc: { rules: [{ id: 'flat', name: 'Flat', type: 'flat', flat: jusd(2500) }] }, facts: {}, expect: [['commission', 'flat', 2500n]] },
  { name: 'flat per lead', doc: { rules: [{ id: 'lead', name: 'Lead', type: 'flat', conversionKind: 'lead', flat: jusd(300) }] }, facts: { kind: 'lead', amount: null }, expect: [['commission', 'lead', 300n]] },
  { name: 'sale rule ignores a lead', doc: { rules: [pct(1000)] }, facts: { kind: 'lead', amount: null }, expect: [] },
  { name: 'percentage rule needs an amount', doc: { rules: [pct(1000)] }, facts: { amount: null }, expect: [] },
  { name: 'one-time: first payment earns', doc: { rules: [pct(2000)] }, facts: {}, expect: [['commission', 'base', 2000n]] },
  {
    name: 'one-time: a renewal earns nothing',
    doc: { rules: [pct(2000)] },
    facts: { isRecurring: true, occurredAt: D('2026-02-15T10:00:00Z') },
    expect: [],
  },
  {
    name: 'recurring 12 months: month 12 earns (recurring kind)',
    doc: { rules: [pct(1000, { duration: twelveMonths })] },
    facts: { isRecurring: true, occurredAt: D('2026-12-15T10:00:00Z') },
    expect: [['recurring', 'base', 1000n]],
  },
  {
    name: 'recurring 12 months: month 13 earns nothing',
    doc: { rules: [pct(1000, { duration: twelveMonths })] },
    facts: { isRecurring: true, occurredAt: D('2027-01-15T10:00:00Z') },
    expect: [],
  },
  {
    name: 'recurring window is from the first sale by occurred time, not arrival order',
    doc: { rules: [pct(1000, { duration: { type: 'recurring', months: 3 } })] },
    facts: { isRecurring: null, occurredAt: D('2026-04-14T10:00:00Z'), customerFirstSaleAt: D('2026-01-15T10:00:00Z') },
    expect: [['recurring', 'base', 1000n]],
  },
  {
    name: 'recurring window end is exclusive',
    doc: { rules: [pct(1000, { duration: { type: 'recurring', months: 3 } })] },
    facts: { isRecurring: null, occurredAt: D('2026-04-15T10:00:00Z'), customerFirstSaleAt: D('2026-01-15T10:00:00Z') },
    expect: [],
  },
  {
    name: 'lifetime: year 5 still earns',
    doc: { rules: [pct(500, { duration: lifetime })] },
    facts: { isRecurring: true, occurredAt: D('2031-01-15T10:00:00Z') },
    expect: [['recurring', 'base', 500n]],
  },
  {
    name: 'first rule that matches and covers the payment wins (one-time 30 %, then lifetime 10 %)',
    doc: { rules: [{ ...pct(3000), id: 'first' }, { ...pct(1000, { duration: lifetime }), id: 'rest' }] },
    facts: { isRecurring: true, occurredAt: D('2026-03-15T10:00:00Z') },
    expect: [['recurring', 'rest', 1000n]],
  },
  {
    name: 'new-payment condition',
    doc: { rules: [{ ...pct(3000, { duration: lifetime, conditions: { payment: 'new' } }), id: 'new' }, { ...pct(1000, { duration: lifetime }), id: 'any' }] },
    facts: {},
    expect: [['commission', 'new', 3000n]],
  },
  {
    name: 'recurring-payment condition',
    doc: { rules: [{ ...pct(3000, { duration: lifetime, conditions: { payment: 'recurring' } }), id: 'renewals' }] },
    facts: { isRecurring: true, occurredAt: D('2026-05-15T10:00:00Z') },
    expect: [['recurring', 'renewals', 3000n]],
  },
  {
    name: 'product condition: match',
    doc: { rules: [{ ...pct(2000, { conditions: { products: ['enterprise'] } }), id: 'ent' }, { ...pct(1000), id: 'std' }] },
    facts: { product: 'enterprise' },
    expect: [['commission', 'ent', 2000n]],
  },
  {
    name: 'product condition: no match falls through',
    doc: { rules: [{ ...pct(2000, { conditions: { products: ['enterprise'] } }), id: 'ent' }, { ...pct(1000), id: 'std' }] },
    facts: { product: 'starter' },
    expect: [['commission', 'std', 1000n]],
  },
  {
    name: 'country condition (UK is GB)',
    doc: { rules: [{ ...pct(1500, { conditions: { countries: ['uk', 'DE'] } }), id: 'eu' }] },
    facts: { country: 'GB' },
    expect: [['commission', 'eu', 1500n]],
  },
  { name: 'country condition: unknown country does not match', doc: { rules: [pct(1500, { conditions: { countries: ['DE'] } })] }, facts: { country: null }, expect: [] },
  {
    name: 'tier condition: gold gets more',
    doc: { rules: [{ ...pct(2500, { conditions: { tierIds: ['tier_gold'] } }), id: 'gold' }, { ...pct(1000), id: 'std' }] },
    facts: { tier: { id: 'tier_gold', name: 'Gold' } },
    expect: [['commission', 'gold', 2500n]],
  },
  {
    name: 'tier condition: no tier falls through',
    doc: { rules: [{ ...pct(2500, { conditions: { tierIds: ['tier_gold'] } }), id: 'gold' }, { ...pct(1000), id: 'std' }] },
    facts: { tier: null },
    expect: [['commission', 'std', 1000n]],
  },
  { name: 'cap per conversion', doc: { rules: [pct(5000, { caps: { perConversion: jusd(1500) } })] }, facts: {}, expect: [['commission', 'base', 1500n]] },
  {
    name: 'cap per conversion in another currency is not applied',
    doc: { rules: [pct(5000, { caps: { perConversion: { amountMinor: '1500', currency: 'EUR' } } })] },
    facts: {},
    expect: [['commission', 'base', 5000n]],
  },
  {
    name: 'cap per partner per month: remainder only',
    doc: { rules: [pct(1000, { caps: { perPartnerPerPeriod: { amount: jusd(5000), period: 'month' } } })] },
    facts: { capUsage: new Map([[capKey('base', '2026-01', 'USD'), 4200n]]) },
    expect: [['commission', 'base', 800n]],
  },
  {
    name: 'cap per partner per month: exhausted → no line',
    doc: { rules: [pct(1000, { caps: { perPartnerPerPeriod: { amount: jusd(5000), period: 'month' } } })] },
    facts: { capUsage: new Map([[capKey('base', '2026-01', 'USD'), 5000n]]) },
    expect: [],
  },
  {
    name: 'cap per partner per month: other month untouched',
    doc: { rules: [pct(1000, { caps: { perPartnerPerPeriod: { amount: jusd(5000), period: 'month' } } })] },
    facts: { capUsage: new Map([[capKey('base', '2025-12', 'USD'), 5000n]]) },
    expect: [['commission', 'base', 1000n]],
  },
  {
    name: 'SPIFF inside its window adds a line',
    doc: { rules: [pct(1000)], spiffs: [{ id: 'q1', name: 'Q1 push', type: 'flat', flat: jusd(5000), startsAt: '2026-01-01T00:00:00Z', endsAt: '2026-04-01T00:00:00Z' }] },
    facts: {},
    expect: [
      ['commission', 'base', 1000n],
      ['spiff', 'q1', 5000n],
    ],
  },
  {
    name: 'SPIFF outside its window adds nothing',
    doc: { rules: [pct(1000)], spiffs: [{ id: 'q2', name: 'Q2 push', type: 'percentage', rateBp: 500, startsAt: '2026-04-01T00:00:00Z', endsAt: '2026-07-01T00:00:00Z' }] },
    facts: {},
    expect: [['commission', 'base', 1000n]],
  },
  {
    name: 'SPIFF window end is exclusive',
    doc: { spiffs: [{ id: 'jan', name: 'Jan', type: 'percentage', rateBp: 500, startsAt: '2026-01-01T00:00:00Z', endsAt: '2026-01-15T10:00:00Z' }] },
    facts: {},
    expect: [],
  },
  {
    name: 'first-sale bonus once',
    doc: { rules: [pct(1000)], bonuses: [{ id: 'welcome', name: 'Welcome', trigger: 'first_sale', amount: jusd(10_000) }] },
    facts: {},
    expect: [
      ['commission', 'base', 1000n],
      ['bonus', 'welcome', 10_000n],
    ],
  },
  {
    name: 'first-sale bonus not twice',
    doc: { rules: [pct(1000)], bonuses: [{ id: 'welcome', name: 'Welcome', trigger: 'first_sale', amount: jusd(10_000) }] },
    facts: { bonusesGranted: new Set(['first_sale']) },
    expect: [['commission', 'base', 1000n]],
  },
  { name: 'a plan without conversion rules gives nothing', doc: { rules: [{ ...pct(1000), source: 'deal' }] }, facts: {}, expect: [] },
];

describe('evaluateCommission — conversions (table)', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const lines = evaluateCommission(plan(c.doc), { source: 'conversion', ...sale(c.facts) });
      expect(amounts(lines)).toEqual(c.expect);
      for (const l of lines) {
        expect(l.explanation.summary.length).toBeGreaterThan(10);
        expect(l.explanation.plan).toEqual({ id: 'cpl_test', version: 3, name: 'Affiliates' });
        expect(l.explanation.source.id).toBe('cnv_1');
      }
    });
  }

  it('keys are stable per conversion and rule; bonus per partner and program', () => {
    const lines = evaluateCommission(plan({ rules: [pct(1000)], bonuses: [{ id: 'welcome', name: 'Welcome', trigger: 'first_sale', amount: jusd(100) }] }), { source: 'conversion', ...sale() });
    expect(lines.map((l) => l.idempotencyKey)).toEqual(['cnv:cnv_1:base', 'bonus:first_sale:prg_1:ptr_1']);
  });

  it('explains itself: base, rate, tier, plan, rule, modifiers', () => {
    const [line] = evaluateCommission(plan({ rules: [pct(1250, { caps: { perConversion: jusd(1000) }, duration: twelveMonths })] }), {
      source: 'conversion',
      ...sale({ amount: usd(12_000), tier: { id: 'tier_s', name: 'Silver' } }),
    });
    expect(line.amount.amountMinor).toBe(1000n);
    expect(line.explanation).toMatchObject({
      base: { amountMinor: '12000', currency: 'USD' },
      rateBp: 1250,
      tier: { id: 'tier_s', name: 'Silver' },
      rule: { id: 'base', name: 'Base', type: 'percentage', duration: 'recurring for 12 months' },
    });
    expect(line.explanation.modifiers.map((m) => m.kind)).toEqual(['duration', 'cap_per_conversion']);
    expect(line.explanation.summary).toContain('12.5% of USD 120.00');
    expect(line.explanation.summary).toContain('tier Silver');
  });
});

describe('evaluateDeal — credits by role and share', () => {
  const deal = (over: Partial<DealFacts> = {}): DealFacts => ({
    dealId: 'deal_1',
    occurredAt: D('2026-03-01T00:00:00Z'),
    amount: usd(100_001),
    country: 'DE',
    products: [],
    isRenewal: false,
    credits: [
      { partnerId: 'ptr_a', role: 'sourced', shareBp: 3334, tier: null },
      { partnerId: 'ptr_b', role: 'sourced', shareBp: 3333, tier: null },
      { partnerId: 'ptr_c', role: 'sourced', shareBp: 3333, tier: null },
    ],
    ...over,
  });

  it('splits one rule by share with allocate: parts add up to the commission exactly', () => {
    const p = plan({ rules: [{ id: 'deals', name: 'Deals', source: 'deal', type: 'percentage', rateBp: 1000 }] });
    const lines = evaluateDeal(p, 'prg_1', deal());
    // 10 % of 1,000.01 = 100.0010 → 100.00 (half-even), split 3334/3333/3333.
    expect(lines.map((l) => [l.partnerId, l.amount.amountMinor])).toEqual([
      ['ptr_a', 3334n],
      ['ptr_b', 3333n],
      ['ptr_c', 3333n],
    ]);
    expect(lines.reduce((s, l) => s + l.amount.amountMinor, 0n)).toBe(10_000n);
    expect(lines[0].idempotencyKey).toBe('deal:deal_1:ptr_a:sourced:deals');
    expect(lines[0].explanation.credit).toEqual({ role: 'sourced', shareBp: 3334 });
  });

  it('different roles, different rules', () => {
    const p = plan({
      rules: [
        { id: 'src', name: 'Sourced', source: 'deal', type: 'percentage', rateBp: 2000, conditions: { dealRoles: ['sourced'] } },
        { id: 'inf', name: 'Influenced', source: 'deal', type: 'flat', flat: jusd(50_000), conditions: { dealRoles: ['influenced'] } },
      ],
    });
    const lines = evaluateDeal(
      p,
      'prg_1',
      deal({ amount: usd(1_000_000), credits: [{ partnerId: 'ptr_a', role: 'sourced', shareBp: 7000, tier: null }, { partnerId: 'ptr_b', role: 'influenced', shareBp: 3000, tier: null }] }),
    );
    expect(lines.map((l) => [l.partnerId, l.ruleId, l.amount.amountMinor])).toEqual([
      ['ptr_a', 'src', 140_000n], // 20 % of 7,000.00
      ['ptr_b', 'inf', 15_000n], // 500.00 × 30 %
    ]);
  });

  it('zero-share credits earn nothing; no match, no line; first won deal bonus once per partner', () => {
    const p = plan({
      rules: [{ id: 'src', name: 'Sourced', source: 'deal', type: 'percentage', rateBp: 1000, conditions: { dealRoles: ['sourced'] } }],
      bonuses: [{ id: 'firstdeal', name: 'First deal', trigger: 'first_won_deal', amount: jusd(20_000) }],
    });
    const lines = evaluateDeal(
      p,
      'prg_1',
      deal({
        amount: usd(50_000),
        credits: [
          { partnerId: 'ptr_a', role: 'sourced', shareBp: 10_000, tier: null },
          { partnerId: 'ptr_b', role: 'influenced', shareBp: 0, tier: null },
          { partnerId: 'ptr_c', role: 'reseller', shareBp: 0, tier: null, bonusesGranted: new Set(['first_won_deal']) },
        ],
      }),
    );
    expect(amounts(lines)).toEqual([
      ['commission', 'src', 5000n],
      ['bonus', 'firstdeal', 20_000n],
    ]);
    expect(lines[1].idempotencyKey).toBe('bonus:first_won_deal:prg_1:ptr_a');
  });

  it('a deal SPIFF in its window', () => {
    const p = plan({ spiffs: [{ id: 'dspiff', name: 'Deal push', source: 'deal', type: 'flat', flat: jusd(10_000), startsAt: '2026-02-01T00:00:00Z', endsAt: '2026-04-01T00:00:00Z' }] });
    const lines = evaluateDeal(p, 'prg_1', deal({ credits: [{ partnerId: 'ptr_a', role: 'sourced', shareBp: 5000, tier: null }, { partnerId: 'ptr_b', role: 'influenced', shareBp: 5000, tier: null }] }));
    expect(amounts(lines)).toEqual([
      ['spiff', 'dspiff', 5000n],
      ['spiff', 'dspiff', 5000n],
    ]);
  });
});

describe('reversals pro rata', () => {
  const entries = [
    { id: 'com_1', kind: 'commission', amountMinor: 1001n, currency: 'USD', reversedMinor: 0n },
    { id: 'com_2', kind: 'bonus', amountMinor: 5000n, currency: 'USD', reversedMinor: 0n },
  ];
  it('partial refund reverses the same fraction of the commission, not the bonus', () => {
    const parts = reversalParts(entries, usd(10_000), usd(2500));
    expect(parts.map((p) => [p.entryId, p.amountMinor, p.full])).toEqual([['com_1', 250n, false]]); // 1001 × 0.25 = 250.25 → 250
  });
  it('cumulative: a second partial refund reverses the difference; the rest at full refund', () => {
    const second = reversalParts([{ ...entries[0], reversedMinor: 250n }], usd(10_000), usd(5000));
    expect(second.map((p) => p.amountMinor)).toEqual([250n]); // 500.5 → 500 (half-even), minus 250
    const last = reversalParts([{ ...entries[0], reversedMinor: 500n }, entries[1]], usd(10_000), usd(10_000));
    expect(last.map((p) => [p.entryId, p.amountMinor, p.full])).toEqual([
      ['com_1', 501n, true],
      ['com_2', 5000n, true],
    ]);
  });
  it('unknown refund amount or another currency reverses in full', () => {
    expect(reversalParts([entries[0]], usd(10_000), null)[0].amountMinor).toBe(1001n);
    expect(reversalParts([entries[0]], usd(10_000), { amountMinor: 10n, currency: 'EUR' })[0].full).toBe(true);
  });
  it('over-refund never reverses more than the entry', () => {
    expect(reversalParts([entries[0]], usd(10_000), usd(20_000))[0].amountMinor).toBe(1001n);
  });
});

describe('rebates', () => {
  const rebate = {
    id: 'vol',
    name: 'Volume',
    period: 'month' as const,
    currency: 'USD',
    thresholds: [
      { minVolume: jusd(1_000_000), rateBp: 100 },
      { minVolume: jusd(5_000_000), rateBp: 300 },
    ],
  };
  it('below the first threshold: nothing', () => expect(evaluateRebate(rebate, usd(999_999))).toBeNull());
  it('first threshold: 1 % of the whole volume', () => expect(evaluateRebate(rebate, usd(1_000_050))?.amount.amountMinor).toBe(10_000n));
  it('highest threshold reached wins', () => expect(evaluateRebate(rebate, usd(6_000_000))).toMatchObject({ rateBp: 300, amount: usd(180_000) }));
  it('another currency: nothing', () => expect(evaluateRebate(rebate, { amountMinor: 9_000_000n, currency: 'EUR' })).toBeNull());
});

describe('helpers', () => {
  it('adds months clamping the day', () => {
    expect(addMonthsUtc(D('2026-01-31T12:00:00Z'), 1).toISOString()).toBe('2026-02-28T12:00:00.000Z');
    expect(addMonthsUtc(D('2026-11-15T00:00:00Z'), 3).toISOString()).toBe('2027-02-15T00:00:00.000Z');
  });
  it('period keys and bounds', () => {
    expect(periodKey(D('2026-11-22T01:00:00Z'), 'month')).toBe('2026-11');
    expect(periodKey(D('2026-11-22T01:00:00Z'), 'quarter')).toBe('2026-Q4');
    expect(periodKey(D('2026-11-22T01:00:00Z'), 'year')).toBe('2026');
    expect(periodBounds('2026-Q4')).toEqual({ start: D('2026-10-01T00:00:00Z'), end: D('2027-01-01T00:00:00Z'), period: 'quarter' });
    expect(periodBounds('2026-12').end).toEqual(D('2027-01-01T00:00:00Z'));
  });
  it('formats exactly', () => {
    expect(fmt(usd(123_456_789))).toBe('USD 1,234,567.89');
    expect(fmt({ amountMinor: -5n, currency: 'USD' })).toBe('-USD 0.05');
    expect(fmt({ amountMinor: 1234n, currency: 'JPY' })).toBe('JPY 1,234');
    expect(fmtRate(1250)).toBe('12.5%');
    expect(fmtRate(1000)).toBe('10%');
    expect(fmtRate(5)).toBe('0.05%');
  });
});

describe('plan document validation', () => {
  const issuesOf = (doc: unknown) => {
    const r = ZPlanDocument.safeParse(doc);
    return r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
  };
  it('names the bad field', () => {
    expect(issuesOf({ rules: [{ id: 'x', name: 'X', type: 'percentage' }] })).toEqual(['rules.0.rateBp']);
    expect(issuesOf({ rules: [{ id: 'x', name: 'X', type: 'percentage', rateBp: 20_000 }] })).toEqual(['rules.0.rateBp']);
    expect(issuesOf({ rules: [{ id: 'x', name: 'X', type: 'flat', flat: { amountMinor: '-1', currency: 'USD' } }] })).toEqual(['rules.0.flat.amountMinor']);
    expect(issuesOf({ holdDays: 400 })).toEqual(['holdDays']);
    expect(issuesOf({ rules: [pct(100), pct(200)] })).toEqual(['rules.1.id']);
    expect(issuesOf({ spiffs: [{ id: 's', name: 'S', type: 'flat', flat: jusd(1), startsAt: '2026-02-01T00:00:00Z', endsAt: '2026-01-01T00:00:00Z' }] })).toEqual(['spiffs.0.endsAt']);
    expect(issuesOf({ rules: [pct(100, { conditions: { countries: ['Narnia'] } })] })).toEqual(['rules.0.conditions.countries.0']);
    expect(issuesOf({ rules: [pct(100, { duration: { type: 'recurring' } })] })).toEqual(['rules.0.duration.months']);
    expect(issuesOf({ bogus: 1 })).toEqual(['']);
  });
  it('fills defaults', () => {
    expect(ZPlanDocument.parse({})).toMatchObject({ holdDays: 30, rules: [], spiffs: [], rebates: [], bonuses: [], fraud: { minClickToConversionSeconds: 10 } });
    expect(ZPlanDocument.parse({ rules: [pct(100)] }).rules[0]).toMatchObject({ source: 'conversion', conversionKind: 'sale', duration: { type: 'one_time' }, conditions: { payment: 'any' } });
  });
});
