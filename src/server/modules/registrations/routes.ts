import { z } from '@hono/zod-openapi';
import { defineRoute, newRouter, services, workspaceCtx } from '../../platform/http.ts';
import { ZIdParam, conflictResponse, errorResponses, jsonBody, jsonResponse, noContent } from '../../platform/openapi-common.ts';
import { ZPageQuery, pageOf } from '../../platform/pagination.ts';
import { clientAddress } from '../workspaces/routes.ts';
import {
  ZApproveRequest,
  ZConflict,
  ZConflictStatus,
  ZCreateRegistrationLinkRequest,
  ZCreateRegistrationRequest,
  ZDecideExtensionRequest,
  ZEscalateConflictRequest,
  ZExtension,
  ZPublicCreateRegistrationRequest,
  ZPublicRegistrationForm,
  ZPublicRegistrationReceipt,
  ZPutRoutingRulesRequest,
  ZRegistrationDetail,
  ZRegistrationLink,
  ZRegistrationLinkList,
  ZRegistrationListQuery,
  ZRegistrationPage,
  ZRegistrationPolicy,
  ZRejectRequest,
  ZRequestInfoRequest,
  ZResolveConflictRequest,
  ZRoutingRuleList,
  ZTokenParam,
  ZUpdateConflictRequest,
  ZUpdateRegistrationPolicyRequest,
} from './contract.ts';
import * as links from './links.ts';
import * as policy from './policy.ts';
import { addPortalRegistrationRoutes } from './portal-routes.ts';
import { decideExtension } from './protection.ts';
import * as review from './review.ts';
import { createRegistration } from './service.ts';

const tags = ['Registrations'];
const policyTags = ['Registration policy'];
const conflictTags = ['Conflicts'];
const publicTags = ['Public registration form'];
const ZConflictPage = pageOf(ZConflict, 'ConflictPage');

