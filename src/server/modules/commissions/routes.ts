import { newRouter } from '../../platform/http.ts';

/** Commission plans, the commission ledger and its review. */
export function commissionRoutes() {
  const r = newRouter();
  return r;
}
