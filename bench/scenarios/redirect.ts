import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { partner, enrollment } from '../../src/server/modules/partners/schema.ts';
import { program } from '../../src/server/modules/programs/schema.ts';
import { link } from '../../src/server/modules/tracking/schema.ts';
import { workspace } from '../../src/server/modules/workspaces/schema.ts';
import { loadConfig } from '../../src/server/platform/config.ts';
import { newId } from '../../src/server/platform/ids.ts';
import { buildServices, closeServices } from '../../src/server/platform/services.ts';
import type { Scenario } from '../harness.ts';
import { onInterrupt } from '../support/cleanup.ts';
import { LOAD } from '../support/load.ts';
import { createScratchDatabase } from '../support/postgres.ts';
import { wrkAvailable, wrkLoad } from '../support/wrk.ts';
import { cleanEnv, freePort, ROOT, type Spawned, spawnLogged, stopProcess, waitFor200 } from '../support/processes.ts';

const CONNECTIONS = 50;
const CODE = 'bench-link';
const PATH = `/r/${CODE}?utm_campaign=bench`;
const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';
/** Every request is a new visitor (autocannon replaces [<id>] per request): each one is a unique click to record. */
const HEADERS = { 'user-agent': CHROME, cookie: 'opv=[<id>]' };
const GRACEFUL_CLICKS = 20_000;
/**
 * The moderate load of the second latency figure: each of the 50 connections sends a request every
 * 10 ms plus its answer time with wrk (about 4,000 req/s; the notes say how many), or autocannon paced
 * at 5,000 req/s.
 */
const FIXED_RATE = 5_000;

const BARE_302 = `require('node:http').createServer((req, res) => {
  if (req.url === '/healthz') { res.writeHead(200); res.end('ok'); return; }
  res.writeHead(302, { location: 'https://acme.example/pricing?utm_source=partner&utm_campaign=bench&opc=clk_01JD00000000000000000000' });
  res.end();
}).listen(Number(process.env.PORT), '127.0.0.1');`;

interface RedirectLoad {
  requests: number;
  redirects: number;
  rps: number;
  p50: number;
  p99: number;
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * The load at 50 connections, every request a new visitor: wrk when it is installed (C, one
 * thread: it leaves the CPU to the server), else autocannon in this process (which saturates
 * before a bare server does, so it flatters the ratio). As fast as the connections go by default
 * (closed loop: latency is then mostly queueing, about 50 ÷ req/s), or at about `rate` requests a
 * second. `amount` (an exact number of requests) always uses autocannon. A 302 is the success
 * answer here (loadTest() wants 2xx).
 */
async function loadRedirect(url: string, options: { durationS?: number; amount?: number; warmup?: boolean; rate?: number } = {}): Promise<RedirectLoad> {
  if (!options.amount && (await wrkAvailable())) {
    const common = {
      connections: CONNECTIONS,
      headers: { 'User-Agent': CHROME },
      uniqueVisitor: true,
      ...(options.rate ? { delayMs: Math.round((CONNECTIONS * 1000) / options.rate) } : {}),
    };
    if (options.warmup !== false) await wrkLoad(url, { ...common, durationS: LOAD.warmupS });
    const r = await wrkLoad(url, { ...common, durationS: options.durationS ?? LOAD.durationS });
    if (r.errors > 0) throw new Error(`${url}: ${r.errors} errors (status ≥ 400 or socket errors) under load`);
    return { requests: r.requests, redirects: r.requests, rps: r.rps, p50: r.p50, p99: r.p99 };
  }
  const times: number[] = [];
  const instance = autocannon({
    url,
    headers: HEADERS,
    idReplacement: true,
    connections: CONNECTIONS,
    ...(options.rate ? { overallRate: options.rate } : {}),
    ...(options.amount ? { amount: options.amount } : { duration: options.durationS ?? LOAD.durationS }),
    ...(options.warmup === false ? {} : { warmup: { connections: CONNECTIONS, duration: LOAD.warmupS } }),
  } as unknown as Parameters<typeof autocannon>[0]);
  let redirects = 0;
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    times.push(ms);
    if (status === 302) redirects++;
  });
  const result = await instance;
  if (result.errors > 0 || redirects !== times.length) {
    throw new Error(`${url}: ${times.length - redirects} answers other than 302 and ${result.errors} errors under load`);
  }
  const sorted = Float64Array.from(times).sort();
  return { requests: sorted.length, redirects, rps: result.requests.average, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

async function withServer<T>(args: string[], env: Record<string, string>, logFile: string, fn: (base: string, server: Spawned) => Promise<T>): Promise<T> {
  const port = await freePort();
  const server = spawnLogged(process.execPath, args, { env: cleanEnv({ ...env, PORT: String(port) }), logFile });
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitFor200(`${base}/healthz`, server, { timeoutMs: 60_000, intervalMs: 20 });
    return await fn(base, server);
  } finally {
    await stopProcess(server);
  }
}

