import { PgBoss, fromPglite } from 'pg-boss';
import type { Database } from './db.ts';
import type { EventBus } from './events.ts';
import type { Logger } from './logger.ts';

const DELIVERY_QUEUE = 'event-delivery';
const DISPATCH_INTERVAL_MS = 500;
const STALE_DELIVERY_MS = 120_000;

export interface ScheduledJob {
  name: string;
  /** Cron expression, evaluated in UTC. */
  cron: string;
  run(): Promise<void>;
}

/**
 * pg-boss on the same database (PGlite or PostgreSQL): a durable queue for event
 * deliveries and the cron schedules of later modules. The dispatcher loop turns committed
 * outbox events into delivery jobs; several processes can run it at once (SKIP LOCKED).
 */
export class JobRunner {
  private boss: PgBoss | null = null;
  private timer: NodeJS.Timeout | null = null;
  private dispatching = false;
  private nudged = false;
  private readonly scheduled = new Map<string, ScheduledJob>();

  constructor(
    private readonly database: Database,
    private readonly bus: EventBus,
    private readonly log: Logger,
  ) {}

  addSchedule(job: ScheduledJob): void {
    this.scheduled.set(job.name, job);
  }

  async start(): Promise<void> {
    const boss =
      this.database.kind === 'pglite' && this.database.pglite
        ? new PgBoss({ db: fromPglite(this.database.pglite), backend: 'pglite', schema: 'pgboss' })
        : new PgBoss({ connectionString: this.database.pool?.options.connectionString, schema: 'pgboss', max: 4 });
    boss.on('error', (error: unknown) => this.log.error({ err: error }, 'job queue error'));
    await boss.start();
    await boss.createQueue(DELIVERY_QUEUE, { retryLimit: 5, retryDelay: 5, retryBackoff: true });
    await boss.work<{ deliveryId: string }>(DELIVERY_QUEUE, { batchSize: 10, pollingIntervalSeconds: 0.5 }, async (jobs) => {
      for (const job of jobs) {
        await this.bus.runDelivery(job.data.deliveryId, { finalAttempt: (job.retryCount ?? 0) >= 5 });
      }
    });
    for (const job of this.scheduled.values()) {
      await boss.createQueue(job.name);
      await boss.schedule(job.name, job.cron);
      await boss.work(job.name, async () => job.run());
    }
    this.boss = boss;
    this.timer = setInterval(() => void this.tick(), DISPATCH_INTERVAL_MS);
    this.timer.unref();
  }

  /** Called after a request commits events, so delivery starts without waiting for the next tick. */
  nudge(): void {
    if (!this.boss) return;
    if (this.dispatching) {
      this.nudged = true;
      return;
    }
    void this.tick();
  }

  private async tick(): Promise<void> {
    if (this.dispatching || !this.boss) return;
    this.dispatching = true;
    try {
      do {
        this.nudged = false;
        const created = await this.bus.dispatchPending();
        for (const d of created) await this.boss.send(DELIVERY_QUEUE, { deliveryId: d.deliveryId }, { singletonKey: d.deliveryId });
      } while (this.nudged);
      await this.requeueStale();
    } catch (error) {
      this.log.error({ err: error }, 'event dispatch failed');
    } finally {
      this.dispatching = false;
    }
  }

  private lastStaleCheck = 0;
  private async requeueStale(): Promise<void> {
    if (!this.boss || Date.now() - this.lastStaleCheck < STALE_DELIVERY_MS) return;
    this.lastStaleCheck = Date.now();
    for (const id of await this.bus.stalePendingDeliveries(STALE_DELIVERY_MS)) {
      await this.boss.send(DELIVERY_QUEUE, { deliveryId: id }, { singletonKey: id });
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const boss = this.boss;
    this.boss = null;
    if (boss) await boss.stop({ graceful: true, timeout: 5000 });
  }
}
