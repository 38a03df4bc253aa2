import autocannon from 'autocannon';
import { wrkAvailable, wrkLoad } from './wrk.ts';

export const LOAD = { connections: 10, durationS: 10, warmupS: 2 } as const;

export interface LoadResult {
  requests: number;
  /** Mean requests per second over the measured run. */
  rps: number;
  p50: number;
  p99: number;
  /** Which load generator measured it (wrk when installed: it saturates far later than autocannon in this process). */
  generator: 'wrk' | 'autocannon';
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * Loads `url` (a warm-up run, then the measured run) at LOAD.connections. With wrk (Debian's
 * `wrk`, see wrk.ts) when it is on the PATH: its own percentiles, and any answer of 400 or more or
 * socket error fails the measurement. Otherwise autocannon in this process: percentiles from each
 * response's own timing (autocannon's histogram rounds to whole milliseconds, too coarse for a
 * bare server), and any non-2xx answer or connection error fails the measurement.
 */
export async function loadTest(url: string, headers: Record<string, string> = {}): Promise<LoadResult> {
  if (await wrkAvailable()) {
    await wrkLoad(url, { connections: LOAD.connections, durationS: LOAD.warmupS, headers });
    const r = await wrkLoad(url, { connections: LOAD.connections, durationS: LOAD.durationS, headers });
    if (r.errors > 0) throw new Error(`${url}: ${r.errors} errors (status ≥ 400 or socket errors) under load`);
    return { requests: r.requests, rps: r.rps, p50: r.p50, p99: r.p99, generator: 'wrk' };
  }
  const times: number[] = [];
  const instance = autocannon({
    url,
    headers,
    connections: LOAD.connections,
    duration: LOAD.durationS,
    warmup: { connections: LOAD.connections, duration: LOAD.warmupS },
  });
  instance.on('response', (_client, _status, _bytes, ms) => {
    times.push(ms);
  });
  const result = await instance;
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${url}: ${result.non2xx} non-2xx responses and ${result.errors} errors (${result.timeouts} timeouts) under load`);
  }
  const sorted = Float64Array.from(times).sort();
  return { requests: sorted.length, rps: result.requests.average, p50: percentile(sorted, 50), p99: percentile(sorted, 99), generator: 'autocannon' };
}
