import { defineRoute, newRouter, workspaceCtx } from '../../platform/http.ts';
import { ZIdParam, conflictResponse, errorResponses, jsonBody, jsonResponse } from '../../platform/openapi-common.ts';
import {
  ZAccount,
  ZAccountListQuery,
  ZAccountPage,
  ZContact,
  ZContactPage,
  ZCreateAccountRequest,
  ZCreateContactRequest,
  ZUpdateAccountRequest,
} from './contract.ts';
import * as service from './service.ts';

const tags = ['Accounts'];

export function accountRoutes() {
  const r = newRouter();

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'accounts:read' }, {
      method: 'get', path: '/accounts', tags, summary: 'List customer accounts (search by name or domain, cursor pagination, by name)',
      request: { query: ZAccountListQuery },
      responses: { 200: jsonResponse(ZAccountPage, 'A page of accounts'), ...errorResponses },
    }),
    async (c) => c.json(await service.listAccounts(workspaceCtx(c), c.req.valid('query')), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'accounts:write' }, {
      method: 'post', path: '/accounts', tags, summary: 'Add a customer account (409 with `existingId` if its domain exists)',
      request: jsonBody(ZCreateAccountRequest),
      responses: { 201: jsonResponse(ZAccount, 'Created'), ...errorResponses, ...conflictResponse },
    }),
    async (c) => c.json(await service.createAccount(workspaceCtx(c), c.req.valid('json')), 201),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'accounts:read' }, {
      method: 'get', path: '/accounts/{id}', tags, summary: 'Get a customer account',
      request: { params: ZIdParam },
      responses: { 200: jsonResponse(ZAccount, 'The account'), ...errorResponses },
    }),
    async (c) => c.json(await service.getAccount(workspaceCtx(c), c.req.valid('param').id), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'accounts:write' }, {
      method: 'patch', path: '/accounts/{id}', tags, summary: 'Update a customer account (name, domain, country, incumbent partner)',
      request: { params: ZIdParam, ...jsonBody(ZUpdateAccountRequest) },
      responses: { 200: jsonResponse(ZAccount, 'Updated'), ...errorResponses, ...conflictResponse },
    }),
    async (c) => c.json(await service.updateAccount(workspaceCtx(c), c.req.valid('param').id, c.req.valid('json')), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'accounts:read' }, {
      method: 'get', path: '/accounts/{id}/contacts', tags, summary: "An account's contacts",
      request: { params: ZIdParam },
      responses: { 200: jsonResponse(ZContactPage, 'Contacts'), ...errorResponses },
    }),
    async (c) => c.json(await service.listContacts(workspaceCtx(c), c.req.valid('param').id), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'accounts:write' }, {
      method: 'post', path: '/accounts/{id}/contacts', tags, summary: 'Add a contact to an account',
      request: { params: ZIdParam, ...jsonBody(ZCreateContactRequest) },
      responses: { 201: jsonResponse(ZContact, 'Created'), ...errorResponses },
    }),
    async (c) => c.json(await service.createContact(workspaceCtx(c), c.req.valid('param').id, c.req.valid('json')), 201),
  );

  return r;
}
