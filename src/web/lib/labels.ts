import type { BadgeTone } from '../ui/badge';

export const PARTNER_TYPES = [
  { value: 'referral', label: 'Referral' },
  { value: 'affiliate', label: 'Affiliate' },
  { value: 'reseller', label: 'Reseller' },
  { value: 'agency', label: 'Agency' },
  { value: 'si_msp', label: 'SI / MSP' },
  { value: 'technology', label: 'Technology' },
  { value: 'marketplace', label: 'Marketplace' },
] as const;

export const MEMBER_ROLES = [
  { value: 'owner', label: 'Owner', description: 'Everything, including billing and deleting the workspace.' },
  { value: 'admin', label: 'Admin', description: 'Sets up programs, policies, integrations and users.' },
  { value: 'partner_manager', label: 'Partner manager', description: 'Recruits, onboards and manages partners.' },
  { value: 'sales', label: 'Sales', description: 'Sees partner involvement on accounts and deals.' },
  { value: 'finance', label: 'Finance', description: 'Approves commissions and payouts.' },
  { value: 'marketing', label: 'Marketing', description: 'Manages content and campaigns.' },
  { value: 'analyst', label: 'Analyst', description: 'Read-mostly access to reports.' },
] as const;

export const PARTNER_ROLES = [
  { value: 'admin', label: 'Admin', description: 'Manages the team and profile.' },
  { value: 'seller', label: 'Seller', description: 'Registers and works deals.' },
  { value: 'finance', label: 'Finance', description: 'Sees earnings and payout details.' },
  { value: 'technical', label: 'Technical', description: 'Takes trainings and certifications.' },
] as const;

export const PROGRAM_STATUSES = [
  { value: 'draft', label: 'Draft' },
  { value: 'active', label: 'Active' },
  { value: 'archived', label: 'Archived' },
] as const;

export function labelOf(list: readonly { value: string; label: string }[], value: string | null | undefined): string {
  if (!value) return '—';
  return list.find((item) => item.value === value)?.label ?? value.replaceAll('_', ' ');
}

export function programStatusTone(status: string): BadgeTone {
  return status === 'active' ? 'success' : status === 'draft' ? 'warning' : 'muted';
}

export function initials(name: string | null | undefined): string {
  const parts = (name ?? '')
    .trim()
    .split(/\s+/)
    .map((part) => part.replace(/[^\p{L}\p{N}]/gu, ''))
    .filter(Boolean);
  if (parts.length === 0) return '?';
  return ((parts[0]?.[0] ?? '') + (parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : '')).toUpperCase();
}

export const REGISTRATION_STATUSES = [
  { value: 'submitted', label: 'Waiting for review' },
  { value: 'info_requested', label: 'Info requested' },
  { value: 'approved', label: 'Approved' },
  { value: 'rejected', label: 'Rejected' },
  { value: 'expired', label: 'Expired' },
  { value: 'withdrawn', label: 'Withdrawn' },
] as const;

/** Partner-facing wording of the same statuses. */
export const PORTAL_REGISTRATION_STATUSES = [
  { value: 'submitted', label: 'In review' },
  { value: 'info_requested', label: 'Needs your answer' },
  { value: 'approved', label: 'Approved' },
  { value: 'rejected', label: 'Declined' },
  { value: 'expired', label: 'Expired' },
  { value: 'withdrawn', label: 'Withdrawn' },
] as const;

export function registrationStatusTone(status: string): BadgeTone {
  switch (status) {
    case 'approved':
      return 'success';
    case 'submitted':
      return 'brand';
    case 'info_requested':
      return 'warning';
    case 'rejected':
      return 'danger';
    default:
      return 'muted';
  }
}

export const CREDIT_ROLES = [
  { value: 'sourced', label: 'Sourced' },
  { value: 'influenced', label: 'Influenced' },
  { value: 'reseller', label: 'Reseller' },
  { value: 'fulfillment', label: 'Fulfillment' },
] as const;

export const SHARE_MODES = [
  { value: 'hidden', label: 'Hidden' },
  { value: 'visible', label: 'Visible' },
  { value: 'masked', label: 'Masked' },
  { value: 'banded', label: 'Banded' },
] as const;

export const CONFLICT_STATUSES = [
  { value: 'open', label: 'Open' },
  { value: 'escalated', label: 'Escalated' },
  { value: 'resolved', label: 'Resolved' },
] as const;

export function stageKindTone(kind: string): BadgeTone {
  return kind === 'won' ? 'success' : kind === 'lost' ? 'muted' : 'brand';
}

/** Basis points → "42.5 %". */
export function formatBp(bp: number): string {
  const pct = bp / 100;
  return `${Number.isInteger(pct) ? pct : pct.toFixed(1)} %`;
}
