import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The installation folder (the one with package.json), whether we run from src/ or a bundle in dist/. */
export const PROJECT_ROOT = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json')) || !existsSync(path.join(dir, 'migrations'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('Cannot find the OpenPRM installation folder (package.json + migrations/)');
    dir = parent;
  }
  return dir;
})();

/** Real, externally written test material (webhook payloads, company names), vendored in test-corpora/. */
export const CORPORA_DIR = process.env.OPENPRM_CORPORA_DIR || path.join(PROJECT_ROOT, 'test-corpora');
