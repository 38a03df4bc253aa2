import { z } from '@hono/zod-openapi';
import { and, desc, eq, gte, lt, lte } from 'drizzle-orm';
import type { WorkspaceContext } from '../../platform/context.ts';
import { defineRoute, newRouter, workspaceCtx } from '../../platform/http.ts';
import { errorResponses, jsonResponse } from '../../platform/openapi-common.ts';
import { ZPageQuery, pageOf, toPage } from '../../platform/pagination.ts';
import { auditEntry } from '../../platform/schema.ts';

export const ZAuditEntry = z
  .object({
    id: z.string(),
    actorType: z.string(),
    actorId: z.string().nullable(),
    actorName: z.string().nullable(),
    action: z.string().openapi({ example: 'partner.created' }),
    entityType: z.string(),
    entityId: z.string(),
    changes: z.record(z.string(), z.unknown()),
    requestId: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('AuditEntry');

const ZDate = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time, e.g. 2026-11-01T00:00:00Z' });
export const ZAuditQuery = ZPageQuery.extend({
  actorId: z.string().max(64).optional(),
  entityType: z.string().max(64).optional(),
  entityId: z.string().max(64).optional(),
  action: z.string().max(100).optional(),
  from: ZDate.optional(),
  to: ZDate.optional(),
});

export async function listAuditEntries(ctx: WorkspaceContext, q: z.infer<typeof ZAuditQuery>) {
  const rows = await ctx.db
    .select()
    .from(auditEntry)
    .where(
      and(
        eq(auditEntry.workspaceId, ctx.workspaceId),
        q.actorId ? eq(auditEntry.actorId, q.actorId) : undefined,
        q.entityType ? eq(auditEntry.entityType, q.entityType) : undefined,
        q.entityId ? eq(auditEntry.entityId, q.entityId) : undefined,
        q.action ? eq(auditEntry.action, q.action) : undefined,
        q.from ? gte(auditEntry.createdAt, new Date(q.from)) : undefined,
        q.to ? lte(auditEntry.createdAt, new Date(q.to)) : undefined,
        q.cursor ? lt(auditEntry.id, q.cursor) : undefined,
      ),
    )
    .orderBy(desc(auditEntry.id))
    .limit(q.limit + 1);
  return toPage(rows, q.limit, (r) => r.id, (r) => ({ ...r, createdAt: r.createdAt.toISOString() }));
}

export function auditRoutes() {
  const r = newRouter();
  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'audit:read' }, {
      method: 'get', path: '/audit-entries', tags: ['Audit log'], summary: 'The audit log, newest first (filter by actor, entity, action, time range)',
      request: { query: ZAuditQuery },
      responses: { 200: jsonResponse(pageOf(ZAuditEntry, 'AuditEntryPage'), 'A page of audit entries'), ...errorResponses },
    }),
    async (c) => c.json(await listAuditEntries(workspaceCtx(c), c.req.valid('query')), 200),
  );
  return r;
}
