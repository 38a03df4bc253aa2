import { newRouter } from '../../platform/http.ts';

/** Referral links, customers, conversions and the server-side tracking API (/api/v1). */
export function trackingRoutes() {
  const r = newRouter();
  return r;
}

/** Outside /api: the click redirect (/r/{code}, or a custom domain's path) and the snippet. */
export function redirectRoutes() {
  const r = newRouter();
  return r;
}
