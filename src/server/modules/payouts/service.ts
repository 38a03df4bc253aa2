import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import { audit } from '../../platform/audit.ts';
import type { TxContext, WorkspaceContext } from '../../platform/context.ts';
import type { Executor } from '../../platform/db.ts';
import type { SecretBox } from '../../platform/encryption.ts';
import { AppError, type FieldError, invalid, notFound } from '../../platform/errors.ts';
import type { PortalContext } from '../../platform/http.ts';
import { newId } from '../../platform/ids.ts';
import { now } from '../../platform/clock.ts';
import { moneyToJson } from '../../platform/money.ts';
import { actorOf } from '../../platform/context.ts';
import { enrollment, partner } from '../partners/schema.ts';
import { program } from '../programs/schema.ts';
import { workspace } from '../workspaces/schema.ts';
import type { PutPayoutMethodRequest, PutPayoutScheduleRequest, PutPayoutSettingsRequest, PutTaxProfileRequest } from './contract.ts';
import { formatRate, maskAccount, maskTaxId, nextPayoutDate, parseRate, todayIn } from './rules.ts';
import { fxRate, payoutMethod, payoutSchedule, payoutSettings, taxProfile } from './schema.ts';

type Ctx = Pick<WorkspaceContext, 'workspaceId' | 'principal' | 'requestId' | 'db'>;
export const txCtx = (ctx: Ctx, tx: Executor): TxContext => ({ workspaceId: ctx.workspaceId, principal: ctx.principal, requestId: ctx.requestId, db: tx });

export async function workspaceTimeZone(db: Executor, workspaceId: string): Promise<string> {
  const [row] = await db.select({ tz: workspace.timeZone }).from(workspace).where(eq(workspace.id, workspaceId));
  return row?.tz || 'UTC';
}

// ────────────────────────────── FX rates ──────────────────────────────

type FxRow = typeof fxRate.$inferSelect;
const toFx = (r: FxRow) => ({
  id: r.id,
  base: r.base,
  quote: r.quote,
  rate: formatRate(r.rateScaled),
  effectiveDate: r.effectiveDate,
  createdByName: r.createdByName,
  createdAt: r.createdAt.toISOString(),
});

export async function listFxRates(ctx: Ctx) {
  const rows = await ctx.db.select().from(fxRate).where(eq(fxRate.workspaceId, ctx.workspaceId)).orderBy(asc(fxRate.base), asc(fxRate.quote), desc(fxRate.effectiveDate)).limit(1000);
  return { data: rows.map(toFx) };
}

export async function createFxRate(ctx: Ctx, input: { base: string; quote: string; rate: string; effectiveDate: string }) {
  if (input.base === input.quote) throw invalid('quote', 'must differ from base');
  const rateScaled = parseRate(input.rate);
  return ctx.db.transaction(async (tx) => {
    const [existing] = await tx
      .select({ id: fxRate.id })
      .from(fxRate)
      .where(and(eq(fxRate.workspaceId, ctx.workspaceId), eq(fxRate.base, input.base), eq(fxRate.quote, input.quote), eq(fxRate.effectiveDate, input.effectiveDate)));
    if (existing) throw new AppError('conflict', `A ${input.base}/${input.quote} rate for ${input.effectiveDate} exists already; add one for another date`, { extensions: { existingId: existing.id } });
    const id = newId('fxRate');
    const [row] = await tx
      .insert(fxRate)
      .values({ id, workspaceId: ctx.workspaceId, base: input.base, quote: input.quote, rateScaled, effectiveDate: input.effectiveDate, createdByName: actorOf(ctx.principal).actorName })
      .returning();
    await audit(txCtx(ctx, tx), { action: 'fx_rate.created', entityType: 'fx_rate', entityId: id, changes: { base: input.base, quote: input.quote, rate: formatRate(rateScaled), effectiveDate: input.effectiveDate } });
    return toFx(row);
  });
}

