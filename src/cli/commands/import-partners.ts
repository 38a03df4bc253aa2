import { readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { SingleBar } from 'cli-progress';
import { AppError } from '../../server/platform/errors.ts';
import { validatePartnerCsv } from '../../server/modules/partners/csv-import.ts';
import { insertImportRows, loadImportLookups } from '../../server/modules/partners/import-service.ts';
import { workspace } from '../../server/modules/workspaces/schema.ts';
import { withServices } from './shared.ts';

export async function importPartners(file: string, opts: { workspace: string; validOnly?: boolean; dryRun?: boolean }): Promise<void> {
  let csv: string;
  try {
    csv = readFileSync(file, 'utf8');
  } catch (error) {
    throw new AppError('bad_request', `Cannot read ${file}: ${(error as Error).message}`);
  }
  await withServices(async (s) => {
    const [ws] = await s.db.select().from(workspace).where(eq(workspace.id, opts.workspace));
    if (!ws) throw new AppError('not_found', `--workspace: no workspace ${opts.workspace} (ids look like ws_…)`);
    const { rows, errors, totalRows } = validatePartnerCsv(csv, await loadImportLookups(s.db, ws.id));
    process.stdout.write(`${file}: ${totalRows} rows, ${rows.length} valid, ${totalRows - rows.length} with errors.\n`);
    for (const e of errors) process.stdout.write(`  line ${e.line}, ${e.column}: ${e.reason}\n`);
    if (opts.dryRun) return;
    if (errors.length > 0 && !opts.validOnly) {
      throw new AppError('validation_failed', 'Nothing imported. Fix the rows above, or pass --valid-only to import only the valid rows.');
    }
    if (rows.length === 0) {
      process.stdout.write('Nothing to import.\n');
      return;
    }
    const bar = new SingleBar({ format: 'Importing |{bar}| {value}/{total} rows · {imported} imported', hideCursor: true, noTTYOutput: true, notTTYSchedule: 1000 });
    bar.start(rows.length, 0, { imported: 0 });
    const result = await insertImportRows(s.db, ws.id, { kind: 'system', name: 'openprm CLI import' }, rows, (processed, imported) => {
      bar.update(processed, { imported });
    });
    bar.stop();
    for (const e of result.errors) process.stdout.write(`  line ${e.line}, ${e.column}: ${e.reason}\n`);
    process.stdout.write(`Imported ${result.imported} partners into ${ws.name}.\n`);
  });
}
