import type { BadgeTone } from '../../ui/badge';

export const RUN_STATUS: Record<string, { label: string; tone: BadgeTone }> = {
  draft: { label: 'Draft', tone: 'neutral' },
  approved: { label: 'Approved', tone: 'brand' },
  processing: { label: 'Processing', tone: 'warning' },
  completed: { label: 'Completed', tone: 'success' },
  cancelled: { label: 'Cancelled', tone: 'muted' },
};

export const PAYOUT_STATUS: Record<string, { label: string; tone: BadgeTone }> = {
  draft: { label: 'To pay', tone: 'neutral' },
  carried_over: { label: 'Carried over', tone: 'muted' },
  held: { label: 'Held', tone: 'warning' },
  approved: { label: 'Approved', tone: 'brand' },
  processing: { label: 'Processing', tone: 'warning' },
  paid: { label: 'Paid', tone: 'success' },
  failed: { label: 'Failed', tone: 'danger' },
  cancelled: { label: 'Cancelled', tone: 'muted' },
};

export const METHOD_LABELS: Record<string, string> = {
  stripe_connect: 'Stripe Connect',
  paypal: 'PayPal',
  bank: 'Bank transfer',
  manual: 'Manual',
};

export const CADENCE_LABELS: Record<string, string> = {
  monthly: 'Monthly',
  semi_monthly: 'Twice a month (15th and last day)',
  weekly: 'Weekly',
};

export const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

export function describeSchedule(s: { cadence: string; dayOfMonth: number | null; weekday: number | null }): string {
  if (s.cadence === 'monthly') return s.dayOfMonth === 31 || s.dayOfMonth === null ? 'Monthly, last day' : `Monthly, day ${s.dayOfMonth}`;
  if (s.cadence === 'weekly') return `Weekly, ${WEEKDAYS[(s.weekday ?? 1) - 1]}`;
  return 'The 15th and the last day of the month';
}

export const DISPUTE_REASON: Record<'missing_commission' | 'wrong_amount' | 'other', string> = {
  missing_commission: 'Missing commission',
  wrong_amount: 'Wrong amount',
  other: 'Other question',
};

export const DISPUTE_STATUS: Record<'open' | 'resolved' | 'rejected', { label: string; tone: BadgeTone }> = {
  open: { label: 'Open', tone: 'warning' },
  resolved: { label: 'Resolved', tone: 'success' },
  rejected: { label: 'Rejected', tone: 'muted' },
};
