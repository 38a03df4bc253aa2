import { describe, expect, it } from 'vitest';
import { decimalToMinor, minorToDecimalString } from './format';

describe('decimalToMinor', () => {
  it('reads amounts typed in major units exactly, by the currency’s digits', () => {
    expect(decimalToMinor('49.90', 'USD')).toBe('4990');
    expect(decimalToMinor('12,345.5', 'EUR')).toBe('1234550');
    expect(decimalToMinor(' 7 ', 'USD')).toBe('700');
    expect(decimalToMinor('5000', 'JPY')).toBe('5000');
    expect(decimalToMinor('1.234', 'KWD')).toBe('1234');
    expect(decimalToMinor('90071992547409931.23', 'USD')).toBe('9007199254740993123'); // beyond float precision
  });

  it('never rounds: too many decimals, text or a sign where none is allowed give null', () => {
    expect(decimalToMinor('49.999', 'USD')).toBeNull();
    expect(decimalToMinor('10.5', 'JPY')).toBeNull();
    expect(decimalToMinor('ten', 'USD')).toBeNull();
    expect(decimalToMinor('', 'USD')).toBeNull();
    expect(decimalToMinor('-5', 'USD')).toBeNull();
    expect(decimalToMinor('-25.00', 'USD', { negative: true })).toBe('-2500');
    expect(decimalToMinor('-0', 'USD', { negative: true })).toBe('0');
  });

  it('round-trips with minorToDecimalString', () => {
    for (const [minor, currency, digits] of [['4990', 'USD', 2], ['-2500', 'EUR', 2], ['5000', 'JPY', 0], ['1234', 'KWD', 3]] as const) {
      expect(decimalToMinor(minorToDecimalString(minor, digits), currency, { negative: true })).toBe(minor);
    }
  });
});
