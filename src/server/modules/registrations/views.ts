import { sql } from 'drizzle-orm';
import { moneyToJson } from '../../platform/money.ts';
import type { RegistrationStatus } from './contract.ts';
import type { registration } from './schema.ts';

export type RegistrationRow = typeof registration.$inferSelect;

/** Statuses in which a registration still waits for the vendor or the partner. */
export const PENDING_STATUSES = ['submitted', 'info_requested'] as const;

const HOUR = 3600_000;
const DAY = 24 * HOUR;

/**
 * SLA state of a registration: while it waits for a decision, `breached` after the due time,
 * `due_soon` in the last quarter of the approval window (at most 12 h before), else
 * `on_time`; once decided, whether the decision came in time.
 */
export function slaStateOf(row: Pick<RegistrationRow, 'status' | 'slaDueAt' | 'createdAt' | 'decidedAt' | 'slaBreachedAt'>, now: Date) {
  if (!(PENDING_STATUSES as readonly string[]).includes(row.status)) {
    if (row.slaBreachedAt) return 'breached' as const;
    return row.decidedAt && row.decidedAt.getTime() > row.slaDueAt.getTime() ? ('breached' as const) : ('on_time' as const);
  }
  const left = row.slaDueAt.getTime() - now.getTime();
  if (left <= 0) return 'breached' as const;
  const window = row.slaDueAt.getTime() - row.createdAt.getTime();
  return left <= Math.min(window / 4, 12 * HOUR) ? ('due_soon' as const) : ('on_time' as const);
}

/** Whole days of protection left, rounded up (a protection ending in 3 h has 1 day left); null when not protected. */
export function daysLeftOf(row: Pick<RegistrationRow, 'status' | 'protectionEndsAt'>, now: Date): number | null {
  if (row.status !== 'approved' || !row.protectionEndsAt) return null;
  const ms = row.protectionEndsAt.getTime() - now.getTime();
  return ms <= 0 ? 0 : Math.ceil(ms / DAY);
}

export const amountOf = (row: Pick<RegistrationRow, 'amountMinor' | 'currency'>) =>
  row.amountMinor === null ? null : moneyToJson({ amountMinor: row.amountMinor, currency: row.currency });

const iso = (d: Date | null) => d?.toISOString() ?? null;

/**
 * Every field of a registration as the service knows it, internal ones included. Staff
 * responses pick from it; partner responses pass it through the projection, which keeps
 * only what partners may see.
 */
export function internalView(row: RegistrationRow, extra: { reviewerName?: string | null; reviewerEmail?: string | null } = {}) {
  return {
    id: row.id,
    programId: row.programId,
    partnerId: row.partnerId,
    submittedByPartnerUserId: row.submittedByPartnerUserId,
    channel: row.channel,
    status: row.status as RegistrationStatus,
    accountId: row.accountId,
    accountName: row.accountName,
    accountDomain: row.accountDomain,
    accountCountry: row.accountCountry,
    contactName: row.contactName,
    contactEmail: row.contactEmail,
    contactPhone: row.contactPhone,
    amount: amountOf(row),
    currency: row.currency,
    expectedCloseDate: row.expectedCloseDate,
    products: row.products,
    notes: row.notes,
    customFields: row.customFields,
    reviewerMemberId: row.reviewerMemberId,
    reviewerName: extra.reviewerName ?? null,
    reviewerEmail: extra.reviewerEmail ?? null,
    slaDueAt: row.slaDueAt.toISOString(),
    slaBreachedAt: iso(row.slaBreachedAt),
    decidedAt: iso(row.decidedAt),
    decidedByMemberId: row.decidedByMemberId,
    decisionReason: row.decisionReason,
    internalNotes: row.internalNotes,
    protectionStartsAt: iso(row.protectionStartsAt),
    protectionEndsAt: iso(row.protectionEndsAt),
    extensionsUsed: row.extensionsUsed,
    remindersSent: row.remindersSent,
    dealId: row.dealId,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Name and email of the reviewer (plain SQL: drizzle leaves columns unqualified in select-list subqueries). */
export const reviewerNameSql = sql<string | null>`(select u.name from member m join auth_user u on u.id = m.user_id where m.id = "registration"."reviewer_member_id")`;
export const reviewerEmailSql = sql<string | null>`(select u.email from member m join auth_user u on u.id = m.user_id where m.id = "registration"."reviewer_member_id")`;
export const openConflictCountSql = sql<number>`(select count(*)::int from conflict c where c.registration_id = "registration"."id" and c.status <> 'resolved')`;
