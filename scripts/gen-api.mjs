#!/usr/bin/env node
// Regenerates src/web/api/schema.d.ts from the server's OpenAPI document, so the web
// client's types follow the zod schemas. `--check` fails when the committed file is stale.
import { register } from 'tsx/esm/api';

register();
const { generateApiTypes } = await import('./gen-api-types.ts');
const stale = await generateApiTypes({ check: process.argv.includes('--check') });
if (stale) {
  process.stderr.write('src/web/api/schema.d.ts is out of date with the API: run `npm run gen:api` and commit the result.\n');
  process.exit(1);
}
