import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Scenario } from '../harness.ts';
import { onInterrupt } from '../support/cleanup.ts';
import { cleanEnv, freePort, median, rssMB, type Spawned, sleep, spawnLogged, stopProcess, waitFor200 } from '../support/processes.ts';

const RUNS = 3;
const IDLE_MS = 5_000;
/** The baseline: the smallest Node server that answers HTTP. */
const BARE_HTTP = "require('http').createServer((q,s)=>s.end('ok')).listen(Number(process.env.PORT),'127.0.0.1')";

interface Started {
  process: Spawned;
  /** Spawn → first 200 from GET /healthz. */
  ms: number;
}

async function startAndWait(args: string[], env: Record<string, string>, logFile: string, timeoutMs: number): Promise<Started> {
  const port = await freePort();
  const spawnedAt = performance.now();
  const p = spawnLogged(process.execPath, args, { env: cleanEnv({ ...env, PORT: String(port) }), logFile });
  try {
    await waitFor200(`http://127.0.0.1:${port}/healthz`, p, { timeoutMs });
  } catch (error) {
    await stopProcess(p);
    throw error;
  }
  return { process: p, ms: performance.now() - spawnedAt };
}

/** Starts a server RUNS times; each time records start time and RSS after IDLE_MS idle, then stops it. */
async function startRepeatedly(start: (run: number) => Promise<Started>): Promise<{ ms: number[]; rss: number[]; forcedStops: number }> {
  const result = { ms: [] as number[], rss: [] as number[], forcedStops: 0 };
  for (let run = 1; run <= RUNS; run++) {
    const started = await start(run);
    try {
      result.ms.push(started.ms);
      await sleep(IDLE_MS);
      result.rss.push(rssMB(started.process.pid));
    } finally {
      if ((await stopProcess(started.process)).forced) result.forcedStops++;
    }
  }
  return result;
}

const list = (values: number[], digits = 0) => values.map((v) => v.toFixed(digits)).join(', ');

export const embeddedStart: Scenario<'start' | 'rss'> = {
  id: 'embedded-start',
  title: 'Second start and idle memory on the embedded database',
  figures: {
    start: { name: 'Second start to ready (embedded DB)', unit: 'ms', target: 3000, better: 'lower' },
    rss: { name: 'Idle RSS after start (embedded DB)', unit: 'MB', target: 250, better: 'lower' },
  },
  async run(log) {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'openprm-bench-start-'));
    const cleanUp = () => rm(dir, { recursive: true, force: true });
    const forget = onInterrupt(cleanUp);
    try {
      const openprm = (label: string, timeoutMs: number) =>
        startAndWait(
          ['bin/openprm.mjs', 'start'],
          { OPENPRM_DATA_DIR: path.join(dir, 'data'), HOST: '127.0.0.1' },
          path.join(dir, `openprm-${label}.log`),
          timeoutMs,
        );

      log('first start: creates the embedded database and seeds the demo workspace');
      const first = await openprm('first', 180_000);
      const firstForced = (await stopProcess(first.process)).forced;

      log(`second start × ${RUNS}, each idle ${IDLE_MS / 1000} s before reading RSS`);
      const second = await startRepeatedly((run) => openprm(`second-${run}`, 60_000));

      log(`baseline: bare node:http × ${RUNS}`);
      const bare = await startRepeatedly((run) => startAndWait(['-e', BARE_HTTP], {}, path.join(dir, `bare-${run}.log`), 30_000));

      const stops =
        second.forcedStops + (firstForced ? 1 : 0) > 0
          ? `; ${second.forcedStops + (firstForced ? 1 : 0)} start(s) did not exit within 15 s of SIGTERM and were killed`
          : '';
      return {
        start: {
          value: median(second.ms),
          baseline: median(bare.ms),
          notes:
            `median of ${RUNS} runs [${list(second.ms)}] ms, spawn of \`node bin/openprm.mjs start\` → GET /healthz 200; ` +
            `baseline [${list(bare.ms)}] ms; first start incl. demo seeding ${first.ms.toFixed(0)} ms${stops}`,
        },
        rss: {
          value: median(second.rss),
          baseline: median(bare.rss),
          notes: `VmRSS after ${IDLE_MS / 1000} s idle, median of [${list(second.rss, 1)}] MB (PGlite and the job runner live in this process); baseline [${list(bare.rss, 1)}] MB`,
        },
      };
    } finally {
      forget();
      await cleanUp();
    }
  },
};
