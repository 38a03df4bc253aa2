import { AppError } from '../../platform/errors.ts';
import { defineRoute, newRouter, services, workspaceCtx } from '../../platform/http.ts';
import { ZIdParam, conflictResponse, errorResponses, jsonBody, jsonResponse, noContent } from '../../platform/openapi-common.ts';
import {
  ZBillingEndpoint,
  ZBillingEndpointList,
  ZBillingEndpointWithSecret,
  ZBillingEventDetail,
  ZBillingEventPage,
  ZBillingEventQuery,
  ZCreateBillingEndpointRequest,
  ZRotateSecretRequest,
  ZUpdateBillingEndpointRequest,
  ZWebhookParams,
  ZWebhookReceipt,
} from './contract.ts';
import * as service from './service.ts';

const tags = ['Billing webhooks'];

/** Billing webhooks (Stripe, Paddle, LemonSqueezy) and their endpoint settings. */
export function billingRoutes() {
  const r = newRouter();

  // ── The webhook itself: public, authenticated by the provider's signature over the raw body ──
  r.openapi(
    defineRoute({ kind: 'public' }, {
      method: 'post',
      path: '/webhooks/{provider}/{endpointId}',
      tags,
      summary: 'Receive a billing webhook (Stripe, Paddle Billing, Lemon Squeezy)',
      description:
        'Called by the billing provider, not by you. The body is verified against the endpoint secret before it is parsed: `Stripe-Signature` (t=…,v1=…, 300 s tolerance), `Paddle-Signature` (ts=…;h1=…, 300 s) or `X-Signature` (hex HMAC-SHA256 of the body). A bad or missing signature answers 400 and stores nothing. Each provider event is applied once; a replay answers 200 with status `duplicate`.',
      request: { params: ZWebhookParams },
      responses: { 200: jsonResponse(ZWebhookReceipt, 'Received (also for event types OpenPRM does not use, and for replays)'), 400: errorResponses[400], 404: errorResponses[404], 413: { description: 'Body larger than 1 MB' } },
    }),
    async (c) => {
      const { provider, endpointId } = c.req.valid('param');
      const declared = Number(c.req.header('content-length') ?? 0);
      if (declared > service.MAX_WEBHOOK_BYTES) throw new AppError('payload_too_large', `Webhook bodies are limited to ${service.MAX_WEBHOOK_BYTES} bytes`);
      // The raw bytes, exactly as signed: read before anything parses the body.
      const rawBody = await c.req.raw.clone().text();
      const s = services(c);
      const receipt = await service.receiveWebhook({ db: s.db, config: s.config, secrets: s.secrets, log: c.get('log') }, { provider, endpointId, rawBody, header: (name) => c.req.header(name) });
      return c.json(receipt, 200);
    },
  );

  // ── Endpoint settings ──
  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'billing:configure' }, {
      method: 'get', path: '/billing-endpoints', tags, summary: 'List billing webhook endpoints (secrets masked)',
      responses: { 200: jsonResponse(ZBillingEndpointList, 'Endpoints'), ...errorResponses },
    }),
    async (c) => c.json(await service.listEndpoints(workspaceCtx(c), services(c)), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'billing:configure' }, {
      method: 'post', path: '/billing-endpoints', tags, summary: 'Create a billing webhook endpoint; the signing secret is returned this once',
      request: jsonBody(ZCreateBillingEndpointRequest),
      responses: { 201: jsonResponse(ZBillingEndpointWithSecret, 'Created'), ...errorResponses },
    }),
    async (c) => c.json(await service.createEndpoint(workspaceCtx(c), services(c), c.req.valid('json')), 201),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'billing:configure' }, {
      method: 'get', path: '/billing-endpoints/{id}', tags, summary: 'Get a billing webhook endpoint',
      request: { params: ZIdParam },
      responses: { 200: jsonResponse(ZBillingEndpoint, 'The endpoint'), ...errorResponses },
    }),
    async (c) => c.json(await service.getEndpoint(workspaceCtx(c), services(c), c.req.valid('param').id), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'billing:configure' }, {
      method: 'patch', path: '/billing-endpoints/{id}', tags, summary: 'Rename, change the default program, or disable / enable an endpoint',
      request: { params: ZIdParam, ...jsonBody(ZUpdateBillingEndpointRequest) },
      responses: { 200: jsonResponse(ZBillingEndpoint, 'Updated'), ...errorResponses },
    }),
    async (c) => c.json(await service.updateEndpoint(workspaceCtx(c), services(c), c.req.valid('param').id, c.req.valid('json')), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'billing:configure' }, {
      method: 'post', path: '/billing-endpoints/{id}/rotate-secret', tags,
      summary: 'Replace the signing secret (returned this once); the previous one keeps verifying for `keepPreviousHours`',
      request: { params: ZIdParam, ...jsonBody(ZRotateSecretRequest) },
      responses: { 200: jsonResponse(ZBillingEndpointWithSecret, 'Rotated'), ...errorResponses },
    }),
    async (c) => c.json(await service.rotateSecret(workspaceCtx(c), services(c), c.req.valid('param').id, c.req.valid('json')), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'billing:configure' }, {
      method: 'delete', path: '/billing-endpoints/{id}', tags, summary: 'Delete an endpoint that never received an event (else 409: disable it)',
      request: { params: ZIdParam },
      responses: { ...noContent, ...errorResponses, ...conflictResponse },
    }),
    async (c) => {
      await service.deleteEndpoint(workspaceCtx(c), c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  // ── Received events ──
  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'billing:configure' }, {
      method: 'get', path: '/billing-events', tags, summary: 'Received billing events, newest first (filter by endpoint, status)',
      request: { query: ZBillingEventQuery },
      responses: { 200: jsonResponse(ZBillingEventPage, 'A page of events'), ...errorResponses },
    }),
    async (c) => c.json(await service.listEvents(workspaceCtx(c), c.req.valid('query')), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'billing:configure' }, {
      method: 'get', path: '/billing-events/{id}', tags, summary: "A received billing event with the provider's payload",
      request: { params: ZIdParam },
      responses: { 200: jsonResponse(ZBillingEventDetail, 'The event'), ...errorResponses },
    }),
    async (c) => c.json(await service.getEvent(workspaceCtx(c), c.req.valid('param').id), 200),
  );

  return r;
}
