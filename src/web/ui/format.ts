/**
 * Formatting helpers. Money arrives as integer minor units (a string, because it can exceed
 * Number.MAX_SAFE_INTEGER) plus an ISO 4217 code; it is never turned into a float. We split
 * it with BigInt and hand Intl an exact decimal string.
 */

const numberFormatCache = new Map<string, Intl.NumberFormat>();

function currencyFormat(currency: string, locale?: string): Intl.NumberFormat {
  const key = `${locale ?? ''}|${currency}`;
  let format = numberFormatCache.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, { style: 'currency', currency });
    numberFormatCache.set(key, format);
  }
  return format;
}

/** Number of minor-unit digits of a currency (USD 2, JPY 0, KWD 3). */
export function currencyDigits(currency: string): number {
  try {
    return currencyFormat(currency).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** Exact decimal string ("-1234.50") for an amount in minor units. */
export function minorToDecimalString(minorUnits: string | number | bigint, digits: number): string {
  const value = typeof minorUnits === 'bigint' ? minorUnits : BigInt(minorUnits);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  if (digits === 0) return `${negative ? '-' : ''}${abs}`;
  const base = 10n ** BigInt(digits);
  const major = abs / base;
  const minor = (abs % base).toString().padStart(digits, '0');
  return `${negative ? '-' : ''}${major}.${minor}`;
}

/**
 * Minor units ("1234550") of a decimal typed in major units ("12,345.50") for a currency, exactly:
 * null when it is not a number or has more decimals than the currency has (nothing is rounded).
 * Negative amounts only with `{ negative: true }` (adjustments, clawbacks).
 */
export function decimalToMinor(text: string, currency: string, options: { negative?: boolean } = {}): string | null {
  const clean = text.trim().replace(/[\s,_']/g, '');
  const m = /^(-?)(\d+)(?:\.(\d*))?$/.exec(clean);
  if (!m || (m[1] && !options.negative)) return null;
  const digits = currencyDigits(currency);
  const fraction = m[3] ?? '';
  if (fraction.length > digits) return null;
  const minor = BigInt(m[2]) * 10n ** BigInt(digits) + BigInt(fraction.padEnd(digits, '0') || '0');
  return `${m[1] && minor !== 0n ? '-' : ''}${minor}`;
}

/** formatMoney('123450', 'EUR') → "€1,234.50" in the user's locale. */
export function formatMoney(minorUnits: string | number | bigint, currency: string, locale?: string): string {
  let format: Intl.NumberFormat;
  try {
    format = currencyFormat(currency, locale);
  } catch {
    // Unknown currency code: still show an exact amount with its code.
    return `${minorToDecimalString(minorUnits, 2)} ${currency}`;
  }
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  const decimal = minorToDecimalString(minorUnits, digits) as Intl.StringNumericLiteral;
  return format.format(decimal);
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const relativeFormat = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

function toDate(value: string | number | Date): Date {
  return value instanceof Date ? value : new Date(value);
}

export function formatDate(value: string | number | Date | null | undefined): string {
  if (value == null) return '—';
  return dateFormat.format(toDate(value));
}

export function formatDateTime(value: string | number | Date | null | undefined): string {
  if (value == null) return '—';
  return dateTimeFormat.format(toDate(value));
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];

/** "3 hours ago", "in 2 days", "now". */
export function formatRelative(value: string | number | Date | null | undefined, now = Date.now()): string {
  if (value == null) return '—';
  const seconds = Math.round((toDate(value).getTime() - now) / 1000);
  if (Math.abs(seconds) < 45) return relativeFormat.format(0, 'second');
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === 'second') {
      return relativeFormat.format(Math.round(seconds / size), unit);
    }
  }
  return relativeFormat.format(seconds, 'second');
}

export type Urgency = 'normal' | 'soon' | 'urgent' | 'overdue';

/**
 * How urgent a deadline is: amber when less than `soonFraction` of the window remains,
 * red when less than `urgentFraction` remains or the deadline passed.
 */
export function deadlineUrgency(
  deadline: string | Date,
  windowMs: number,
  { soonFraction = 0.25, urgentFraction = 0.1, now = Date.now() } = {},
): Urgency {
  const left = toDate(deadline).getTime() - now;
  if (left <= 0) return 'overdue';
  if (left < windowMs * urgentFraction) return 'urgent';
  if (left < windowMs * soonFraction) return 'soon';
  return 'normal';
}

/** "5 h left", "23 days left", "2 days overdue". */
export function formatTimeLeft(deadline: string | Date, now = Date.now()): string {
  const ms = toDate(deadline).getTime() - now;
  const abs = Math.abs(ms);
  const hours = abs / 3_600_000;
  const text =
    hours < 1
      ? `${Math.max(1, Math.round(abs / 60_000))} min`
      : hours < 48
        ? `${Math.round(hours)} h`
        : `${Math.round(hours / 24)} days`;
  return ms >= 0 ? `${text} left` : `${text} overdue`;
}

export function formatNumber(value: number | bigint): string {
  return new Intl.NumberFormat().format(value);
}

const regionNames = (() => {
  try {
    return new Intl.DisplayNames(undefined, { type: 'region' });
  } catch {
    return null;
  }
})();

export function countryName(code: string | null | undefined): string {
  if (!code) return '—';
  try {
    return regionNames?.of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}
