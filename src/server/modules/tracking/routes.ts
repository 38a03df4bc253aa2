import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MiddlewareHandler } from 'hono';
import { AppError } from '../../platform/errors.ts';
import { type AppEnv, type Services, defineRoute, newRouter, portalCtx, services, workspaceCtx } from '../../platform/http.ts';
import { ZIdParam, conflictResponse, errorResponses, jsonBody, jsonResponse } from '../../platform/openapi-common.ts';
import { ZPageQuery } from '../../platform/pagination.ts';
import { projectForPartner } from '../../platform/visibility.ts';
import { clientAddress } from '../workspaces/routes.ts';
import {
  ZAnalyticsQuery,
  ZAttributeRequest,
  ZConversion,
  ZConversionListQuery,
  ZConversionPage,
  ZCreateLinkRequest,
  ZLink,
  ZLinkAnalytics,
  ZLinkListQuery,
  ZLinkPage,
  ZPartnerAnalytics,
  ZPortalConversionPage,
  ZPortalCreateLinkRequest,
  ZPortalLink,
  ZPortalLinkList,
  ZTrackLeadRequest,
  ZTrackResult,
  ZTrackSaleRequest,
  ZTrackingSettings,
  ZUpdateLinkRequest,
  ZUpdateTrackingSettings,
} from './contract.ts';
import type { RedirectAnswer, RedirectRequest } from './redirect.ts';
import * as service from './service.ts';
import { SNIPPET_HEADERS, SNIPPET_JS } from './snippet.ts';

const tags = ['Tracking'];
const portalTags = ['Portal'];

const publicUrlOf = (c: { get(k: 'services'): Services }) => c.get('services').config.publicUrl;

