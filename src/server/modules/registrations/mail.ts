import { and, eq, inArray } from 'drizzle-orm';
import type { Config } from '../../platform/config.ts';
import type { PartnerRole } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import type { DomainEvent } from '../../platform/events.ts';
import type { Mailer } from '../../platform/mail.ts';
import { formatMoney } from '../../platform/money.ts';
import { authUser } from '../../platform/schema.ts';
import { protectionExpiringEmail, registrationAnsweredEmail, registrationDecisionEmail, registrationSubmittedEmail } from '../mail/templates.ts';
import { partner, partnerUser } from '../partners/schema.ts';
import { program } from '../programs/schema.ts';
import { member, workspace } from '../workspaces/schema.ts';
import type { PortalRegistrationView } from './contract.ts';
import { PartnerRegistrationViews } from './portal.ts';
import { REGISTRATION_INFO_PROVIDED, REGISTRATION_PROTECTION_EXPIRING } from './protection.ts';
import { REGISTRATION_APPROVED, REGISTRATION_INFO_REQUESTED, REGISTRATION_REJECTED } from './review.ts';
import { registration } from './schema.ts';
import { REGISTRATION_SUBMITTED } from './service.ts';

export const REGISTRATION_MAIL_EVENTS = [
  REGISTRATION_SUBMITTED,
  REGISTRATION_INFO_PROVIDED,
  REGISTRATION_APPROVED,
  REGISTRATION_REJECTED,
  REGISTRATION_INFO_REQUESTED,
  REGISTRATION_PROTECTION_EXPIRING,
];

const DECISIONS: Record<string, 'approved' | 'rejected' | 'info_requested'> = {
  [REGISTRATION_APPROVED]: 'approved',
  [REGISTRATION_REJECTED]: 'rejected',
  [REGISTRATION_INFO_REQUESTED]: 'info_requested',
};

const utc = (iso: string | null | undefined) => (iso ? iso.slice(0, 16).replace('T', ' ') : null);

/**
 * Emails about registrations. The reviewer hears of a new submission and of a partner's
 * answer; the partner's registering users (admins, and whoever submitted it — every seller
 * when staff or a public link registered it) hear of each decision and of protection
 * ending. Partner emails are written only from the partner projection of the registration.
 */
export async function sendRegistrationMail(event: DomainEvent, db: Db, deps: { mailer: Mailer; config: Config }): Promise<void> {
  const { registrationId } = event.payload as { registrationId: string };
  const [row] = await db
    .select({ reg: registration, partnerName: partner.name, programName: program.name, vendorName: workspace.name })
    .from(registration)
    .innerJoin(partner, eq(partner.id, registration.partnerId))
    .innerJoin(program, eq(program.id, registration.programId))
    .innerJoin(workspace, eq(workspace.id, registration.workspaceId))
    .where(eq(registration.id, registrationId));
  if (!row) return;
  const reg = row.reg;
  const staffUrl = `${deps.config.publicUrl}/app/registrations/${reg.id}`;
  const portalUrl = `${deps.config.publicUrl}/portal/registrations/${reg.id}`;

  if (event.type === REGISTRATION_SUBMITTED || event.type === REGISTRATION_INFO_PROVIDED) {
    if (!reg.reviewerMemberId) return;
    const [reviewer] = await db
      .select({ name: authUser.name, email: authUser.email })
      .from(member)
      .innerJoin(authUser, eq(authUser.id, member.userId))
      .where(and(eq(member.id, reg.reviewerMemberId), eq(member.workspaceId, reg.workspaceId)));
    if (!reviewer) return;
    const reviewerName = reviewer.name || reviewer.email;
    const mail =
      event.type === REGISTRATION_SUBMITTED
        ? registrationSubmittedEmail({
            reviewerName,
            partnerName: row.partnerName,
            programName: row.programName,
            accountName: reg.accountName,
            amount: reg.amountMinor !== null ? formatMoney({ amountMinor: reg.amountMinor, currency: reg.currency }) : null,
            slaDueAt: utc(reg.slaDueAt.toISOString()) as string,
            conflictCount: Number((event.payload as { conflictCount?: number }).conflictCount ?? 0),
            url: staffUrl,
          })
        : registrationAnsweredEmail({ reviewerName, partnerName: row.partnerName, accountName: reg.accountName, url: staffUrl });
    await deps.mailer.send({ workspaceId: reg.workspaceId, idempotencyKey: `${event.id}:${event.type}:${reviewer.email}`, to: reviewer.email, ...mail });
    return;
  }

  const users = await db
    .select({ id: partnerUser.id, name: partnerUser.name, email: partnerUser.email, role: partnerUser.role })
    .from(partnerUser)
    .where(and(eq(partnerUser.partnerId, reg.partnerId), inArray(partnerUser.role, ['admin', 'seller'])));
  const recipients = users.filter((u) => u.role === 'admin' || u.id === reg.submittedByPartnerUserId || !reg.submittedByPartnerUserId);
  const views = new Map<string, PartnerRegistrationViews>();
  for (const u of recipients) {
    const role = u.role as PartnerRole;
    let v = views.get(role);
    if (!v) {
      v = new PartnerRegistrationViews(db, reg.workspaceId, role);
      views.set(role, v);
    }
    const seen: PortalRegistrationView = await v.view({ reg, programName: row.programName, reviewerName: null, reviewerEmail: null });
    const decision = DECISIONS[event.type];
    let mail: { subject: string; text: string; html: string } | null = null;
    if (decision) {
      mail = registrationDecisionEmail({
        decision,
        recipientName: u.name,
        vendorName: row.vendorName,
        accountName: seen.accountName,
        message: seen.decisionReason,
        protectionEndsAt: utc(seen.protectionEndsAt),
        url: portalUrl,
      });
    } else if (event.type === REGISTRATION_PROTECTION_EXPIRING) {
      if (seen.status !== 'approved' || !seen.protectionEndsAt) return;
      mail = protectionExpiringEmail({
        recipientName: u.name,
        vendorName: row.vendorName,
        accountName: seen.accountName,
        daysLeft: Number((event.payload as { daysLeft?: number }).daysLeft ?? seen.daysLeft ?? 0),
        protectionEndsAt: utc(seen.protectionEndsAt) as string,
        url: portalUrl,
      });
    }
    if (mail) await deps.mailer.send({ workspaceId: reg.workspaceId, idempotencyKey: `${event.id}:${event.type}:${u.email}`, to: u.email, ...mail });
  }
}
