import type { Db, Executor } from './db.ts';
import type { Logger } from './logger.ts';

export const WORKSPACE_ROLES = ['owner', 'admin', 'partner_manager', 'sales', 'finance', 'marketing', 'analyst'] as const;
export type WorkspaceRole = (typeof WORKSPACE_ROLES)[number];

export const PARTNER_ROLES = ['admin', 'seller', 'finance', 'technical'] as const;
export type PartnerRole = (typeof PARTNER_ROLES)[number];

/** Who is acting. Every service call carries one; repositories scope by it. */
export type Principal =
  | { kind: 'member'; userId: string; memberId: string; name: string; email: string; role: WorkspaceRole }
  | { kind: 'api_key'; apiKeyId: string; name: string; role: WorkspaceRole }
  | { kind: 'partner_user'; userId: string; partnerUserId: string; partnerId: string; name: string; email: string; role: PartnerRole }
  | { kind: 'system'; name: string };

/** The tenant context: every workspace-owned read and write goes through one. */
export interface WorkspaceContext {
  workspaceId: string;
  principal: Principal;
  requestId: string | null;
  db: Db;
  log: Logger;
}

export interface Actor {
  actorType: Principal['kind'];
  actorId: string | null;
  actorName: string;
}

export function actorOf(principal: Principal): Actor {
  switch (principal.kind) {
    case 'member':
      return { actorType: 'member', actorId: principal.userId, actorName: principal.name };
    case 'api_key':
      return { actorType: 'api_key', actorId: principal.apiKeyId, actorName: `API key “${principal.name}”` };
    case 'partner_user':
      return { actorType: 'partner_user', actorId: principal.userId, actorName: principal.name };
    case 'system':
      return { actorType: 'system', actorId: null, actorName: principal.name };
  }
}

/** A transaction-bound copy of a context, so services can pass one value around. */
export type TxContext = Pick<WorkspaceContext, 'workspaceId' | 'principal' | 'requestId'> & { db: Executor };
