import { and, asc, eq, gt, inArray, isNull, lte } from 'drizzle-orm';
import { audit } from '../../platform/audit.ts';
import type { Principal, TxContext, WorkspaceContext } from '../../platform/context.ts';
import type { Db, Executor } from '../../platform/db.ts';
import { AppError, type FieldError, notFound } from '../../platform/errors.ts';
import { emit } from '../../platform/events.ts';
import type { PortalContext } from '../../platform/http.ts';
import { newId } from '../../platform/ids.ts';
import type { RespondRequest } from './contract.ts';
import { loadPolicy } from './policy.ts';
import { registration, registrationExtension } from './schema.ts';
import { type NormalizedDetails, normalizeDetails, validateAgainstPolicy } from './service.ts';

export const REGISTRATION_SLA_BREACHED = 'registration.sla_breached';
export const REGISTRATION_PROTECTION_EXPIRING = 'registration.protection_expiring';
export const REGISTRATION_EXPIRED = 'registration.expired';
export const REGISTRATION_EXTENSION_REQUESTED = 'registration.extension_requested';
export const REGISTRATION_EXTENDED = 'registration.extended';
export const REGISTRATION_EXTENSION_REJECTED = 'registration.extension_rejected';
export const REGISTRATION_INFO_PROVIDED = 'registration.info_provided';

/** Days before the end of protection at which the partner is reminded. */
export const REMINDER_DAYS = [14, 7, 1] as const;
const DAY = 24 * 3600_000;
const SYSTEM: Principal = { kind: 'system', name: 'registration scheduler' };

// ── Extensions ──

async function loadOwnRegistration(db: Executor, ctx: PortalContext, id: string) {
  const [row] = await db
    .select()
    .from(registration)
    .where(and(eq(registration.workspaceId, ctx.workspaceId), eq(registration.partnerId, ctx.partnerId), eq(registration.id, id)))
    .for('update');
  if (!row) throw notFound('Registration');
  return row;
}

async function applyExtension(tx: Executor, reg: typeof registration.$inferSelect, days: number, now: Date) {
  const from = reg.protectionEndsAt && reg.protectionEndsAt > now ? reg.protectionEndsAt : now;
  const protectionEndsAt = new Date(from.getTime() + days * DAY);
  await tx
    .update(registration)
    .set({ protectionEndsAt, extensionsUsed: reg.extensionsUsed + 1, remindersSent: [], updatedAt: now })
    .where(eq(registration.id, reg.id));
  return protectionEndsAt;
}

/** A partner asks for more protection; granted at once when the program needs no approval. */
export async function requestExtension(ctx: PortalContext, registrationId: string, reason: string, now = new Date()) {
  return ctx.db.transaction(async (tx) => {
    const reg = await loadOwnRegistration(tx, ctx, registrationId);
    if (reg.status !== 'approved' || !reg.protectionEndsAt || reg.protectionEndsAt <= now) {
      throw new AppError('conflict', 'Only an approved registration under protection can be extended', { extensions: { allowed: [], status: reg.status } });
    }
    const policy = await loadPolicy(tx, ctx.workspaceId, reg.programId);
    const [pending] = await tx
      .select({ id: registrationExtension.id })
      .from(registrationExtension)
      .where(and(eq(registrationExtension.registrationId, reg.id), eq(registrationExtension.status, 'requested')));
    if (pending) throw new AppError('conflict', 'An extension request is already waiting for a decision', { extensions: { existingId: pending.id } });
    if (reg.extensionsUsed >= policy.maxExtensions) {
      throw new AppError('conflict', `This program allows ${policy.maxExtensions} extension${policy.maxExtensions === 1 ? '' : 's'}; none is left`, {
        extensions: { maxExtensions: policy.maxExtensions, extensionsUsed: reg.extensionsUsed },
      });
    }
    const id = newId('registrationExtension');
    const auto = !policy.extensionRequiresApproval;
    const [ext] = await tx
      .insert(registrationExtension)
      .values({
        id,
        workspaceId: ctx.workspaceId,
        registrationId: reg.id,
        status: auto ? 'approved' : 'requested',
        days: policy.extensionDays,
        reason,
        decidedAt: auto ? now : null,
        createdAt: now,
      })
      .returning();
    const txc: TxContext = { ...ctx, db: tx };
    await audit(txc, { action: 'registration_extension.requested', entityType: 'registration_extension', entityId: id, changes: { registrationId: reg.id, days: policy.extensionDays, reason } });
    if (auto) {
      const protectionEndsAt = await applyExtension(tx, reg, policy.extensionDays, now);
      await audit(txc, {
        action: 'registration.extended',
        entityType: 'registration',
        entityId: reg.id,
        changes: { extensionId: id, automatic: true, protectionEndsAt: { from: reg.protectionEndsAt, to: protectionEndsAt } },
      });
      await emit(tx, ctx.workspaceId, REGISTRATION_EXTENDED, { registrationId: reg.id, extensionId: id, partnerId: reg.partnerId });
    } else {
      await emit(tx, ctx.workspaceId, REGISTRATION_EXTENSION_REQUESTED, { registrationId: reg.id, extensionId: id, partnerId: reg.partnerId, reviewerMemberId: reg.reviewerMemberId });
    }
    return ext;
  });
}

