#!/usr/bin/env node
// Starts OpenPRM for the browser flows: a fresh embedded database with the demo data.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const port = process.env.E2E_PORT ?? '3310';
const dataDir = path.join(root, '.openprm-e2e');
rmSync(dataDir, { recursive: true, force: true });
const child = spawn(process.execPath, [path.join(root, 'bin/openprm.mjs'), 'start'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, PORT: port, PUBLIC_URL: `http://localhost:${port}`, OPENPRM_DATA_DIR: dataDir, OPENPRM_SEED_DEMO: 'true', OPENPRM_TEST_CLOCK: '1', LOG_LEVEL: 'warn' },
});
const stop = () => child.kill('SIGTERM');
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
child.on('exit', (code) => process.exit(code ?? 0));
