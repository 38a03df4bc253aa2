import { z } from '@hono/zod-openapi';
import { normalizeCountry } from '../../platform/country.ts';
import { ZCurrency, ZMoney } from '../../platform/money.ts';

/**
 * The commission plan document: rules as data. Validated with zod (a bad document answers
 * 422 naming the field, e.g. `document.rules.0.rateBp`); evaluated by the pure
 * `evaluateConversion` / `evaluateDeal` in evaluate.ts. docs/commissions.md is the reference.
 */

export const CREDIT_ROLES = ['sourced', 'influenced', 'reseller', 'fulfillment'] as const;
export const PERIODS = ['month', 'quarter', 'year'] as const;
export type Period = (typeof PERIODS)[number];

const ZBasisPoints = z.number().int('must be a whole number of basis points').min(0, 'must be between 0 and 10000').max(10_000, 'must be between 0 and 10000');
const ZRuleId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'must be 1–40 lower-case letters, digits, - or _ (a stable id used in idempotency keys)');
const ZName = z.string().trim().min(1, 'must not be empty').max(120);
const ZPositiveMoney = ZMoney.refine((m) => BigInt(m.amountMinor) > 0n, { message: 'must be more than zero', path: ['amountMinor'] });

const ZCountryCode = z.string().transform((value, ctx) => {
  const code = normalizeCountry(value);
  if (!code) {
    ctx.addIssue({ code: 'custom', message: 'must be an ISO 3166-1 alpha-2 country code such as US or DE' });
    return z.NEVER;
  }
  return code;
}).openapi({ type: 'string', example: 'DE' });

export const ZRuleConditions = z
  .object({
    payment: z
      .enum(['any', 'new', 'recurring'])
      .default('any')
      .openapi({ description: "new: the customer's first payment (or a new deal); recurring: a renewal payment (or a renewal deal)" }),
    countries: z.array(ZCountryCode).max(250).optional().openapi({ description: 'Customer (or account) country is one of these' }),
    products: z.array(z.string().trim().min(1).max(200)).max(200).optional().openapi({ description: 'Conversion product (or one of the deal products) is one of these' }),
    tierIds: z.array(z.string().min(1).max(64)).max(50).optional().openapi({ description: "Partner's tier in the program (enrollment tier) is one of these" }),
    dealRoles: z.array(z.enum(CREDIT_ROLES)).max(4).optional().openapi({ description: 'Deal rules only: the credit role is one of these' }),
  })
  .strict()
  .openapi('CommissionRuleConditions');
export type RuleConditions = z.infer<typeof ZRuleConditions>;

export const ZDuration = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('one_time') }).strict(),
    z.object({ type: z.literal('recurring'), months: z.number().int().min(1, 'must be at least 1').max(240, 'must be at most 240') }).strict(),
    z.object({ type: z.literal('lifetime') }).strict(),
  ])
  .openapi('CommissionDuration', {
    description: "one_time: only the customer's first payment; recurring: payments within N months of the customer's first sale (by occurred time); lifetime: every payment",
  });
export type Duration = z.infer<typeof ZDuration>;

export const ZCaps = z
  .object({
    perConversion: ZPositiveMoney.optional().openapi({ description: 'At most this much per conversion (per partner for a deal)' }),
    perPartnerPerPeriod: z
      .object({ amount: ZPositiveMoney, period: z.enum(PERIODS) })
      .strict()
      .optional()
      .openapi({ description: 'At most this much per partner per calendar period (UTC), across all its conversions under this rule' }),
  })
  .strict()
  .openapi('CommissionCaps');
export type Caps = z.infer<typeof ZCaps>;

const rateChecks = (v: { type: 'percentage' | 'flat'; rateBp?: number; flat?: unknown }, ctx: z.RefinementCtx) => {
  if (v.type === 'percentage' && v.rateBp === undefined) ctx.addIssue({ code: 'custom', path: ['rateBp'], message: 'is required for a percentage rule' });
  if (v.type === 'flat' && v.flat === undefined) ctx.addIssue({ code: 'custom', path: ['flat'], message: 'is required for a flat rule' });
  if (v.type === 'percentage' && v.flat !== undefined) ctx.addIssue({ code: 'custom', path: ['flat'], message: 'must be omitted for a percentage rule' });
  if (v.type === 'flat' && v.rateBp !== undefined) ctx.addIssue({ code: 'custom', path: ['rateBp'], message: 'must be omitted for a flat rule' });
};

export const ZRule = z
  .object({
    id: ZRuleId,
    name: ZName,
    source: z.enum(['conversion', 'deal']).default('conversion').openapi({ description: 'conversion: tracked leads and sales; deal: won deals, split by credit share' }),
    conversionKind: z.enum(['sale', 'lead']).default('sale').openapi({ description: 'Conversion rules only' }),
    conditions: ZRuleConditions.default({ payment: 'any' }),
    type: z.enum(['percentage', 'flat']),
    rateBp: ZBasisPoints.optional().openapi({ description: 'Percentage rules: rate in basis points (1000 = 10 %)' }),
    flat: ZPositiveMoney.optional().openapi({ description: 'Flat rules: amount per conversion (for a deal: per 100 % share)' }),
    duration: ZDuration.default({ type: 'one_time' }),
    caps: ZCaps.optional(),
  })
  .strict()
  .superRefine(rateChecks)
  .openapi('CommissionRule');
export type Rule = z.infer<typeof ZRule>;

const ZDateTime = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time, e.g. 2026-12-01T00:00:00Z' });

