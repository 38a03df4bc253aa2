import { and, eq, gt, inArray, or, sql } from 'drizzle-orm';
import { audit } from '../../platform/audit.ts';
import type { Principal, TxContext } from '../../platform/context.ts';
import type { Db, Executor } from '../../platform/db.ts';
import { normalizeCountry } from '../../platform/country.ts';
import { normalizeDomain } from '../../platform/domain-name.ts';
import { AppError, type FieldError } from '../../platform/errors.ts';
import { emit } from '../../platform/events.ts';
import { newId } from '../../platform/ids.ts';
import { account } from '../accounts/schema.ts';
import { upsertAccount, upsertContact } from '../accounts/service.ts';
import { enrollment, partner } from '../partners/schema.ts';
import { checkConflicts } from './conflict-check.ts';
import { recommend } from './conflict-rules.ts';
import type { RegistrationDetails, RegistrationField } from './contract.ts';
import { type EffectivePolicy, loadPolicy, pickReviewer, programOf } from './policy.ts';
import { type CustomFieldDefinition, conflict, registration } from './schema.ts';
import type { RegistrationRow } from './views.ts';

export const REGISTRATION_SUBMITTED = 'registration.submitted';
export const CONFLICT_DETECTED = 'conflict.detected';

/** What the service needs to act: who, in which workspace, on which connection. */
export interface ActingContext {
  workspaceId: string;
  principal: Principal;
  requestId: string | null;
  db: Db;
}

/** The path each required field has in the request body. */
export const FIELD_PATHS: Record<RegistrationField, string> = {
  accountName: 'account.name',
  accountDomain: 'account.domain',
  accountCountry: 'account.country',
  contactName: 'contact.name',
  contactEmail: 'contact.email',
  contactPhone: 'contact.phone',
  amount: 'amount',
  expectedCloseDate: 'expectedCloseDate',
  products: 'products',
  notes: 'notes',
};

export interface NormalizedDetails {
  accountName: string | null;
  accountDomain: string | null;
  accountCountry: string | null;
  contactName: string | null;
  contactEmail: string | null;
  contactPhone: string | null;
  amountMinor: bigint | null;
  currency: string | null;
  expectedCloseDate: string | null;
  products: string[];
  notes: string;
  customFields: Record<string, string | number | null>;
}

const blank = (v: string | null | undefined) => (v == null || v.trim() === '' ? null : v.trim());
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Formats of the free fields (domain, country, email), collected rather than thrown. */
export function normalizeDetails(d: Partial<RegistrationDetails>, errors: FieldError[]): NormalizedDetails {
  const domainInput = blank(d.account?.domain);
  let accountDomain: string | null = null;
  if (domainInput) {
    try {
      accountDomain = normalizeDomain(domainInput);
    } catch {
      errors.push({ path: 'account.domain', message: 'is not a valid website or domain' });
    }
  }
  const countryInput = blank(d.account?.country);
  const accountCountry = countryInput ? normalizeCountry(countryInput) : null;
  if (countryInput && !accountCountry) errors.push({ path: 'account.country', message: 'must be an ISO 3166-1 alpha-2 country code such as US or DE' });
  const contactEmail = blank(d.contact?.email)?.toLowerCase() ?? null;
  if (contactEmail && !EMAIL.test(contactEmail)) errors.push({ path: 'contact.email', message: 'must be an email address' });
  let amountMinor: bigint | null = null;
  if (d.amount) {
    amountMinor = BigInt(d.amount.amountMinor);
    if (amountMinor < 0n) errors.push({ path: 'amount.amountMinor', message: 'must not be negative' });
  }
  return {
    accountName: blank(d.account?.name),
    accountDomain,
    accountCountry,
    contactName: blank(d.contact?.name),
    contactEmail,
    contactPhone: blank(d.contact?.phone),
    amountMinor,
    currency: d.amount?.currency ?? null,
    expectedCloseDate: blank(d.expectedCloseDate ?? null),
    products: d.products ?? [],
    notes: d.notes ?? '',
    customFields: d.customFields ?? {},
  };
}

function isMissing(field: RegistrationField, n: NormalizedDetails): boolean {
  switch (field) {
    case 'amount':
      return n.amountMinor === null;
    case 'products':
      return n.products.length === 0;
    case 'notes':
      return n.notes.trim() === '';
    default:
      return n[field] === null;
  }
}

/** Checks custom field values against their definitions; returns the cleaned values. */
export function checkCustomFields(defs: CustomFieldDefinition[], values: Record<string, string | number | null>, errors: FieldError[]) {
  const out: Record<string, string | number | null> = {};
  const byKey = new Map(defs.map((d) => [d.key, d]));
  for (const key of Object.keys(values)) {
    if (!byKey.has(key)) errors.push({ path: `customFields.${key}`, message: 'is not a field of this program' });
  }
  for (const def of defs) {
    const raw = values[def.key];
    const value = typeof raw === 'string' ? (raw.trim() === '' ? null : raw.trim()) : (raw ?? null);
    const path = `customFields.${def.key}`;
    if (value === null) {
      if (def.required) errors.push({ path, message: `${def.label} is required` });
      continue;
    }
    if (def.type === 'number') {
      const n = typeof value === 'number' ? value : Number(value);
      if (!Number.isFinite(n)) errors.push({ path, message: 'must be a number' });
      else out[def.key] = n;
    } else if (def.type === 'date') {
      if (typeof value !== 'string' || !DATE.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) errors.push({ path, message: 'must be a date like 2026-12-31' });
      else out[def.key] = value;
    } else if (def.type === 'select') {
      if (typeof value !== 'string' || !(def.options ?? []).includes(value)) errors.push({ path, message: `must be one of: ${(def.options ?? []).join(', ')}` });
      else out[def.key] = value;
    } else {
      out[def.key] = String(value);
    }
  }
  return out;
}

