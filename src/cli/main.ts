import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import { startServer } from '../server/main.ts';
import { loadConfig } from '../server/platform/config.ts';
import { exitCodeFor } from '../server/platform/errors.ts';
import { PROJECT_ROOT } from '../server/platform/paths.ts';
import { createAdmin } from './commands/create-admin.ts';
import { importPartners } from './commands/import-partners.ts';
import { migrate } from './commands/migrate.ts';
import { seed } from './commands/seed.ts';

const program = new Command();
program
  .name('openprm')
  .description('OpenPRM — partner relationship management. Operational commands.\nConfiguration comes from environment variables (DATABASE_URL, OPENPRM_DATA_DIR, PORT, SMTP_URL, …; see docs/operations.md).')
  .version(JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')).version);

program
  .command('start')
  .description('Start the web server, API and background jobs (applies migrations; seeds demo data on an empty embedded database)')
  .addOption(new Option('--port <port>', 'port to listen on (default: $PORT or 3000)'))
  .option('--no-jobs', 'do not run background jobs in this process')
  .action(async (opts: { port?: string; jobs: boolean }) => {
    const env = { ...process.env, ...(opts.port ? { PORT: opts.port } : {}) };
    const config = loadConfig(env, opts.jobs ? {} : { runJobs: false });
    const server = await startServer(config);
    let signals = 0;
    const shutdown = async () => {
      if (++signals > 1) process.exit(1);
      process.stdout.write('Stopping…\n');
      await server.stop();
      process.exit(0);
    };
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
  });

program.command('migrate').description('Apply database migrations and exit').action(migrate);

program
  .command('seed')
  .description('Load data into the database')
  .option('--demo', 'the demo workspace “Acme Cloud (demo)” (2 programs, 25 partners, partner users)')
  .action(seed);

program
  .command('create-admin')
  .description('Create a user (or reuse an existing one) and make them owner of a workspace')
  .requiredOption('--email <email>', 'email address')
  .requiredOption('--name <name>', 'full name')
  .option('--password <password>', 'password (at least 10 characters); omit to sign in by email link')
  .option('--workspace <name-or-id>', 'an existing workspace id, or the name of a workspace to create', 'My workspace')
  .action(createAdmin);

const importCommand = program.command('import').description('Import data from files');
importCommand
  .command('partners <file>')
  .description('Import partners from a CSV file (columns: name, type, kind, website, country, tags, manager_email, program)')
  .requiredOption('--workspace <id>', 'workspace id (ws_…)')
  .option('--valid-only', 'import the valid rows even if some rows have errors (default: import nothing when any row is invalid)')
  .option('--dry-run', 'validate and report only')
  .action(importPartners);

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`openprm: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(exitCodeFor(error));
});
