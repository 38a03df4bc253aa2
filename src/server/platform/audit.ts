import { type TxContext, actorOf } from './context.ts';
import { newId } from './ids.ts';
import { auditEntry } from './schema.ts';

export interface AuditInput {
  action: string;
  entityType: string;
  entityId: string;
  changes?: Record<string, unknown>;
}

/** Appends an audit entry inside the caller's transaction: the mutation and its record commit together. */
export async function audit(ctx: TxContext, input: AuditInput): Promise<void> {
  const actor = actorOf(ctx.principal);
  await ctx.db.insert(auditEntry).values({
    id: newId('auditEntry'),
    workspaceId: ctx.workspaceId,
    actorType: actor.actorType,
    actorId: actor.actorId,
    actorName: actor.actorName,
    action: input.action,
    entityType: input.entityType,
    entityId: input.entityId,
    changes: toJsonSafe(input.changes ?? {}) as Record<string, unknown>,
    requestId: ctx.requestId,
  });
}

/** Changed fields only, as `{ field: { from, to } }`. */
export function diff<T extends Record<string, unknown>>(before: T, after: Partial<T>): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const [key, value] of Object.entries(after)) {
    if (value === undefined) continue;
    if (JSON.stringify(before[key]) !== JSON.stringify(value)) changes[key] = { from: before[key] ?? null, to: value };
  }
  return changes;
}

function toJsonSafe(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));
}
