import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { advanceClock, now, resetClock } from './clock.ts';
import { loadConfig } from './config.ts';
import type { Services } from './http.ts';

afterEach(() => resetClock());

describe('clock', () => {
  it('moves forward only', () => {
    const before = now().getTime();
    advanceClock(86_400_000);
    expect(now().getTime() - before).toBeGreaterThanOrEqual(86_400_000);
    expect(() => advanceClock(-1)).toThrow(/forward/);
  });

  it('refuses the test clock in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', OPENPRM_TEST_CLOCK: '1' })).toThrow(/OPENPRM_TEST_CLOCK/);
  });

  it('exposes POST /api/test/clock only when the test clock is on, and validates the body', async () => {
    const services = (config: ReturnType<typeof loadConfig>) => ({ config, log: { child: () => ({ info() {}, error() {} }) }, jobs: { nudge() {} } }) as unknown as Services;
    const off = createApp(services(loadConfig({ NODE_ENV: 'test' })));
    expect((await off.request('/api/test/clock', { method: 'POST', body: '{"advanceMs":1}' })).status).toBe(404);

    const on = createApp(services(loadConfig({ NODE_ENV: 'test', OPENPRM_TEST_CLOCK: '1' })));
    const bad = await on.request('/api/test/clock', { method: 'POST', body: '{"advanceMs":-5}' });
    expect(bad.status).toBe(422);
    const before = now().getTime();
    const ok = await on.request('/api/test/clock', { method: 'POST', body: JSON.stringify({ advanceMs: 3_600_000 }) });
    expect(ok.status).toBe(200);
    expect(new Date(((await ok.json()) as { now: string }).now).getTime() - before).toBeGreaterThanOrEqual(3_600_000);
  });
});
