import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** wrk (Debian's `wrk` package), when it is on the PATH: a load generator in C, far lighter than autocannon in this process. */
export async function wrkAvailable(): Promise<boolean> {
  try {
    await run('wrk', ['--version']).catch((e: { stdout?: string }) => {
      if (!String(e.stdout ?? '').includes('wrk')) throw e; // `wrk --version` exits 1 after printing its banner
    });
    return true;
  } catch {
    return false;
  }
}

export interface WrkLoad {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  /** Answers with a status of 400 or more, and socket errors (connect, read, write, timeout). */
  errors: number;
}

/**
 * One wrk run (one thread) with `connections` connections for `durationS` seconds. Every request
 * carries `headers`, plus a new `opv` visitor cookie when `uniqueVisitor` is set (so each request
 * is a unique click; the cookie starts with a token of its own per run, so a later run never
 * repeats an earlier run's visitors, which the redirect's hourly dedupe would not record). With `delayMs`, each connection waits that long between its requests, which
 * offers `connections × 1000 ÷ delayMs` requests a second (wrk leaves the delay out of latency).
 * Percentiles are wrk's own (`--latency`, microsecond resolution).
 */
export async function wrkLoad(url: string, o: { connections: number; durationS: number; headers: Record<string, string>; uniqueVisitor?: boolean; delayMs?: number }): Promise<WrkLoad> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'openprm-wrk-'));
  try {
    const script = path.join(dir, 'load.lua');
    const headers = Object.entries(o.headers)
      .map(([k, v]) => `[${JSON.stringify(k)}] = ${JSON.stringify(v)}`)
      .join(', ');
    await writeFile(
      script,
      `local n = 0
local base = { ${headers} }
request = function()
  n = n + 1
  ${o.uniqueVisitor ? `base["Cookie"] = string.format("opv=${randomBytes(6).toString('hex')}%09d", n)` : ''}
  return wrk.format("GET", nil, base)
end
${o.delayMs ? `delay = function() return ${o.delayMs} end` : ''}
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %f %f %f %d\\n", summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, e.connect + e.read + e.write + e.status + e.timeout))
end
`,
    );
    const { stdout } = await run('wrk', ['-t1', `-c${o.connections}`, `-d${o.durationS}s`, '-s', script, url], { maxBuffer: 1 << 20 });
    const match = stdout.match(/RESULT (\d+) ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/);
    if (!match) throw new Error(`wrk printed no result: ${stdout}`);
    return { requests: Number(match[1]), rps: Number(match[2]), p50: Number(match[3]), p99: Number(match[4]), errors: Number(match[5]) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