/** One workspace, program, partner and the benchmarked link. */
export async function seedLink(databaseUrl: string): Promise<string> {
  const config = loadConfig({ DATABASE_URL: databaseUrl }, { logLevel: 'silent', seedDemo: false, runJobs: false });
  const s = await buildServices(config);
  try {
    const ws = newId('workspace');
    const prg = newId('program');
    const ptr = newId('partner');
    const lnk = newId('link');
    await s.db.insert(workspace).values({ id: ws, name: 'Bench redirect' });
    await s.db.insert(program).values({ id: prg, workspaceId: ws, name: 'Affiliates', partnerType: 'affiliate', currency: 'USD', status: 'active' });
    await s.db.insert(partner).values({ id: ptr, workspaceId: ws, kind: 'individual', name: 'Bench partner', type: 'affiliate' });
    await s.db.insert(enrollment).values({ id: newId('enrollment'), workspaceId: ws, partnerId: ptr, programId: prg, status: 'active' });
    await s.db.insert(link).values({ id: lnk, workspaceId: ws, programId: prg, partnerId: ptr, code: CODE, destinationUrl: 'https://acme.example/pricing', params: { utm_source: 'partner' } });
    return lnk;
  } finally {
    await closeServices(s);
  }
}

async function countClicks(databaseUrl: string, linkId: string): Promise<{ rows: number; counted: number }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const rows = await client.query('select count(*)::int as n from click where link_id = $1', [linkId]);
    const counted = await client.query('select coalesce(sum(total), 0)::int as n from click_daily where link_id = $1', [linkId]);
    return { rows: rows.rows[0].n, counted: counted.rows[0].n };
  } finally {
    await client.end();
  }
}

const summary = (r: RedirectLoad) =>
  `${Math.round(r.rps).toLocaleString('en-US')} req/s, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, ${r.requests.toLocaleString('en-US')} requests`;

export const redirect: Scenario<'rps' | 'ratio' | 'p99' | 'p99AtRate' | 'lost'> = {
  id: 'redirect',
  title: `GET /r/{code} with durable click recording (PostgreSQL) vs bare node:http 302, ${CONNECTIONS} connections; graceful-stop click count`,
  figures: {
    rps: { name: 'Redirect throughput (clicks recorded)', unit: 'req/s', target: null, better: 'higher' },
    ratio: { name: 'Redirect req/s ÷ bare node:http 302', unit: '×', target: 0.75, better: 'higher' },
    p99: { name: 'Redirect p99 latency, saturated', unit: 'ms', target: 5, better: 'lower' },
    p99AtRate: { name: 'Redirect p99 latency, moderate load', unit: 'ms', target: 5, better: 'lower' },
    lost: { name: 'Clicks lost on a graceful stop', unit: 'clicks', target: 1, better: 'lower' },
  },
  async run(log) {
    const database = await createScratchDatabase();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'openprm-bench-redirect-'));
    const cleanUp = () => Promise.all([rm(dir, { recursive: true, force: true }), database.drop()]);
    const forget = onInterrupt(cleanUp);
    try {
      const linkId = await seedLink(database.url);
      const env = { DATABASE_URL: database.url, HOST: '127.0.0.1', LOG_LEVEL: 'info' };

      log(`OpenPRM: ${LOAD.warmupS} s warm-up + ${LOAD.durationS} s at ${CONNECTIONS} connections, every request a new visitor`);
      const openprm = await withServer(['bin/openprm.mjs', 'start', '--no-jobs'], env, path.join(dir, 'openprm.log'), async (base) => {
        const probe = await fetch(base + PATH, { redirect: 'manual', headers: { 'user-agent': CHROME } });
        if (probe.status !== 302) throw new Error(`GET ${PATH} answered ${probe.status}`);
        return loadRedirect(base + PATH);
      });
      const afterLoad = await countClicks(database.url, linkId);
      log(`OpenPRM under a moderate load: ${CONNECTIONS} connections, ${Math.round((CONNECTIONS * 1000) / FIXED_RATE)} ms apart`);
      const openprmAtRate = await withServer(['bin/openprm.mjs', 'start', '--no-jobs'], env, path.join(dir, 'openprm-rate.log'), (base) => loadRedirect(base + PATH, { rate: FIXED_RATE }));
      log('baseline: bare node:http answering a fixed 302, saturated and under the moderate load');
      const [bare, bareAtRate] = await withServer(['-e', BARE_302], {}, path.join(dir, 'bare.log'), async (base) => [
        await loadRedirect(base + PATH),
        await loadRedirect(base + PATH, { rate: FIXED_RATE }),
      ]);

      log(`graceful stop: ${GRACEFUL_CLICKS.toLocaleString('en-US')} clicks, then SIGTERM, then count the rows`);
      const before = await countClicks(database.url, linkId);
      let sent = 0;
      await withServer(['bin/openprm.mjs', 'start', '--no-jobs'], env, path.join(dir, 'graceful.log'), async (base, server) => {
        const r = await loadRedirect(base + PATH, { amount: GRACEFUL_CLICKS, warmup: false });
        sent = r.redirects;
        const stopped = await stopProcess(server);
        if (stopped.forced) throw new Error('the server did not stop within 15 s of SIGTERM');
      });
      const after = await countClicks(database.url, linkId);
      const recorded = after.rows - before.rows;
      const lost = sent - recorded;

      const usingWrk = await wrkAvailable();
      const generator = usingWrk ? 'wrk (one thread)' : 'autocannon in the bench process (install wrk for a load generator that does not saturate first)';
      const notes = `OpenPRM ${summary(openprm)}; bare ${summary(bare)}; the load run's ${openprm.requests.toLocaleString('en-US')} answers left ${afterLoad.rows.toLocaleString('en-US')} click rows (warm-up included); load from ${generator}; server, load generator and PostgreSQL on the same ${os.cpus().length} CPUs`;
      return {
        rps: { value: openprm.rps, baseline: bare.rps, notes },
        ratio: { value: openprm.rps / bare.rps, baseline: 1, notes: `${Math.round(openprm.rps)} ÷ ${Math.round(bare.rps)} req/s` },
        p99: {
          value: openprm.p99,
          baseline: bare.p99,
          notes: `as fast as ${CONNECTIONS} connections go: p50 ${openprm.p50.toFixed(2)} ms (bare p50 ${bare.p50.toFixed(2)}, p99 ${bare.p99.toFixed(2)} ms); closed-loop latency is mostly queueing (${CONNECTIONS} ÷ ${Math.round(openprm.rps)} req/s = ${((CONNECTIONS / openprm.rps) * 1000).toFixed(2)} ms mean)`,
        },
        p99AtRate: {
          value: openprmAtRate.p99,
          baseline: bareAtRate.p99,
          notes: usingWrk
            ? `${CONNECTIONS} connections, each pausing ${Math.round((CONNECTIONS * 1000) / FIXED_RATE)} ms between requests (wrk): OpenPRM ${summary(openprmAtRate)}; bare ${summary(bareAtRate)}`
            : `${CONNECTIONS} connections paced at ${FIXED_RATE.toLocaleString('en-US')} req/s overall (autocannon, corrected for coordinated omission): OpenPRM ${summary(openprmAtRate)}; bare ${summary(bareAtRate)}`,
        },
        lost: { value: lost, baseline: sent, notes: `${sent.toLocaleString('en-US')} redirects answered, ${recorded.toLocaleString('en-US')} click rows after SIGTERM (graceful stop flushes the buffer)` },
      };
    } finally {
      forget();
      await cleanUp();
    }
  },
};

