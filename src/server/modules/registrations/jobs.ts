import type { Db } from '../../platform/db.ts';
import type { JobRunner } from '../../platform/jobs.ts';
import { expireProtections, markSlaBreaches, sendProtectionReminders } from './protection.ts';

/** The registration schedules (cron, UTC); the work itself is in plain functions of `now`. */
export function registerRegistrationJobs(jobs: JobRunner, db: Db): void {
  jobs.addSchedule({ name: 'registrations-sla-breaches', cron: '*/5 * * * *', run: async () => void (await markSlaBreaches(db, new Date())) });
  jobs.addSchedule({ name: 'registrations-protection-reminders', cron: '7 * * * *', run: async () => void (await sendProtectionReminders(db, new Date())) });
  jobs.addSchedule({ name: 'registrations-expire-protections', cron: '*/15 * * * *', run: async () => void (await expireProtections(db, new Date())) });
}
