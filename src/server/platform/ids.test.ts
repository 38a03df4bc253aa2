import { describe, expect, it } from 'vitest';
import { isId, newId, ulid } from './ids.ts';

describe('ids', () => {
  it('are prefixed by what they refer to', () => {
    expect(newId('partner')).toMatch(/^ptr_[0-9A-Z]{26}$/);
    expect(isId('partner', newId('partner'))).toBe(true);
    expect(isId('program', newId('partner'))).toBe(false);
  });

  it('sort in creation order, even within one millisecond', () => {
    const ids = Array.from({ length: 2000 }, () => newId('event'));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('encode the creation time in the first ten characters', () => {
    const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
    const before = Date.now();
    const time = [...ulid().slice(0, 10)].reduce((t, ch) => t * 32 + alphabet.indexOf(ch), 0);
    expect(time).toBeGreaterThanOrEqual(before);
    expect(time - before).toBeLessThan(1000);
  });

  it('carry 80 random bits that differ between bursts and count up within one', () => {
    const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
    const value = (text: string) => [...text].reduce((t, ch) => t * 32n + BigInt(alphabet.indexOf(ch)), 0n);
    const at = Date.now() + 10_000;
    const [a, b] = [ulid(at), ulid(at)];
    expect(value(b.slice(10)) - value(a.slice(10))).toBe(1n);
    const c = ulid(at + 1);
    expect(c.slice(10)).not.toBe(a.slice(10));
    // Over many bursts every character position takes many values (the bits are random, not zero-padded).
    const bodies = Array.from({ length: 600 }, (_, i) => ulid(at + 2 + i).slice(10));
    for (let pos = 0; pos < 16; pos++) expect(new Set(bodies.map((x) => x[pos])).size).toBeGreaterThan(pos === 0 ? 4 : 20);
  });
});