/** Referral links, customers, conversions and the server-side tracking API (/api/v1). */
export function trackingRoutes() {
  const r = newRouter();

  // ── Links ──
  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'links:read' }, {
      method: 'get', path: '/links', tags, summary: 'List referral links (newest first) with clicks, leads, sales and revenue',
      request: { query: ZLinkListQuery },
      responses: { 200: jsonResponse(ZLinkPage, 'A page of links'), ...errorResponses },
    }),
    async (c) => c.json(await service.listLinks(workspaceCtx(c), publicUrlOf(c), c.req.valid('query')), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'links:write' }, {
      method: 'post', path: '/links', tags, summary: 'Create a referral link for a partner in a program (code generated when omitted)',
      request: jsonBody(ZCreateLinkRequest),
      responses: { 201: jsonResponse(ZLink, 'Created'), ...errorResponses, ...conflictResponse },
    }),
    async (c) => {
      const created = await service.createLink(workspaceCtx(c), publicUrlOf(c), c.req.valid('json'));
      services(c).tracking.invalidate(created.code);
      return c.json(created, 201);
    },
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'links:read' }, {
      method: 'get', path: '/links/{id}', tags, summary: 'Get a referral link',
      request: { params: ZIdParam },
      responses: { 200: jsonResponse(ZLink, 'The link'), ...errorResponses },
    }),
    async (c) => c.json(await service.getLink(workspaceCtx(c), publicUrlOf(c), c.req.valid('param').id), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'links:write' }, {
      method: 'patch', path: '/links/{id}', tags, summary: 'Update a link: destination, parameters, custom domain, name; archive with status "archived"',
      request: { params: ZIdParam, ...jsonBody(ZUpdateLinkRequest) },
      responses: { 200: jsonResponse(ZLink, 'Updated'), ...errorResponses },
    }),
    async (c) => {
      const { link, code } = await service.updateLink(workspaceCtx(c), publicUrlOf(c), c.req.valid('param').id, c.req.valid('json'));
      services(c).tracking.invalidate(code);
      return c.json(link, 200);
    },
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'links:read' }, {
      method: 'get', path: '/links/{id}/analytics', tags, summary: 'Clicks (total, unique, bot), leads and sales of a link per day (default: the last 30 days)',
      request: { params: ZIdParam, query: ZAnalyticsQuery },
      responses: { 200: jsonResponse(ZLinkAnalytics, 'Daily figures'), ...errorResponses },
    }),
    async (c) => c.json(await service.linkAnalytics(workspaceCtx(c), c.req.valid('param').id, c.req.valid('query')), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'links:read' }, {
      method: 'get', path: '/tracking/analytics/partners', tags, summary: 'Clicks and conversions per partner over a date range (default: the last 30 days)',
      request: { query: ZAnalyticsQuery },
      responses: { 200: jsonResponse(ZPartnerAnalytics, 'Per partner'), ...errorResponses },
    }),
    async (c) => c.json(await service.partnerAnalytics(workspaceCtx(c), c.req.valid('query')), 200),
  );

  // ── Tracking settings (per program) ──
  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'programs:read' }, {
      method: 'get', path: '/programs/{id}/tracking-settings', tags, summary: "A program's attribution window, model and default link destination",
      request: { params: ZIdParam },
      responses: { 200: jsonResponse(ZTrackingSettings, 'Settings'), ...errorResponses },
    }),
    async (c) => c.json(await service.getTrackingSettings(workspaceCtx(c), c.req.valid('param').id), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'programs:write' }, {
      method: 'put', path: '/programs/{id}/tracking-settings', tags, summary: 'Set the attribution window (1–365 days), model (last_click | first_click) and default destination',
      request: { params: ZIdParam, ...jsonBody(ZUpdateTrackingSettings) },
      responses: { 200: jsonResponse(ZTrackingSettings, 'Updated'), ...errorResponses },
    }),
    async (c) => c.json(await service.updateTrackingSettings(workspaceCtx(c), c.req.valid('param').id, c.req.valid('json')), 200),
  );

  // ── Conversions ──
  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'conversions:read' }, {
      method: 'get', path: '/conversions', tags, summary: 'List conversions (newest first); filter by accrual status, partner, kind, source or link',
      request: { query: ZConversionListQuery },
      responses: { 200: jsonResponse(ZConversionPage, 'A page of conversions'), ...errorResponses },
    }),
    async (c) => c.json(await service.listConversions(workspaceCtx(c), c.req.valid('query')), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'conversions:read' }, {
      method: 'get', path: '/conversions/{id}', tags, summary: 'Get a conversion with its attribution explanation',
      request: { params: ZIdParam },
      responses: { 200: jsonResponse(ZConversion, 'The conversion'), ...errorResponses },
    }),
    async (c) => c.json(await service.getConversion(workspaceCtx(c), c.req.valid('param').id), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'conversions:attribute' }, {
      method: 'post', path: '/conversions/{id}/attribute', tags,
      summary: "Attribute an unattributed conversion to a partner (binds its customer; the customer's other unattributed conversions follow)",
      request: { params: ZIdParam, ...jsonBody(ZAttributeRequest) },
      responses: { 200: jsonResponse(ZConversion, 'Attributed'), ...errorResponses, ...conflictResponse },
    }),
    async (c) => c.json(await service.attributeConversion(workspaceCtx(c), c.req.valid('param').id, c.req.valid('json')), 200),
  );

  // ── Server-side tracking API ──
  const trackMeta = (c: Parameters<typeof clientAddress>[0]) => ({
    headerKey: c.req.header('idempotency-key'),
    ip: clientAddress(c),
    userAgent: c.req.header('user-agent') ?? null,
  });
  const maybeFlush = async (s: Services, clickId: string | undefined) => {
    // A sign-up right after the click: its row may still wait in this process's buffer.
    if (clickId) await s.tracking.clicks.flush().catch(() => {});
  };

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'conversions:attribute' }, {
      method: 'post', path: '/track/lead', tags,
      summary: 'Record a lead (a sign-up): the customer by external id and/or email, attributed by click id or partner code. Idempotent.',
      request: jsonBody(ZTrackLeadRequest),
      responses: { 200: jsonResponse(ZTrackResult, 'Already recorded (same idempotency key)'), 201: jsonResponse(ZTrackResult, 'Recorded'), ...errorResponses },
    }),
    async (c) => {
      const body = c.req.valid('json');
      await maybeFlush(services(c), body.clickId);
      const result = await service.track(workspaceCtx(c), 'lead', body, trackMeta(c));
      return result.created ? c.json(result, 201) : c.json(result, 200);
    },
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'conversions:attribute' }, {
      method: 'post', path: '/track/sale', tags,
      summary: 'Record a sale (amount in minor units). Idempotent on the Idempotency-Key header, idempotencyKey or externalRef.',
      request: jsonBody(ZTrackSaleRequest),
      responses: { 200: jsonResponse(ZTrackResult, 'Already recorded (same idempotency key)'), 201: jsonResponse(ZTrackResult, 'Recorded'), ...errorResponses },
    }),
    async (c) => {
      const body = c.req.valid('json');
      await maybeFlush(services(c), body.clickId);
      const result = await service.track(workspaceCtx(c), 'sale', body, trackMeta(c));
      return result.created ? c.json(result, 201) : c.json(result, 200);
    },
  );

  // ── Portal: the partner's own links and conversions ──
  r.openapi(
    defineRoute({ kind: 'partner', permission: 'portal:links' }, {
      method: 'get', path: '/portal/links', tags: portalTags, summary: 'Your referral links with clicks and conversions',
      responses: { 200: jsonResponse(ZPortalLinkList, 'Your links'), ...errorResponses },
    }),
    async (c) => {
      const page = await service.listMyLinks(portalCtx(c), publicUrlOf(c));
      return c.json({ data: page.data.map((l) => projectForPartner('link', l)), nextCursor: page.nextCursor }, 200);
    },
  );

  r.openapi(
    defineRoute({ kind: 'partner', permission: 'portal:links' }, {
      method: 'post', path: '/portal/links', tags: portalTags, summary: 'Create a referral link for a program you are enrolled in',
      request: jsonBody(ZPortalCreateLinkRequest),
      responses: { 201: jsonResponse(ZPortalLink, 'Created'), ...errorResponses, ...conflictResponse },
    }),
    async (c) => {
      const created = await service.createMyLink(portalCtx(c), publicUrlOf(c), c.req.valid('json'));
      services(c).tracking.invalidate(created.code);
      return c.json(projectForPartner('link', created), 201);
    },
  );

  r.openapi(
    defineRoute({ kind: 'partner', permission: 'portal:links' }, {
      method: 'get', path: '/portal/links/{id}/analytics', tags: portalTags, summary: 'Clicks and conversions of one of your links per day',
      request: { params: ZIdParam, query: ZAnalyticsQuery },
      responses: { 200: jsonResponse(ZLinkAnalytics, 'Daily figures'), ...errorResponses },
    }),
    async (c) => {
      const ctx = portalCtx(c);
      return c.json(await service.linkAnalytics(ctx, c.req.valid('param').id, c.req.valid('query'), ctx.partnerId), 200);
    },
  );

  r.openapi(
    defineRoute({ kind: 'partner', permission: 'portal:links' }, {
      method: 'get', path: '/portal/conversions', tags: portalTags, summary: 'Leads and sales credited to you (customers masked)',
      request: { query: ZPageQuery },
      responses: { 200: jsonResponse(ZPortalConversionPage, 'A page of conversions'), ...errorResponses },
    }),
    async (c) => {
      const page = await service.listMyConversions(portalCtx(c), c.req.valid('query'));
      return c.json({ data: page.data.map((v) => projectForPartner('conversion', v)), nextCursor: page.nextCursor }, 200);
    },
  );

  return r;
}

