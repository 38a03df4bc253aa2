import { eq } from 'drizzle-orm';
import { MAGIC_LINK_REQUESTED } from '../../platform/auth.ts';
import type { Config } from '../../platform/config.ts';
import type { Subscriber } from '../../platform/events.ts';
import type { Mailer } from '../../platform/mail.ts';
import type { TokenService } from '../../platform/tokens.ts';
import { partner, partnerUser } from '../partners/schema.ts';
import { PARTNER_USER_INVITED } from '../partners/service.ts';
import { PAYOUT_DISPUTE_CLOSED, PAYOUT_DISPUTE_OPENED } from '../payouts/disputes.ts';
import { sendDisputeAnsweredMail, sendDisputeOpenedMail, sendPayoutReversedMail } from '../payouts/mail.ts';
import { PAYOUT_REVERSED } from '../payouts/reversals.ts';
import { REGISTRATION_MAIL_EVENTS, sendRegistrationMail } from '../registrations/mail.ts';
import { invitation, workspace } from '../workspaces/schema.ts';
import { MEMBER_INVITED } from '../workspaces/service.ts';
import { magicLinkEmail, memberInvitationEmail, partnerInvitationEmail } from './templates.ts';

/** Sends the emails that events ask for. Each (event, template) is sent once. */
export function mailSubscriber(deps: { mailer: Mailer; tokens: TokenService; config: Config }): Subscriber {
  return {
    name: 'mail',
    eventTypes: [MAGIC_LINK_REQUESTED, MEMBER_INVITED, PARTNER_USER_INVITED, ...REGISTRATION_MAIL_EVENTS, PAYOUT_DISPUTE_OPENED, PAYOUT_DISPUTE_CLOSED, PAYOUT_REVERSED],
    async handle(event, { db }) {
      const key = `${event.id}:${event.type}`;
      if (REGISTRATION_MAIL_EVENTS.includes(event.type)) {
        await sendRegistrationMail(event, db, deps);
        return;
      }
      if (event.type === PAYOUT_DISPUTE_OPENED) {
        await sendDisputeOpenedMail(event, db, deps);
        return;
      }
      if (event.type === PAYOUT_DISPUTE_CLOSED) {
        await sendDisputeAnsweredMail(event, db, deps);
        return;
      }
      if (event.type === PAYOUT_REVERSED) {
        await sendPayoutReversedMail(event, db, deps);
        return;
      }
      if (event.type === MAGIC_LINK_REQUESTED) {
        const p = event.payload as { email: string; url: string; expiresInMinutes: number };
        const mail = magicLinkEmail({ url: p.url, expiresInMinutes: p.expiresInMinutes });
        await deps.mailer.send({ workspaceId: null, idempotencyKey: key, to: p.email, ...mail });
        return;
      }
      if (event.type === MEMBER_INVITED) {
        const p = event.payload as { invitationId: string; invitedBy: string };
        const [row] = await db
          .select({ inv: invitation, workspaceName: workspace.name })
          .from(invitation)
          .innerJoin(workspace, eq(workspace.id, invitation.workspaceId))
          .where(eq(invitation.id, p.invitationId));
        if (!row || row.inv.status !== 'pending') return;
        const url = `${deps.config.publicUrl}/app/invitations/${deps.tokens.derive('invitation', row.inv.id)}`;
        const mail = memberInvitationEmail({ workspaceName: row.workspaceName, role: row.inv.role, invitedBy: p.invitedBy, url });
        await deps.mailer.send({ workspaceId: row.inv.workspaceId, idempotencyKey: key, to: row.inv.email, ...mail });
        return;
      }
      if (event.type === PARTNER_USER_INVITED) {
        const p = event.payload as { partnerUserId: string };
        const [row] = await db
          .select({ pu: partnerUser, partnerName: partner.name, workspaceName: workspace.name })
          .from(partnerUser)
          .innerJoin(partner, eq(partner.id, partnerUser.partnerId))
          .innerJoin(workspace, eq(workspace.id, partnerUser.workspaceId))
          .where(eq(partnerUser.id, p.partnerUserId));
        if (!row) return;
        const url = `${deps.config.publicUrl}/api/v1/portal/join/${deps.tokens.derive('partner_invitation', row.pu.id)}`;
        const mail = partnerInvitationEmail({ workspaceName: row.workspaceName, partnerName: row.partnerName, recipientName: row.pu.name, url });
        await deps.mailer.send({ workspaceId: row.pu.workspaceId, idempotencyKey: key, to: row.pu.email, ...mail });
      }
    },
  };
}
