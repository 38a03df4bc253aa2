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

/** "12.34" in major units → minor units string, exactly (no floats). */
export function decimalToMinor(text: string, exponent = 2): string | null {
  const m = /^(\d+)(?:\.(\d*))?$/.exec(text.trim());
  if (!m) return null;
  const frac = (m[2] ?? '').padEnd(exponent, '0');
  if (frac.length > exponent) return null;
  return (BigInt(m[1]) * 10n ** BigInt(exponent) + BigInt(frac || '0')).toString();
}

export function minorToDecimal(amountMinor: string, exponent = 2): string {
  const v = BigInt(amountMinor);
  const neg = v < 0n;
  const abs = neg ? -v : v;
  const base = 10n ** BigInt(exponent);
  return `${neg ? '-' : ''}${abs / base}${exponent ? `.${(abs % base).toString().padStart(exponent, '0')}` : ''}`;
}
