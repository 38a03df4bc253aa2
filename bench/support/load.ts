import autocannon from 'autocannon';

export const LOAD = { connections: 10, durationS: 10, warmupS: 2 } as const;

export interface LoadResult {
  requests: number;
  /** Mean requests per second over the measured run. */
  rps: number;
  p50: number;
  p99: number;
  /** autocannon's own p99 (whole milliseconds), kept as a cross-check. */
  autocannonP99: number;
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * Loads `url` with autocannon (a warm-up run, then the measured run). Percentiles come from
 * each response's own timing, because autocannon's histogram rounds to whole milliseconds,
 * too coarse for a bare server. Any non-2xx answer or connection error fails the measurement.
 */
export async function loadTest(url: string, headers: Record<string, string> = {}): Promise<LoadResult> {
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
  return {
    requests: sorted.length,
    rps: result.requests.average,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    autocannonP99: result.latency.p99,
  };
}
