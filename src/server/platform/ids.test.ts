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
});
