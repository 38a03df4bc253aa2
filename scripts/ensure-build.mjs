#!/usr/bin/env node
// Builds what is missing or older than its sources, so `npm start` works on a fresh clone
// and stays fast afterwards: the web app (Vite → dist/web) and the server bundle
// (esbuild → dist/server/openprm.mjs, which starts faster and lighter than TypeScript
// compiled on the fly).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const only = process.argv[2]; // "web" | "server" | undefined (both)

export function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

const stale = (output, sources) => !existsSync(output) || statSync(output).mtimeMs < Math.max(...sources.map((s) => newestMtime(path.join(root, s))));

if (only !== 'server' && stale(path.join(root, 'dist/web/index.html'), ['src/web'])) {
  process.stdout.write('Building the web app…\n');
  execFileSync(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'src/web/vite.config.ts', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
  });
}

if (only !== 'web' && stale(path.join(root, 'dist/server/openprm.mjs'), ['src/server', 'src/cli'])) {
  process.stdout.write('Building the server…\n');
  const { buildSync } = await import('esbuild');
  buildSync({
    entryPoints: [path.join(root, 'src/cli/main.ts')],
    outfile: path.join(root, 'dist/server/openprm.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  });
}
