import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createTestApp } from '../../test/harness.ts';
import { type ConversionFacts, capKey, evaluateConversion } from './evaluate.ts';
import { type LineRow, isStoredFacts, renderExplanation, renderStoredExplanations, storedFactsOf } from './explain.ts';
import { type PlanRef, ZPlanDocument } from './plan.ts';

const usd = (minor: number | bigint) => ({ amountMinor: BigInt(minor), currency: 'USD' });

const PLAN: PlanRef = {
  id: 'cpl_explain',
  version: 4,
  name: 'Affiliates',
  document: ZPlanDocument.parse({
    holdDays: 30,
    rules: [
      { id: 'ent', name: 'Enterprise', type: 'percentage', rateBp: 2500, conditions: { products: ['enterprise'] }, duration: { type: 'lifetime' }, caps: { perPartnerPerPeriod: { amount: { amountMinor: '5000', currency: 'USD' }, period: 'month' } } },
      { id: 'first', name: 'First payment', type: 'percentage', rateBp: 3000, conditions: { payment: 'new' } },
      { id: 'renewals', name: 'Renewals', type: 'percentage', rateBp: 1000, duration: { type: 'recurring', months: 12 } },
      { id: 'lead', name: 'Leads', type: 'flat', conversionKind: 'lead', flat: { amountMinor: '200', currency: 'USD' } },
    ],
    spiffs: [{ id: 'q4', name: 'Q4 push', type: 'flat', flat: { amountMinor: '1000', currency: 'USD' }, startsAt: '2026-10-01T00:00:00Z', endsAt: '2026-11-01T00:00:00Z' }],
    bonuses: [{ id: 'welcome', name: 'Welcome', trigger: 'first_sale', amount: { amountMinor: '5000', currency: 'USD' } }],
  }),
};

function facts(over: Partial<ConversionFacts>): ConversionFacts {
  return {
    conversionId: 'cnv_1',
    kind: 'sale',
    partnerId: 'ptr_1',
    programId: 'prg_1',
    occurredAt: new Date('2026-10-15T10:00:00.123Z'),
    amount: usd(12_345),
    product: 'pro',
    country: 'US',
    isRecurring: null,
    customerFirstSaleAt: new Date('2026-10-15T10:00:00.123Z'),
    tier: { id: 'tier_gold', name: 'Gold' },
    ...over,
  };
}

/** Stores a conversion's lines as the accrual does, and renders each back as a reader would. */
function roundTrip(f: ConversionFacts) {
  const lines = evaluateConversion(PLAN, f);
  const stored = storedFactsOf(PLAN, f, lines);
  return lines.map((line, i) => {
    const json = JSON.parse(JSON.stringify({ facts: stored[i], signals: [{ flag: 'duplicate_ip', detail: 'IP 198.51.100.7 is shared' }] }));
    expect(isStoredFacts(json)).toBe(true);
    const row: LineRow = {
      planId: PLAN.id,
      ruleId: line.ruleId,
      kind: line.kind,
      sourceId: f.conversionId,
      partnerId: f.partnerId,
      programId: f.programId,
      currency: line.amount.currency,
      amountMinor: line.amount.amountMinor.toString(),
      earnedAt: f.occurredAt.toISOString(),
    };
    return { line, rendered: renderExplanation(PLAN, row, json) };
  });
}

