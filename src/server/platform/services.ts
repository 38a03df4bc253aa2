import { registerCommissionJobs } from '../modules/commissions/jobs.ts';
import { mailSubscriber } from '../modules/mail/subscriber.ts';
import { partnerImportSubscriber } from '../modules/partners/subscriber.ts';
import { registerRegistrationJobs } from '../modules/registrations/jobs.ts';
import { registerPayoutJobs } from '../modules/payouts/jobs.ts';
import { payoutRunSenderSubscriber } from '../modules/payouts/subscriber.ts';
import { createAuth, resolveAuthSecret } from './auth.ts';
import type { Config } from './config.ts';
import { type Database, openDatabase, runMigrations } from './db.ts';
import { EventBus } from './events.ts';
import type { Services } from './http.ts';
import { JobRunner } from './jobs.ts';
import { type Logger, createLogger } from './logger.ts';
import { Mailer } from './mail.ts';
import { RateLimiter } from './rate-limit.ts';
import { TokenService } from './tokens.ts';
import { TrackingRuntime } from '../modules/tracking/redirect.ts';
import { SecretBox } from './encryption.ts';

export interface BuildOptions {
  /** Use this database instead of opening one from the config (tests). */
  database?: Database;
  logger?: Logger;
  /** Requests per minute per client address; tests raise them. */
  rateLimits?: { signIn: number; magicLink: number; publicLinks: number };
}

/** Opens the database, applies migrations and wires every service. Jobs are started by the caller. */
export async function buildServices(config: Config, options: BuildOptions = {}): Promise<Services> {
  const log = options.logger ?? createLogger(config.logLevel);
  const database = options.database ?? (await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }));
  await runMigrations(database);
  const db = database.db;
  const secret = await resolveAuthSecret(db, config.authSecret);
  const bus = new EventBus(db, log);
  const jobs = new JobRunner(database, bus, log);
  const mailer = new Mailer(db, config.smtpUrl, config.mailFrom);
  const tokens = new TokenService(secret);
  const auth = createAuth({ db, config, secret, onEventEmitted: () => jobs.nudge() });
  const limits = options.rateLimits ?? { signIn: 10, magicLink: 5, publicLinks: 30 };
  bus.register(mailSubscriber({ mailer, tokens, config }));
  bus.register(partnerImportSubscriber());
  bus.register(payoutRunSenderSubscriber(new SecretBox(secret)));
  registerRegistrationJobs(jobs, db);
  registerCommissionJobs(jobs, bus, db);
  registerPayoutJobs(jobs, db, new SecretBox(secret));
  return {
    config,
    database,
    db,
    log,
    auth,
    bus,
    jobs,
    mailer,
    tokens,
    tracking: new TrackingRuntime(db, log, { ownHosts: [new URL(config.publicUrl).host] }),
    secrets: new SecretBox(secret),
    limiters: {
      signIn: new RateLimiter(limits.signIn, 60_000),
      magicLink: new RateLimiter(limits.magicLink, 60_000),
      publicLinks: new RateLimiter(limits.publicLinks, 60_000),
    },
  };
}

export async function closeServices(s: Services): Promise<void> {
  await s.tracking.close();
  await s.jobs.stop();
  await s.mailer.close();
  await s.database.close();
}