/** The rate in force on `onDate` for base→quote, or the inverse pair. */
export async function findRate(db: Executor, workspaceId: string, from: string, to: string, onDate: string) {
  const rows = await db
    .select()
    .from(fxRate)
    .where(and(eq(fxRate.workspaceId, workspaceId), inArray(fxRate.base, [from, to]), inArray(fxRate.quote, [from, to])))
    .orderBy(desc(fxRate.effectiveDate));
  const usable = rows.filter((r) => r.effectiveDate <= onDate && r.base !== r.quote);
  const direct = usable.find((r) => r.base === from && r.quote === to);
  const inverse = usable.find((r) => r.base === to && r.quote === from);
  if (direct && (!inverse || direct.effectiveDate >= inverse.effectiveDate)) return { row: direct, inverse: false };
  if (inverse) return { row: inverse, inverse: true };
  return null;
}

// ────────────────────────────── Schedules ──────────────────────────────

type ScheduleRow = typeof payoutSchedule.$inferSelect;
export interface EffectiveSchedule {
  id: string | null;
  programId: string;
  programName: string;
  programCurrency: string;
  cadence: 'monthly' | 'semi_monthly' | 'weekly';
  dayOfMonth: number | null;
  weekday: number | null;
  thresholdMinor: bigint;
  thresholdCurrency: string;
  currencyMode: 'partner' | 'per_currency';
  holdUntilTaxComplete: boolean;
}

/** Default when a program has none: monthly on the last day, no threshold, per currency. */
function effective(p: { id: string; name: string; currency: string }, s: ScheduleRow | undefined): EffectiveSchedule {
  return {
    id: s?.id ?? null,
    programId: p.id,
    programName: p.name,
    programCurrency: p.currency,
    cadence: (s?.cadence as EffectiveSchedule['cadence']) ?? 'monthly',
    dayOfMonth: s ? s.dayOfMonth : 31,
    weekday: s?.weekday ?? null,
    thresholdMinor: s?.thresholdMinor ?? 0n,
    thresholdCurrency: s?.thresholdCurrency ?? p.currency,
    currencyMode: (s?.currencyMode as EffectiveSchedule['currencyMode']) ?? 'per_currency',
    holdUntilTaxComplete: s?.holdUntilTaxComplete ?? false,
  };
}

export async function schedulesOf(db: Executor, workspaceId: string, programIds?: string[]): Promise<EffectiveSchedule[]> {
  const programs = await db
    .select({ id: program.id, name: program.name, currency: program.currency })
    .from(program)
    .where(and(eq(program.workspaceId, workspaceId), programIds ? inArray(program.id, programIds.length ? programIds : ['-']) : undefined))
    .orderBy(asc(program.name));
  const schedules = await db.select().from(payoutSchedule).where(eq(payoutSchedule.workspaceId, workspaceId));
  return programs.map((p) => effective(p, schedules.find((s) => s.programId === p.id)));
}

function scheduleView(s: EffectiveSchedule, tz: string) {
  return {
    id: s.id,
    programId: s.programId,
    programName: s.programName,
    cadence: s.cadence,
    dayOfMonth: s.dayOfMonth,
    weekday: s.weekday,
    threshold: moneyToJson({ amountMinor: s.thresholdMinor, currency: s.thresholdCurrency }),
    currencyMode: s.currencyMode,
    holdUntilTaxComplete: s.holdUntilTaxComplete,
    nextPayoutDate: nextPayoutDate(s, now(), tz),
    timeZone: tz,
  };
}

export async function listSchedules(ctx: Ctx) {
  const tz = await workspaceTimeZone(ctx.db, ctx.workspaceId);
  return { data: (await schedulesOf(ctx.db, ctx.workspaceId)).map((s) => scheduleView(s, tz)) };
}

export async function getSchedule(ctx: Ctx, programId: string) {
  const tz = await workspaceTimeZone(ctx.db, ctx.workspaceId);
  const [s] = await schedulesOf(ctx.db, ctx.workspaceId, [programId]);
  if (!s) throw notFound('Program');
  return scheduleView(s, tz);
}

