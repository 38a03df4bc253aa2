import { eq } from 'drizzle-orm';
import { now } from '../../platform/clock.ts';
import type { Db } from '../../platform/db.ts';
import type { EventBus, Subscriber } from '../../platform/events.ts';
import type { JobRunner } from '../../platform/jobs.ts';
import { type DealWonPayload, accrueDealWon, accruePending, releaseHolds } from './accrual.ts';
import { periodKey } from './evaluate.ts';
import { parsePlanDocument } from './plan.ts';
import { commissionPlan } from './schema.ts';
import { closeRebates } from './service.ts';

/** Conversions recorded or attributed: one run accrues everything pending in the workspace (batching). */
export function accrualSubscriber(): Subscriber {
  return {
    name: 'commissions.accrue',
    eventTypes: ['conversion.recorded', 'conversion.attributed'],
    async handle(event, { db }) {
      if (!event.workspaceId) return;
      await accruePending(db, event.workspaceId);
    },
  };
}

/** A won deal credits its partners by role and share under their program's deal rules. */
export function dealWonSubscriber(): Subscriber {
  return {
    name: 'commissions.deal-won',
    eventTypes: ['deal.won'],
    async handle(event, { db }) {
      if (!event.workspaceId) return;
      await accrueDealWon(db, event.workspaceId, event.payload as unknown as DealWonPayload);
    },
  };
}

/** Closes the previous month / quarter / year for every active plan with rebates (idempotent). */
export async function closeDueRebates(db: Db): Promise<number> {
  const plans = await db.select().from(commissionPlan).where(eq(commissionPlan.status, 'active'));
  const at = now();
  let created = 0;
  for (const p of plans) {
    const doc = parsePlanDocument(p.document);
    for (const period of new Set(doc.rebates.map((r) => r.period))) {
      const previous = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1) - 1);
      const prevQuarter = new Date(Date.UTC(at.getUTCFullYear(), Math.floor(at.getUTCMonth() / 3) * 3, 1) - 1);
      const prevYear = new Date(Date.UTC(at.getUTCFullYear(), 0, 1) - 1);
      const key = periodKey(period === 'month' ? previous : period === 'quarter' ? prevQuarter : prevYear, period);
      const r = await closeRebates({ workspaceId: p.workspaceId, db }, p.programId, key, { audit: false });
      created += r.created;
    }
  }
  return created;
}

/** Subscribers and schedules of the commissions module (cron in UTC). */
export function registerCommissionJobs(jobs: JobRunner, bus: EventBus, db: Db): void {
  bus.register(accrualSubscriber());
  bus.register(dealWonSubscriber());
  jobs.addSchedule({
    name: 'commissions-accrue-and-release',
    cron: '* * * * *',
    run: async () => {
      await accruePending(db);
      await releaseHolds(db);
    },
  });
  jobs.addSchedule({ name: 'commissions-close-rebates', cron: '17 2 * * *', run: async () => void (await closeDueRebates(db)) });
}


