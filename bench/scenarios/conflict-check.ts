import os from 'node:os';
import { sql } from 'drizzle-orm';
import { matchedAccountsQuery } from '../../src/server/modules/registrations/conflict-check.ts';
import { type Database, openDatabase, runMigrations } from '../../src/server/platform/db.ts';
import type { Measurement, Scenario } from '../harness.ts';
import { onInterrupt } from '../support/cleanup.ts';
import { BENCH_WORKSPACE, type FixtureCounts, type LatencyStats, makeLookups, measureConflictChecks, seedConflictFixture } from '../support/conflict-fixture.ts';
import { createScratchDatabase } from '../support/postgres.ts';

const LOOKUPS = 1_000;
const ms = (x: number) => `${x.toFixed(2)} ms`;
const line = (s: LatencyStats) => `p50 ${ms(s.p50)}, p99 ${ms(s.p99)}, max ${ms(s.max)}, mean ${ms(s.mean)}`;

/** The plan of one near-name lookup, to show in the notes that the indexes are used. */
async function accountAccessPaths(db: Database['db'], counts: FixtureCounts): Promise<string> {
  const [sample] = makeLookups(2, counts.accounts).slice(1);
  const result = (await db.execute(sql`explain ${matchedAccountsQuery({ ...sample.input, now: new Date() })}`)) as unknown as { rows: Record<string, string>[] };
  const plan = result.rows.map((r) => Object.values(r)[0]).join('\n');
  const paths = [...plan.matchAll(/(Bitmap Index Scan|Index Scan|Index Only Scan|Seq Scan) (?:using|on) (\w+)/g)].map((m) => `${m[1]} ${m[2]}`);
  return [...new Set(paths)].join(', ');
}

async function run(database: Database, counts: FixtureCounts, log: (line: string) => void, label: string): Promise<Measurement> {
  log(`${label}: migrating and inserting ${counts.accounts.toLocaleString('en-US')} accounts, ${counts.registrations.toLocaleString('en-US')} registrations, ${counts.deals.toLocaleString('en-US')} deals`);
  const seedStarted = performance.now();
  await runMigrations(database);
  await seedConflictFixture(database.db, counts, log);
  const seedS = (performance.now() - seedStarted) / 1000;
  const lookups = makeLookups(LOOKUPS, counts.accounts);
  log(`${LOOKUPS} lookups (domain hits, near-name hits, misses), one at a time, then as many primary-key lookups`);
  const r = await measureConflictChecks(database.db, lookups);
  const paths = await accountAccessPaths(database.db, counts);
  const of = (kind: string) => lookups.filter((l) => l.kind === kind).length;
  const notes = [
    `checkConflicts ${line(r.checked)}; baseline (select * from account where id = $1) ${line(r.baseline)}`,
    `CPU time per check (${r.cpu.includesBackend ? 'this process + the PostgreSQL backend' : 'this process'}; waiting for a CPU on a busy machine is not counted) ${line(r.cpu.stats)}`,
    `target account matched: domain ${r.found.domain}/${of('domain')}, near-name ${r.found['near-name']}/${of('near-name')}; conflicts returned: domain lookups ${r.candidates.domain}, near-name ${r.candidates['near-name']}, misses ${r.candidates.miss}`,
    `${counts.accounts.toLocaleString('en-US')} accounts in workspace ${BENCH_WORKSPACE} (+1 % in another), seeded in ${seedS.toFixed(1)} s; one connection, sequential calls after 50 warm-up calls; ${os.cpus().length} CPUs`,
    `account access paths of a near-name lookup: ${paths}`,
  ].join('; ');
  return { value: r.checked.p99, baseline: r.baseline.p99, notes };
}

export const conflictCheckPg: Scenario<'p99'> = {
  id: 'conflict-check-pg',
  title: 'checkConflicts over 1,000,000 accounts and 100,000 active registrations on PostgreSQL',
  figures: { p99: { name: 'Conflict check p99 (PostgreSQL, 1M accounts)', unit: 'ms', target: 10, better: 'lower' } },
  async run(log) {
    const scratch = await createScratchDatabase();
    const forget = onInterrupt(() => scratch.drop());
    const database = await openDatabase({ databaseUrl: scratch.url, dataDir: null, poolSize: 1 });
    try {
      await database.db.execute(sql`select 1`);
      return { p99: await run(database, { accounts: 1_000_000, registrations: 100_000, deals: 50_000 }, log, `database ${scratch.name}`) };
    } finally {
      await database.close();
      forget();
      await scratch.drop();
    }
  },
};

export const conflictCheckPglite: Scenario<'p99'> = {
  id: 'conflict-check-pglite',
  title: 'checkConflicts over 100,000 accounts on the embedded database (PGlite)',
  figures: { p99: { name: 'Conflict check p99 (PGlite, 100k accounts)', unit: 'ms', target: 50, better: 'lower' } },
  async run(log) {
    const database = await openDatabase({ databaseUrl: null, dataDir: null });
    try {
      return { p99: await run(database, { accounts: 100_000, registrations: 10_000, deals: 5_000 }, log, 'in-memory PGlite') };
    } finally {
      await database.close();
    }
  },
};
