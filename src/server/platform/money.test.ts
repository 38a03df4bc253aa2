import { describe, expect, it } from 'vitest';
import { AppError } from './errors.ts';
import { addMoney, allocate, applyBasisPoints, divideRounded, formatMoney, money } from './money.ts';

describe('money', () => {
  it('keeps amounts as integer minor units', () => {
    expect(addMoney(money(10n, 'USD'), money('25', 'USD'))).toEqual({ amountMinor: 35n, currency: 'USD' });
  });

  it('refuses to combine currencies', () => {
    expect(() => addMoney(money(1n, 'USD'), money(1n, 'EUR'))).toThrow(AppError);
  });

  it('rejects unknown currencies', () => {
    expect(() => money(1n, 'XYZ')).toThrow(/Unknown currency/);
  });

  it.each([
    [25n, 10n, 'half_even', 2n],
    [35n, 10n, 'half_even', 4n],
    [25n, 10n, 'half_up', 3n],
    [29n, 10n, 'down', 2n],
    [-25n, 10n, 'half_even', -2n],
    [-35n, 10n, 'half_up', -4n],
  ] as const)('divides %s / %s with %s rounding → %s', (n, d, rounding, expected) => {
    expect(divideRounded(n, d, rounding)).toBe(expected);
  });

  it('applies basis points exactly (20 % of $10.05 → $2.01)', () => {
    expect(applyBasisPoints(money(1005n, 'USD'), 2000)).toEqual({ amountMinor: 201n, currency: 'USD' });
  });

  it('allocates without losing a cent', () => {
    const parts = allocate(money(100n, 'USD'), [1, 1, 1]);
    expect(parts.map((p) => p.amountMinor)).toEqual([34n, 33n, 33n]);
    expect(parts.reduce((s, p) => s + p.amountMinor, 0n)).toBe(100n);
  });

  it('formats with the currency exponent and never through floats', () => {
    expect(formatMoney(money(123456789012345678n, 'USD'))).toBe('$1,234,567,890,123,456.78');
    expect(formatMoney(money(1500n, 'JPY'))).toBe('¥1,500');
    expect(formatMoney(money(-1005n, 'EUR'), 'en-US')).toBe('-€10.05');
    expect(formatMoney(money(1234n, 'KWD'))).toBe('KWD\u00a01.234');
  });
});
