import { and, eq, gte } from 'drizzle-orm';
import { now } from '../../platform/clock.ts';
import type { Db } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import type { Logger } from '../../platform/logger.ts';
import { workspace } from '../workspaces/schema.ts';
import { nextPayoutDate, todayIn } from './rules.ts';
import { createRun } from './runs.ts';
import { payoutRun, payoutSchedule } from './schema.ts';

export const SCHEDULE_ACTOR = 'Payout schedule';
const ONCE_PER_DAY_MS = 20 * 3_600_000;

/**
 * On a program's payout date (in the workspace's time zone) computes the draft run for it, so
 * finance only has to review and approve. Runs hourly; a program gets at most one scheduled
 * draft per payout date, and a date with nothing to pay makes no run. Nothing is paid here.
 */
export async function draftScheduledRuns(db: Db, log?: Logger): Promise<string[]> {
  const at = now();
  const schedules = await db
    .select({ s: payoutSchedule, timeZone: workspace.timeZone })
    .from(payoutSchedule)
    .innerJoin(workspace, eq(workspace.id, payoutSchedule.workspaceId));
  const created: string[] = [];
  for (const { s, timeZone } of schedules) {
    const tz = timeZone || 'UTC';
    const rule = { cadence: s.cadence as 'monthly' | 'semi_monthly' | 'weekly', dayOfMonth: s.dayOfMonth, weekday: s.weekday };
    if (nextPayoutDate(rule, at, tz) !== todayIn(at, tz)) continue;
    const [already] = await db
      .select({ id: payoutRun.id })
      .from(payoutRun)
      .where(
        and(
          eq(payoutRun.workspaceId, s.workspaceId),
          eq(payoutRun.programId, s.programId),
          eq(payoutRun.createdByName, SCHEDULE_ACTOR),
          gte(payoutRun.periodEnd, new Date(at.getTime() - ONCE_PER_DAY_MS)),
        ),
      )
      .limit(1);
    if (already) continue;
    try {
      const run = await createRun({ workspaceId: s.workspaceId, principal: { kind: 'system', name: SCHEDULE_ACTOR }, requestId: null, db }, { programId: s.programId });
      created.push(run.id);
    } catch (error) {
      // Nothing approved to pay, or a person computed the run at the same moment: no draft today.
      if (error instanceof AppError && error.code === 'conflict') continue;
      log?.error({ err: error, programId: s.programId }, 'scheduled payout run failed');
    }
  }
  return created;
}