/** Console/API, portal and public routes of deal registration (one router, mounted once). */
export function registrationRoutes() {
  const r = newRouter();

  // ── Policy and routing ──
  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'registrations:read' }, {
      method: 'get', path: '/programs/{id}/registration-policy', tags: policyTags, summary: "A program's registration policy (the defaults when none is saved)",
      request: { params: ZIdParam },
      responses: { 200: jsonResponse(ZRegistrationPolicy, 'The policy'), ...errorResponses },
    }),
    async (c) => c.json(await policy.getPolicy(workspaceCtx(c), c.req.valid('param').id), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'registrations:configure' }, {
      method: 'put', path: '/programs/{id}/registration-policy', tags: policyTags,
      summary: 'Set required and custom fields, SLA, protection, extensions, eligibility, conflict hierarchy and rules of engagement (Markdown)',
      request: { params: ZIdParam, ...jsonBody(ZUpdateRegistrationPolicyRequest) },
      responses: { 200: jsonResponse(ZRegistrationPolicy, 'Saved'), ...errorResponses },
    }),
    async (c) => c.json(await policy.putPolicy(workspaceCtx(c), c.req.valid('param').id, c.req.valid('json')), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'registrations:read' }, {
      method: 'get', path: '/registration-routing-rules', tags: policyTags, summary: 'Routing rules, in order: the first match picks the reviewer (else the partner manager)',
      responses: { 200: jsonResponse(ZRoutingRuleList, 'Rules'), ...errorResponses },
    }),
    async (c) => c.json(await policy.listRoutingRules(workspaceCtx(c)), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'registrations:configure' }, {
      method: 'put', path: '/registration-routing-rules', tags: policyTags, summary: 'Replace the routing rules with this ordered list',
      request: jsonBody(ZPutRoutingRulesRequest),
      responses: { 200: jsonResponse(ZRoutingRuleList, 'Saved'), ...errorResponses },
    }),
    async (c) => c.json(await policy.putRoutingRules(workspaceCtx(c), c.req.valid('json').rules), 200),
  );

  // ── Registrations ──
  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'registrations:read' }, {
      method: 'get', path: '/registrations', tags, summary: 'The review queue, soonest SLA first (filter by status, program, partner, reviewer, conflicts)',
      request: { query: ZRegistrationListQuery },
      responses: { 200: jsonResponse(ZRegistrationPage, 'A page of registrations'), ...errorResponses },
    }),
    async (c) => c.json(await review.listRegistrations(workspaceCtx(c), c.req.valid('query')), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'registrations:review' }, {
      method: 'post', path: '/registrations', tags,
      summary: 'Register a deal on behalf of a partner (422 lists each missing field; 409 with `existingId` for an open duplicate)',
      request: jsonBody(ZCreateRegistrationRequest),
      responses: { 201: jsonResponse(ZRegistrationDetail, 'Submitted'), ...errorResponses, ...conflictResponse },
    }),
    async (c) => {
      const ctx = workspaceCtx(c);
      const { partnerId, programId, internalNotes, ...details } = c.req.valid('json');
      const row = await createRegistration(ctx, { partnerId, programId, channel: 'api', submittedByPartnerUserId: null, details, internalNotes });
      return c.json(await review.getRegistration(ctx, row.id), 201);
    },
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'registrations:read' }, {
      method: 'get', path: '/registrations/{id}', tags, summary: 'A registration with its conflicts, recommendations, extensions and decision history',
      request: { params: ZIdParam },
      responses: { 200: jsonResponse(ZRegistrationDetail, 'The registration'), ...errorResponses },
    }),
    async (c) => c.json(await review.getRegistration(workspaceCtx(c), c.req.valid('param').id), 200),
  );

  const decision = (path: string, action: review.DecisionAction, body: z.ZodType, summary: string) =>
    r.openapi(
      defineRoute({ kind: 'workspace', permission: 'registrations:review' }, {
        method: 'post', path, tags, summary,
        request: { params: ZIdParam, ...jsonBody(body) },
        responses: { 200: jsonResponse(ZRegistrationDetail, 'Decided'), ...errorResponses, ...conflictResponse },
      }),
      async (c) => c.json(await review.decide(workspaceCtx(c), c.req.valid('param').id, action, c.req.valid('json') as never), 200),
    );
  decision('/registrations/{id}/approve', 'approve', ZApproveRequest, 'Approve: protection starts and the registration becomes a deal (409 names the allowed actions)');
  decision('/registrations/{id}/reject', 'reject', ZRejectRequest, 'Reject with a reason the partner sees');
  decision('/registrations/{id}/request-info', 'request-info', ZRequestInfoRequest, 'Ask the partner for more information');

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'registrations:review' }, {
      method: 'post', path: '/registration-extensions/{id}/approve', tags, summary: 'Grant a protection extension',
      request: { params: ZIdParam, ...jsonBody(ZDecideExtensionRequest) },
      responses: { 200: jsonResponse(ZExtension, 'Granted'), ...errorResponses, ...conflictResponse },
    }),
    async (c) => c.json(review.toExtension(await decideExtension(workspaceCtx(c), c.req.valid('param').id, true, c.req.valid('json').reason)), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'registrations:review' }, {
      method: 'post', path: '/registration-extensions/{id}/reject', tags, summary: 'Refuse a protection extension',
      request: { params: ZIdParam, ...jsonBody(ZDecideExtensionRequest) },
      responses: { 200: jsonResponse(ZExtension, 'Refused'), ...errorResponses, ...conflictResponse },
    }),
    async (c) => c.json(review.toExtension(await decideExtension(workspaceCtx(c), c.req.valid('param').id, false, c.req.valid('json').reason)), 200),
  );

  // ── Conflicts ──
  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'registrations:read' }, {
      method: 'get', path: '/conflicts', tags: conflictTags, summary: 'Conflicts, newest first (filter by status and owner)',
      request: { query: ZPageQuery.extend({ status: ZConflictStatus.optional(), ownerMemberId: z.string().max(64).optional() }) },
      responses: { 200: jsonResponse(ZConflictPage, 'A page of conflicts'), ...errorResponses },
    }),
    async (c) => c.json(await review.listConflicts(workspaceCtx(c), c.req.valid('query')), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'registrations:read' }, {
      method: 'get', path: '/conflicts/{id}', tags: conflictTags, summary: 'A conflict with the recommendation and its reasons',
      request: { params: ZIdParam },
      responses: { 200: jsonResponse(ZConflict, 'The conflict'), ...errorResponses },
    }),
    async (c) => c.json(await review.getConflict(workspaceCtx(c), c.req.valid('param').id), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'registrations:review' }, {
      method: 'patch', path: '/conflicts/{id}', tags: conflictTags, summary: 'Change the owner of a conflict',
      request: { params: ZIdParam, ...jsonBody(ZUpdateConflictRequest) },
      responses: { 200: jsonResponse(ZConflict, 'Updated'), ...errorResponses },
    }),
    async (c) => c.json(await review.assignConflict(workspaceCtx(c), c.req.valid('param').id, c.req.valid('json').ownerMemberId), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'registrations:review' }, {
      method: 'post', path: '/conflicts/{id}/resolve', tags: conflictTags, summary: 'Resolve a conflict, saying how',
      request: { params: ZIdParam, ...jsonBody(ZResolveConflictRequest) },
      responses: { 200: jsonResponse(ZConflict, 'Resolved'), ...errorResponses, ...conflictResponse },
    }),
    async (c) => c.json(await review.resolveConflict(workspaceCtx(c), c.req.valid('param').id, c.req.valid('json').resolution), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'registrations:review' }, {
      method: 'post', path: '/conflicts/{id}/escalate', tags: conflictTags, summary: 'Escalate a conflict (optionally to another owner)',
      request: { params: ZIdParam, ...jsonBody(ZEscalateConflictRequest) },
      responses: { 200: jsonResponse(ZConflict, 'Escalated'), ...errorResponses, ...conflictResponse },
    }),
    async (c) => c.json(await review.escalateConflict(workspaceCtx(c), c.req.valid('param').id, c.req.valid('json')), 200),
  );

  // ── Public registration links ──
  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'registrations:read' }, {
      method: 'get', path: '/partners/{id}/registration-links', tags: publicTags, summary: "A partner's public registration links",
      request: { params: ZIdParam },
      responses: { 200: jsonResponse(ZRegistrationLinkList, 'Links'), ...errorResponses },
    }),
    async (c) => {
      const s = services(c);
      return c.json(await links.listLinks(workspaceCtx(c), s.tokens, s.config.publicUrl, c.req.valid('param').id), 200);
    },
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'registrations:configure' }, {
      method: 'post', path: '/partners/{id}/registration-links', tags: publicTags, summary: 'Make a no-login registration form link for a partner and program',
      request: { params: ZIdParam, ...jsonBody(ZCreateRegistrationLinkRequest) },
      responses: { 201: jsonResponse(ZRegistrationLink, 'Created'), ...errorResponses },
    }),
    async (c) => {
      const s = services(c);
      return c.json(await links.createLink(workspaceCtx(c), s.tokens, s.config.publicUrl, c.req.valid('param').id, c.req.valid('json').programId), 201);
    },
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'registrations:configure' }, {
      method: 'delete', path: '/registration-links/{id}', tags: publicTags, summary: 'Revoke a registration link (it answers 404 from then on)',
      request: { params: ZIdParam },
      responses: { ...noContent, ...errorResponses },
    }),
    async (c) => {
      await links.revokeLink(workspaceCtx(c), c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  r.openapi(
    defineRoute({ kind: 'public' }, {
      method: 'get', path: '/public/registration-forms/{token}', tags: publicTags, summary: 'The form behind a registration link: program and fields',
      request: { params: ZTokenParam },
      responses: { 200: jsonResponse(ZPublicRegistrationForm, 'The form'), 404: errorResponses[404], 429: errorResponses[400] },
    }),
    async (c) => {
      const s = services(c);
      s.limiters.publicLinks.hit(`${clientAddress(c)} registration-form`);
      return c.json(await links.publicForm(s.db, s.tokens, c.req.valid('param').token), 200);
    },
  );

  r.openapi(
    defineRoute({ kind: 'public' }, {
      method: 'post', path: '/public/registration-forms/{token}', tags: publicTags, summary: 'Register a deal through a partner link, without signing in (rate limited)',
      request: { params: ZTokenParam, ...jsonBody(ZPublicCreateRegistrationRequest) },
      responses: { 201: jsonResponse(ZPublicRegistrationReceipt, 'Submitted'), ...errorResponses, ...conflictResponse, 429: errorResponses[400] },
    }),
    async (c) => {
      const s = services(c);
      s.limiters.publicLinks.hit(`${clientAddress(c)} registration-form`);
      return c.json(await links.publicSubmit(s.db, s.tokens, c.req.valid('param').token, c.req.valid('json'), c.get('requestId') ?? null), 201);
    },
  );

  addPortalRegistrationRoutes(r);
  return r;
}
