import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { type Figure, formatTable, measured, type Scenario, SkipScenario, unmeasured, writeResults } from './harness.ts';
import { accrualPg } from './scenarios/accrual.ts';
import { conflictCheckPg, conflictCheckPglite } from './scenarios/conflict-check.ts';
import { embeddedStart } from './scenarios/embedded-start.ts';
import { matchQuality } from './scenarios/match-quality.ts';
import { partnersApi } from './scenarios/partners-api.ts';
import { redirect, redirectCacheMemory } from './scenarios/redirect.ts';
import { runInterruptCleanups } from './support/cleanup.ts';
import { killAllSpawned, ROOT } from './support/processes.ts';

const ALL: Scenario[] = [embeddedStart, partnersApi, conflictCheckPg, conflictCheckPglite, matchQuality, redirect, redirectCacheMemory, accrualPg];
/** `npm run bench -- partners-api` runs only the scenarios named. */
const only = process.argv.slice(2);
const unknown = only.filter((id) => !ALL.some((s) => s.id === id));
if (unknown.length > 0) {
  process.stderr.write(`Unknown scenario ${unknown.join(', ')}; scenarios: ${ALL.map((s) => s.id).join(', ')}\n`);
  process.exit(2);
}
const SCENARIOS = only.length > 0 ? ALL.filter((s) => only.includes(s.id)) : ALL;
const RESULTS_FILE = path.join(ROOT, 'bench/results/latest.json');
// Measure what `npm start` runs: the server bundle, built now if the sources changed.
execFileSync(process.execPath, [path.join(ROOT, 'scripts/ensure-build.mjs'), 'server'], { cwd: ROOT, stdio: 'inherit' });

function commit(): string | null {
  try {
    return execFileSync('git', ['describe', '--always', '--dirty'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

async function runScenario(scenario: Scenario): Promise<Figure[]> {
  const say = (line: string) => process.stderr.write(`  ${line}\n`);
  process.stderr.write(`› ${scenario.title}\n`);
  const specs = Object.entries(scenario.figures);
  const started = performance.now();
  try {
    const results = await scenario.run(say);
    say(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return specs.map(([key, spec]) => measured(scenario.id, key, spec, results[key]));
  } catch (error) {
    const skipped = error instanceof SkipScenario;
    const reason = error instanceof Error ? error.message : String(error);
    say(`${skipped ? 'skipped' : 'FAILED'}: ${reason}`);
    return specs.map(([key, spec]) => unmeasured(scenario.id, key, spec, skipped ? 'skipped' : 'error', reason.split('\n')[0]));
  }
}

process.once('SIGINT', async () => {
  process.stderr.write('\nInterrupted: stopping servers and removing scratch data…\n');
  killAllSpawned();
  await runInterruptCleanups();
  process.exit(130);
});

const startedAt = new Date();
const started = performance.now();
const loadBefore = os.loadavg()[0];
const figures: Figure[] = [];
for (const scenario of SCENARIOS) figures.push(...(await runScenario(scenario)));

const cpus = os.cpus();
writeResults(RESULTS_FILE, {
  startedAt: startedAt.toISOString(),
  durationMs: Math.round(performance.now() - started),
  environment: {
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    totalMemoryMB: Math.round(os.totalmem() / 2 ** 20),
    commit: commit(),
    loadAverage: { before: loadBefore, after: os.loadavg()[0] },
  },
  figures,
});

const load = `1-minute load average ${loadBefore.toFixed(2)} before, ${os.loadavg()[0].toFixed(2)} after, on ${cpus.length} CPUs`;
const busy = loadBefore > cpus.length / 2 ? ' — the machine was busy before the run; expect noisy figures' : '';
process.stdout.write(`\n${formatTable(figures)}\n\n${load}${busy}\nResults: ${path.relative(process.cwd(), RESULTS_FILE)} (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
// A miss is a finding, not a failure; only a scenario that could not run to the end fails the command.
process.exitCode = figures.some((f) => f.status === 'error') ? 1 : 0;