export async function putSchedule(ctx: Ctx, programId: string, input: PutPayoutScheduleRequest) {
  const fields: FieldError[] = [];
  if (input.cadence === 'monthly' && !input.dayOfMonth) fields.push({ path: 'dayOfMonth', message: 'is required for a monthly schedule (1–28, or 31 for the last day)' });
  if (input.cadence === 'monthly' && input.dayOfMonth && input.dayOfMonth > 28 && input.dayOfMonth !== 31) fields.push({ path: 'dayOfMonth', message: 'must be 1–28, or 31 for the last day of the month' });
  if (input.cadence === 'weekly' && !input.weekday) fields.push({ path: 'weekday', message: 'is required for a weekly schedule (1 = Monday … 7 = Sunday)' });
  const threshold = BigInt(input.threshold.amountMinor);
  if (threshold < 0n) fields.push({ path: 'threshold.amountMinor', message: 'must not be negative' });
  if (fields.length) throw new AppError('validation_failed', fields.map((f) => `${f.path}: ${f.message}`).join('; '), { fields });
  return ctx.db.transaction(async (tx) => {
    const [p] = await tx.select().from(program).where(and(eq(program.workspaceId, ctx.workspaceId), eq(program.id, programId)));
    if (!p) throw notFound('Program');
    const values = {
      cadence: input.cadence,
      dayOfMonth: input.cadence === 'monthly' ? (input.dayOfMonth ?? null) : null,
      weekday: input.cadence === 'weekly' ? (input.weekday ?? null) : null,
      thresholdMinor: threshold,
      thresholdCurrency: input.threshold.currency,
      currencyMode: input.currencyMode,
      holdUntilTaxComplete: input.holdUntilTaxComplete,
      updatedAt: new Date(),
    };
    const [existing] = await tx.select().from(payoutSchedule).where(eq(payoutSchedule.programId, programId));
    const id = existing?.id ?? newId('payoutSchedule');
    if (existing) await tx.update(payoutSchedule).set(values).where(eq(payoutSchedule.id, id));
    else await tx.insert(payoutSchedule).values({ id, workspaceId: ctx.workspaceId, programId, ...values });
    await audit(txCtx(ctx, tx), { action: existing ? 'payout_schedule.updated' : 'payout_schedule.created', entityType: 'payout_schedule', entityId: id, changes: { programId, ...values, updatedAt: undefined } });
    const tz = await workspaceTimeZone(tx, ctx.workspaceId);
    const [s] = await schedulesOf(tx, ctx.workspaceId, [programId]);
    return scheduleView(s, tz);
  });
}

// ────────────────────────────── Settings ──────────────────────────────

export async function settingsRow(db: Executor, workspaceId: string) {
  const [row] = await db.select().from(payoutSettings).where(eq(payoutSettings.workspaceId, workspaceId));
  return row ?? null;
}

function settingsView(row: typeof payoutSettings.$inferSelect | null, secrets: SecretBox) {
  let hint: string | null = null;
  if (row?.stripeSecretEnc) {
    const key = secrets.decrypt(row.stripeSecretEnc, 'stripe_secret');
    hint = `${key.slice(0, 8)}…${key.slice(-4)}`;
  }
  return {
    requireFourEyes: row?.requireFourEyes ?? false,
    stripe: { configured: Boolean(row?.stripeSecretEnc), secretKeyHint: hint, apiBase: row?.stripeApiBase ?? null },
    paypal: { configured: Boolean(row?.paypalClientId && row?.paypalSecretEnc), clientId: row?.paypalClientId ?? null, apiBase: row?.paypalApiBase ?? null },
    bank: { sourceCurrency: row?.bankSourceCurrency ?? null },
  };
}

export async function getSettings(ctx: Ctx, secrets: SecretBox) {
  return settingsView(await settingsRow(ctx.db, ctx.workspaceId), secrets);
}

