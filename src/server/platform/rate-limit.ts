import { AppError } from './errors.ts';

/**
 * A fixed-window counter per key, in memory. Enough for one process; behind several web
 * processes each enforces its own share (documented in docs/operations.md).
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  hit(key: string, now = Date.now()): void {
    const current = this.windows.get(key);
    if (!current || now - current.start >= this.windowMs) {
      if (this.windows.size > 50_000) this.sweep(now);
      this.windows.set(key, { start: now, count: 1 });
      return;
    }
    current.count++;
    if (current.count > this.limit) {
      const retryAfter = Math.ceil((current.start + this.windowMs - now) / 1000);
      throw new AppError('rate_limited', `Too many attempts; try again in ${retryAfter} s`, { extensions: { retryAfterSeconds: retryAfter } });
    }
  }

  private sweep(now: number): void {
    for (const [key, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(key);
  }
}