/** Required fields and custom fields of the policy; throws one 422 that lists every problem. */
export function validateAgainstPolicy(policy: EffectivePolicy, n: NormalizedDetails, errors: FieldError[]): NormalizedDetails {
  const required = new Set<RegistrationField>(['accountName', ...policy.requiredFields]);
  for (const field of required) {
    if (isMissing(field, n) && !errors.some((e) => e.path === FIELD_PATHS[field])) errors.push({ path: FIELD_PATHS[field], message: 'is required' });
  }
  const customFields = checkCustomFields(policy.customFields, n.customFields, errors);
  if (errors.length > 0) throw new AppError('validation_failed', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { fields: errors });
  return { ...n, customFields };
}

/**
 * The partner may register in this program: it exists, the program is active, the partner is
 * actively enrolled (422 naming the problem) and eligible by type and tag (403 with the reason).
 */
export async function assertMayRegister(db: Executor, workspaceId: string, partnerId: string, programId: string, policy: EffectivePolicy | null) {
  const [p] = await db
    .select()
    .from(partner)
    .where(and(eq(partner.workspaceId, workspaceId), eq(partner.id, partnerId)));
  if (!p) throw new AppError('validation_failed', 'partnerId: no such partner', { fields: [{ path: 'partnerId', message: 'is not a partner of this workspace' }] });
  const prg = await programOf(db, workspaceId, programId);
  if (!prg) throw new AppError('validation_failed', 'programId: no such program', { fields: [{ path: 'programId', message: 'is not a program of this workspace' }] });
  const [e] = await db
    .select({ status: enrollment.status })
    .from(enrollment)
    .where(and(eq(enrollment.workspaceId, workspaceId), eq(enrollment.partnerId, partnerId), eq(enrollment.programId, programId)));
  if (!e || e.status !== 'active' || prg.status === 'draft') {
    throw new AppError('validation_failed', `programId: ${p.name} is not actively enrolled in ${prg.name}`, {
      fields: [{ path: 'programId', message: `the partner is not actively enrolled in ${prg.name}` }],
    });
  }
  if (prg.status !== 'active') {
    throw new AppError('validation_failed', `programId: ${prg.name} is ${prg.status} and takes no registrations`, {
      fields: [{ path: 'programId', message: `${prg.name} is ${prg.status} and takes no registrations` }],
    });
  }
  const reason = policy ? ineligibilityReason(policy, p) : null;
  if (reason) throw new AppError('forbidden', reason);
  return { partner: p, program: prg };
}

/** Why a partner may not register under this policy, or null. */
export function ineligibilityReason(policy: EffectivePolicy, p: { type: string; tags: string[] }): string | null {
  const { partnerTypes, tags } = policy.eligibility;
  if (partnerTypes.length > 0 && !partnerTypes.includes(p.type)) {
    return `Only ${partnerTypes.join(', ')} partners may register deals in this program`;
  }
  if (tags.length > 0 && !tags.some((t) => p.tags.includes(t))) {
    return `Registering deals in this program needs one of these partner tags: ${tags.join(', ')}`;
  }
  return null;
}

export interface CreateInput {
  partnerId: string;
  programId: string;
  channel: 'portal' | 'public_link' | 'api' | 'email';
  submittedByPartnerUserId: string | null;
  details: Partial<RegistrationDetails>;
  internalNotes?: string | null;
  /** Extra audit context, e.g. the public link used. */
  auditContext?: Record<string, unknown>;
}

/**
 * Creates a registration in one transaction: the customer account (found or new), the
 * registration with its SLA, the conflict check and a recommendation per conflict, the
 * conflict rows (owned by the reviewer), the audit entry and the events.
 */
