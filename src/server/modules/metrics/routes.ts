import { defineRoute, newRouter, workspaceCtx } from '../../platform/http.ts';
import { errorResponses, jsonResponse } from '../../platform/openapi-common.ts';
import { ZPartnerPerformance, ZPerformanceQuery } from './contract.ts';
import { partnerPerformance } from './service.ts';

const tags = ['Metrics'];

export function metricsRoutes() {
  const r = newRouter();

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'metrics:read' }, {
      method: 'get', path: '/metrics/partner-performance', tags,
      summary:
        'Partner performance by partner or program: registrations by status, approval rate, time to decision vs SLA, conflict rate, registered → won, pipeline and weighted pipeline (open deals, per currency), win rate, velocity, average deal size, revenue by credit role',
      request: { query: ZPerformanceQuery },
      responses: { 200: jsonResponse(ZPartnerPerformance, 'Metrics'), ...errorResponses },
    }),
    async (c) => c.json(await partnerPerformance(workspaceCtx(c), c.req.valid('query')), 200),
  );

  return r;
}
