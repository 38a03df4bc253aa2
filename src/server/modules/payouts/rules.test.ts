import { describe, expect, it } from 'vitest';
import { SecretBox } from '../../platform/encryption.ts';
import { bpToPercent, convertMinor, csvField, formatRate, maskTaxId, minorToDecimal, nextPayoutDate, parseRate } from './rules.ts';

describe('exact FX rates', () => {
  it('parses decimal strings without floats and formats them back', () => {
    expect(parseRate('0.9215')).toBe(92_150_000n);
    expect(parseRate('1')).toBe(100_000_000n);
    expect(parseRate('151.12345678')).toBe(15_112_345_678n);
    expect(formatRate(92_150_000n)).toBe('0.9215');
    expect(formatRate(100_000_000n)).toBe('1');
    for (const bad of ['0.1234567891', '1e3', '-1', '0', '0.00000000', '', '1,5']) expect(() => parseRate(bad), bad).toThrow();
  });

  it('converts minor units exactly with one half-even rounding, across exponents', () => {
    expect(convertMinor(10_001n, 'USD', 'EUR', parseRate('0.9215'))).toBe(9_216n); // 92.159215 → 92.16
    expect(convertMinor(1_000n, 'USD', 'EUR', parseRate('0.5'))).toBe(500n);
    expect(convertMinor(1n, 'USD', 'EUR', parseRate('0.5'))).toBe(0n); // 0.5 cent → half-even → 0
    expect(convertMinor(3n, 'USD', 'EUR', parseRate('0.5'))).toBe(2n); // 1.5 → 2
    expect(convertMinor(12_345n, 'USD', 'JPY', parseRate('151.5'))).toBe(18_703n); // 123.45 × 151.5 = 18702.675 → 18703
    expect(convertMinor(18_703n, 'JPY', 'USD', parseRate('151.5'), true)).toBe(12_345n); // inverse pair: 18703 / 151.5 = 123.4521… → 123.45
    // 10 USD × 0.30745 = 3.0745 KWD (3 decimals): 3074.5 fils → half-even → 3074
    expect(convertMinor(1_000n, 'USD', 'KWD', parseRate('0.30745'))).toBe(3_074n);
    expect(convertMinor(-2_000n, 'USD', 'EUR', parseRate('0.9215'))).toBe(-1_843n);
  });

  it('writes minor units as exact decimals', () => {
    expect(minorToDecimal(123_450n, 'USD')).toBe('1234.50');
    expect(minorToDecimal(-5n, 'USD')).toBe('-0.05');
    expect(minorToDecimal(1235n, 'JPY')).toBe('1235');
    expect(minorToDecimal(1n, 'KWD')).toBe('0.001');
    expect(bpToPercent(1250)).toBe('12.50%');
  });
});

describe('payout dates in the workspace time zone', () => {
  const at = (iso: string) => new Date(iso);
  it('semi-monthly: the 15th and the last day', () => {
    expect(nextPayoutDate({ cadence: 'semi_monthly', dayOfMonth: null, weekday: null }, at('2026-02-10T12:00:00Z'), 'UTC')).toBe('2026-02-15');
    expect(nextPayoutDate({ cadence: 'semi_monthly', dayOfMonth: null, weekday: null }, at('2026-02-16T12:00:00Z'), 'UTC')).toBe('2026-02-28');
    expect(nextPayoutDate({ cadence: 'semi_monthly', dayOfMonth: null, weekday: null }, at('2026-02-15T12:00:00Z'), 'UTC')).toBe('2026-02-15');
  });
  it('monthly on day 31 means the last day; rolls over the year', () => {
    expect(nextPayoutDate({ cadence: 'monthly', dayOfMonth: 31, weekday: null }, at('2028-02-03T00:00:00Z'), 'UTC')).toBe('2028-02-29');
    expect(nextPayoutDate({ cadence: 'monthly', dayOfMonth: 5, weekday: null }, at('2026-12-06T00:00:00Z'), 'UTC')).toBe('2027-01-05');
  });
  it('weekly on a weekday', () => {
    // 2026-11-22 is a Sunday; Friday is 5.
    expect(nextPayoutDate({ cadence: 'weekly', dayOfMonth: null, weekday: 5 }, at('2026-11-22T10:00:00Z'), 'UTC')).toBe('2026-11-27');
    expect(nextPayoutDate({ cadence: 'weekly', dayOfMonth: null, weekday: 1 }, at('2026-11-29T10:00:00Z'), 'UTC')).toBe('2026-11-30');
  });
  it('uses the local date of the time zone', () => {
    // 23:30 UTC on the 14th is already the 15th in Auckland, and still the 14th in Los Angeles.
    const rule = { cadence: 'monthly' as const, dayOfMonth: 14, weekday: null };
    expect(nextPayoutDate(rule, at('2026-03-14T23:30:00Z'), 'Pacific/Auckland')).toBe('2026-04-14');
    expect(nextPayoutDate(rule, at('2026-03-14T23:30:00Z'), 'America/Los_Angeles')).toBe('2026-03-14');
  });
});

describe('masking, CSV and encryption', () => {
  it('masks tax ids like the forms do', () => {
    expect(maskTaxId('6789', 'w9', 'individual')).toBe('•••-••-6789');
    expect(maskTaxId('4321', 'w9', 'llc')).toBe('••-•••4321');
    expect(maskTaxId('AB12', 'w8ben', 'individual')).toBe('••••AB12');
  });
  it('quotes CSV fields and neutralises formulas', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('=SUM(A1)')).toBe("'=SUM(A1)");
    expect(csvField('-20.00')).toBe('-20.00');
    expect(csvField('-x')).toBe("'-x");
  });
  it('encrypts with AES-256-GCM bound to a purpose', () => {
    const box = new SecretBox('an instance secret');
    const enc = box.encrypt('123456789', 'tax_id');
    expect(enc).not.toContain('123456789');
    expect(enc).not.toBe(box.encrypt('123456789', 'tax_id'));
    expect(box.decrypt(enc, 'tax_id')).toBe('123456789');
    expect(() => box.decrypt(enc, 'bank_account')).toThrow();
    expect(() => new SecretBox('another secret').decrypt(enc, 'tax_id')).toThrow();
  });
});
