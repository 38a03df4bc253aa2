import { renderEmail } from '../../platform/mail.ts';

const ROLE_LABELS: Record<string, string> = {
  owner: 'Owner',
  admin: 'Admin',
  partner_manager: 'Partner manager',
  sales: 'Sales',
  finance: 'Finance',
  marketing: 'Marketing',
  analyst: 'Analyst',
};

export function magicLinkEmail(input: { url: string; expiresInMinutes: number }) {
  return {
    subject: 'Your OpenPRM sign-in link',
    ...renderEmail({
      heading: 'Sign in to OpenPRM',
      paragraphs: [`Use the button below to sign in. The link works once and expires in ${input.expiresInMinutes} minutes.`],
      action: { label: 'Sign in', url: input.url },
      footer: 'If you did not ask for this email, you can ignore it.',
    }),
  };
}

export function memberInvitationEmail(input: { workspaceName: string; role: string; invitedBy: string; url: string }) {
  return {
    subject: `${input.invitedBy} invited you to ${input.workspaceName} on OpenPRM`,
    ...renderEmail({
      heading: `Join ${input.workspaceName} on OpenPRM`,
      paragraphs: [`${input.invitedBy} invited you to join ${input.workspaceName} as ${ROLE_LABELS[input.role] ?? input.role}.`, 'The invitation expires in 7 days.'],
      action: { label: 'Accept invitation', url: input.url },
      footer: 'If you were not expecting this invitation, you can ignore this email.',
    }),
  };
}

export function partnerInvitationEmail(input: { workspaceName: string; partnerName: string; recipientName: string; url: string }) {
  return {
    subject: `You're invited to the ${input.workspaceName} partner portal`,
    ...renderEmail({
      heading: `Welcome, ${input.recipientName}`,
      paragraphs: [
        `${input.workspaceName} has invited you to its partner portal as part of the ${input.partnerName} team.`,
        'The button signs you in directly; no password needed. It works for 7 days — after that, request a new sign-in link from the portal.',
      ],
      action: { label: 'Open the partner portal', url: input.url },
      footer: 'If you were not expecting this invitation, you can ignore this email.',
    }),
  };
}
