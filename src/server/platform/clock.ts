/**
 * The one source of "now" for money and schedules (commission holds, payout dates, attribution
 * windows). Production reads the system clock; tests and the browser flows move it forward
 * with `advanceClock` (the e2e server exposes that only when OPENPRM_TEST_CLOCK=1).
 */
let offsetMs = 0;

export function now(): Date {
  return new Date(Date.now() + offsetMs);
}

export function advanceClock(ms: number): void {
  if (!Number.isFinite(ms) || ms < 0) throw new Error('The clock only moves forward');
  offsetMs += ms;
}

export function resetClock(): void {
  offsetMs = 0;
}
