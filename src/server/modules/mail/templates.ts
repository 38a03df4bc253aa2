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

export function registrationSubmittedEmail(input: {
  reviewerName: string;
  partnerName: string;
  programName: string;
  accountName: string;
  amount: string | null;
  slaDueAt: string;
  conflictCount: number;
  url: string;
}) {
  return {
    subject: `New deal registration: ${input.accountName} from ${input.partnerName}`,
    ...renderEmail({
      heading: `${input.partnerName} registered ${input.accountName}`,
      paragraphs: [
        `Hi ${input.reviewerName}, a new deal registration in ${input.programName} is waiting for your review${input.amount ? ` (${input.amount})` : ''}.`,
        `Please decide by ${input.slaDueAt} (UTC) to stay within the approval SLA.`,
        ...(input.conflictCount > 0 ? [`It conflicts with ${input.conflictCount} other claim${input.conflictCount === 1 ? '' : 's'} on the same customer; the recommendation is on the registration.`] : []),
      ],
      action: { label: 'Review the registration', url: input.url },
      footer: 'You receive this because you review deal registrations for this partner or territory.',
    }),
  };
}

export function registrationDecisionEmail(input: {
  decision: 'approved' | 'rejected' | 'info_requested';
  recipientName: string;
  vendorName: string;
  accountName: string;
  message: string | null;
  protectionEndsAt: string | null;
  url: string;
}) {
  const subject = {
    approved: `Registration approved: ${input.accountName}`,
    rejected: `Registration not approved: ${input.accountName}`,
    info_requested: `More information needed: ${input.accountName}`,
  }[input.decision];
  const lead = {
    approved: `${input.vendorName} approved your deal registration for ${input.accountName}.${input.protectionEndsAt ? ` It is protected until ${input.protectionEndsAt} (UTC).` : ''}`,
    rejected: `${input.vendorName} did not approve your deal registration for ${input.accountName}.`,
    info_requested: `${input.vendorName} needs more information about your deal registration for ${input.accountName} before deciding.`,
  }[input.decision];
  const label = { approved: 'Note', rejected: 'Reason', info_requested: 'What is needed' }[input.decision];
  return {
    subject,
    ...renderEmail({
      heading: subject,
      paragraphs: [`Hi ${input.recipientName},`, lead, ...(input.message ? [`${label}: ${input.message}`] : [])],
      action: { label: input.decision === 'info_requested' ? 'Answer in the portal' : 'Open the registration', url: input.url },
      footer: `You receive this because you register deals with ${input.vendorName}.`,
    }),
  };
}

export function registrationAnsweredEmail(input: { reviewerName: string; partnerName: string; accountName: string; url: string }) {
  return {
    subject: `${input.partnerName} answered: ${input.accountName}`,
    ...renderEmail({
      heading: `${input.partnerName} sent the information you asked for`,
      paragraphs: [`Hi ${input.reviewerName}, the registration for ${input.accountName} is back in your review queue.`],
      action: { label: 'Review the registration', url: input.url },
      footer: 'You receive this because you review this registration.',
    }),
  };
}

export function protectionExpiringEmail(input: { recipientName: string; vendorName: string; accountName: string; daysLeft: number; protectionEndsAt: string; url: string }) {
  const days = `${input.daysLeft} day${input.daysLeft === 1 ? '' : 's'}`;
  return {
    subject: `Protection ends in ${days}: ${input.accountName}`,
    ...renderEmail({
      heading: `Your registration for ${input.accountName} is protected for ${days} more`,
      paragraphs: [
        `Hi ${input.recipientName}, the protection ${input.vendorName} granted for ${input.accountName} ends on ${input.protectionEndsAt} (UTC).`,
        'If the deal needs more time, you can ask for an extension in the portal.',
      ],
      action: { label: 'Open the registration', url: input.url },
      footer: `You receive this because you register deals with ${input.vendorName}.`,
    }),
  };
}

export function statementDisputeAnsweredEmail(input: {
  recipientName: string;
  vendorName: string;
  statement: string;
  outcome: 'resolved' | 'rejected';
  resolution: string;
  adjustment: string | null;
  url: string;
}) {
  return payoutPeopleEmail(input, `Your dispute of statement ${input.statement} was ${input.outcome === 'resolved' ? 'resolved' : 'answered'}`, [
    `${input.vendorName}'s finance team answered your dispute of statement ${input.statement}: ${input.resolution}`,
    ...(input.adjustment ? [`${input.adjustment} is added to your next payout.`] : []),
  ]);
}

/** An email to a partner's payout people (admins and finance users): greeting, the paragraphs, a link to their payouts. */
function payoutPeopleEmail(to: { recipientName: string; vendorName: string; url: string }, subject: string, paragraphs: string[]) {
  return {
    subject,
    ...renderEmail({
      heading: subject,
      paragraphs: [`Hi ${to.recipientName},`, ...paragraphs],
      action: { label: 'Open your payouts', url: to.url },
      footer: `You receive this because you manage payouts with ${to.vendorName}.`,
    }),
  };
}

/** To a partner's payout people: a payment to them was returned to the vendor (a Stripe transfer reversal); it is owed again. */
export function payoutReversedEmail(input: { recipientName: string; vendorName: string; statement: string; reversed: string; full: boolean; url: string }) {
  return payoutPeopleEmail(input, `${input.full ? 'The payment' : 'Part of the payment'} for statement ${input.statement} was returned`, [
    `${input.reversed} of the payment for statement ${input.statement} was returned to ${input.vendorName}, so it did not stay with you.`,
    `It is owed to you again and goes out with your next payout. Nothing else is needed from you unless your payout method changed.`,
  ]);
}

export function statementDisputeOpenedEmail(input: {
  recipientName: string;
  partnerName: string;
  statement: string;
  reason: string;
  message: string;
  expected: string | null;
  url: string;
}) {
  const subject = `${input.partnerName} disputes statement ${input.statement}`;
  return {
    subject,
    ...renderEmail({
      heading: subject,
      paragraphs: [
        `Hi ${input.recipientName},`,
        `${input.partnerName} disputes statement ${input.statement} (${input.reason.toLowerCase()}): “${input.message}”`,
        ...(input.expected ? [`They expected ${input.expected}.`] : []),
        'Resolve it with an answer and, when money is owed, an adjustment paid in their next payout — or reject it with the reason.',
      ],
      action: { label: 'Open the disputes', url: input.url },
      footer: 'You receive this because you approve payouts in this workspace.',
    }),
  };
}
