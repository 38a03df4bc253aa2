import { loadConfig } from '../../server/platform/config.ts';
import type { Services } from '../../server/platform/http.ts';
import { buildServices, closeServices } from '../../server/platform/services.ts';

/** Opens the configured database (migrating it), runs `work`, delivers queued events, closes. */
export async function withServices<T>(work: (s: Services) => Promise<T>): Promise<T> {
  const config = loadConfig(process.env, { logLevel: process.env.LOG_LEVEL ?? 'warn' });
  const s = await buildServices(config);
  try {
    const result = await work(s);
    await s.bus.drain();
    return result;
  } finally {
    await closeServices(s);
  }
}
