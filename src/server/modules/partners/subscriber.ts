import type { Principal } from '../../platform/context.ts';
import type { Subscriber } from '../../platform/events.ts';
import { PARTNER_IMPORT_COMMITTED, runImport } from './import-service.ts';

/** Runs committed CSV imports in the background; the import row shows progress. */
export function partnerImportSubscriber(): Subscriber {
  return {
    name: 'partner-import',
    eventTypes: [PARTNER_IMPORT_COMMITTED],
    async handle(event, { db }) {
      const { importId, principal } = event.payload as { importId: string; principal: Principal };
      await runImport(db, importId, principal);
    },
  };
}
