import path from 'node:path';
import { AppError } from './errors.ts';

export interface Config {
  port: number;
  host: string;
  /** The address people reach OpenPRM at; used in emails and magic links. */
  publicUrl: string;
  databaseUrl: string | null;
  dataDir: string;
  smtpUrl: string | null;
  mailFrom: string;
  authSecret: string | null;
  logLevel: string;
  seedDemo: boolean;
  /** Run pg-boss workers in this process (turn off to run web-only processes). */
  runJobs: boolean;
  trustProxy: boolean;
  /** Browser flows only: expose POST /api/test/clock to move the server's clock forward. */
  testClock: boolean;
  env: 'production' | 'development' | 'test';
}

function parsePort(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new AppError('bad_request', `PORT must be an integer between 0 and 65535, got "${value}"`);
  }
  return port;
}

function parseBool(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  return ['1', 'true', 'yes', 'on'].includes(value.toLowerCase());
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const port = overrides.port ?? parsePort(env.PORT, 3000);
  const databaseUrl = env.DATABASE_URL && env.DATABASE_URL !== '' ? env.DATABASE_URL : null;
  const mode = (env.NODE_ENV === 'production' ? 'production' : env.NODE_ENV === 'test' ? 'test' : 'development') as Config['env'];
  const config: Config = {
    port,
    host: env.HOST ?? '0.0.0.0',
    publicUrl: (env.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/$/, ''),
    databaseUrl,
    dataDir: path.resolve(env.OPENPRM_DATA_DIR ?? '.openprm'),
    smtpUrl: env.SMTP_URL && env.SMTP_URL !== '' ? env.SMTP_URL : null,
    mailFrom: env.MAIL_FROM ?? 'OpenPRM <no-reply@openprm.local>',
    authSecret: env.AUTH_SECRET && env.AUTH_SECRET !== '' ? env.AUTH_SECRET : null,
    logLevel: env.LOG_LEVEL ?? (mode === 'test' ? 'silent' : 'info'),
    seedDemo: parseBool(env.OPENPRM_SEED_DEMO, databaseUrl === null),
    runJobs: parseBool(env.OPENPRM_RUN_JOBS, true),
    trustProxy: parseBool(env.TRUST_PROXY, false),
    testClock: parseBool(env.OPENPRM_TEST_CLOCK, false),
    env: mode,
    ...overrides,
  };
  if (config.authSecret !== null && config.authSecret.length < 32) {
    throw new AppError('bad_request', 'AUTH_SECRET must be at least 32 characters (e.g. `openssl rand -hex 32`)');
  }
  if (config.testClock && config.env === 'production') {
    throw new AppError('bad_request', 'OPENPRM_TEST_CLOCK is for browser tests and cannot be set with NODE_ENV=production');
  }
  return config;
}

/** The origins a browser may call us from: the public URL (and its localhost/127.0.0.1 twin). */
export function trustedOrigins(publicUrl: string): Set<string> {
  const origins = new Set([publicUrl]);
  const url = new URL(publicUrl);
  const port = url.port ? `:${url.port}` : '';
  if (url.hostname === 'localhost') origins.add(`${url.protocol}//127.0.0.1${port}`);
  if (url.hostname === '127.0.0.1') origins.add(`${url.protocol}//localhost${port}`);
  return origins;
}
