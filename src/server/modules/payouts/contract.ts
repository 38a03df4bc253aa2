import { z } from '@hono/zod-openapi';
import { normalizeCountry } from '../../platform/country.ts';
import { ZCurrency, ZMoney, ZMoneyOrNull } from '../../platform/money.ts';
import { ZPageQuery, pageOf } from '../../platform/pagination.ts';

const ZDate = z
  .string()
  .refine((s) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)), 'must be a date as YYYY-MM-DD')
  .openapi({ type: 'string', format: 'date', example: '2026-11-30' });

const ZCountry = z
  .string()
  .transform((value, ctx) => {
    const code = normalizeCountry(value);
    if (!code) {
      ctx.addIssue({ code: 'custom', message: 'must be an ISO 3166-1 alpha-2 country code such as US or DE' });
      return z.NEVER;
    }
    return code;
  })
  .openapi({ type: 'string', example: 'US' });

// ── FX rates ──
export const ZFxRate = z
  .object({
    id: z.string(),
    base: z.string(),
    quote: z.string(),
    rate: z.string().openapi({ description: '1 base = rate quote, an exact decimal (up to 8 decimals)', example: '0.9215' }),
    effectiveDate: z.string(),
    createdByName: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('FxRate');
export const ZFxRateList = z.object({ data: z.array(ZFxRate) }).openapi('FxRateList');
export const ZCreateFxRateRequest = z
  .object({
    base: ZCurrency,
    quote: ZCurrency,
    rate: z.string().max(24).openapi({ description: 'Exact decimal string, e.g. "0.9215"; never a float', example: '0.9215' }),
    effectiveDate: ZDate,
  })
  .openapi('CreateFxRateRequest');

// ── Schedules ──
export const CADENCES = ['monthly', 'semi_monthly', 'weekly'] as const;
export const ZPayoutSchedule = z
  .object({
    id: z.string().nullable().openapi({ description: 'null while the program uses the default schedule' }),
    programId: z.string(),
    programName: z.string(),
    cadence: z.enum(CADENCES),
    dayOfMonth: z.number().int().nullable(),
    weekday: z.number().int().nullable(),
    threshold: ZMoney,
    currencyMode: z.enum(['partner', 'per_currency']),
    holdUntilTaxComplete: z.boolean(),
    nextPayoutDate: z.string().openapi({ description: 'Next payout date (YYYY-MM-DD) in the workspace time zone' }),
    timeZone: z.string(),
  })
  .openapi('PayoutSchedule');
export const ZPayoutScheduleList = z.object({ data: z.array(ZPayoutSchedule) }).openapi('PayoutScheduleList');
export const ZPutPayoutScheduleRequest = z
  .object({
    cadence: z.enum(CADENCES),
    dayOfMonth: z.number().int().min(1).max(31).nullable().optional().openapi({ description: 'monthly: 1–28, or 31 for the last day of the month' }),
    weekday: z.number().int().min(1).max(7).nullable().optional().openapi({ description: 'weekly: 1 = Monday … 7 = Sunday' }),
    threshold: ZMoney,
    currencyMode: z.enum(['partner', 'per_currency']).default('per_currency'),
    holdUntilTaxComplete: z.boolean().default(false),
  })
  .openapi('PutPayoutScheduleRequest');
export type PutPayoutScheduleRequest = z.infer<typeof ZPutPayoutScheduleRequest>;

// ── Settings (provider credentials) ──
export const ZPayoutSettings = z
  .object({
    requireFourEyes: z.boolean().openapi({ description: 'The approver of a run must not be its creator' }),
    stripe: z.object({ configured: z.boolean(), secretKeyHint: z.string().nullable(), apiBase: z.string().nullable() }),
    paypal: z.object({ configured: z.boolean(), clientId: z.string().nullable(), apiBase: z.string().nullable() }),
    bank: z.object({ sourceCurrency: z.string().nullable() }),
  })
  .openapi('PayoutSettings');
const ZApiBase = z.string().url().max(200).nullable().optional();
export const ZPutPayoutSettingsRequest = z
  .object({
    requireFourEyes: z.boolean().optional(),
    stripe: z
      .object({
        secretKey: z.string().regex(/^(sk|rk)_(test|live)_[A-Za-z0-9_]{4,}$/, 'must be a Stripe secret key (sk_test_… or sk_live_…)').nullable().optional(),
        apiBase: ZApiBase.openapi({ description: 'Default https://api.stripe.com (override for a local contract server)' }),
      })
      .optional(),
    paypal: z
      .object({
        clientId: z.string().min(1).max(200).nullable().optional(),
        secret: z.string().min(1).max(200).nullable().optional(),
        apiBase: ZApiBase.openapi({ description: 'Default https://api-m.paypal.com (sandbox: https://api-m.sandbox.paypal.com)' }),
      })
      .optional(),
    bank: z.object({ sourceCurrency: ZCurrency.nullable().optional() }).optional(),
  })
  .openapi('PutPayoutSettingsRequest');
export type PutPayoutSettingsRequest = z.infer<typeof ZPutPayoutSettingsRequest>;

// ── Payout methods ──
export const METHOD_TYPES = ['stripe_connect', 'paypal', 'bank', 'manual'] as const;
export const ZPayoutMethod = z
  .object({
    id: z.string(),
    type: z.enum(METHOD_TYPES),
    currency: z.string(),
    stripeAccountId: z.string().nullable(),
    paypalEmail: z.string().nullable(),
    bank: z
      .object({ holderName: z.string(), country: z.string(), receiverType: z.string(), account: z.string().openapi({ description: 'Masked: •••• 1234' }), bic: z.string().nullable() })
      .nullable(),
    updatedAt: z.string(),
  })
  .openapi('PayoutMethod');
export const ZPayoutMethodOrNull = z.object({ method: ZPayoutMethod.nullable() }).openapi('PayoutMethodResponse');
export const ZPutPayoutMethodRequest = z
  .object({
    type: z.enum(METHOD_TYPES),
    currency: ZCurrency,
    stripeAccountId: z.string().regex(/^acct_[A-Za-z0-9]{6,}$/, 'must be a Stripe connected account id (acct_…)').optional(),
    paypalEmail: z.string().email('must be an email address').max(254).optional(),
    bank: z
      .object({
        holderName: z.string().trim().min(2).max(140),
        country: ZCountry,
        receiverType: z.enum(['PRIVATE', 'BUSINESS']).default('BUSINESS'),
        email: z.string().email().max(254).optional(),
        iban: z.string().trim().regex(/^[A-Z]{2}\d{2}[A-Z0-9 ]{10,32}$/, 'must be an IBAN such as DE89 3704 0044 0532 0130 00').optional(),
        accountNumber: z.string().trim().regex(/^[0-9 -]{4,20}$/, 'must be an account number (digits)').optional(),
        routingNumber: z.string().trim().regex(/^[0-9 -]{6,12}$/, 'must be an ABA routing number or sort code').optional(),
        bic: z.string().trim().regex(/^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$/, 'must be a BIC/SWIFT code').optional(),
      })
      .optional(),
  })
  .openapi('PutPayoutMethodRequest');
export type PutPayoutMethodRequest = z.infer<typeof ZPutPayoutMethodRequest>;

// ── Runs and payouts ──
export const RUN_STATUSES = ['draft', 'approved', 'processing', 'completed', 'cancelled'] as const;
export const PAYOUT_STATUSES = ['draft', 'carried_over', 'held', 'approved', 'processing', 'paid', 'failed', 'cancelled'] as const;

export const ZPayoutSourceView = z
  .object({ amount: ZMoney, converted: ZMoney, rate: z.string().nullable(), fxRateId: z.string().nullable() })
  .openapi('PayoutSource');

export const ZPayout = z
  .object({
    id: z.string(),
    runId: z.string(),
    runNumber: z.number().int(),
    programId: z.string(),
    partnerId: z.string(),
    partnerName: z.string(),
    status: z.enum(PAYOUT_STATUSES),
    holdReason: z.string().nullable().openapi({ description: 'Why a line is not paid in this run: "carried over: below the minimum …" or "held: tax profile incomplete"' }),
    amount: ZMoney,
    sources: z.array(ZPayoutSourceView).openapi({ description: 'Ledger currencies summed into this payout, with the FX rate used when converted' }),
    entryCount: z.number().int(),
    methodType: z.enum(METHOD_TYPES).nullable(),
    statementNumber: z.string().nullable(),
    attempt: z.number().int(),
    idempotencyKey: z.string().nullable().openapi({ description: 'What the next (or last) provider call sends: Stripe Idempotency-Key / PayPal sender_batch_id' }),
    providerRef: z.string().nullable(),
    reference: z.string().nullable(),
    failureReason: z.string().nullable(),
    outcomeUnknown: z.boolean(),
    allowedActions: z.array(z.enum(['retry', 'mark_paid', 'cancel', 'refresh'])),
    createdAt: z.string(),
    paidAt: z.string().nullable(),
    reversal: z
      .object({
        amount: ZMoney,
        full: z.boolean().openapi({ description: 'The whole payout was reversed; amount is the total taken back so far, in the payout currency' }),
        reversedAt: z.string().openapi({ description: 'When the latest reversal was made' }),
        reason: z.string().nullable().openapi({ description: 'What happened, with the provider ids (Stripe transfer tr_… and reversals trr_…) and the event' }),
      })
      .nullable()
      .openapi({ description: 'Set when the provider reversed the paid transfer (Stripe Connect): the reversed amount is owed to the partner again as an approved adjustment, paid by the next run' }),
  })
  .openapi('Payout');
export const ZPayoutPage = pageOf(ZPayout, 'PayoutPage');
export const ZPayoutListQuery = ZPageQuery.extend({
  partnerId: z.string().max(64).optional(),
  status: z.enum(PAYOUT_STATUSES).optional(),
});

export const ZPayoutRun = z
  .object({
    id: z.string(),
    number: z.number().int(),
    programId: z.string(),
    programName: z.string(),
    status: z.enum(RUN_STATUSES),
    periodEnd: z.string(),
    createdBy: z.string().nullable(),
    approvedBy: z.string().nullable(),
    totals: z.array(ZMoney).openapi({ description: 'What this run pays, per currency' }),
    carriedOver: z.array(ZMoney),
    counts: z.object({ payouts: z.number().int(), carriedOver: z.number().int(), held: z.number().int(), paid: z.number().int(), failed: z.number().int() }),
    allowedTransitions: z.array(z.enum(['approve', 'execute', 'cancel'])),
    createdAt: z.string(),
    approvedAt: z.string().nullable(),
    completedAt: z.string().nullable(),
  })
  .openapi('PayoutRun');
export const ZPayoutRunDetail = ZPayoutRun.extend({ payouts: z.array(ZPayout) }).openapi('PayoutRunDetail');
export const ZPayoutRunPage = pageOf(ZPayoutRun, 'PayoutRunPage');
export const ZPayoutRunListQuery = ZPageQuery.extend({ status: z.enum(RUN_STATUSES).optional(), programId: z.string().max(64).optional() });
export const ZCreatePayoutRunRequest = z
  .object({
    programId: z.string().min(1).max(64),
    periodEnd: z.string().datetime({ offset: true }).optional().openapi({ description: 'Include approved entries earned up to this instant (default: now)' }),
  })
  .openapi('CreatePayoutRunRequest');
export const ZMarkPaidRequest = z.object({ reference: z.string().trim().min(1, 'must not be empty').max(200) }).openapi('MarkPaidRequest');

// ── Tax profiles ──
export const FORM_TYPES = ['w9', 'w8ben', 'w8bene'] as const;
export const ENTITY_TYPES = ['individual', 'sole_proprietor', 'corporation', 'partnership', 'llc', 'other'] as const;
export const ZTaxAddress = z
  .object({
    line1: z.string().trim().min(1).max(200),
    line2: z.string().trim().max(200).nullable().optional(),
    city: z.string().trim().min(1).max(100),
    region: z.string().trim().max(100).nullable().optional(),
    postalCode: z.string().trim().min(1).max(20),
    country: ZCountry,
  })
  .openapi('TaxAddress');
export const ZTaxProfile = z
  .object({
    id: z.string(),
    partnerId: z.string(),
    formType: z.enum(FORM_TYPES),
    legalName: z.string().nullable(),
    country: z.string().nullable(),
    entityType: z.enum(ENTITY_TYPES).nullable(),
    taxId: z.string().nullable().openapi({ description: 'Masked, e.g. •••-••-1234; never returned in full' }),
    address: ZTaxAddress.nullable(),
    signatureName: z.string().nullable(),
    signedOn: z.string().nullable(),
    status: z.enum(['complete', 'incomplete']),
    missing: z.array(z.string()).openapi({ description: 'Fields still needed for a complete profile' }),
    updatedAt: z.string(),
  })
  .openapi('TaxProfile');
export const ZTaxProfileResponse = z.object({ profile: ZTaxProfile.nullable() }).openapi('TaxProfileResponse');
export const ZPutTaxProfileRequest = z
  .object({
    formType: z.enum(FORM_TYPES),
    legalName: z.string().trim().min(1).max(200).nullable().optional(),
    country: ZCountry.nullable().optional(),
    entityType: z.enum(ENTITY_TYPES).nullable().optional(),
    taxId: z.string().trim().min(4).max(40).optional().openapi({ description: 'Stored encrypted; omit to keep the current one' }),
    address: ZTaxAddress.nullable().optional(),
    signatureName: z.string().trim().min(1).max(200).nullable().optional(),
    signedOn: ZDate.nullable().optional(),
  })
  .openapi('PutTaxProfileRequest');
export type PutTaxProfileRequest = z.infer<typeof ZPutTaxProfileRequest>;
export const ZTax1099Query = z.object({
  year: z.coerce.number().int().min(2000).max(2100),
  thresholdMinor: z.coerce.number().int().min(0).max(1_000_000_000).default(60_000).openapi({ description: 'USD cents; default 60000 ($600)' }),
});

// ── Portal ──
export const ZPortalPayout = z
  .object({
    id: z.string(),
    runNumber: z.number().int(),
    status: z.enum(['approved', 'processing', 'paid', 'failed']),
    amount: ZMoney,
    methodType: z.enum(METHOD_TYPES).nullable(),
    statementNumber: z.string().nullable(),
    entryCount: z.number().int(),
    createdAt: z.string(),
    paidAt: z.string().nullable(),
    reversal: z
      .object({ amount: ZMoney, full: z.boolean(), reversedAt: z.string() })
      .nullable()
      .openapi({ description: 'Money of this payout that came back to the vendor after it was paid: it is owed to you again and paid in your next payout' }),
  })
  .openapi('PortalPayout');
export const ZPortalPayoutPage = pageOf(ZPortalPayout, 'PortalPayoutPage');
export const ZPortalPayoutSummary = z
  .object({
    nextPayouts: z.array(z.object({ programId: z.string(), programName: z.string(), date: z.string(), threshold: ZMoney, timeZone: z.string() })),
    balances: z.object({ pending: z.array(ZMoney), approved: z.array(ZMoney), payable: z.array(ZMoney), paid: z.array(ZMoney) }),
    taxProfileStatus: z.enum(['complete', 'incomplete', 'missing']),
    payoutMethod: z.enum(METHOD_TYPES).nullable(),
  })
  .openapi('PortalPayoutSummary');

// ── Statement disputes ──
export const DISPUTE_REASONS = ['missing_commission', 'wrong_amount', 'other'] as const;
export const DISPUTE_STATUSES = ['open', 'resolved', 'rejected'] as const;

export const ZOpenDisputeRequest = z
  .object({
    reason: z.enum(DISPUTE_REASONS).openapi({ description: 'A commission is missing from the statement, a line has the wrong amount, or something else' }),
    message: z.string().trim().min(10, 'must say what is wrong in at least 10 characters').max(2000),
    entryId: z.string().min(1).max(64).optional().openapi({ description: 'The statement line (commission entry id) it is about, if one' }),
    expectedAmount: ZMoney.optional(),
  })
  .openapi('OpenStatementDisputeRequest', { description: 'A partner disputes its statement. `expectedAmount`: what the partner expected to be paid, if they know.' });
export type OpenDisputeRequest = z.infer<typeof ZOpenDisputeRequest>;

export const ZResolveDisputeRequest = z
  .object({
    resolution: z.string().trim().min(3, 'must be at least 3 characters').max(2000).openapi({ description: 'What was decided; the partner reads it' }),
    adjustment: ZMoney.refine((m) => BigInt(m.amountMinor) !== 0n, { message: 'must not be zero', path: ['amountMinor'] }).optional(),
  })
  .openapi('ResolveStatementDisputeRequest', {
    description: '`adjustment`: money owed to (positive) or by (negative) the partner — an approved adjustment in the ledger, paid in the next run.',
  });
export type ResolveDisputeRequest = z.infer<typeof ZResolveDisputeRequest>;
export const ZRejectDisputeRequest = z
  .object({ resolution: z.string().trim().min(3, 'must be at least 3 characters').max(2000).openapi({ description: 'Why nothing is owed; the partner reads it' }) })
  .openapi('RejectStatementDisputeRequest');

const disputeShape = {
  id: z.string(),
  payoutId: z.string(),
  statementNumber: z.string().nullable(),
  entryId: z.string().nullable(),
  reason: z.enum(DISPUTE_REASONS),
  message: z.string(),
  expectedAmount: ZMoneyOrNull,
  status: z.enum(DISPUTE_STATUSES),
  resolution: z.string().nullable(),
  /** The ledger adjustment made when it was resolved. */
  adjustment: ZMoneyOrNull,
  createdAt: z.string(),
  resolvedAt: z.string().nullable(),
};
export const ZStatementDispute = z
  .object({
    ...disputeShape,
    partnerId: z.string(),
    partnerName: z.string(),
    programId: z.string(),
    programName: z.string(),
    payoutAmount: ZMoney,
    openedBy: z.string(),
    resolvedBy: z.string().nullable(),
    adjustmentEntryId: z.string().nullable(),
    allowedActions: z.array(z.enum(['resolve', 'reject'])),
  })
  .openapi('StatementDispute');
export const ZStatementDisputePage = pageOf(ZStatementDispute, 'StatementDisputePage');
export const ZStatementDisputeListQuery = ZPageQuery.extend({
  status: z.enum(DISPUTE_STATUSES).optional(),
  partnerId: z.string().max(64).optional(),
  payoutId: z.string().max(64).optional(),
});
export const ZPortalStatementDispute = z.object(disputeShape).openapi('PortalStatementDispute');
export const ZPortalStatementDisputePage = pageOf(ZPortalStatementDispute, 'PortalStatementDisputePage');
