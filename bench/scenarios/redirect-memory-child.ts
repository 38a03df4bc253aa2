// Child of the redirect-cache-memory scenario: fills the redirect's link cache with LINKS links
// (cache bounded to CACHE_MAX) and prints the process RSS. Run with --expose-gc.
import { readFileSync } from 'node:fs';
import { TrackingRuntime, prepareTarget } from '../../src/server/modules/tracking/redirect.ts';
import type { Db } from '../../src/server/platform/db.ts';
import type { Logger } from '../../src/server/platform/logger.ts';

const links = Number(process.env.LINKS ?? 1_000_000);
const cacheMax = Number(process.env.CACHE_MAX ?? 100_000);
const gc = (globalThis as { gc?: () => void }).gc;
const rss = () => {
  gc?.();
  const m = readFileSync('/proc/self/status', 'utf8').match(/^VmRSS:\s+(\d+)\s+kB$/m);
  return m ? Number(m[1]) / 1024 : process.memoryUsage().rss / 2 ** 20;
};
const silent = { warn() {}, error() {}, info() {}, debug() {} } as unknown as Logger;
const rt = new TrackingRuntime({} as Db, silent, { cacheMax, cacheTtlMs: 3_600_000 });
const baseMB = rss();
for (let i = 0; i < links; i++) {
  const id = `lnk_01JD${i.toString(36).padStart(20, '0').toUpperCase()}`;
  const target = `https://acme.example/pricing?utm_source=partner&utm_medium=referral&utm_campaign=p${i % 5000}`;
  rt.prime(`code-${i.toString(36)}`, {
    id,
    workspaceId: 'ws_01JD0000000000000000000000',
    programId: 'prg_01JD0000000000000000000000',
    partnerId: `ptr_01JD${(i % 5000).toString(36).padStart(20, '0').toUpperCase()}`,
    customDomain: null,
    prepared: prepareTarget(target),
  });
}
await rt.clicks.close();
process.stdout.write(`RESULT ${JSON.stringify({ rssMB: Math.round(rss()), cached: rt.cachedLinks, baseMB: Math.round(baseMB) })}\n`);