export const ZSpiff = z
  .object({
    id: ZRuleId,
    name: ZName,
    source: z.enum(['conversion', 'deal']).default('conversion'),
    conversionKind: z.enum(['sale', 'lead']).default('sale'),
    startsAt: ZDateTime,
    endsAt: ZDateTime,
    conditions: ZRuleConditions.default({ payment: 'any' }),
    type: z.enum(['percentage', 'flat']),
    rateBp: ZBasisPoints.optional(),
    flat: ZPositiveMoney.optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    rateChecks(v, ctx);
    if (Date.parse(v.endsAt) <= Date.parse(v.startsAt)) ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt' });
  })
  .openapi('CommissionSpiff', { description: 'A time-boxed bonus on top of the rules: applies to conversions (or won deals) occurring in [startsAt, endsAt)' });
export type Spiff = z.infer<typeof ZSpiff>;

export const ZRebate = z
  .object({
    id: ZRuleId,
    name: ZName,
    period: z.enum(PERIODS),
    currency: ZCurrency.openapi({ description: 'Volume counts sales (net of refunds) in this currency' }),
    thresholds: z
      .array(z.object({ minVolume: ZPositiveMoney, rateBp: ZBasisPoints }).strict())
      .min(1, 'must have at least one threshold')
      .max(20),
  })
  .strict()
  .superRefine((v, ctx) => {
    v.thresholds.forEach((t, i) => {
      if (t.minVolume.currency !== v.currency) ctx.addIssue({ code: 'custom', path: ['thresholds', i, 'minVolume', 'currency'], message: `must be ${v.currency}, the rebate currency` });
      if (i > 0 && BigInt(t.minVolume.amountMinor) <= BigInt(v.thresholds[i - 1].minVolume.amountMinor)) {
        ctx.addIssue({ code: 'custom', path: ['thresholds', i, 'minVolume'], message: 'must be higher than the previous threshold' });
      }
    });
  })
  .openapi('CommissionRebate', { description: 'At period close, the highest threshold reached sets the rate applied to the whole period volume' });
export type Rebate = z.infer<typeof ZRebate>;

export const ZBonus = z
  .object({
    id: ZRuleId,
    name: ZName,
    trigger: z.enum(['first_sale', 'first_won_deal']),
    amount: ZPositiveMoney,
  })
  .strict()
  .openapi('CommissionBonus', { description: 'Onboarding bonus, paid once per partner per program' });
export type Bonus = z.infer<typeof ZBonus>;

export const ZFraudSettings = z
  .object({
    minClickToConversionSeconds: z.number().int().min(0).max(86_400).default(10),
    maxRefundRateBp: ZBasisPoints.default(3000),
    refundRateMinSales: z.number().int().min(1).max(10_000).default(5),
  })
  .strict()
  .openapi('CommissionFraudSettings');

export const ZPlanDocument = z
  .object({
    holdDays: z.number().int().min(0, 'must be between 0 and 365').max(365, 'must be between 0 and 365').default(30),
    rules: z.array(ZRule).max(100).default([]),
    spiffs: z.array(ZSpiff).max(50).default([]),
    rebates: z.array(ZRebate).max(10).default([]),
    bonuses: z.array(ZBonus).max(10).default([]),
    fraud: ZFraudSettings.default({ minClickToConversionSeconds: 10, maxRefundRateBp: 3000, refundRateMinSales: 5 }),
  })
  .strict()
  .superRefine((doc, ctx) => {
    const seen = new Map<string, string>();
    const check = (list: { id: string }[], key: string) =>
      list.forEach((item, i) => {
        if (seen.has(item.id)) ctx.addIssue({ code: 'custom', path: [key, i, 'id'], message: `must be unique in the plan (also used in ${seen.get(item.id)})` });
        else seen.set(item.id, key);
      });
    check(doc.rules, 'rules');
    check(doc.spiffs, 'spiffs');
    check(doc.rebates, 'rebates');
    check(doc.bonuses, 'bonuses');
    const triggers = new Set<string>();
    doc.bonuses.forEach((b, i) => {
      if (triggers.has(b.trigger)) ctx.addIssue({ code: 'custom', path: ['bonuses', i, 'trigger'], message: 'only one bonus per trigger' });
      triggers.add(b.trigger);
    });
  })
  .openapi('CommissionPlanDocument');
export type PlanDocument = z.infer<typeof ZPlanDocument>;
export type PlanDocumentInput = z.input<typeof ZPlanDocument>;

/** A plan as the evaluator sees it. */
export interface PlanRef {
  id: string;
  version: number;
  name: string;
  document: PlanDocument;
}

const planCache = new Map<string, PlanRef>();

/**
 * A plan version row parsed once: cached by id + updated time (a version is immutable once
 * active), so accrual batches and explanations rendered on read do not re-parse the document.
 */
export function cachedPlanRef(row: { id: string; version: number; name: string; updated: string; document: unknown }): PlanRef {
  const key = `${row.id}@${row.updated}`;
  let ref = planCache.get(key);
  if (!ref) {
    const document = typeof row.document === 'string' ? JSON.parse(row.document) : row.document;
    ref = { id: row.id, version: Number(row.version), name: row.name, document: parsePlanDocument(document) };
    if (planCache.size > 500) planCache.clear();
    planCache.set(key, ref);
  }
  return ref;
}

/** Parses a stored document (already validated when saved). */
export function parsePlanDocument(raw: unknown): PlanDocument {
  return ZPlanDocument.parse(raw);
}
