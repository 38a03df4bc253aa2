import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { OpenAPIHono } from '@hono/zod-openapi';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { accountRoutes } from './modules/accounts/routes.ts';
import { auditRoutes } from './modules/audit/routes.ts';
import { billingRoutes } from './modules/billing/routes.ts';
import { commissionRoutes } from './modules/commissions/routes.ts';
import { dealRoutes } from './modules/deals/routes.ts';
import { mailRoutes } from './modules/mail/routes.ts';
import { metricsRoutes } from './modules/metrics/routes.ts';
import { partnerRoutes } from './modules/partners/routes.ts';
import { payoutRoutes } from './modules/payouts/routes.ts';
import { portalRoutes } from './modules/portal/routes.ts';
import { programRoutes } from './modules/programs/routes.ts';
import { registrationRoutes } from './modules/registrations/routes.ts';
import { sharingRoutes } from './modules/sharing/routes.ts';
import { redirectFastPath, redirectRoutes, trackingRoutes } from './modules/tracking/routes.ts';
import { clientAddress, workspaceRoutes } from './modules/workspaces/routes.ts';
import { advanceClock, now } from './platform/clock.ts';
import { trustedOrigins } from './platform/config.ts';
import { AppError, toProblem } from './platform/errors.ts';
import type { AppEnv, Services } from './platform/http.ts';
import { PROJECT_ROOT } from './platform/paths.ts';

const ROOT = PROJECT_ROOT;
const WEB_DIR = path.join(ROOT, 'dist/web');
const SWAGGER_DIR = path.join(ROOT, 'node_modules/swagger-ui-dist');
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function problemResponse(c: Context<AppEnv>, error: unknown) {
  const problem = toProblem(error, c.get('requestId'));
  if (problem.status >= 500) c.get('log')?.error({ err: error }, 'unhandled error');
  const headers: Record<string, string> = { 'content-type': 'application/problem+json', 'x-request-id': c.get('requestId') ?? '' };
  if (typeof problem.retryAfterSeconds === 'number') headers['retry-after'] = String(problem.retryAfterSeconds);
  return new Response(JSON.stringify(problem), { status: problem.status, headers });
}

/** Paths that carry a secret token (invitation, public form, signed link, magic link): logged without it. */
const TOKEN_PATH = /(\/(?:join|by-token|registration-forms|shared\/deals|register)\/)[^/?]+/g;
export function redactTokens(path: string): string {
  return path.replace(TOKEN_PATH, '$1[token]');
}

/** Cookie-authenticated writes must come from our own origin (CSRF); API-key calls carry no cookie. */
function assertSameOrigin(c: Context<AppEnv>, trusted: Set<string>) {
  if (!UNSAFE_METHODS.has(c.req.method)) return;
  if (c.req.header('authorization')) return;
  if (!c.req.header('cookie')) return;
  const origin = c.req.header('origin') ?? (c.req.header('referer') ? new URL(c.req.header('referer') as string).origin : null);
  if (!origin || !trusted.has(origin)) {
    throw new AppError('forbidden', 'Cross-site request refused: the Origin header must match the OpenPRM address');
  }
}

