import type { SecretBox } from '../../platform/encryption.ts';
import type { Subscriber } from '../../platform/events.ts';
import { PAYOUT_RUN_EXECUTED, sendRunPayouts } from './runs.ts';

/** Sends an executed run's payouts to their providers in the background (see `executeRun`). */
export function payoutRunSenderSubscriber(secrets: SecretBox): Subscriber {
  return {
    name: 'payout-run-sender',
    eventTypes: [PAYOUT_RUN_EXECUTED],
    async handle(event, { db, log }) {
      const { runId } = event.payload as { runId: string };
      if (!event.workspaceId) return;
      const sent = await sendRunPayouts(db, { secrets }, event.workspaceId, runId);
      log.info({ runId, sent }, 'payout run sent');
    },
  };
}
