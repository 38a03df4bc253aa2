import { describe, expect, it } from 'vitest';
import { uncovered } from './cumulative-refunds.ts';

const c = (before: number, total: number) => ({ before: BigInt(before), total: BigInt(total) });

describe('uncovered: what a refund step adds to the refunds already recorded', () => {
  it('is the whole step when nothing overlaps it', () => {
    expect(uncovered(c(0, 1000), [])).toBe(1000n);
    expect(uncovered(c(1000, 4000), [c(0, 1000)])).toBe(3000n);
    expect(uncovered(c(0, 1000), [c(1000, 4000)])).toBe(1000n);
  });

  it('is nothing when recorded steps already cover it (a late or repeated event)', () => {
    expect(uncovered(c(0, 1000), [c(0, 4000)])).toBe(0n);
    expect(uncovered(c(0, 4000), [c(0, 1000), c(1000, 4000)])).toBe(0n);
    expect(uncovered(c(400, 1000), [c(0, 1000)])).toBe(0n);
  });

  it('counts only the gaps between recorded steps, and overlapping steps once', () => {
    expect(uncovered(c(0, 5000), [c(1000, 2000), c(3000, 4000)])).toBe(3000n);
    expect(uncovered(c(0, 5000), [c(500, 2500), c(1000, 3000), c(4500, 6000)])).toBe(2000n);
    expect(uncovered(c(2000, 2000), [])).toBe(0n);
  });
});