/** Staff approve or reject a pending extension request. */
export async function decideExtension(ctx: WorkspaceContext, extensionId: string, approve: boolean, reason: string | null | undefined, now = new Date()) {
  return ctx.db.transaction(async (tx) => {
    const [ext] = await tx
      .select()
      .from(registrationExtension)
      .where(and(eq(registrationExtension.workspaceId, ctx.workspaceId), eq(registrationExtension.id, extensionId)))
      .for('update');
    if (!ext) throw notFound('Extension request');
    if (ext.status !== 'requested') {
      throw new AppError('conflict', `This extension request is already ${ext.status}`, { extensions: { allowed: [], status: ext.status } });
    }
    const [reg] = await tx.select().from(registration).where(eq(registration.id, ext.registrationId)).for('update');
    const txc: TxContext = { ...ctx, db: tx };
    const decidedByMemberId = ctx.principal.kind === 'member' ? ctx.principal.memberId : null;
    if (approve) {
      if (reg.status !== 'approved') {
        throw new AppError('conflict', `The registration is ${reg.status}; only a protected registration can be extended`, { extensions: { allowed: ['reject'], status: reg.status } });
      }
      const protectionEndsAt = await applyExtension(tx, reg, ext.days, now);
      const [updated] = await tx
        .update(registrationExtension)
        .set({ status: 'approved', decidedAt: now, decidedByMemberId })
        .where(eq(registrationExtension.id, ext.id))
        .returning();
      await audit(txc, {
        action: 'registration.extended',
        entityType: 'registration',
        entityId: reg.id,
        changes: { extensionId: ext.id, reason: reason ?? null, protectionEndsAt: { from: reg.protectionEndsAt, to: protectionEndsAt } },
      });
      await emit(tx, ctx.workspaceId, REGISTRATION_EXTENDED, { registrationId: reg.id, extensionId: ext.id, partnerId: reg.partnerId });
      return updated;
    }
    const [updated] = await tx
      .update(registrationExtension)
      .set({ status: 'rejected', decidedAt: now, decidedByMemberId })
      .where(eq(registrationExtension.id, ext.id))
      .returning();
    await audit(txc, { action: 'registration_extension.rejected', entityType: 'registration_extension', entityId: ext.id, changes: { registrationId: reg.id, reason: reason ?? null } });
    await emit(tx, ctx.workspaceId, REGISTRATION_EXTENSION_REJECTED, { registrationId: reg.id, extensionId: ext.id, partnerId: reg.partnerId });
    return updated;
  });
}

// ── Info requests ──

/** The partner answers an information request: fields updated (validated against the policy again), back to submitted. */
export async function respondToInfoRequest(ctx: PortalContext, registrationId: string, input: RespondRequest, now = new Date()) {
  return ctx.db.transaction(async (tx) => {
    const reg = await loadOwnRegistration(tx, ctx, registrationId);
    if (reg.status !== 'info_requested') {
      throw new AppError('conflict', `Only a registration waiting for information can be answered; this one is ${reg.status.replace('_', ' ')}`, {
        extensions: { allowed: [], status: reg.status },
      });
    }
    const f = input.fields;
    const errors: FieldError[] = [];
    const merged: NormalizedDetails = normalizeDetails(
      {
        account: { name: reg.accountName, domain: reg.accountDomain, country: reg.accountCountry },
        contact: {
          name: f.contact && 'name' in f.contact ? f.contact.name : reg.contactName,
          email: f.contact && 'email' in f.contact ? f.contact.email : reg.contactEmail,
          phone: f.contact && 'phone' in f.contact ? f.contact.phone : reg.contactPhone,
        },
        amount: f.amount !== undefined ? f.amount : reg.amountMinor !== null ? { amountMinor: reg.amountMinor.toString(), currency: reg.currency } : null,
        expectedCloseDate: f.expectedCloseDate !== undefined ? f.expectedCloseDate : reg.expectedCloseDate,
        products: f.products ?? reg.products,
        notes: f.notes ?? reg.notes,
        customFields: f.customFields ? { ...reg.customFields, ...f.customFields } : reg.customFields,
      },
      errors,
    );
    const policy = await loadPolicy(tx, ctx.workspaceId, reg.programId);
    const n = validateAgainstPolicy(policy, merged, errors);
    const patch = {
      contactName: n.contactName,
      contactEmail: n.contactEmail,
      contactPhone: n.contactPhone,
      amountMinor: n.amountMinor,
      currency: n.currency ?? reg.currency,
      expectedCloseDate: n.expectedCloseDate,
      products: [...new Set(n.products)],
      notes: n.notes,
      customFields: n.customFields,
    };
    const changed: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(patch)) {
      const before = (reg as unknown as Record<string, unknown>)[k];
      const same = JSON.stringify(before, (_k, x) => (typeof x === 'bigint' ? x.toString() : x)) === JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
      if (!same) changed[k] = { from: before, to: v };
    }
    await tx
      .update(registration)
      .set({ ...patch, status: 'submitted', updatedAt: now })
      .where(eq(registration.id, reg.id));
    await audit({ ...ctx, db: tx }, {
      action: 'registration.info_provided',
      entityType: 'registration',
      entityId: reg.id,
      changes: { status: { from: 'info_requested', to: 'submitted' }, message: input.message, fields: changed },
    });
    await emit(tx, ctx.workspaceId, REGISTRATION_INFO_PROVIDED, { registrationId: reg.id, partnerId: reg.partnerId, reviewerMemberId: reg.reviewerMemberId });
  });
}