export async function putSettings(ctx: Ctx, secrets: SecretBox, input: PutPayoutSettingsRequest) {
  return ctx.db.transaction(async (tx) => {
    const before = await settingsRow(tx, ctx.workspaceId);
    const patch: Partial<typeof payoutSettings.$inferInsert> = { updatedAt: new Date() };
    const changes: Record<string, unknown> = {};
    if (input.requireFourEyes !== undefined) changes.requireFourEyes = patch.requireFourEyes = input.requireFourEyes;
    if (input.stripe?.secretKey !== undefined) {
      patch.stripeSecretEnc = input.stripe.secretKey === null ? null : secrets.encrypt(input.stripe.secretKey, 'stripe_secret');
      changes.stripeSecretKey = input.stripe.secretKey === null ? 'removed' : 'replaced';
    }
    if (input.stripe?.apiBase !== undefined) changes.stripeApiBase = patch.stripeApiBase = input.stripe.apiBase;
    if (input.paypal?.clientId !== undefined) changes.paypalClientId = patch.paypalClientId = input.paypal.clientId;
    if (input.paypal?.secret !== undefined) {
      patch.paypalSecretEnc = input.paypal.secret === null ? null : secrets.encrypt(input.paypal.secret, 'paypal_secret');
      changes.paypalSecret = input.paypal.secret === null ? 'removed' : 'replaced';
    }
    if (input.paypal?.apiBase !== undefined) changes.paypalApiBase = patch.paypalApiBase = input.paypal.apiBase;
    if (input.bank?.sourceCurrency !== undefined) changes.bankSourceCurrency = patch.bankSourceCurrency = input.bank.sourceCurrency;
    if (before) await tx.update(payoutSettings).set(patch).where(eq(payoutSettings.workspaceId, ctx.workspaceId));
    else await tx.insert(payoutSettings).values({ workspaceId: ctx.workspaceId, ...patch });
    await audit(txCtx(ctx, tx), { action: 'payout_settings.updated', entityType: 'payout_settings', entityId: ctx.workspaceId, changes });
    return settingsView(await settingsRow(tx, ctx.workspaceId), secrets);
  });
}

// ────────────────────────────── Payout methods ──────────────────────────────

type MethodRow = typeof payoutMethod.$inferSelect;
export function methodView(r: MethodRow) {
  const d = r.details;
  return {
    id: r.id,
    type: r.type as 'stripe_connect' | 'paypal' | 'bank' | 'manual',
    currency: r.currency,
    stripeAccountId: d.stripeAccountId ?? null,
    paypalEmail: d.paypalEmail ?? null,
    bank: r.type === 'bank' ? { holderName: d.holderName ?? '', country: d.country ?? '', receiverType: d.receiverType ?? 'BUSINESS', account: d.accountMasked ?? '', bic: d.bic ?? null } : null,
    updatedAt: r.updatedAt.toISOString(),
  };
}

export interface BankSecret {
  iban?: string;
  accountNumber?: string;
  routingNumber?: string;
  email?: string;
}

export async function methodOf(db: Executor, workspaceId: string, partnerId: string) {
  const [row] = await db.select().from(payoutMethod).where(and(eq(payoutMethod.workspaceId, workspaceId), eq(payoutMethod.partnerId, partnerId)));
  return row ?? null;
}

export async function getPartnerMethod(ctx: Ctx, partnerId: string) {
  await assertPartner(ctx.db, ctx.workspaceId, partnerId);
  const row = await methodOf(ctx.db, ctx.workspaceId, partnerId);
  return { method: row ? methodView(row) : null };
}

export async function assertPartner(db: Executor, workspaceId: string, partnerId: string) {
  const [p] = await db.select({ id: partner.id, name: partner.name }).from(partner).where(and(eq(partner.workspaceId, workspaceId), eq(partner.id, partnerId)));
  if (!p) throw notFound('Partner');
  return p;
}

