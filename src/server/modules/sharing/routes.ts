import { z } from '@hono/zod-openapi';
import { defineRoute, newRouter, services, workspaceCtx } from '../../platform/http.ts';
import { ZIdParam, errorResponses, jsonBody, jsonResponse, noContent } from '../../platform/openapi-common.ts';
import { ZCreateSignedLinkRequest, ZPartnerDeal, ZSharedDealUpdate, ZSignedLink, ZSignedLinkList } from '../deals/contract.ts';
import { clientAddress } from '../workspaces/routes.ts';
import { ZSharingRules, ZUpsertSharingRulesRequest } from './contract.ts';
import * as service from './service.ts';

const tags = ['Sharing'];
const ZTokenParam = z.object({ token: z.string().min(10).max(200).openapi({ param: { name: 'token', in: 'path' } }) });

export function sharingRoutes() {
  const r = newRouter();

  // ── Field sharing rules ──
  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'sharing:manage' }, {
      method: 'get', path: '/sharing-rules', tags, summary: 'The field sharing rules, with the catalogue of shareable fields',
      responses: { 200: jsonResponse(ZSharingRules, 'Rules'), ...errorResponses },
    }),
    async (c) => c.json(await service.listSharingRules(workspaceCtx(c)), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'sharing:manage' }, {
      method: 'put', path: '/sharing-rules', tags, summary: 'Add or change rules, keyed by (program, object, field, audience)',
      request: jsonBody(ZUpsertSharingRulesRequest),
      responses: { 200: jsonResponse(ZSharingRules, 'All rules after the change'), ...errorResponses },
    }),
    async (c) => c.json(await service.upsertSharingRules(workspaceCtx(c), c.req.valid('json').rules), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'sharing:manage' }, {
      method: 'delete', path: '/sharing-rules/{id}', tags, summary: 'Delete a rule (the field falls back to a less specific rule, or hidden)',
      request: { params: ZIdParam },
      responses: { ...noContent, ...errorResponses },
    }),
    async (c) => {
      await service.deleteSharingRule(workspaceCtx(c), c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  // ── Signed links ──
  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'deals:write' }, {
      method: 'post', path: '/deals/{id}/signed-links', tags,
      summary: 'Create a time-bound link that lets one credited partner view this deal and update its next step without signing in',
      request: { params: ZIdParam, ...jsonBody(ZCreateSignedLinkRequest) },
      responses: { 201: jsonResponse(ZSignedLink, 'Created; `url` is the link to send'), ...errorResponses },
    }),
    async (c) => {
      const s = services(c);
      return c.json(await service.createSignedLink(workspaceCtx(c), s.tokens, s.config.publicUrl, c.req.valid('param').id, c.req.valid('json')), 201);
    },
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'deals:read' }, {
      method: 'get', path: '/deals/{id}/signed-links', tags, summary: "The deal's signed links (url only while a link is live)",
      request: { params: ZIdParam },
      responses: { 200: jsonResponse(ZSignedLinkList, 'Links'), ...errorResponses },
    }),
    async (c) => {
      const s = services(c);
      return c.json(await service.listSignedLinks(workspaceCtx(c), s.tokens, s.config.publicUrl, c.req.valid('param').id), 200);
    },
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'deals:write' }, {
      method: 'delete', path: '/signed-links/{id}', tags, summary: 'Revoke a signed link',
      request: { params: ZIdParam },
      responses: { ...noContent, ...errorResponses },
    }),
    async (c) => {
      await service.revokeSignedLink(workspaceCtx(c), c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  r.openapi(
    defineRoute({ kind: 'public' }, {
      method: 'get', path: '/shared/deals/{token}', tags, summary: 'A deal shared by signed link, as its partner sees it (expired or revoked: 404)',
      request: { params: ZTokenParam },
      responses: { 200: jsonResponse(ZPartnerDeal, 'The deal'), 404: errorResponses[404], 429: errorResponses[400] },
    }),
    async (c) => {
      const s = services(c);
      s.limiters.publicLinks.hit(clientAddress(c));
      return c.json(await service.viewSharedDeal(s.db, s.tokens, c.req.valid('param').token, c.get('requestId') ?? null), 200);
    },
  );

  r.openapi(
    defineRoute({ kind: 'public' }, {
      method: 'patch', path: '/shared/deals/{token}', tags, summary: "Update the shared deal's next step (the only field a link may change)",
      request: { params: ZTokenParam, ...jsonBody(ZSharedDealUpdate) },
      responses: { 200: jsonResponse(ZPartnerDeal, 'Updated'), 404: errorResponses[404], 422: errorResponses[422], 429: errorResponses[400] },
    }),
    async (c) => {
      const s = services(c);
      s.limiters.publicLinks.hit(clientAddress(c));
      return c.json(await service.updateSharedDeal(s.db, s.tokens, c.req.valid('param').token, c.req.valid('json'), c.get('requestId') ?? null), 200);
    },
  );

  return r;
}
