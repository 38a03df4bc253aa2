import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Runs the real `openprm` binary against a throw-away embedded database. */
const root = path.resolve(import.meta.dirname, '../..');
let dir: string;

function openprm(...args: string[]) {
  const result = spawnSync(process.execPath, [path.join(root, 'bin/openprm.mjs'), ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, OPENPRM_DATA_DIR: path.join(dir, 'data'), DATABASE_URL: '', LOG_LEVEL: 'silent', NODE_ENV: 'test' },
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'openprm-cli-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

// The CLI runs on the embedded database; the PostgreSQL pass of the suite skips it.
// Each command is a new process that opens the embedded database and applies every migration, so
// these tests get more time than the default on a busy machine.
describe.skipIf(process.env.OPENPRM_TEST_DB === 'postgres')('openprm CLI', { timeout: 180_000 }, () => {
  it('lists the operational commands', () => {
    const { code, out } = openprm('--help');
    expect(code).toBe(0);
    for (const command of ['start', 'migrate', 'seed', 'import', 'create-admin']) expect(out).toContain(command);
  });

  it('creates an admin, imports nothing from a file with errors, then only the valid rows', () => {
    const admin = openprm('create-admin', '--email', 'Ops@Example.com', '--name', 'Ops Person', '--password', 'long-enough-pw', '--workspace', 'Ops Co');
    expect(admin.err).toBe('');
    expect(admin.code).toBe(0);
    const workspaceId = admin.out.match(/\((ws_[0-9A-Z]+)\)/)?.[1] as string;
    expect(workspaceId).toBeTruthy();

    const csv = path.join(dir, 'partners.csv');
    writeFileSync(csv, 'name,type,website\nGood Co,agency,good.example\nBad Co,wizard,bad.example\n');
    const strict = openprm('import', 'partners', csv, '--workspace', workspaceId);
    expect(strict.code).toBe(2);
    expect(strict.out).toContain('line 3, type: must be one of');
    expect(strict.err).toContain('Nothing imported');
    expect(strict.err).toContain('--valid-only');

    const lenient = openprm('import', 'partners', csv, '--workspace', workspaceId, '--valid-only');
    expect(lenient.code).toBe(0);
    expect(lenient.out).toContain('Imported 1 partners into Ops Co');
  });

  it('explains bad input', () => {
    expect(openprm('create-admin', '--email', 'nope', '--name', 'X').err).toContain('--email: "nope" is not an email address');
    const missing = openprm('import', 'partners', path.join(dir, 'missing.csv'), '--workspace', 'ws_x');
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('Cannot read');
    expect(openprm('seed').err).toContain('openprm seed --demo');
  });
});
