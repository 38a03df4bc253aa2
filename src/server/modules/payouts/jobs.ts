import type { Db } from '../../platform/db.ts';
import type { SecretBox } from '../../platform/encryption.ts';
import type { JobRunner } from '../../platform/jobs.ts';
import { processingPayPalPayouts, refreshPayout } from './runs.ts';
import { draftScheduledRuns } from './scheduled.ts';

/** Polls PayPal batches that are still processing (PayPal pays asynchronously). */
export async function pollPayPalPayouts(db: Db, secrets: SecretBox): Promise<number> {
  const pending = await processingPayPalPayouts(db);
  for (const p of pending) {
    await refreshPayout({ workspaceId: p.workspaceId, principal: { kind: 'system', name: 'PayPal status poll' }, requestId: null, db }, { secrets }, p.id).catch(() => undefined);
  }
  return pending.length;
}

export function registerPayoutJobs(jobs: JobRunner, db: Db, secrets: SecretBox): void {
  jobs.addSchedule({ name: 'payouts-paypal-poll', cron: '*/10 * * * *', run: async () => void (await pollPayPalPayouts(db, secrets)) });
  jobs.addSchedule({ name: 'payouts-draft-scheduled-runs', cron: '5 * * * *', run: async () => void (await draftScheduledRuns(db)) });
}
