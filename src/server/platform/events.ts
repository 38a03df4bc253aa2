import { and, asc, eq, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { Db, Executor } from './db.ts';
import { isRetryable } from './errors.ts';
import { newId } from './ids.ts';
import type { Logger } from './logger.ts';
import { delivery, event } from './schema.ts';

/**
 * The outbox. A state change and its domain event are written in one transaction
 * (`emit`); the dispatcher turns each event into one `delivery` row per subscriber, and
 * jobs run the subscriber for that delivery — at least once, skipped when already done.
 */
export interface DomainEvent<P extends Record<string, unknown> = Record<string, unknown>> {
  id: string;
  workspaceId: string | null;
  type: string;
  payload: P;
  createdAt: Date;
}

export interface Subscriber {
  /** Stable handler name; part of the delivery's idempotency key. */
  name: string;
  eventTypes: string[];
  handle(event: DomainEvent, deps: { db: Db; log: Logger }): Promise<void>;
}

export async function emit(
  db: Executor,
  workspaceId: string | null,
  type: string,
  payload: Record<string, unknown>,
): Promise<string> {
  const id = newId('event');
  await db.insert(event).values({ id, workspaceId, type, payload });
  return id;
}

export class EventBus {
  private readonly subscribers = new Map<string, Subscriber>();

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
  ) {}

  register(subscriber: Subscriber): void {
    if (this.subscribers.has(subscriber.name)) throw new Error(`Subscriber ${subscriber.name} registered twice`);
    this.subscribers.set(subscriber.name, subscriber);
  }

  subscriberNames(): string[] {
    return [...this.subscribers.keys()];
  }

  /** Creates delivery rows for undispatched events; returns the new delivery ids. */
  async dispatchPending(limit = 200): Promise<{ deliveryId: string; handler: string }[]> {
    return this.db.transaction(async (tx) => {
      const pending = await tx
        .select()
        .from(event)
        .where(isNull(event.dispatchedAt))
        .orderBy(asc(event.id))
        .limit(limit)
        .for('update', { skipLocked: true });
      if (pending.length === 0) return [];
      const created: { deliveryId: string; handler: string }[] = [];
      for (const e of pending) {
        for (const s of this.subscribers.values()) {
          if (!s.eventTypes.includes(e.type)) continue;
          const deliveryId = newId('delivery');
          const inserted = await tx
            .insert(delivery)
            .values({ id: deliveryId, eventId: e.id, workspaceId: e.workspaceId, handler: s.name, status: 'pending' })
            .onConflictDoNothing()
            .returning({ id: delivery.id });
          if (inserted.length > 0) created.push({ deliveryId, handler: s.name });
        }
      }
      await tx
        .update(event)
        .set({ dispatchedAt: new Date() })
        .where(
          inArray(
            event.id,
            pending.map((e) => e.id),
          ),
        );
      return created;
    });
  }

  /** Runs one delivery; idempotent (a delivery already done is skipped). Throws when it should be retried. */
  async runDelivery(deliveryId: string, options: { finalAttempt: boolean } = { finalAttempt: false }): Promise<void> {
    const [row] = await this.db
      .select({ d: delivery, e: event })
      .from(delivery)
      .innerJoin(event, eq(event.id, delivery.eventId))
      .where(eq(delivery.id, deliveryId));
    if (!row || row.d.status === 'done' || row.d.status === 'failed') return;
    const subscriber = this.subscribers.get(row.d.handler);
    if (!subscriber) {
      await this.db.update(delivery).set({ status: 'failed', lastError: `No subscriber named ${row.d.handler}` }).where(eq(delivery.id, deliveryId));
      return;
    }
    const domainEvent: DomainEvent = { id: row.e.id, workspaceId: row.e.workspaceId, type: row.e.type, payload: row.e.payload, createdAt: row.e.createdAt };
    try {
      await subscriber.handle(domainEvent, { db: this.db, log: this.log });
      await this.db
        .update(delivery)
        .set({ status: 'done', attempts: sql`${delivery.attempts} + 1`, completedAt: new Date(), lastError: null })
        .where(eq(delivery.id, deliveryId));
    } catch (error) {
      const retry = isRetryable(error) && !options.finalAttempt;
      const message = error instanceof Error ? error.message : String(error);
      this.log.warn({ deliveryId, handler: row.d.handler, eventType: row.e.type, err: message, retry }, 'delivery failed');
      await this.db
        .update(delivery)
        .set({ status: retry ? 'pending' : 'failed', attempts: sql`${delivery.attempts} + 1`, lastError: message })
        .where(eq(delivery.id, deliveryId));
      if (retry) throw error;
    }
  }

  /** Deliveries still pending after `olderThanMs` (their job was lost or is retrying). */
  async stalePendingDeliveries(olderThanMs: number, limit = 500): Promise<string[]> {
    const rows = await this.db
      .select({ id: delivery.id })
      .from(delivery)
      .where(and(eq(delivery.status, 'pending'), lt(delivery.createdAt, new Date(Date.now() - olderThanMs))))
      .orderBy(asc(delivery.id))
      .limit(limit);
    return rows.map((r) => r.id);
  }

  /**
   * Dispatches and runs everything pending, in this process, until nothing is left. Used by
   * tests and the CLI, where no worker is running; the server uses pg-boss workers instead.
   */
  async drain(maxRounds = 20): Promise<number> {
    let ran = 0;
    for (let round = 0; round < maxRounds; round++) {
      await this.dispatchPending();
      const pending = await this.db
        .select({ id: delivery.id })
        .from(delivery)
        .where(eq(delivery.status, 'pending'))
        .orderBy(asc(delivery.id));
      if (pending.length === 0) return ran;
      for (const p of pending) {
        await this.runDelivery(p.id, { finalAttempt: true }).catch(() => {});
        ran++;
      }
    }
    return ran;
  }
}
