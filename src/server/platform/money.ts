import { z } from '@hono/zod-openapi';
import { AppError } from './errors.ts';

/**
 * Money is an integer amount of minor units plus an ISO 4217 currency. Amounts travel as
 * strings in JSON (bigint-safe) and as `bigint` in the database and in code.
 */
export interface Money {
  amountMinor: bigint;
  currency: string;
}

/** ISO 4217 minor-unit exponents that differ from 2. */
const EXPONENTS: Record<string, number> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0,
  UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
};

const KNOWN_CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

export function isCurrency(code: string): boolean {
  return KNOWN_CURRENCIES.has(code);
}

export function minorUnitExponent(currency: string): number {
  return EXPONENTS[currency] ?? 2;
}

export const ZCurrency = z
  .string()
  .regex(/^[A-Z]{3}$/, 'must be a three-letter ISO 4217 code in capitals, e.g. USD')
  .refine(isCurrency, 'is not an ISO 4217 currency');

export const ZMoney = z
  .object({
    amountMinor: z.string().regex(/^-?\d{1,18}$/, 'must be an integer number of minor units, as a string'),
    currency: ZCurrency,
  })
  .openapi('Money');

/** Money or null, as its own component, so `Money` itself stays non-nullable in the OpenAPI document. */
export const ZMoneyOrNull = z
  .union([ZMoney, z.null()])
  .openapi('MoneyOrNull');

export function money(amountMinor: bigint | number | string, currency: string): Money {
  if (!isCurrency(currency)) throw new AppError('validation_failed', `Unknown currency ${currency}`, { fields: [{ path: 'currency', message: 'is not an ISO 4217 currency' }] });
  const amount = BigInt(amountMinor);
  return { amountMinor: amount, currency };
}

function assertSameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) {
    throw new AppError('bad_request', `Cannot combine ${a.currency} and ${b.currency} without an exchange rate`);
  }
}

export function addMoney(a: Money, b: Money): Money {
  assertSameCurrency(a, b);
  return { amountMinor: a.amountMinor + b.amountMinor, currency: a.currency };
}

export function subtractMoney(a: Money, b: Money): Money {
  assertSameCurrency(a, b);
  return { amountMinor: a.amountMinor - b.amountMinor, currency: a.currency };
}

export type Rounding = 'half_even' | 'half_up' | 'down';

/** Divides with an explicit rounding rule; the only place money is ever rounded. */
export function divideRounded(numerator: bigint, denominator: bigint, rounding: Rounding): bigint {
  if (denominator === 0n) throw new AppError('bad_request', 'Division by zero');
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  let q = n / d;
  const r = n % d;
  if (rounding !== 'down' && r !== 0n) {
    const twice = r * 2n;
    if (twice > d || (twice === d && (rounding === 'half_up' || q % 2n === 1n))) q += 1n;
  }
  return negative ? -q : q;
}

/** Applies a rate in basis points (1 bp = 0.01 %). */
export function applyBasisPoints(m: Money, basisPoints: number, rounding: Rounding = 'half_even'): Money {
  if (!Number.isInteger(basisPoints)) throw new AppError('bad_request', 'Basis points must be an integer');
  return { amountMinor: divideRounded(m.amountMinor * BigInt(basisPoints), 10_000n, rounding), currency: m.currency };
}

/** Splits an amount into parts by weights without losing a minor unit (largest remainder). */
export function allocate(m: Money, weights: number[]): Money[] {
  const total = weights.reduce((s, w) => s + BigInt(w), 0n);
  if (total <= 0n) throw new AppError('bad_request', 'Allocation weights must sum to more than zero');
  const shares = weights.map((w) => (m.amountMinor * BigInt(w)) / total);
  let remainder = m.amountMinor - shares.reduce((s, v) => s + v, 0n);
  const step = remainder < 0n ? -1n : 1n;
  for (let i = 0; remainder !== 0n; i = (i + 1) % shares.length) {
    shares[i] += step;
    remainder -= step;
  }
  return shares.map((amountMinor) => ({ amountMinor, currency: m.currency }));
}

export function formatMoney(m: Money, locale = 'en-US'): string {
  const exponent = minorUnitExponent(m.currency);
  const negative = m.amountMinor < 0n;
  const abs = negative ? -m.amountMinor : m.amountMinor;
  const base = 10n ** BigInt(exponent);
  const major = abs / base;
  const minor = abs % base;
  const formatter = new Intl.NumberFormat(locale, { style: 'currency', currency: m.currency });
  // Format the integer part through Intl (grouping, symbol) and splice the exact minor digits in.
  const parts = formatter.formatToParts(0);
  const text = parts
    .map((p) => {
      if (p.type === 'integer') return new Intl.NumberFormat(locale).format(major);
      if (p.type === 'fraction') return minor.toString().padStart(exponent, '0');
      return p.value;
    })
    .join('');
  return negative ? `-${text}` : text;
}

export function moneyToJson(m: Money): { amountMinor: string; currency: string } {
  return { amountMinor: m.amountMinor.toString(), currency: m.currency };
}