describe('explanations rendered from stored facts', () => {
  it('are exactly the explanations the evaluation gave: commission, SPIFF and first-sale bonus', () => {
    const out = roundTrip(facts({}));
    expect(out.map((o) => o.line.kind)).toEqual(['commission', 'spiff', 'bonus']);
    for (const { line, rendered } of out) {
      expect(rendered).toEqual({ ...line.explanation, signals: [{ flag: 'duplicate_ip', detail: 'IP 198.51.100.7 is shared' }] });
    }
    expect(out[0].rendered.summary).toBe('30% of USD 123.45 on sale cnv_1 = USD 37.04 (rule “First payment”, one-time, plan “Affiliates” v4, tier Gold)');
  });

  it('keep the recurring window, the tier and a per-period cap with what was already used', () => {
    const renewal = roundTrip(facts({ isRecurring: true, customerFirstSaleAt: new Date('2026-03-01T00:00:00Z'), occurredAt: new Date('2026-09-01T00:00:00Z') }));
    expect(renewal[0].rendered).toEqual({ ...renewal[0].line.explanation, signals: expect.any(Array) });
    expect(renewal[0].rendered.modifiers.map((m) => m.kind)).toEqual(['duration']);

    const at = new Date('2026-09-20T00:00:00Z');
    const usage = new Map([[capKey('ent', '2026-09', 'USD'), 4_000n]]);
    const capped = roundTrip(facts({ product: 'enterprise', occurredAt: at, customerFirstSaleAt: at, amount: usd(100_000), capUsage: usage }));
    expect(capped[0].line.amount.amountMinor).toBe(1_000n);
    expect(capped[0].rendered).toEqual({ ...capped[0].line.explanation, signals: expect.any(Array) });
    expect(capped[0].rendered.modifiers.find((m) => m.kind === 'cap_per_period')?.detail).toContain('USD 40.00 already earned');
  });

  it('of a lead (no amount)', () => {
    const lead = roundTrip(facts({ kind: 'lead', amount: null, isRecurring: null, customerFirstSaleAt: null }));
    expect(lead.map((o) => o.line.ruleId)).toEqual(['lead']);
    expect(lead[0].rendered).toEqual({ ...lead[0].line.explanation, signals: expect.any(Array) });
  });
});

describe('rendering ledger rows read from the database', () => {
  it("renders a line only with its own program's plan: a plan id of another workspace is not read", async () => {
    const t = await createTestApp();
    try {
      for (const [ws, prg, plan] of [['ws_explain_a', 'prg_explain_a', 'cpl_explain_a'], ['ws_explain_b', 'prg_explain_b', 'cpl_explain_b']]) {
        await t.services.db.execute(sql`insert into workspace (id, name) values (${ws}, ${ws})`);
        await t.services.db.execute(sql`insert into program (id, workspace_id, name, partner_type, currency, status) values (${prg}, ${ws}, 'Affiliates', 'affiliate', 'USD', 'active')`);
        await t.services.db.execute(
          sql`insert into commission_plan (id, workspace_id, program_id, version, name, status, document) values (${plan}, ${ws}, ${prg}, 4, ${`Plan of ${ws}`}, 'active', ${JSON.stringify(PLAN.document)}::jsonb)`,
        );
      }
      const f = facts({ programId: 'prg_explain_a' });
      const [line] = evaluateConversion(PLAN, f);
      const [stored] = storedFactsOf(PLAN, f, [line]);
      const row = (planId: string) => ({ planId, explanation: JSON.stringify({ facts: stored }) });
      const lineOf = (r: { planId: string }): LineRow => ({
        planId: r.planId,
        ruleId: line.ruleId,
        kind: line.kind,
        sourceId: f.conversionId,
        partnerId: f.partnerId,
        programId: 'prg_explain_a',
        currency: 'USD',
        amountMinor: line.amount.amountMinor.toString(),
        earnedAt: f.occurredAt.toISOString(),
      });
      const [own, foreign] = await renderStoredExplanations(t.services.db, [row('cpl_explain_a'), row('cpl_explain_b')], lineOf);
      expect(JSON.parse(own.explanation).plan).toMatchObject({ id: 'cpl_explain_a', name: 'Plan of ws_explain_a' });
      expect(JSON.parse(foreign.explanation).plan).toBeNull();
      expect(JSON.stringify(foreign.explanation)).not.toContain('ws_explain_b');
    } finally {
      await t.close();
    }
  });
});
