import { createHash } from 'node:crypto';
import { OpenAPIHono, type RouteConfig, createRoute } from '@hono/zod-openapi';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Context, MiddlewareHandler } from 'hono';
import { member, apiKey as apiKeyTable, workspace } from '../modules/workspaces/schema.ts';
import { partner, partnerUser } from '../modules/partners/schema.ts';
import type { Auth } from './auth.ts';
import type { Config } from './config.ts';
import type { PartnerRole, Principal, WorkspaceContext, WorkspaceRole } from './context.ts';
import type { Database, Db } from './db.ts';
import { AppError, fieldErrorsFromZod } from './errors.ts';
import type { EventBus } from './events.ts';
import type { JobRunner } from './jobs.ts';
import type { Logger } from './logger.ts';
import type { Mailer } from './mail.ts';
import { type Access, PARTNER_ROLE_PERMISSIONS, describeAccess, roleCan } from './permissions.ts';
import type { RateLimiter } from './rate-limit.ts';
import type { SecretBox } from './encryption.ts';
import type { TokenService } from './tokens.ts';
import type { TrackingRuntime } from '../modules/tracking/redirect.ts';
import { authUser } from './schema.ts';

/** Everything a request handler may use; built once in main.ts (or per test). */
export interface Services {
  config: Config;
  database: Database;
  db: Db;
  log: Logger;
  auth: Auth;
  bus: EventBus;
  jobs: JobRunner;
  mailer: Mailer;
  limiters: { signIn: RateLimiter; magicLink: RateLimiter; publicLinks: RateLimiter };
  tokens: TokenService;
  /** Referral redirect state: link cache, click dedupe and the click buffer (flushed in closeServices). */
  tracking: TrackingRuntime;
  /** Field encryption for secrets at rest (platform/encryption.ts). */
  secrets: SecretBox;
}

export interface SessionUser {
  id: string;
  name: string;
  email: string;
  emailVerified: boolean;
}

export interface PortalContext extends WorkspaceContext {
  principal: Extract<Principal, { kind: 'partner_user' }>;
  partnerId: string;
}

export type AppEnv = {
  Variables: {
    requestId: string;
    services: Services;
    log: Logger;
    user: SessionUser | null | undefined;
    ctx: WorkspaceContext | undefined;
    portal: PortalContext | undefined;
  };
};

/** A router whose request validation errors become 422 problem documents with field paths. */
export function newRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const fields = fieldErrorsFromZod(result.error.issues);
        throw new AppError('validation_failed', fields.map((f) => `${f.path}: ${f.message}`).join('; '), { fields });
      }
    },
  });
}

/**
 * Declares a route with who may call it. The access rule is enforced by middleware and
 * published in the OpenAPI document as `x-permission` (the route-table test snapshots it).
 */
export function defineRoute<const R extends Omit<RouteConfig, 'middleware'>>(access: Access, config: R) {
  const security: Array<Record<string, string[]>> =
    access.kind === 'public' ? [] : access.kind === 'workspace' ? [{ apiKey: [] }, { session: [] }] : [{ session: [] }];
  return createRoute({
    ...config,
    security,
    'x-permission': describeAccess(access),
    middleware: [requireAccess(access)] as const,
  });
}

export function services(c: Context<AppEnv>): Services {
  return c.get('services');
}

export function workspaceCtx(c: Context<AppEnv>): WorkspaceContext {
  const ctx = c.get('ctx');
  if (!ctx) throw new AppError('internal', 'Route declared no workspace access');
  return ctx;
}

export function portalCtx(c: Context<AppEnv>): PortalContext {
  const ctx = c.get('portal');
  if (!ctx) throw new AppError('internal', 'Route declared no partner access');
  return ctx;
}

export function signedInUser(c: Context<AppEnv>): SessionUser {
  const user = c.get('user');
  if (!user) throw new AppError('unauthenticated', 'Sign in to continue');
  return user;
}