// ── The redirect hot path ──

function send(res: ServerResponse, answer: RedirectAnswer): void {
  res.writeHead(answer.status, answer.headers);
  res.end(answer.body);
}

function answerResponse(answer: RedirectAnswer): Response {
  return new Response(answer.body || null, { status: answer.status, headers: answer.headers });
}

/**
 * The redirect at the node:http level, before Hono sees the request (used by the server in
 * main.ts): `/r/{code}`, `/t.js` and paths on a known custom domain. Returns false for any other
 * request (and for a custom domain the process has not loaded yet; Hono's fast path takes those).
 */
export function nodeRedirectHandler(s: Services): (req: IncomingMessage, res: ServerResponse) => boolean {
  const rt = s.tracking;
  return (req, res) => {
    const url = req.url ?? '/';
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const q = url.indexOf('?');
    const path = q >= 0 ? url.slice(0, q) : url;
    if (path === '/t.js') {
      res.writeHead(200, SNIPPET_HEADERS);
      res.end(req.method === 'HEAD' ? undefined : SNIPPET_JS);
      return true;
    }
    let custom = false;
    if (!path.startsWith('/r/')) {
      if (rt.knownCustomDomain(req.headers.host) !== true) return false;
      custom = true;
    }
    const forwarded = s.config.trustProxy ? (req.headers['x-forwarded-for'] as string | undefined)?.split(',')[0]?.trim() : undefined;
    const request: RedirectRequest = {
      host: req.headers.host ?? '',
      path,
      search: q >= 0 ? url.slice(q + 1) : '',
      cookie: req.headers.cookie,
      userAgent: req.headers['user-agent'],
      referer: req.headers.referer,
      ip: forwarded || req.socket.remoteAddress || null,
      secure: s.config.publicUrl.startsWith('https:'),
    };
    const cached = rt.redirectCached(request, custom);
    if (cached) {
      send(res, cached);
      return true;
    }
    rt.redirect(request, custom).then(
      (answer) => send(res, answer),
      (err) => {
        s.log.error({ err }, 'redirect failed');
        if (!res.headersSent) {
          res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '5' });
          res.end('The link service is briefly unavailable; please try again.');
        }
      },
    );
    return true;
  };
}

