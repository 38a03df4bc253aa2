import { describe, expect, it } from 'vitest';
import { normalizeCountry } from './country.ts';
import { normalizeDomain } from './domain-name.ts';

describe('normalizeDomain', () => {
  it.each([
    ['https://WWW.Acme.com/about?x=1', 'acme.com'],
    ['acme.com', 'acme.com'],
    ['  http://acme.co.uk:8080/  ', 'acme.co.uk'],
    ['www2.example.org', 'example.org'],
    ['sub.acme.com.', 'sub.acme.com'],
    ['https://bücher.example', 'xn--bcher-kva.example'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeDomain(input)).toBe(expected);
  });

  it('treats empty as no domain', () => {
    expect(normalizeDomain('')).toBeNull();
    expect(normalizeDomain(null)).toBeNull();
  });

  it.each(['not a domain', 'localhost', 'http://', 'acme..com'])('rejects %s', (input) => {
    expect(() => normalizeDomain(input)).toThrow(/not a website or domain/);
  });
});

describe('normalizeCountry', () => {
  it('accepts ISO 3166-1 alpha-2 codes in any case, and UK as GB', () => {
    expect(normalizeCountry('de')).toBe('DE');
    expect(normalizeCountry('UK')).toBe('GB');
    expect(normalizeCountry('QQ')).toBeNull();
    expect(normalizeCountry('Germany')).toBeNull();
  });
});