export async function putMyMethod(ctx: PortalContext, secrets: SecretBox, input: PutPayoutMethodRequest) {
  const fields: FieldError[] = [];
  const details: Record<string, string> = {};
  let secretEnc: string | null = null;
  if (input.type === 'stripe_connect') {
    if (!input.stripeAccountId) fields.push({ path: 'stripeAccountId', message: 'is required for Stripe Connect (acct_…)' });
    else details.stripeAccountId = input.stripeAccountId;
  } else if (input.type === 'paypal') {
    if (!input.paypalEmail) fields.push({ path: 'paypalEmail', message: 'is required for PayPal' });
    else details.paypalEmail = input.paypalEmail.toLowerCase();
  } else if (input.type === 'bank') {
    const b = input.bank;
    if (!b) fields.push({ path: 'bank', message: 'is required for a bank transfer' });
    else if (!b.iban && !b.accountNumber) fields.push({ path: 'bank.iban', message: 'give an IBAN or an account number' });
    else {
      const account = (b.iban ?? b.accountNumber ?? '').replace(/\s+/g, '');
      const secret: BankSecret = { iban: b.iban?.replace(/\s+/g, ''), accountNumber: b.accountNumber?.replace(/[\s-]+/g, ''), routingNumber: b.routingNumber?.replace(/[\s-]+/g, ''), email: b.email };
      secretEnc = secrets.encrypt(JSON.stringify(secret), 'bank_account');
      Object.assign(details, { holderName: b.holderName, country: b.country, receiverType: b.receiverType, accountMasked: maskAccount(account) });
      if (b.bic) details.bic = b.bic;
    }
  }
  if (fields.length) throw new AppError('validation_failed', fields.map((f) => `${f.path}: ${f.message}`).join('; '), { fields });
  return ctx.db.transaction(async (tx) => {
    const existing = await methodOf(tx, ctx.workspaceId, ctx.partnerId);
    const id = existing?.id ?? newId('payoutMethod');
    const values = { type: input.type, currency: input.currency, details, secretEnc, updatedAt: new Date() };
    if (existing) await tx.update(payoutMethod).set(values).where(eq(payoutMethod.id, id));
    else await tx.insert(payoutMethod).values({ id, workspaceId: ctx.workspaceId, partnerId: ctx.partnerId, ...values });
    await audit(txCtx(ctx, tx), { action: existing ? 'payout_method.updated' : 'payout_method.created', entityType: 'payout_method', entityId: id, changes: { partnerId: ctx.partnerId, type: input.type, currency: input.currency, ...details } });
    return { method: methodView((await methodOf(tx, ctx.workspaceId, ctx.partnerId)) as MethodRow) };
  });
}

export async function getMyMethod(ctx: PortalContext) {
  const row = await methodOf(ctx.db, ctx.workspaceId, ctx.partnerId);
  return { method: row ? methodView(row) : null };
}

// ────────────────────────────── Tax profiles ──────────────────────────────

type TaxRow = typeof taxProfile.$inferSelect;
const REQUIRED_TAX_FIELDS = ['legalName', 'country', 'entityType', 'taxId', 'address', 'signatureName', 'signedOn'] as const;

function missingTaxFields(r: Pick<TaxRow, 'legalName' | 'country' | 'entityType' | 'taxIdEnc' | 'address' | 'signatureName' | 'signedOn'>): string[] {
  const present: Record<(typeof REQUIRED_TAX_FIELDS)[number], boolean> = {
    legalName: Boolean(r.legalName),
    country: Boolean(r.country),
    entityType: Boolean(r.entityType),
    taxId: Boolean(r.taxIdEnc),
    address: Boolean(r.address),
    signatureName: Boolean(r.signatureName),
    signedOn: Boolean(r.signedOn),
  };
  return REQUIRED_TAX_FIELDS.filter((f) => !present[f]);
}

export function taxView(r: TaxRow) {
  return {
    id: r.id,
    partnerId: r.partnerId,
    formType: r.formType as 'w9' | 'w8ben' | 'w8bene',
    legalName: r.legalName,
    country: r.country,
    entityType: r.entityType as 'individual' | 'sole_proprietor' | 'corporation' | 'partnership' | 'llc' | 'other' | null,
    taxId: r.taxIdLast4 ? maskTaxId(r.taxIdLast4, r.formType, r.entityType) : null,
    address: r.address ?? null,
    signatureName: r.signatureName,
    signedOn: r.signedOn,
    status: r.status as 'complete' | 'incomplete',
    missing: missingTaxFields(r),
    updatedAt: r.updatedAt.toISOString(),
  };
}

export async function taxProfileOf(db: Executor, workspaceId: string, partnerId: string) {
  const [row] = await db.select().from(taxProfile).where(and(eq(taxProfile.workspaceId, workspaceId), eq(taxProfile.partnerId, partnerId)));
  return row ?? null;
}

