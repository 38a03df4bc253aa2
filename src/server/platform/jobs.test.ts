import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from '../test/harness.ts';
import { AppError } from './errors.ts';
import { emit } from './events.ts';
import { delivery } from './schema.ts';

let t: TestApp;
const handled: string[] = [];
let failuresLeft = 0;

beforeAll(async () => {
  t = await createTestApp();
  t.services.bus.register({
    name: 'test-recorder',
    eventTypes: ['test.happened'],
    async handle(event) {
      if (failuresLeft > 0) {
        failuresLeft--;
        throw new AppError('internal', 'transient failure');
      }
      handled.push(event.id);
    },
  });
  t.services.bus.register({
    name: 'test-rejecter',
    eventTypes: ['test.rejected'],
    async handle() {
      throw new AppError('validation_failed', 'this event can never be handled');
    },
  });
  await t.services.jobs.start();
});
afterAll(async () => {
  await t.close();
});

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('timed out waiting for the job');
}

describe('outbox + pg-boss jobs (on this test database)', () => {
  it('delivers a committed event to its subscriber exactly once', async () => {
    const id = await t.services.db.transaction((tx) => emit(tx, null, 'test.happened', { n: 1 }));
    t.services.jobs.nudge();
    const [row] = await waitFor(
      () => t.services.db.select().from(delivery).where(eq(delivery.eventId, id)),
      (rows) => rows[0]?.status === 'done',
    );
    expect(row).toMatchObject({ handler: 'test-recorder', status: 'done', attempts: 1 });
    expect(handled.filter((h) => h === id)).toHaveLength(1);
    // Running the same delivery again (a redelivered job) changes nothing.
    await t.services.bus.runDelivery(row.id);
    expect(handled.filter((h) => h === id)).toHaveLength(1);
  });

  it('does not deliver an event whose transaction rolled back', async () => {
    let eventId = '';
    await t.services.db
      .transaction(async (tx) => {
        eventId = await emit(tx, null, 'test.happened', { n: 2 });
        throw new Error('rollback');
      })
      .catch(() => {});
    await t.services.bus.dispatchPending();
    const rows = await t.services.db.select().from(delivery).where(eq(delivery.eventId, eventId));
    expect(rows).toEqual([]);
  });

  it('retries a failing delivery and records the error', async () => {
    failuresLeft = 1;
    const id = await emit(t.services.db, null, 'test.happened', { n: 3 });
    t.services.jobs.nudge();
    const [row] = await waitFor(
      () => t.services.db.select().from(delivery).where(eq(delivery.eventId, id)),
      (rows) => rows[0]?.status === 'done',
    );
    expect(row.attempts).toBe(2);
    expect(handled).toContain(id);
  });

  it('marks a delivery that can never succeed as failed, with the reason', async () => {
    const id = await emit(t.services.db, null, 'test.rejected', {});
    t.services.jobs.nudge();
    const [row] = await waitFor(
      () => t.services.db.select().from(delivery).where(eq(delivery.eventId, id)),
      (rows) => rows[0]?.status === 'failed',
    );
    expect(row.lastError).toBe('this event can never be handled');
  });
});
