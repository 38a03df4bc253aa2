import { newRouter } from '../../platform/http.ts';

/** Billing webhooks (Stripe, Paddle, LemonSqueezy) and their endpoint settings. */
export function billingRoutes() {
  const r = newRouter();
  return r;
}
