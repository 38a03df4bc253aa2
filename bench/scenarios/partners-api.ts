import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Scenario } from '../harness.ts';
import { onInterrupt } from '../support/cleanup.ts';
import { LOAD, type LoadResult, loadTest } from '../support/load.ts';
import { seedPartners } from '../support/partners-fixture.ts';
import { createScratchDatabase } from '../support/postgres.ts';
import { cleanEnv, freePort, type Spawned, spawnLogged, stopProcess, waitFor200 } from '../support/processes.ts';

const PARTNERS = 10_000;
const PATH = '/api/v1/partners?limit=50';

/** Runs a server in its own process, so the load generator (autocannon runs in this process) does not share its event loop. */
async function withServer<T>(args: string[], env: Record<string, string>, logFile: string, fn: (base: string) => Promise<T>): Promise<T> {
  const port = await freePort();
  const server: Spawned = spawnLogged(process.execPath, args, { env: cleanEnv({ ...env, PORT: String(port) }), logFile });
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitFor200(`${base}/healthz`, server, { timeoutMs: 60_000, intervalMs: 20 });
    return await fn(base);
  } finally {
    await stopProcess(server);
  }
}

const summary = (r: LoadResult) =>
  `${Math.round(r.rps).toLocaleString('en-US')} req/s, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, ${r.requests.toLocaleString('en-US')} requests (${r.generator})`;

export const partnersApi: Scenario<'p99' | 'rps'> = {
  id: 'partners-api',
  title: `GET ${PATH} with an API key over ${PARTNERS.toLocaleString('en-US')} partners on PostgreSQL`,
  figures: {
    p99: { name: 'Partners API p99 latency (PostgreSQL)', unit: 'ms', target: 20, better: 'lower' },
    rps: { name: 'Partners API throughput (PostgreSQL)', unit: 'req/s', target: null, better: 'higher' },
  },
  async run(log) {
    const database = await createScratchDatabase();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'openprm-bench-api-'));
    const cleanUp = () => Promise.all([rm(dir, { recursive: true, force: true }), database.drop()]);
    const forget = onInterrupt(cleanUp);
    try {
      log(`database ${database.name}: migrating and inserting ${PARTNERS.toLocaleString('en-US')} partners`);
      const seedStarted = performance.now();
      const { apiKey } = await seedPartners(database.url, PARTNERS);
      const seedMs = performance.now() - seedStarted;
      const headers = { authorization: `Bearer ${apiKey}` };
      const bodyFile = path.join(dir, 'page.json');

      log(`OpenPRM (node bin/openprm.mjs start --no-jobs): ${LOAD.warmupS} s warm-up + ${LOAD.durationS} s at ${LOAD.connections} connections`);
      const openprm = await withServer(
        ['bin/openprm.mjs', 'start', '--no-jobs'],
        { DATABASE_URL: database.url, HOST: '127.0.0.1', LOG_LEVEL: 'info' },
        path.join(dir, 'openprm.log'),
        async (base) => {
          const res = await fetch(base + PATH, { headers });
          const text = await res.text();
          const page = res.ok ? (JSON.parse(text) as { data?: unknown[] }) : null;
          if (page?.data?.length !== 50) throw new Error(`GET ${PATH} answered ${res.status}, not a page of 50 partners: ${text.slice(0, 300)}`);
          await writeFile(bodyFile, text);
          return { ...(await loadTest(base + PATH, headers)), bytes: Buffer.byteLength(text) };
        },
      );

      log('baseline: bare node:http serving the same page');
      const bare = await withServer(['bench/servers/bare-json.mjs'], { BODY_FILE: bodyFile }, path.join(dir, 'bare.log'), (base) => loadTest(base + PATH));

      const setup = `${PARTNERS.toLocaleString('en-US')} partners seeded in ${(seedMs / 1000).toFixed(1)} s; ${openprm.bytes.toLocaleString('en-US')}-byte page; ${LOAD.connections} connections, ${LOAD.durationS} s after ${LOAD.warmupS} s warm-up; server in a child process, load from ${openprm.generator}; server, load generator and PostgreSQL on the same ${os.cpus().length} CPUs`;
      return {
        p99: { value: openprm.p99, baseline: bare.p99, notes: `OpenPRM ${summary(openprm)}; bare ${summary(bare)}` },
        rps: { value: openprm.rps, baseline: bare.rps, notes: setup },
      };
    } finally {
      forget();
      await cleanUp();
    }
  },
};
