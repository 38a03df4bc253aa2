import { notFound } from '../../platform/errors.ts';
import { defineRoute, newRouter, portalCtx, workspaceCtx } from '../../platform/http.ts';
import { ZIdParam, conflictResponse, errorResponses, jsonBody, jsonResponse } from '../../platform/openapi-common.ts';
import { ZPageQuery } from '../../platform/pagination.ts';
import {
  ZAttributionSettings,
  ZCreateDealRequest,
  ZCreatePipelineRequest,
  ZDeal,
  ZDealListQuery,
  ZDealPage,
  ZMoveStageRequest,
  ZPartnerDeal,
  ZPartnerDealPage,
  ZPipeline,
  ZPipelineList,
  ZReplaceCreditsRequest,
  ZReplaceStagesRequest,
  ZUpdateAttributionSettings,
  ZUpdateDealRequest,
} from './contract.ts';
import { partnerDeals } from './partner-view.ts';
import * as service from './service.ts';

const tags = ['Deals'];
const pipelineTags = ['Pipelines'];
const portalTags = ['Portal'];

export function dealRoutes() {
  const r = newRouter();

  // ── Pipelines ──
  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'deals:read' }, {
      method: 'get', path: '/pipelines', tags: pipelineTags, summary: 'List pipelines with their ordered stages (creates the default "Partner pipeline" on first use)',
      responses: { 200: jsonResponse(ZPipelineList, 'Pipelines'), ...errorResponses },
    }),
    async (c) => c.json(await service.listPipelines(workspaceCtx(c)), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'deals:write' }, {
      method: 'post', path: '/pipelines', tags: pipelineTags, summary: 'Create a pipeline',
      request: jsonBody(ZCreatePipelineRequest),
      responses: { 201: jsonResponse(ZPipeline, 'Created'), ...errorResponses, ...conflictResponse },
    }),
    async (c) => c.json(await service.createPipeline(workspaceCtx(c), c.req.valid('json')), 201),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'deals:read' }, {
      method: 'get', path: '/pipelines/{id}', tags: pipelineTags, summary: 'Get a pipeline',
      request: { params: ZIdParam },
      responses: { 200: jsonResponse(ZPipeline, 'The pipeline'), ...errorResponses },
    }),
    async (c) => c.json(await service.getPipeline(workspaceCtx(c), c.req.valid('param').id), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'deals:write' }, {
      method: 'patch', path: '/pipelines/{id}/stages', tags: pipelineTags,
      summary: 'Replace the ordered stages (keep a stage by passing its id; a removed stage must hold no deals)',
      request: { params: ZIdParam, ...jsonBody(ZReplaceStagesRequest) },
      responses: { 200: jsonResponse(ZPipeline, 'Updated'), ...errorResponses, ...conflictResponse },
    }),
    async (c) => c.json(await service.replaceStages(workspaceCtx(c), c.req.valid('param').id, c.req.valid('json').stages), 200),
  );

  // ── Deals ──
  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'deals:read' }, {
      method: 'get', path: '/deals', tags, summary: 'List deals (newest first) with their credits and weighted amount',
      request: { query: ZDealListQuery },
      responses: { 200: jsonResponse(ZDealPage, 'A page of deals'), ...errorResponses },
    }),
    async (c) => c.json(await service.listDeals(workspaceCtx(c), c.req.valid('query')), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'deals:write' }, {
      method: 'post', path: '/deals', tags, summary: 'Create a deal',
      request: jsonBody(ZCreateDealRequest),
      responses: { 201: jsonResponse(ZDeal, 'Created'), ...errorResponses },
    }),
    async (c) => c.json(await service.createDeal(workspaceCtx(c), c.req.valid('json')), 201),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'deals:read' }, {
      method: 'get', path: '/deals/{id}', tags, summary: 'Get a deal',
      request: { params: ZIdParam },
      responses: { 200: jsonResponse(ZDeal, 'The deal'), ...errorResponses },
    }),
    async (c) => c.json(await service.getDeal(workspaceCtx(c), c.req.valid('param').id), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'deals:write' }, {
      method: 'patch', path: '/deals/{id}', tags, summary: 'Update a deal (name, amount, close date, owner, next step, internal notes, discount)',
      request: { params: ZIdParam, ...jsonBody(ZUpdateDealRequest) },
      responses: { 200: jsonResponse(ZDeal, 'Updated'), ...errorResponses },
    }),
    async (c) => c.json(await service.updateDeal(workspaceCtx(c), c.req.valid('param').id, c.req.valid('json')), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'deals:write' }, {
      method: 'post', path: '/deals/{id}/stage', tags,
      summary: "Move a deal to a stage: 409 names the allowed stages; 422 lists the target stage's missing required fields (a lost stage needs lostReason)",
      request: { params: ZIdParam, ...jsonBody(ZMoveStageRequest) },
      responses: { 200: jsonResponse(ZDeal, 'Moved'), ...errorResponses, ...conflictResponse },
    }),
    async (c) => c.json(await service.moveStage(workspaceCtx(c), c.req.valid('param').id, c.req.valid('json')), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'deals:write' }, {
      method: 'put', path: '/deals/{id}/credits', tags,
      summary: 'Replace the partner credits (primary_only: one partner at 10000 bp, others 0; split: shares sum to 10000 bp)',
      request: { params: ZIdParam, ...jsonBody(ZReplaceCreditsRequest) },
      responses: { 200: jsonResponse(ZDeal, 'Updated'), ...errorResponses },
    }),
    async (c) => c.json(await service.replaceCredits(workspaceCtx(c), c.req.valid('param').id, c.req.valid('json').credits), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'deals:read' }, {
      method: 'get', path: '/attribution-settings', tags, summary: "The workspace's attribution model",
      responses: { 200: jsonResponse(ZAttributionSettings, 'Settings'), ...errorResponses },
    }),
    async (c) => c.json(await service.getAttributionSettings(workspaceCtx(c)), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'workspace:manage' }, {
      method: 'put', path: '/attribution-settings', tags, summary: 'Set the attribution model (applies to credits written from now on)',
      request: jsonBody(ZUpdateAttributionSettings),
      responses: { 200: jsonResponse(ZAttributionSettings, 'Updated'), ...errorResponses },
    }),
    async (c) => c.json(await service.updateAttributionSettings(workspaceCtx(c), c.req.valid('json')), 200),
  );

  // ── Portal: the partner's pipeline, through the sharing projection ──
  r.openapi(
    defineRoute({ kind: 'partner', permission: 'portal:pipeline' }, {
      method: 'get', path: '/portal/deals', tags: portalTags, summary: 'Your pipeline: deals crediting your partner (only the fields shared with you)',
      request: { query: ZPageQuery },
      responses: { 200: jsonResponse(ZPartnerDealPage, 'A page of deals'), ...errorResponses },
    }),
    async (c) => {
      const ctx = portalCtx(c);
      const q = c.req.valid('query');
      return c.json(await partnerDeals(ctx.db, { workspaceId: ctx.workspaceId, partnerId: ctx.partnerId, partnerRole: ctx.principal.role, cursor: q.cursor, limit: q.limit }), 200);
    },
  );

  r.openapi(
    defineRoute({ kind: 'partner', permission: 'portal:pipeline' }, {
      method: 'get', path: '/portal/deals/{id}', tags: portalTags, summary: 'One deal of your pipeline',
      request: { params: ZIdParam },
      responses: { 200: jsonResponse(ZPartnerDeal, 'The deal'), ...errorResponses },
    }),
    async (c) => {
      const ctx = portalCtx(c);
      const page = await partnerDeals(ctx.db, { workspaceId: ctx.workspaceId, partnerId: ctx.partnerId, partnerRole: ctx.principal.role, dealIds: [c.req.valid('param').id], limit: 1 });
      if (!page.data[0]) throw notFound('Deal');
      return c.json(page.data[0], 200);
    },
  );

  return r;
}