export async function getPartnerTaxProfile(ctx: Ctx, partnerId: string) {
  await assertPartner(ctx.db, ctx.workspaceId, partnerId);
  const row = await taxProfileOf(ctx.db, ctx.workspaceId, partnerId);
  return { profile: row ? taxView(row) : null };
}

export async function getMyTaxProfile(ctx: PortalContext) {
  const row = await taxProfileOf(ctx.db, ctx.workspaceId, ctx.partnerId);
  return { profile: row ? taxView(row) : null };
}

export async function putMyTaxProfile(ctx: PortalContext, secrets: SecretBox, input: PutTaxProfileRequest) {
  const fields: FieldError[] = [];
  const country = input.country ?? null;
  if (input.formType === 'w9' && country && country !== 'US') fields.push({ path: 'country', message: 'a W-9 is for US persons: use W-8BEN / W-8BEN-E outside the US' });
  if (input.formType !== 'w9' && country === 'US') fields.push({ path: 'country', message: 'US persons file a W-9' });
  if (input.formType === 'w8ben' && input.entityType && input.entityType !== 'individual') fields.push({ path: 'entityType', message: 'a W-8BEN is for individuals; entities file a W-8BEN-E' });
  const digits = input.taxId?.replace(/[\s-]/g, '');
  if (input.formType === 'w9' && digits !== undefined && !/^\d{9}$/.test(digits)) fields.push({ path: 'taxId', message: 'must be a 9-digit SSN or EIN, e.g. 123-45-6789' });
  if (digits !== undefined && !/^[0-9A-Za-z]{4,30}$/.test(digits)) fields.push({ path: 'taxId', message: 'must be letters and digits' });
  if (input.signedOn && input.signedOn > todayIn(now(), 'UTC')) fields.push({ path: 'signedOn', message: 'must not be in the future' });
  if (fields.length) throw new AppError('validation_failed', fields.map((f) => `${f.path}: ${f.message}`).join('; '), { fields });
  return ctx.db.transaction(async (tx) => {
    const existing = await taxProfileOf(tx, ctx.workspaceId, ctx.partnerId);
    const id = existing?.id ?? newId('taxProfile');
    const values = {
      formType: input.formType,
      legalName: input.legalName === undefined ? (existing?.legalName ?? null) : input.legalName,
      country: input.country === undefined ? (existing?.country ?? null) : input.country,
      entityType: input.entityType === undefined ? (existing?.entityType ?? null) : input.entityType,
      taxIdEnc: digits === undefined ? (existing?.taxIdEnc ?? null) : secrets.encrypt(digits, 'tax_id'),
      taxIdLast4: digits === undefined ? (existing?.taxIdLast4 ?? null) : digits.slice(-4),
      address: input.address === undefined ? (existing?.address ?? null) : input.address,
      signatureName: input.signatureName === undefined ? (existing?.signatureName ?? null) : input.signatureName,
      signedOn: input.signedOn === undefined ? (existing?.signedOn ?? null) : input.signedOn,
      updatedAt: new Date(),
    };
    const status = missingTaxFields(values).length === 0 ? 'complete' : 'incomplete';
    if (existing) await tx.update(taxProfile).set({ ...values, status }).where(eq(taxProfile.id, id));
    else await tx.insert(taxProfile).values({ id, workspaceId: ctx.workspaceId, partnerId: ctx.partnerId, ...values, status });
    await audit(txCtx(ctx, tx), {
      action: existing ? 'tax_profile.updated' : 'tax_profile.created',
      entityType: 'tax_profile',
      entityId: id,
      changes: { formType: values.formType, legalName: values.legalName, country: values.country, entityType: values.entityType, taxId: digits === undefined ? undefined : 'replaced (encrypted)', status },
    });
    return { profile: taxView((await taxProfileOf(tx, ctx.workspaceId, ctx.partnerId)) as TaxRow) };
  });
}

/** Programs a partner is enrolled in (for the portal's next payout dates). */
export async function enrolledProgramIds(db: Executor, workspaceId: string, partnerId: string): Promise<string[]> {
  const rows = await db.select({ id: enrollment.programId }).from(enrollment).where(and(eq(enrollment.workspaceId, workspaceId), eq(enrollment.partnerId, partnerId)));
  return rows.map((r) => r.id);
}