/** RSS of a child process that puts N links in the redirect's link cache (what 1 M links cost, and what the bound keeps). */
const MEMORY_CHILD = path.join(ROOT, 'bench/scenarios/redirect-memory-child.ts');

async function childRss(links: number, cacheMax: number): Promise<{ rssMB: number; cached: number; baseMB: number }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'openprm-bench-linkcache-'));
  try {
    const logFile = path.join(dir, 'child.log');
    const child = spawnLogged(process.execPath, ['--import', 'tsx', '--expose-gc', MEMORY_CHILD], {
      env: cleanEnv({ LINKS: String(links), CACHE_MAX: String(cacheMax) }),
      logFile,
    });
    const exit = await child.exited;
    const out = child.tail(5);
    const match = out.match(/RESULT (\{.*\})/);
    if (exit.code !== 0 || !match) throw new Error(`memory child failed (${exit.code}): ${out}`);
    return JSON.parse(match[1]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export const redirectCacheMemory: Scenario<'rss1m' | 'rssBounded'> = {
  id: 'redirect-cache-memory',
  title: 'Link cache memory: RSS of a process holding 1 M links in the redirect cache, and with the default bound',
  figures: {
    rss1m: { name: 'RSS with 1 M links cached (cacheMax = 1 M)', unit: 'MB', target: null, better: 'lower' },
    rssBounded: { name: 'RSS after 1 M distinct links through the default cache (bound 100 k)', unit: 'MB', target: null, better: 'lower' },
  },
  async run(log) {
    log('child process: 1,000,000 links into a cache of 1,000,000');
    const full = await childRss(1_000_000, 1_000_000);
    log('child process: 1,000,000 links through the default bounded cache (100,000)');
    const bounded = await childRss(1_000_000, 100_000);
    return {
      rss1m: { value: full.rssMB, baseline: full.baseMB, notes: `${full.cached.toLocaleString('en-US')} cached; baseline = RSS of the same process with an empty cache` },
      rssBounded: { value: bounded.rssMB, baseline: bounded.baseMB, notes: `${bounded.cached.toLocaleString('en-US')} cached (LRU evicts beyond the bound); baseline = empty cache` },
    };
  },
};

