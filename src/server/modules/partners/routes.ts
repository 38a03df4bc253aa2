import { services, defineRoute, newRouter, workspaceCtx } from '../../platform/http.ts';
import { ZIdParam, conflictResponse, errorResponses, jsonBody, jsonResponse } from '../../platform/openapi-common.ts';
import {
  ZCommitPartnerImportRequest,
  ZCreateEnrollmentRequest,
  ZCreatePartnerImportRequest,
  ZCreatePartnerRequest,
  ZEnrollment,
  ZEnrollmentPage,
  ZInvitePartnerUserRequest,
  ZPartner,
  ZPartnerImport,
  ZPartnerListQuery,
  ZPartnerPage,
  ZPartnerUser,
  ZPartnerUserPage,
  ZUpdateEnrollmentRequest,
  ZUpdatePartnerRequest,
} from './contract.ts';
import * as imports from './import-service.ts';
import * as service from './service.ts';

const tags = ['Partners'];

export function partnerRoutes() {
  const r = newRouter();

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'partners:read' }, {
      method: 'get', path: '/partners', tags, summary: 'List partners (search, filter, sort, cursor pagination)',
      request: { query: ZPartnerListQuery },
      responses: { 200: jsonResponse(ZPartnerPage, 'A page of partners'), ...errorResponses },
    }),
    async (c) => c.json(await service.listPartners(workspaceCtx(c), c.req.valid('query')), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'partners:write' }, {
      method: 'post', path: '/partners', tags, summary: 'Add a partner (409 with `existingId` if its domain exists)',
      request: jsonBody(ZCreatePartnerRequest),
      responses: { 201: jsonResponse(ZPartner, 'Created'), ...errorResponses, ...conflictResponse },
    }),
    async (c) => c.json(await service.createPartner(workspaceCtx(c), c.req.valid('json')), 201),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'partners:read' }, {
      method: 'get', path: '/partners/{id}', tags, summary: 'Get a partner',
      request: { params: ZIdParam },
      responses: { 200: jsonResponse(ZPartner, 'The partner'), ...errorResponses },
    }),
    async (c) => c.json(await service.getPartner(workspaceCtx(c), c.req.valid('param').id), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'partners:write' }, {
      method: 'patch', path: '/partners/{id}', tags, summary: 'Update a partner',
      request: { params: ZIdParam, ...jsonBody(ZUpdatePartnerRequest) },
      responses: { 200: jsonResponse(ZPartner, 'Updated'), ...errorResponses, ...conflictResponse },
    }),
    async (c) => c.json(await service.updatePartner(workspaceCtx(c), c.req.valid('param').id, c.req.valid('json')), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'partners:read' }, {
      method: 'get', path: '/partners/{id}/enrollments', tags, summary: "A partner's program enrollments",
      request: { params: ZIdParam },
      responses: { 200: jsonResponse(ZEnrollmentPage, 'Enrollments'), ...errorResponses },
    }),
    async (c) => c.json(await service.listEnrollments(workspaceCtx(c), c.req.valid('param').id), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'partners:write' }, {
      method: 'post', path: '/partners/{id}/enrollments', tags, summary: 'Enroll a partner in a program',
      request: { params: ZIdParam, ...jsonBody(ZCreateEnrollmentRequest) },
      responses: { 201: jsonResponse(ZEnrollment, 'Enrolled'), ...errorResponses, ...conflictResponse },
    }),
    async (c) => {
      const body = c.req.valid('json');
      return c.json(await service.enrollPartner(workspaceCtx(c), c.req.valid('param').id, body.programId, body.tierId ?? null), 201);
    },
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'partners:write' }, {
      method: 'patch', path: '/enrollments/{id}', tags, summary: "Set a partner's tier in a program (tierId null clears it)",
      request: { params: ZIdParam, ...jsonBody(ZUpdateEnrollmentRequest) },
      responses: { 200: jsonResponse(ZEnrollment, 'Updated'), ...errorResponses },
    }),
    async (c) => c.json(await service.updateEnrollment(workspaceCtx(c), c.req.valid('param').id, c.req.valid('json')), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'partners:read' }, {
      method: 'get', path: '/partners/{id}/users', tags, summary: "A partner's portal users",
      request: { params: ZIdParam },
      responses: { 200: jsonResponse(ZPartnerUserPage, 'Partner users'), ...errorResponses },
    }),
    async (c) => c.json(await service.listPartnerUsersPage(workspaceCtx(c), c.req.valid('param').id), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'partner_users:manage' }, {
      method: 'post', path: '/partners/{id}/users', tags, summary: 'Invite a partner user; they get an email link that signs them in to the portal',
      request: { params: ZIdParam, ...jsonBody(ZInvitePartnerUserRequest) },
      responses: { 201: jsonResponse(ZPartnerUser, 'Invited'), ...errorResponses, ...conflictResponse },
    }),
    async (c) => c.json(await service.invitePartnerUser(workspaceCtx(c), services(c).tokens, c.req.valid('param').id, c.req.valid('json')), 201),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'partners:write' }, {
      method: 'post', path: '/partner-imports', tags: ['Partner imports'], summary: 'Validate a partner CSV; nothing is imported until you commit',
      request: jsonBody(ZCreatePartnerImportRequest),
      responses: { 201: jsonResponse(ZPartnerImport, 'The validation report'), ...errorResponses },
    }),
    async (c) => c.json(await imports.createImport(workspaceCtx(c), c.req.valid('json')), 201),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'partners:read' }, {
      method: 'get', path: '/partner-imports/{id}', tags: ['Partner imports'], summary: 'An import, its report and progress',
      request: { params: ZIdParam },
      responses: { 200: jsonResponse(ZPartnerImport, 'The import'), ...errorResponses },
    }),
    async (c) => c.json(await imports.getImport(workspaceCtx(c), c.req.valid('param').id), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'partners:write' }, {
      method: 'post', path: '/partner-imports/{id}/commit', tags: ['Partner imports'], summary: 'Import the valid rows (runs as a job; poll for progress)',
      request: { params: ZIdParam, ...jsonBody(ZCommitPartnerImportRequest) },
      responses: { 202: jsonResponse(ZPartnerImport, 'Importing'), ...errorResponses, ...conflictResponse },
    }),
    async (c) => c.json(await imports.commitImport(workspaceCtx(c), c.req.valid('param').id), 202),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'partners:write' }, {
      method: 'post', path: '/partner-imports/{id}/discard', tags: ['Partner imports'], summary: 'Import nothing from this file',
      request: { params: ZIdParam },
      responses: { 200: jsonResponse(ZPartnerImport, 'Discarded'), ...errorResponses, ...conflictResponse },
    }),
    async (c) => c.json(await imports.discardImport(workspaceCtx(c), c.req.valid('param').id), 200),
  );

  return r;
}
