#!/usr/bin/env node
// `npm run bench`: runs bench/run.ts through tsx's loader, as bin/openprm.mjs runs the CLI.
import { register } from 'tsx/esm/api';

register();
await import('../bench/run.ts');
