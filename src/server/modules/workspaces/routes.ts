import { z } from '@hono/zod-openapi';
import { type AppEnv, defineRoute, newRouter, services, signedInUser, workspaceCtx } from '../../platform/http.ts';
import { ZIdParam, conflictResponse, errorResponses, jsonBody, jsonResponse, noContent } from '../../platform/openapi-common.ts';
import { ZPageQuery } from '../../platform/pagination.ts';
import type { Context } from 'hono';
import {
  ZApiKeyPage,
  ZCreateApiKeyRequest,
  ZCreateApiKeyResponse,
  ZCreateInvitationRequest,
  ZCreateWorkspaceRequest,
  ZInvitation,
  ZInvitationPage,
  ZInvitationPreview,
  ZMe,
  ZMemberPage,
  ZUpdateMemberRequest,
  ZUpdateWorkspaceRequest,
  ZWorkspace,
} from './contract.ts';
import * as service from './service.ts';

const ZTokenParam = z.object({ token: z.string().min(10).max(200).openapi({ param: { name: 'token', in: 'path' } }) });
const tags = ['Workspaces'];

function rateLimitPublic(c: Context<AppEnv>) {
  const s = services(c);
  s.limiters.publicLinks.hit(clientAddress(c));
}

export function clientAddress(c: Context<AppEnv>): string {
  const s = services(c);
  if (s.config.trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return forwarded;
  }
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? 'local';
}

export function workspaceRoutes() {
  const r = newRouter();

  r.openapi(
    defineRoute({ kind: 'signed_in' }, {
      method: 'get', path: '/me', tags, summary: 'The signed-in user, their workspaces and partner memberships',
      responses: { 200: jsonResponse(ZMe, 'You'), ...errorResponses },
    }),
    async (c) => c.json(await service.describeMe(services(c).db, signedInUser(c)), 200),
  );

  r.openapi(
    defineRoute({ kind: 'signed_in' }, {
      method: 'post', path: '/workspaces', tags, summary: 'Create a workspace (you become its owner)',
      request: jsonBody(ZCreateWorkspaceRequest),
      responses: { 201: jsonResponse(ZWorkspace, 'Created'), ...errorResponses },
    }),
    async (c) => c.json(await service.createWorkspace(services(c).db, signedInUser(c), c.req.valid('json'), c.get('requestId')), 201),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'workspace:read' }, {
      method: 'get', path: '/workspace', tags, summary: 'The current workspace',
      responses: { 200: jsonResponse(ZWorkspace, 'The workspace'), ...errorResponses },
    }),
    async (c) => c.json(await service.getWorkspace(workspaceCtx(c)), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'workspace:manage' }, {
      method: 'patch', path: '/workspace', tags, summary: 'Rename the workspace or change its time zone',
      request: jsonBody(ZUpdateWorkspaceRequest),
      responses: { 200: jsonResponse(ZWorkspace, 'Updated'), ...errorResponses },
    }),
    async (c) => c.json(await service.updateWorkspace(workspaceCtx(c), c.req.valid('json')), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'members:read' }, {
      method: 'get', path: '/members', tags: ['Members'], summary: 'List members',
      request: { query: ZPageQuery },
      responses: { 200: jsonResponse(ZMemberPage, 'A page of members'), ...errorResponses },
    }),
    async (c) => c.json(await service.listMembers(workspaceCtx(c), c.req.valid('query')), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'members:manage' }, {
      method: 'patch', path: '/members/{id}', tags: ['Members'], summary: "Change a member's role",
      request: { params: ZIdParam, ...jsonBody(ZUpdateMemberRequest) },
      responses: { ...noContent, ...errorResponses, ...conflictResponse },
    }),
    async (c) => {
      await service.updateMemberRole(workspaceCtx(c), c.req.valid('param').id, c.req.valid('json').role);
      return c.body(null, 204);
    },
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'members:manage' }, {
      method: 'delete', path: '/members/{id}', tags: ['Members'], summary: 'Remove a member',
      request: { params: ZIdParam },
      responses: { ...noContent, ...errorResponses, ...conflictResponse },
    }),
    async (c) => {
      await service.removeMember(workspaceCtx(c), c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'members:read' }, {
      method: 'get', path: '/invitations', tags: ['Members'], summary: 'List invitations, newest first',
      request: { query: ZPageQuery },
      responses: { 200: jsonResponse(ZInvitationPage, 'A page of invitations'), ...errorResponses },
    }),
    async (c) => c.json(await service.listInvitations(workspaceCtx(c), c.req.valid('query')), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'members:manage' }, {
      method: 'post', path: '/invitations', tags: ['Members'], summary: 'Invite a teammate by email with a role',
      request: jsonBody(ZCreateInvitationRequest),
      responses: { 201: jsonResponse(ZInvitation, 'Invitation created; the email is sent by a job'), ...errorResponses, ...conflictResponse },
    }),
    async (c) => c.json(await service.inviteMember(workspaceCtx(c), services(c).tokens, c.req.valid('json')), 201),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'members:manage' }, {
      method: 'delete', path: '/invitations/{id}', tags: ['Members'], summary: 'Revoke a pending invitation',
      request: { params: ZIdParam },
      responses: { ...noContent, ...errorResponses },
    }),
    async (c) => {
      await service.revokeInvitation(workspaceCtx(c), c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  r.openapi(
    defineRoute({ kind: 'public' }, {
      method: 'get', path: '/invitations/by-token/{token}', tags: ['Members'], summary: 'What an invitation link is for (rate limited)',
      request: { params: ZTokenParam },
      responses: { 200: jsonResponse(ZInvitationPreview, 'The invitation'), ...errorResponses },
    }),
    async (c) => {
      rateLimitPublic(c);
      return c.json(await service.previewInvitation(services(c).db, services(c).tokens, c.req.valid('param').token), 200);
    },
  );

  r.openapi(
    defineRoute({ kind: 'signed_in' }, {
      method: 'post', path: '/invitations/by-token/{token}/accept', tags: ['Members'], summary: 'Accept an invitation as the signed-in user',
      request: { params: ZTokenParam },
      responses: { 200: jsonResponse(z.object({ workspaceId: z.string() }), 'You are now a member'), ...errorResponses, ...conflictResponse },
    }),
    async (c) => {
      rateLimitPublic(c);
      const s = services(c);
      return c.json(await service.acceptInvitation(s.db, s.tokens, signedInUser(c), c.req.valid('param').token, c.get('requestId')), 200);
    },
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'api_keys:manage' }, {
      method: 'get', path: '/api-keys', tags: ['API keys'], summary: 'List active API keys (secrets are never shown again)',
      request: { query: ZPageQuery },
      responses: { 200: jsonResponse(ZApiKeyPage, 'A page of API keys'), ...errorResponses },
    }),
    async (c) => c.json(await service.listApiKeys(workspaceCtx(c), c.req.valid('query')), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'api_keys:manage' }, {
      method: 'post', path: '/api-keys', tags: ['API keys'], summary: 'Create an API key with a role; the secret is returned once',
      request: jsonBody(ZCreateApiKeyRequest),
      responses: { 201: jsonResponse(ZCreateApiKeyResponse, 'Created'), ...errorResponses },
    }),
    async (c) => c.json(await service.createApiKey(workspaceCtx(c), c.req.valid('json')), 201),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'api_keys:manage' }, {
      method: 'delete', path: '/api-keys/{id}', tags: ['API keys'], summary: 'Revoke an API key',
      request: { params: ZIdParam },
      responses: { ...noContent, ...errorResponses },
    }),
    async (c) => {
      await service.revokeApiKey(workspaceCtx(c), c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  return r;
}