// ── Scheduled jobs (plain functions of `now`, so tests drive the clock) ──

/** Marks submitted registrations past their SLA and emits `registration.sla_breached`, once each. */
export async function markSlaBreaches(db: Db, now: Date = new Date()): Promise<number> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .update(registration)
      .set({ slaBreachedAt: now })
      .where(and(eq(registration.status, 'submitted'), lte(registration.slaDueAt, now), isNull(registration.slaBreachedAt)))
      .returning({ id: registration.id, workspaceId: registration.workspaceId, partnerId: registration.partnerId, reviewerMemberId: registration.reviewerMemberId, slaDueAt: registration.slaDueAt });
    for (const r of rows) {
      await audit({ workspaceId: r.workspaceId, principal: SYSTEM, requestId: null, db: tx }, { action: 'registration.sla_breached', entityType: 'registration', entityId: r.id, changes: { slaDueAt: r.slaDueAt } });
      await emit(tx, r.workspaceId, REGISTRATION_SLA_BREACHED, { registrationId: r.id, partnerId: r.partnerId, reviewerMemberId: r.reviewerMemberId, slaDueAt: r.slaDueAt.toISOString() });
    }
    return rows.length;
  });
}

/**
 * Emits `registration.protection_expiring` 14, 7 and 1 days before protection ends, once
 * each (`reminders_sent`). When the job missed a threshold (or a protection is short), one
 * reminder covers every threshold passed, with the days actually left.
 */
export async function sendProtectionReminders(db: Db, now: Date = new Date()): Promise<number> {
  const horizon = new Date(now.getTime() + REMINDER_DAYS[0] * DAY);
  return db.transaction(async (tx) => {
    const rows = await tx
      .select()
      .from(registration)
      .where(and(eq(registration.status, 'approved'), gt(registration.protectionEndsAt, now), lte(registration.protectionEndsAt, horizon)))
      .orderBy(asc(registration.protectionEndsAt))
      .for('update', { skipLocked: true });
    let sent = 0;
    for (const r of rows) {
      const left = (r.protectionEndsAt as Date).getTime() - now.getTime();
      const due = REMINDER_DAYS.filter((d) => left <= d * DAY && !r.remindersSent.includes(d));
      if (due.length === 0) continue;
      const threshold = Math.min(...due);
      await tx
        .update(registration)
        .set({ remindersSent: [...new Set([...r.remindersSent, ...due])].sort((a, b) => b - a) })
        .where(eq(registration.id, r.id));
      await emit(tx, r.workspaceId, REGISTRATION_PROTECTION_EXPIRING, {
        registrationId: r.id,
        partnerId: r.partnerId,
        threshold,
        daysLeft: Math.ceil(left / DAY),
        protectionEndsAt: (r.protectionEndsAt as Date).toISOString(),
      });
      sent++;
    }
    return sent;
  });
}

/** Ends protection: approved registrations past `protection_ends_at` become `expired`. */
export async function expireProtections(db: Db, now: Date = new Date()): Promise<number> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .update(registration)
      .set({ status: 'expired', updatedAt: now })
      .where(and(eq(registration.status, 'approved'), lte(registration.protectionEndsAt, now)))
      .returning({ id: registration.id, workspaceId: registration.workspaceId, partnerId: registration.partnerId, protectionEndsAt: registration.protectionEndsAt });
    for (const r of rows) {
      await audit({ workspaceId: r.workspaceId, principal: SYSTEM, requestId: null, db: tx }, { action: 'registration.expired', entityType: 'registration', entityId: r.id, changes: { status: { from: 'approved', to: 'expired' }, protectionEndsAt: r.protectionEndsAt } });
      await emit(tx, r.workspaceId, REGISTRATION_EXPIRED, { registrationId: r.id, partnerId: r.partnerId });
    }
    // Pending extension requests of expired registrations can no longer be granted.
    if (rows.length > 0) {
      await tx
        .update(registrationExtension)
        .set({ status: 'rejected', decidedAt: now })
        .where(and(eq(registrationExtension.status, 'requested'), inArray(registrationExtension.registrationId, rows.map((r) => r.id))));
    }
    return rows.length;
  });
}

