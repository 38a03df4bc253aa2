import { defineRoute, newRouter, workspaceCtx } from '../../platform/http.ts';
import { ZIdParam, conflictResponse, errorResponses, jsonBody, jsonResponse, noContent } from '../../platform/openapi-common.ts';
import {
  ZCreateProgramRequest,
  ZCreateTierRequest,
  ZProgram,
  ZProgramListQuery,
  ZProgramPage,
  ZTier,
  ZTierList,
  ZUpdateProgramRequest,
  ZUpdateTierRequest,
} from './contract.ts';
import * as service from './service.ts';
import * as tiers from './tiers.ts';

const tags = ['Programs'];

export function programRoutes() {
  const r = newRouter();

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'programs:read' }, {
      method: 'get', path: '/programs', tags, summary: 'List programs',
      request: { query: ZProgramListQuery },
      responses: { 200: jsonResponse(ZProgramPage, 'A page of programs'), ...errorResponses },
    }),
    async (c) => c.json(await service.listPrograms(workspaceCtx(c), c.req.valid('query')), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'programs:write' }, {
      method: 'post', path: '/programs', tags, summary: 'Create a program',
      request: jsonBody(ZCreateProgramRequest),
      responses: { 201: jsonResponse(ZProgram, 'Created'), ...errorResponses, ...conflictResponse },
    }),
    async (c) => c.json(await service.createProgram(workspaceCtx(c), c.req.valid('json')), 201),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'programs:read' }, {
      method: 'get', path: '/programs/{id}', tags, summary: 'Get a program',
      request: { params: ZIdParam },
      responses: { 200: jsonResponse(ZProgram, 'The program'), ...errorResponses },
    }),
    async (c) => c.json(await service.getProgram(workspaceCtx(c), c.req.valid('param').id), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'programs:write' }, {
      method: 'patch', path: '/programs/{id}', tags, summary: 'Update a program (name, type, terms, currency, status)',
      request: { params: ZIdParam, ...jsonBody(ZUpdateProgramRequest) },
      responses: { 200: jsonResponse(ZProgram, 'Updated'), ...errorResponses, ...conflictResponse },
    }),
    async (c) => c.json(await service.updateProgram(workspaceCtx(c), c.req.valid('param').id, c.req.valid('json')), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'programs:read' }, {
      method: 'get', path: '/programs/{id}/tiers', tags, summary: "A program's partner tiers, entry level (rank 1) first",
      request: { params: ZIdParam },
      responses: { 200: jsonResponse(ZTierList, 'Tiers'), ...errorResponses },
    }),
    async (c) => c.json(await tiers.listTiers(workspaceCtx(c), c.req.valid('param').id), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'programs:write' }, {
      method: 'post', path: '/programs/{id}/tiers', tags, summary: 'Add a tier (409 if the name is taken in this program)',
      request: { params: ZIdParam, ...jsonBody(ZCreateTierRequest) },
      responses: { 201: jsonResponse(ZTier, 'Created'), ...errorResponses, ...conflictResponse },
    }),
    async (c) => c.json(await tiers.createTier(workspaceCtx(c), c.req.valid('param').id, c.req.valid('json')), 201),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'programs:write' }, {
      method: 'patch', path: '/tiers/{id}', tags, summary: 'Rename a tier or move it to another rank',
      request: { params: ZIdParam, ...jsonBody(ZUpdateTierRequest) },
      responses: { 200: jsonResponse(ZTier, 'Updated'), ...errorResponses, ...conflictResponse },
    }),
    async (c) => c.json(await tiers.updateTier(workspaceCtx(c), c.req.valid('param').id, c.req.valid('json')), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'programs:write' }, {
      method: 'delete', path: '/tiers/{id}', tags, summary: 'Delete a tier (409 while partners are on it)',
      request: { params: ZIdParam },
      responses: { ...noContent, ...errorResponses, ...conflictResponse },
    }),
    async (c) => {
      await tiers.deleteTier(workspaceCtx(c), c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  return r;
}
