import { invalid } from '../../platform/errors.ts';
import { divideRounded, minorUnitExponent } from '../../platform/money.ts';

/** Pure payout rules: exact FX rates and conversion, schedule dates, masking, decimal amounts. */

export const RATE_SCALE = 100_000_000n; // rates are stored × 10^8
const RATE_DECIMALS = 8;

/** "1.0845" → 108450000n. At most 8 decimals, greater than zero; never goes through a float. */
export function parseRate(text: string, path = 'rate'): bigint {
  const m = /^(\d{1,10})(?:\.(\d{1,8}))?$/.exec(text.trim());
  if (!m) throw invalid(path, `must be a positive decimal with at most ${RATE_DECIMALS} decimals, e.g. "1.0845"`);
  const scaled = BigInt(m[1]) * RATE_SCALE + BigInt((m[2] ?? '').padEnd(RATE_DECIMALS, '0'));
  if (scaled <= 0n) throw invalid(path, 'must be greater than zero');
  return scaled;
}

/** 108450000n → "1.0845" (trailing zeros dropped, at least one decimal kept off when integral). */
export function formatRate(scaled: bigint): string {
  const int = scaled / RATE_SCALE;
  const frac = (scaled % RATE_SCALE).toString().padStart(RATE_DECIMALS, '0').replace(/0+$/, '');
  return frac ? `${int}.${frac}` : int.toString();
}

/**
 * Converts minor units of `from` into minor units of `to` with a rate "1 from = rate to"
 * (or, when `inverse`, "1 to = rate from"), rounding half-even once, through `divideRounded`.
 */
export function convertMinor(amountMinor: bigint, from: string, to: string, rateScaled: bigint, inverse = false): bigint {
  const eFrom = 10n ** BigInt(minorUnitExponent(from));
  const eTo = 10n ** BigInt(minorUnitExponent(to));
  if (inverse) return divideRounded(amountMinor * RATE_SCALE * eTo, rateScaled * eFrom, 'half_even');
  return divideRounded(amountMinor * rateScaled * eTo, RATE_SCALE * eFrom, 'half_even');
}

/** Minor units as an exact decimal string in major units: 123450n USD → "1234.50"; JPY → "1235". */
export function minorToDecimal(amountMinor: bigint, currency: string): string {
  const exp = minorUnitExponent(currency);
  const negative = amountMinor < 0n;
  const abs = negative ? -amountMinor : amountMinor;
  if (exp === 0) return `${negative ? '-' : ''}${abs}`;
  const base = 10n ** BigInt(exp);
  return `${negative ? '-' : ''}${abs / base}.${(abs % base).toString().padStart(exp, '0')}`;
}

// ── Schedules ──

export type Cadence = 'monthly' | 'semi_monthly' | 'weekly';
export interface ScheduleRule {
  cadence: Cadence;
  dayOfMonth: number | null;
  weekday: number | null;
}

/** The calendar date (YYYY-MM-DD) and ISO weekday of an instant in a time zone. */
export function localDate(at: Date, timeZone: string): { y: number; m: number; d: number } {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { y: get('year'), m: get('month'), d: get('day') };
}

function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

function iso(y: number, m: number, d: number): string {
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** Payout days of a month, ascending. Day 31 (or more than the month has) means the last day. */
function payoutDaysOf(rule: ScheduleRule, y: number, m: number): number[] {
  const last = daysInMonth(y, m);
  if (rule.cadence === 'semi_monthly') return [15, last];
  if (rule.cadence === 'monthly') return [Math.min(rule.dayOfMonth ?? 1, last)];
  const out: number[] = [];
  for (let d = 1; d <= last; d++) {
    const wd = new Date(Date.UTC(y, m - 1, d)).getUTCDay() || 7;
    if (wd === (rule.weekday ?? 1)) out.push(d);
  }
  return out;
}

/** The next payout date on or after `at` (today counts), as a calendar date in the workspace time zone. */
export function nextPayoutDate(rule: ScheduleRule, at: Date, timeZone: string): string {
  const today = localDate(at, timeZone);
  let { y, m } = today;
  for (let i = 0; i < 3; i++) {
    const day = payoutDaysOf(rule, y, m).find((d) => i > 0 || d >= today.d);
    if (day !== undefined) return iso(y, m, day);
    m += 1;
    if (m === 13) {
      m = 1;
      y += 1;
    }
  }
  throw new Error('no payout date found');
}

/** Today's date in a time zone (YYYY-MM-DD). */
export function todayIn(at: Date, timeZone: string): string {
  const t = localDate(at, timeZone);
  return iso(t.y, t.m, t.d);
}

// ── Masking ──

export function maskTaxId(taxId: string, formType: string, entityType: string | null): string {
  const last4 = taxId.replace(/[^0-9A-Za-z]/g, '').slice(-4);
  if (formType === 'w9' && (entityType === 'individual' || entityType === 'sole_proprietor')) return `•••-••-${last4}`;
  if (formType === 'w9') return `••-•••${last4}`;
  return `••••${last4}`;
}

export function maskAccount(value: string): string {
  const clean = value.replace(/\s+/g, '');
  return `•••• ${clean.slice(-4)}`;
}

/** RFC 4180 CSV field: quoted when needed; a leading =,+,-,@ is neutralised against spreadsheet formulas. */
export function csvField(value: string | number | bigint | null | undefined): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (/^[=+@\t\r]/.test(s) || (/^-/.test(s) && !/^-\d+(\.\d+)?$/.test(s))) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function csvLine(values: Array<string | number | bigint | null | undefined>): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

/** Basis points as a percentage string: 1250 → "12.50%". */
export function bpToPercent(bp: number): string {
  const v = BigInt(bp);
  const abs = v < 0n ? -v : v;
  return `${v < 0n ? '-' : ''}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}%`;
}