export function createApp(s: Services) {
  const app = new OpenAPIHono<AppEnv>();
  const origins = trustedOrigins(s.config.publicUrl);

  // The click redirect (/r/{code}, custom domains) and /t.js: before logging, auth and the CSP of the app (ARCHITECTURE "Hot paths").
  app.use('*', redirectFastPath(s));
  app.use('*', requestId({ headerName: 'x-request-id' }));
  app.use('*', async (c, next) => {
    c.set('services', s);
    c.set('user', undefined);
    c.set('ctx', undefined);
    c.set('portal', undefined);
    c.header('x-request-id', c.get('requestId'));
    const log = s.log.child({ requestId: c.get('requestId') });
    c.set('log', log);
    const started = performance.now();
    await next();
    if (!c.req.path.startsWith('/assets/')) {
      log.info({ method: c.req.method, path: redactTokens(c.req.path), status: c.res.status, ms: Math.round(performance.now() - started) }, 'request');
    }
    if (UNSAFE_METHODS.has(c.req.method)) s.jobs.nudge();
  });
  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        baseUri: ["'self'"],
      },
      referrerPolicy: 'strict-origin-when-cross-origin',
    }),
  );

  app.onError((error, c) => {
    if (error instanceof HTTPException && !(error instanceof AppError)) {
      const code = error.status === 413 ? 'payload_too_large' : error.status === 401 ? 'unauthenticated' : 'bad_request';
      return problemResponse(c, new AppError(code, error.message || 'Malformed request'));
    }
    return problemResponse(c, error);
  });

  // ── Auth (better-auth): sign-up, sign-in, magic links, sessions ──
  app.use('/api/*', async (c, next) => {
    assertSameOrigin(c, origins);
    await next();
  });
  app.on(['POST'], ['/api/auth/sign-in/*', '/api/auth/sign-up/*'], async (c, next) => {
    const limiter = c.req.path.includes('magic-link') ? s.limiters.magicLink : s.limiters.signIn;
    limiter.hit(`${clientAddress(c)} ${c.req.path}`);
    await next();
  });
  app.on(['GET', 'POST'], '/api/auth/*', (c) => s.auth.handler(c.req.raw));

  // ── REST API ──
  app.route('/api/v1', workspaceRoutes());
  app.route('/api/v1', programRoutes());
  app.route('/api/v1', partnerRoutes());
  app.route('/api/v1', accountRoutes());
  app.route('/api/v1', auditRoutes());
  app.route('/api/v1', mailRoutes());
  app.route('/api/v1', portalRoutes());
  app.route('/api/v1', registrationRoutes());
  app.route('/api/v1', dealRoutes());
  app.route('/api/v1', sharingRoutes());
  app.route('/api/v1', metricsRoutes());
  app.route('/api/v1', trackingRoutes());
  app.route('/api/v1', billingRoutes());
  app.route('/api/v1', commissionRoutes());
  app.route('/api/v1', payoutRoutes());

  app.openAPIRegistry.registerComponent('securitySchemes', 'apiKey', {
    type: 'http',
    scheme: 'bearer',
    description: 'A workspace API key (`opk_…`), created in Settings › API keys',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'session', {
    type: 'apiKey',
    in: 'cookie',
    name: 'openprm.session_token',
    description: 'The browser session of the console or portal; send `x-workspace-id` when you belong to several workspaces',
  });
  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'OpenPRM API',
      version: '1.0.0',
      description:
        'The REST API of OpenPRM. Errors are RFC 9457 problem documents; lists use cursor pagination (`limit`, `cursor` → `nextCursor`); ids are prefixed (`ptr_…`). Each operation names the permission it needs in `x-permission`.',
    },
    servers: [{ url: s.config.publicUrl }],
  });

  app.get('/api/docs', (c) =>
    c.html(`<!doctype html><html><head><meta charset="utf-8"><title>OpenPRM API</title>
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div><script src="/api/docs/assets/swagger-ui-bundle.js"></script><script src="/api/docs/init.js"></script></body></html>`),
  );
  app.get('/api/docs/init.js', (c) =>
    c.body("window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#swagger-ui', deepLinking: true });", 200, {
      'content-type': 'text/javascript; charset=utf-8',
    }),
  );
  app.use('/api/docs/assets/*', serveStatic({ root: path.relative(process.cwd(), SWAGGER_DIR), rewriteRequestPath: (p) => p.replace('/api/docs/assets', '') }));

  // Click redirect and tracking snippet: outside /api, answered before anything else is looked at.
  app.route('/', redirectRoutes());

  if (s.config.testClock) {
    // Browser flows move time forward (commission holds, payout dates); never enabled in production.
    app.post('/api/test/clock', async (c) => {
      const body = (await c.req.json().catch(() => ({}))) as { advanceMs?: unknown };
      if (typeof body.advanceMs !== 'number' || !Number.isInteger(body.advanceMs) || body.advanceMs < 0) {
        throw new AppError('validation_failed', 'advanceMs: must be a non-negative integer', { fields: [{ path: 'advanceMs', message: 'must be a non-negative integer' }] });
      }
      advanceClock(body.advanceMs);
      return c.json({ now: now().toISOString() });
    });
  }

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.all('/api/*', () => {
    throw new AppError('not_found', 'No such API route; see /api/docs');
  });

  // ── Web app: the console (/app) and the portal (/portal) are one single-page app ──
  app.use('/assets/*', serveStatic({ root: path.relative(process.cwd(), WEB_DIR) }));
  const indexHtml = () => (existsSync(path.join(WEB_DIR, 'index.html')) ? readFileSync(path.join(WEB_DIR, 'index.html'), 'utf8') : null);
  let cachedIndex: string | null = null;
  const spa = (c: Context<AppEnv>) => {
    cachedIndex ??= indexHtml();
    if (!cachedIndex) return c.text('The web app is not built. Run `npm run build:web` (npm start does it for you).', 503);
    return c.html(cachedIndex);
  };
  app.get('/app', spa);
  app.get('/app/*', spa);
  app.get('/portal', spa);
  app.get('/portal/*', spa);
  app.get('/shared/*', spa); // signed links: /shared/deals/{token} (the page calls /api/v1/shared/deals/{token})
  app.get('/register/*', spa); // a partner's public registration form: /register/{token}
  app.get('/', (c) => c.redirect('/app', 302));
  app.get('/favicon.svg', serveStatic({ path: path.relative(process.cwd(), path.join(WEB_DIR, 'favicon.svg')) }));

  app.notFound((c) => problemResponse(c, new AppError('not_found', `Nothing at ${c.req.path}`)));
  return app;
}

export type App = ReturnType<typeof createApp>;
