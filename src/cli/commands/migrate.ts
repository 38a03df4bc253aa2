import { withServices } from './shared.ts';

export async function migrate(): Promise<void> {
  await withServices(async (s) => {
    process.stdout.write(`Migrations applied (${s.database.kind === 'pglite' ? `embedded database in ${s.config.dataDir}` : 'PostgreSQL'}).\n`);
  });
}
