import type { BadgeTone } from '../../ui/badge';

/** Labels and tones of the commission ledger, shared by the console and the portal. */
export const ENTRY_STATUSES: { value: 'pending' | 'approved' | 'payable' | 'paid' | 'reversed'; label: string; tone: BadgeTone }[] = [
  { value: 'pending', label: 'Pending', tone: 'warning' },
  { value: 'approved', label: 'Approved', tone: 'brand' },
  { value: 'payable', label: 'In payout', tone: 'neutral' },
  { value: 'paid', label: 'Paid', tone: 'success' },
  { value: 'reversed', label: 'Reversed', tone: 'muted' },
];

export const ENTRY_KINDS = [
  { value: 'commission', label: 'Commission' },
  { value: 'recurring', label: 'Recurring' },
  { value: 'spiff', label: 'SPIFF' },
  { value: 'bonus', label: 'Bonus' },
  { value: 'rebate', label: 'Rebate' },
  { value: 'reversal', label: 'Reversal' },
  { value: 'clawback', label: 'Clawback' },
  { value: 'adjustment', label: 'Adjustment' },
] as const;

export const FLAG_LABELS: Record<string, string> = {
  self_referral: 'Self-referral',
  duplicate_ip: 'Duplicate IP',
  fast_conversion: 'Too fast after click',
  high_refund_rate: 'High refund rate',
  manual_hold: 'On hold',
  needs_review: 'Needs review',
};

export const statusOf = (value: string) => ENTRY_STATUSES.find((s) => s.value === value) ?? { value, label: value, tone: 'neutral' as BadgeTone };
export const kindLabel = (value: string) => ENTRY_KINDS.find((k) => k.value === value)?.label ?? value;
export const flagLabel = (value: string) => FLAG_LABELS[value] ?? value.replace(/_/g, ' ');