export async function loadSessionUser(c: Context<AppEnv>): Promise<SessionUser | null> {
  const cached = c.get('user');
  if (cached !== undefined) return cached;
  const session = await services(c).auth.api.getSession({ headers: c.req.raw.headers });
  const user = session
    ? { id: session.user.id, name: session.user.name, email: session.user.email.toLowerCase(), emailVerified: session.user.emailVerified }
    : null;
  c.set('user', user);
  return user;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

interface CachedKey {
  principal: Extract<Principal, { kind: 'api_key' }>;
  workspaceId: string;
  expires: number;
  lastUsedWrite: number;
}
/** Short-lived cache of API keys by hash: the API hot path does no key lookup per request. */
const apiKeyCache = new Map<string, CachedKey>();
const API_KEY_CACHE_MS = 10_000;

export function forgetApiKey(secretHash: string): void {
  apiKeyCache.delete(secretHash);
}

async function apiKeyPrincipal(s: Services, token: string): Promise<CachedKey> {
  const secretHash = hashSecret(token);
  const now = Date.now();
  const cached = apiKeyCache.get(secretHash);
  if (cached && cached.expires > now) return cached;
  const [row] = await s.db
    .select()
    .from(apiKeyTable)
    .where(and(eq(apiKeyTable.secretHash, secretHash), isNull(apiKeyTable.revokedAt)));
  if (!row) {
    apiKeyCache.delete(secretHash);
    throw new AppError('unauthenticated', 'The API key is not valid or has been revoked');
  }
  const entry: CachedKey = {
    principal: { kind: 'api_key', apiKeyId: row.id, name: row.name, role: row.role as WorkspaceRole },
    workspaceId: row.workspaceId,
    expires: now + API_KEY_CACHE_MS,
    lastUsedWrite: cached?.lastUsedWrite ?? 0,
  };
  if (now - entry.lastUsedWrite > 60_000) {
    entry.lastUsedWrite = now;
    void s.db.update(apiKeyTable).set({ lastUsedAt: new Date() }).where(eq(apiKeyTable.id, row.id)).catch(() => {});
  }
  if (apiKeyCache.size > 10_000) apiKeyCache.clear();
  apiKeyCache.set(secretHash, entry);
  return entry;
}

async function resolveWorkspaceContext(c: Context<AppEnv>): Promise<WorkspaceContext> {
  const s = services(c);
  const base = { requestId: c.get('requestId'), db: s.db, log: c.get('log') };
  const authorization = c.req.header('authorization');
  if (authorization?.toLowerCase().startsWith('bearer ')) {
    const key = await apiKeyPrincipal(s, authorization.slice(7).trim());
    return { ...base, workspaceId: key.workspaceId, principal: key.principal };
  }
  const user = await loadSessionUser(c);
  if (!user) throw new AppError('unauthenticated', 'Sign in or send an API key (Authorization: Bearer …)');
  const requested = c.req.header('x-workspace-id');
  const memberships = await s.db
    .select({ id: member.id, workspaceId: member.workspaceId, role: member.role })
    .from(member)
    .where(requested ? and(eq(member.userId, user.id), eq(member.workspaceId, requested)) : eq(member.userId, user.id))
    .limit(2);
  if (memberships.length === 0) {
    if (requested) throw new AppError('not_found', 'Workspace not found');
    throw new AppError('forbidden', 'You are not a member of any workspace yet; create one with POST /api/v1/workspaces');
  }
  if (!requested && memberships.length > 1) {
    throw new AppError('bad_request', 'You belong to several workspaces: send the x-workspace-id header', {
      fields: [{ path: 'header.x-workspace-id', message: 'is required when you belong to several workspaces' }],
    });
  }
  const m = memberships[0];
  return {
    ...base,
    workspaceId: m.workspaceId,
    principal: { kind: 'member', userId: user.id, memberId: m.id, name: user.name, email: user.email, role: m.role as WorkspaceRole },
  };
}

async function resolvePortalContext(c: Context<AppEnv>): Promise<PortalContext> {
  const s = services(c);
  const user = await loadSessionUser(c);
  if (!user) throw new AppError('unauthenticated', 'Sign in with the link we email you');
  if (!user.emailVerified) throw new AppError('forbidden', 'Sign in with an email link to open the partner portal');
  const requested = c.req.header('x-partner-id');
  // Invited partner users are bound to the account the first time they sign in by email link.
  await s.db
    .update(partnerUser)
    .set({ userId: user.id, status: 'active', activatedAt: new Date(), inviteTokenHash: null })
    .where(and(sql`lower(${partnerUser.email}) = ${user.email}`, isNull(partnerUser.userId)));
  if (user.name === '') {
    // Accounts made by an email link have no name yet: take the one the vendor invited them with.
    await s.db
      .update(authUser)
      .set({ name: sql`(select ${partnerUser.name} from ${partnerUser} where ${partnerUser.userId} = ${user.id} order by ${partnerUser.id} limit 1)` })
      .where(and(eq(authUser.id, user.id), eq(authUser.name, '')));
  }
  const rows = await s.db
    .select({ pu: partnerUser, partnerName: partner.name })
    .from(partnerUser)
    .innerJoin(partner, eq(partner.id, partnerUser.partnerId))
    .where(requested ? and(eq(partnerUser.userId, user.id), eq(partnerUser.partnerId, requested)) : eq(partnerUser.userId, user.id))
    .orderBy(partnerUser.id)
    .limit(1);
  const row = rows[0];
  if (!row) {
    if (requested) throw new AppError('not_found', 'Partner not found');
    throw new AppError('forbidden', 'This email address is not a member of any partner yet; ask your partner contact for an invitation');
  }
  return {
    requestId: c.get('requestId'),
    db: s.db,
    log: c.get('log'),
    workspaceId: row.pu.workspaceId,
    partnerId: row.pu.partnerId,
    principal: {
      kind: 'partner_user',
      userId: user.id,
      partnerUserId: row.pu.id,
      partnerId: row.pu.partnerId,
      name: row.pu.name,
      email: user.email,
      role: row.pu.role as PartnerRole,
    },
  };
}

export function requireAccess(access: Access): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    switch (access.kind) {
      case 'public':
        break;
      case 'signed_in':
        if (!(await loadSessionUser(c))) throw new AppError('unauthenticated', 'Sign in to continue');
        break;
      case 'workspace': {
        const ctx = await resolveWorkspaceContext(c);
        const role = ctx.principal.kind === 'member' || ctx.principal.kind === 'api_key' ? ctx.principal.role : null;
        if (!role || !roleCan(role, access.permission)) {
          throw new AppError('forbidden', `Your role (${role ?? 'none'}) does not allow ${access.permission}`);
        }
        c.set('ctx', ctx);
        break;
      }
      case 'partner': {
        const ctx = await resolvePortalContext(c);
        if (!PARTNER_ROLE_PERMISSIONS[ctx.principal.role].has(access.permission)) {
          throw new AppError('forbidden', 'Only a partner admin can do this');
        }
        c.set('portal', ctx);
        break;
      }
    }
    await next();
  };
}

/** Names of workspace, for places that show it (portal header, emails). */
export async function workspaceName(db: Db, workspaceId: string): Promise<string> {
  const [row] = await db.select({ name: workspace.name }).from(workspace).where(eq(workspace.id, workspaceId));
  return row?.name ?? '';
}

export async function userById(db: Db, userId: string) {
  const [row] = await db.select().from(authUser).where(eq(authUser.id, userId));
  return row ?? null;
}
