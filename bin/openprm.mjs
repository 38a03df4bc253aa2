#!/usr/bin/env node
// Runs the built server bundle when it is up to date with the sources (`npm start` builds
// it), and the TypeScript sources through tsx otherwise (development).
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = path.resolve(import.meta.dirname, '..');
const bundle = path.join(root, 'dist/server/openprm.mjs');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

const bundleIsFresh =
  existsSync(bundle) && statSync(bundle).mtimeMs >= Math.max(newestMtime(path.join(root, 'src/server')), newestMtime(path.join(root, 'src/cli')));

if (bundleIsFresh) {
  process.setSourceMapsEnabled(true);
  await import(pathToFileURL(bundle).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
