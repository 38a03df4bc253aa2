import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { SkipScenario } from '../harness.ts';

/** The server the bench creates its throw-away database on; CI's TEST_DATABASE_URL works too. */
export function adminUrl(): string {
  return process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
}

/** The URL without its password, for messages. */
export function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

async function withAdmin<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export interface ScratchDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** Creates `openprm_bench_<random>`; skips the scenario when the server cannot be reached. */
export async function createScratchDatabase(): Promise<ScratchDatabase> {
  const admin = adminUrl();
  const name = `openprm_bench_${randomBytes(5).toString('hex')}`;
  try {
    await withAdmin(admin, (c) => c.query(`create database ${name}`));
  } catch (error) {
    const e = error as { message?: string; code?: string };
    const reason = e.message || e.code || String(error);
    throw new SkipScenario(`PostgreSQL not reachable at ${redact(admin)} (${reason}); set BENCH_DATABASE_URL`);
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => withAdmin(admin, (c) => c.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
}
