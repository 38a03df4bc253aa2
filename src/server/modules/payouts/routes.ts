import { newRouter } from '../../platform/http.ts';

/** FX rates, payout schedules, payout runs, statements and tax profiles. */
export function payoutRoutes() {
  const r = newRouter();
  return r;
}