/**
 * The same redirect inside Hono, registered first in app.ts so that it skips request logging,
 * auth and the API's middleware (used by in-process tests and for custom domains the node-level
 * handler has not loaded yet).
 */
export function redirectFastPath(s: Services): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const method = c.req.method;
    if (method !== 'GET' && method !== 'HEAD') return next();
    const path = c.req.path;
    if (path === '/t.js') return new Response(SNIPPET_JS, { status: 200, headers: SNIPPET_HEADERS });
    let custom = false;
    if (!path.startsWith('/r/')) {
      if (path.startsWith('/api/') || path.startsWith('/assets/') || path === '/healthz') return next();
      if (!(await s.tracking.isCustomDomain(c.req.header('host')))) return next();
      custom = true;
    }
    const raw = c.req.url;
    const q = raw.indexOf('?');
    const forwarded = s.config.trustProxy ? c.req.header('x-forwarded-for')?.split(',')[0]?.trim() : undefined;
    const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
    try {
      const answer = await s.tracking.redirect(
        {
          host: c.req.header('host') ?? new URL(raw).host,
          path,
          search: q >= 0 ? raw.slice(q + 1) : '',
          cookie: c.req.header('cookie'),
          userAgent: c.req.header('user-agent'),
          referer: c.req.header('referer'),
          ip: forwarded || incoming?.socket?.remoteAddress || null,
          secure: s.config.publicUrl.startsWith('https:'),
        },
        custom,
      );
      return answerResponse(answer);
    } catch (err) {
      s.log.error({ err }, 'redirect failed');
      throw new AppError('internal', 'The link service is briefly unavailable');
    }
  };
}

/** Outside /api: kept for the mount in app.ts; the redirect itself is answered by `redirectFastPath`. */
export function redirectRoutes() {
  const r = newRouter();
  return r;
}
