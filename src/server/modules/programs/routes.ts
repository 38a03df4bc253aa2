import { defineRoute, newRouter, workspaceCtx } from '../../platform/http.ts';
import { ZIdParam, conflictResponse, errorResponses, jsonBody, jsonResponse } from '../../platform/openapi-common.ts';
import { ZCreateProgramRequest, ZProgram, ZProgramListQuery, ZProgramPage, ZUpdateProgramRequest } from './contract.ts';
import * as service from './service.ts';

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

  return r;
}