export async function createRegistration(ctx: ActingContext, input: CreateInput, now = new Date()): Promise<RegistrationRow> {
  const errors: FieldError[] = [];
  const normalized = normalizeDetails(input.details, errors);
  return ctx.db.transaction(async (tx) => {
    const policy = await loadPolicy(tx, ctx.workspaceId, input.programId);
    const { partner: p, program: prg } = await assertMayRegister(tx, ctx.workspaceId, input.partnerId, input.programId, policy);
    const n = validateAgainstPolicy(policy, normalized, errors);
    const acct = await upsertAccount(tx, ctx.workspaceId, { name: n.accountName as string, domain: n.accountDomain, country: n.accountCountry });
    // Serialize submissions by one partner for one customer, so two at once cannot both pass the duplicate check.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`${input.partnerId}:${acct.id}`}))`);
    const [dup] = await tx
      .select({ id: registration.id, status: registration.status })
      .from(registration)
      .where(
        and(
          eq(registration.workspaceId, ctx.workspaceId),
          eq(registration.partnerId, input.partnerId),
          eq(registration.accountId, acct.id),
          or(
            inArray(registration.status, ['submitted', 'info_requested']),
            and(eq(registration.status, 'approved'), gt(registration.protectionEndsAt, now)),
          ),
        ),
      )
      .limit(1);
    if (dup) {
      throw new AppError('conflict', `This partner already has an open registration for ${acct.name} (${dup.status})`, { extensions: { existingId: dup.id } });
    }
    await upsertContact(tx, ctx.workspaceId, acct.id, { name: n.contactName, email: n.contactEmail, phone: n.contactPhone });
    const currency = n.currency ?? prg.currency;
    const reviewerMemberId = await pickReviewer(
      tx,
      ctx.workspaceId,
      { programId: input.programId, country: n.accountCountry ?? acct.country, amountMinor: n.amountMinor, currency },
      p.managerMemberId,
    );
    const id = newId('registration');
    const [row] = await tx
      .insert(registration)
      .values({
        id,
        workspaceId: ctx.workspaceId,
        programId: input.programId,
        partnerId: input.partnerId,
        submittedByPartnerUserId: input.submittedByPartnerUserId,
        channel: input.channel,
        status: 'submitted',
        accountId: acct.id,
        accountName: n.accountName as string,
        accountDomain: n.accountDomain ?? acct.domain,
        accountCountry: n.accountCountry ?? acct.country,
        contactName: n.contactName,
        contactEmail: n.contactEmail,
        contactPhone: n.contactPhone,
        amountMinor: n.amountMinor,
        currency,
        expectedCloseDate: n.expectedCloseDate,
        products: [...new Set(n.products)],
        notes: n.notes,
        customFields: n.customFields,
        reviewerMemberId,
        slaDueAt: new Date(now.getTime() + policy.approvalSlaHours * 3600_000),
        internalNotes: input.internalNotes ?? null,
        createdAt: now,
        updatedAt: now,
      })
      .returning();

    const candidates = await checkConflicts(tx, {
      workspaceId: ctx.workspaceId,
      registrationId: id,
      partnerId: input.partnerId,
      accountName: row.accountName,
      domain: row.accountDomain,
      now,
    });
    const incumbents = new Map<string, string | null>();
    const accountIds = [...new Set(candidates.map((c) => c.matchedAccountId))];
    if (accountIds.length > 0) {
      const rows = await tx
        .select({ id: account.id, incumbent: account.incumbentPartnerId })
        .from(account)
        .where(and(eq(account.workspaceId, ctx.workspaceId), inArray(account.id, accountIds)));
      for (const r of rows) incumbents.set(r.id, r.incumbent);
    }
    const conflictIds: string[] = [];
    for (const c of candidates) {
      const recommendation = recommend({
        registration: { partnerId: input.partnerId, createdAt: row.createdAt, partnerCertified: false },
        other: { ...c, partnerCertified: false },
        hierarchy: policy.conflictHierarchy,
        incumbentPartnerId: incumbents.get(c.matchedAccountId) ?? null,
      });
      const conflictId = newId('conflict');
      const inserted = await tx
        .insert(conflict)
        .values({
          id: conflictId,
          workspaceId: ctx.workspaceId,
          registrationId: id,
          otherKind: c.otherKind,
          otherId: c.otherId,
          otherPartnerId: c.otherPartnerId,
          matchedAccountId: c.matchedAccountId,
          matchKind: c.matchKind,
          similarity: c.similarity,
          recommendation,
          status: 'open',
          ownerMemberId: reviewerMemberId,
          createdAt: now,
        })
        .onConflictDoNothing()
        .returning({ id: conflict.id });
      if (inserted.length > 0) conflictIds.push(conflictId);
    }

    const txc: TxContext = { ...ctx, db: tx };
    await audit(txc, {
      action: 'registration.submitted',
      entityType: 'registration',
      entityId: id,
      changes: {
        channel: input.channel,
        partnerId: input.partnerId,
        programId: input.programId,
        accountId: acct.id,
        accountName: row.accountName,
        amountMinor: row.amountMinor,
        currency,
        reviewerMemberId,
        slaDueAt: row.slaDueAt.toISOString(),
        conflicts: conflictIds.length,
        ...(input.auditContext ?? {}),
      },
    });
    await emit(tx, ctx.workspaceId, REGISTRATION_SUBMITTED, {
      registrationId: id,
      partnerId: input.partnerId,
      programId: input.programId,
      reviewerMemberId,
      conflictCount: conflictIds.length,
    });
    if (conflictIds.length > 0) {
      await audit(txc, { action: 'conflict.detected', entityType: 'registration', entityId: id, changes: { conflictIds } });
      await emit(tx, ctx.workspaceId, CONFLICT_DETECTED, { registrationId: id, conflictIds, ownerMemberId: reviewerMemberId });
    }
    return row;
  });
}
