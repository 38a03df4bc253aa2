#!/usr/bin/env node
// `npm test`: lint, typecheck, API types up to date, unit + database + API tests on the
// embedded database, the same on PostgreSQL when TEST_DATABASE_URL is set, then the
// Playwright browser flows. Stops at the first failing step.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const bin = (name) => path.join(root, 'node_modules/.bin', name);
const steps = [
  ['lint', bin('biome'), ['lint', 'src', 'bench', 'e2e', 'scripts']],
  ['typecheck (server, CLI, tests, bench)', bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']],
  ['typecheck (web)', bin('tsc'), ['--noEmit', '-p', 'src/web/tsconfig.json']],
  ['API types up to date', process.execPath, ['scripts/gen-api.mjs', '--check']],
  // Built before the tests so the CLI tests run the bundle that ships (and start fast).
  ['build web app and server bundle', process.execPath, ['scripts/ensure-build.mjs']],
  ['tests on the embedded database (PGlite)', bin('vitest'), ['run'], { OPENPRM_TEST_DB: 'pglite' }],
];
if (process.env.TEST_DATABASE_URL) {
  steps.push(['tests on PostgreSQL', bin('vitest'), ['run'], { OPENPRM_TEST_DB: 'postgres' }]);
} else {
  process.stdout.write('Note: TEST_DATABASE_URL is not set; the PostgreSQL run is skipped (CI sets it).\n');
}
steps.push(['browser flows (Playwright + Chromium)', bin('playwright'), ['test', '-c', 'e2e/playwright.config.ts']]);

const started = Date.now();
for (const [name, command, args, env] of steps) {
  process.stdout.write(`\n▶ ${name}\n`);
  const t0 = Date.now();
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...(env ?? {}) } });
  if (result.status !== 0) {
    process.stdout.write(`\n✖ ${name} failed (exit ${result.status ?? result.signal}).\n`);
    process.exit(result.status ?? 1);
  }
  process.stdout.write(`✔ ${name} (${Math.round((Date.now() - t0) / 1000)} s)\n`);
}
process.stdout.write(`\nAll steps passed in ${Math.round((Date.now() - started) / 1000)} s.\n`);
