import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import * as schema from '../schema.ts';
import { PROJECT_ROOT } from './paths.ts';

export type Schema = typeof schema;
/** The database handle every module uses; the same API on PGlite and node-postgres. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Anything queries can run on: the database or an open transaction. */
export type Executor = Db | Tx;

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Set on the embedded database (pg-boss runs on the same instance). */
  pglite: PGlite | null;
  /** Set on PostgreSQL. */
  pool: pg.Pool | null;
  close(): Promise<void>;
}

export const MIGRATIONS_DIR = path.join(PROJECT_ROOT, 'migrations');

/** `dataDir` null means in memory (tests). */
export async function openDatabase(options: { databaseUrl: string | null; dataDir: string | null; poolSize?: number }): Promise<Database> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10 });
    // Surface broken idle connections in logs instead of crashing the process.
    pool.on('error', () => {});
    const db = drizzlePg({ client: pool, schema }) as unknown as Db;
    return { db, kind: 'postgres', pglite: null, pool, close: () => pool.end() };
  }
  // PGlite's default 128 MB of shared buffers costs ~250 MB of RSS; 16 MB is plenty for one process.
  const postgresqlconf = 'shared_buffers = 16MB';
  // pg_trgm powers the fuzzy company-name match of the conflict check, on both databases.
  const extensions = { pg_trgm };
  let pglite: PGlite;
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true });
    pglite = new PGlite(path.join(options.dataDir, 'pgdata'), { postgresqlconf, extensions });
  } else {
    pglite = new PGlite({ postgresqlconf, extensions });
  }
  await pglite.waitReady;
  const db = drizzlePglite({ client: pglite, schema }) as unknown as Db;
  return { db, kind: 'pglite', pglite, pool: null, close: () => pglite.close() };
}

export async function runMigrations(database: Database): Promise<void> {
  if (database.kind === 'pglite') {
    // biome-ignore lint/suspicious/noExplicitAny: drizzle's migrators are typed per driver.
    await migratePglite(database.db as any, { migrationsFolder: MIGRATIONS_DIR });
  } else {
    // biome-ignore lint/suspicious/noExplicitAny: drizzle's migrators are typed per driver.
    await migratePg(database.db as any, { migrationsFolder: MIGRATIONS_DIR });
  }
}

/** Postgres unique-violation detection, the same on both drivers. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  let e: unknown = error;
  for (let depth = 0; e && depth < 4; depth++) {
    const candidate = e as { code?: string; constraint?: string; cause?: unknown };
    if (candidate.code === '23505') return constraint === undefined || candidate.constraint === constraint;
    e = candidate.cause;
  }
  return false;
}
