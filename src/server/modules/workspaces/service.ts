import { randomBytes } from 'node:crypto';
import { and, asc, desc, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import { audit, diff } from '../../platform/audit.ts';
import type { Principal, TxContext, WorkspaceContext, WorkspaceRole } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { emit } from '../../platform/events.ts';
import { type SessionUser, forgetApiKey, hashSecret } from '../../platform/http.ts';
import { newId } from '../../platform/ids.ts';
import { toPage } from '../../platform/pagination.ts';
import { ROLE_PERMISSIONS, canGrantRole } from '../../platform/permissions.ts';
import { authUser } from '../../platform/schema.ts';
import type { TokenService } from '../../platform/tokens.ts';
import { partner, partnerUser } from '../partners/schema.ts';
import { apiKey, invitation, member, workspace } from './schema.ts';

export const MEMBER_INVITED = 'member.invited';
const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000;

type WorkspaceRow = typeof workspace.$inferSelect;
const toWorkspace = (w: WorkspaceRow) => ({ id: w.id, name: w.name, timeZone: w.timeZone, isDemo: w.isDemo, createdAt: w.createdAt.toISOString() });

/** Creates a workspace and makes the creator its owner. */
export async function createWorkspace(db: Db, user: SessionUser, input: { name: string; timeZone?: string; isDemo?: boolean }, requestId: string | null) {
  return db.transaction(async (tx) => {
    const id = newId('workspace');
    const [row] = await tx
      .insert(workspace)
      .values({ id, name: input.name, timeZone: input.timeZone ?? 'UTC', isDemo: input.isDemo ?? false })
      .returning();
    const memberId = newId('member');
    await tx.insert(member).values({ id: memberId, workspaceId: id, userId: user.id, role: 'owner' });
    const principal: Principal = { kind: 'member', userId: user.id, memberId, name: user.name, email: user.email, role: 'owner' };
    const ctx: TxContext = { workspaceId: id, principal, requestId, db: tx };
    await audit(ctx, { action: 'workspace.created', entityType: 'workspace', entityId: id, changes: { name: input.name } });
    return toWorkspace(row);
  });
}

export async function getWorkspace(ctx: WorkspaceContext) {
  const [row] = await ctx.db.select().from(workspace).where(eq(workspace.id, ctx.workspaceId));
  if (!row) throw notFound('Workspace');
  return toWorkspace(row);
}

export async function updateWorkspace(ctx: WorkspaceContext, input: { name?: string; timeZone?: string }) {
  return ctx.db.transaction(async (tx) => {
    const [before] = await tx.select().from(workspace).where(eq(workspace.id, ctx.workspaceId)).for('update');
    if (!before) throw notFound('Workspace');
    const [row] = await tx
      .update(workspace)
      .set({ ...input, updatedAt: new Date() })
      .where(eq(workspace.id, ctx.workspaceId))
      .returning();
    await audit({ ...ctx, db: tx }, { action: 'workspace.updated', entityType: 'workspace', entityId: ctx.workspaceId, changes: diff(before, input) });
    return toWorkspace(row);
  });
}

export async function describeMe(db: Db, user: SessionUser) {
  const workspaces = await db
    .select({ id: workspace.id, name: workspace.name, role: member.role, isDemo: workspace.isDemo })
    .from(member)
    .innerJoin(workspace, eq(workspace.id, member.workspaceId))
    .where(eq(member.userId, user.id))
    .orderBy(asc(workspace.name));
  const partnerMemberships = user.emailVerified
    ? await db
        .select({
          partnerUserId: partnerUser.id,
          partnerId: partner.id,
          partnerName: partner.name,
          workspaceId: workspace.id,
          workspaceName: workspace.name,
          role: partnerUser.role,
        })
        .from(partnerUser)
        .innerJoin(partner, eq(partner.id, partnerUser.partnerId))
        .innerJoin(workspace, eq(workspace.id, partnerUser.workspaceId))
        .where(sql`(${partnerUser.userId} = ${user.id} or (${partnerUser.userId} is null and lower(${partnerUser.email}) = ${user.email}))`)
    : [];
  return {
    user: { id: user.id, name: user.name, email: user.email },
    workspaces: workspaces.map((w) => ({ ...w, role: w.role as WorkspaceRole, permissions: [...ROLE_PERMISSIONS[w.role as WorkspaceRole]] })),
    partnerMemberships,
  };
}

// ── Members ──
export async function listMembers(ctx: WorkspaceContext, page: { limit: number; cursor?: string }) {
  const rows = await ctx.db
    .select({ m: member, name: authUser.name, email: authUser.email })
    .from(member)
    .innerJoin(authUser, eq(authUser.id, member.userId))
    .where(and(eq(member.workspaceId, ctx.workspaceId), page.cursor ? gt(member.id, page.cursor) : undefined))
    .orderBy(asc(member.id))
    .limit(page.limit + 1);
  return toPage(
    rows,
    page.limit,
    (r) => r.m.id,
    (r) => ({ id: r.m.id, userId: r.m.userId, name: r.name, email: r.email, role: r.m.role as WorkspaceRole, createdAt: r.m.createdAt.toISOString() }),
  );
}

function granterRole(ctx: WorkspaceContext): WorkspaceRole {
  if (ctx.principal.kind === 'member' || ctx.principal.kind === 'api_key') return ctx.principal.role;
  throw new AppError('forbidden', 'Only workspace staff can manage members');
}

async function ownerCount(tx: TxContext['db'], workspaceId: string): Promise<number> {
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(member)
    .where(and(eq(member.workspaceId, workspaceId), eq(member.role, 'owner')));
  return row?.n ?? 0;
}

export async function updateMemberRole(ctx: WorkspaceContext, memberId: string, role: WorkspaceRole) {
  return ctx.db.transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(member)
      .where(and(eq(member.workspaceId, ctx.workspaceId), eq(member.id, memberId)))
      .for('update');
    if (!before) throw notFound('Member');
    const granter = granterRole(ctx);
    if (!canGrantRole(granter, role) || (before.role === 'owner' && granter !== 'owner')) {
      throw new AppError('forbidden', `Your role (${granter}) cannot change this member to ${role}`);
    }
    if (before.role === 'owner' && role !== 'owner' && (await ownerCount(tx, ctx.workspaceId)) <= 1) {
      throw new AppError('conflict', 'A workspace needs at least one owner; make someone else owner first');
    }
    await tx.update(member).set({ role }).where(eq(member.id, memberId));
    await audit({ ...ctx, db: tx }, { action: 'member.role_changed', entityType: 'member', entityId: memberId, changes: { role: { from: before.role, to: role } } });
  });
}

export async function removeMember(ctx: WorkspaceContext, memberId: string) {
  return ctx.db.transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(member)
      .where(and(eq(member.workspaceId, ctx.workspaceId), eq(member.id, memberId)))
      .for('update');
    if (!before) throw notFound('Member');
    const granter = granterRole(ctx);
    if (before.role === 'owner' && granter !== 'owner') throw new AppError('forbidden', 'Only an owner can remove an owner');
    if (before.role === 'owner' && (await ownerCount(tx, ctx.workspaceId)) <= 1) {
      throw new AppError('conflict', 'A workspace needs at least one owner');
    }
    await tx.update(partner).set({ managerMemberId: null }).where(and(eq(partner.workspaceId, ctx.workspaceId), eq(partner.managerMemberId, memberId)));
    await tx.delete(member).where(eq(member.id, memberId));
    await audit({ ...ctx, db: tx }, { action: 'member.removed', entityType: 'member', entityId: memberId, changes: { userId: before.userId, role: before.role } });
  });
}

// ── Invitations ──
type InvitationRow = typeof invitation.$inferSelect;
function invitationStatus(row: InvitationRow): 'pending' | 'accepted' | 'revoked' | 'expired' {
  if (row.status === 'pending' && row.expiresAt.getTime() < Date.now()) return 'expired';
  return row.status as 'pending' | 'accepted' | 'revoked';
}
const toInvitation = (row: InvitationRow) => ({
  id: row.id,
  email: row.email,
  role: row.role as WorkspaceRole,
  status: invitationStatus(row),
  expiresAt: row.expiresAt.toISOString(),
  createdAt: row.createdAt.toISOString(),
});

export async function listInvitations(ctx: WorkspaceContext, page: { limit: number; cursor?: string }) {
  const rows = await ctx.db
    .select()
    .from(invitation)
    .where(and(eq(invitation.workspaceId, ctx.workspaceId), page.cursor ? lt(invitation.id, page.cursor) : undefined))
    .orderBy(desc(invitation.id))
    .limit(page.limit + 1);
  return toPage(rows, page.limit, (r) => r.id, toInvitation);
}

export async function inviteMember(ctx: WorkspaceContext, tokens: TokenService, input: { email: string; role: WorkspaceRole }) {
  const granter = granterRole(ctx);
  if (!canGrantRole(granter, input.role)) throw new AppError('forbidden', `Your role (${granter}) cannot invite a ${input.role}`);
  return ctx.db.transaction(async (tx) => {
    const existing = await tx
      .select({ id: member.id })
      .from(member)
      .innerJoin(authUser, eq(authUser.id, member.userId))
      .where(and(eq(member.workspaceId, ctx.workspaceId), sql`lower(${authUser.email}) = ${input.email}`));
    if (existing.length > 0) throw new AppError('conflict', `${input.email} is already a member`, { extensions: { existingId: existing[0].id } });
    // Re-inviting replaces a pending invitation for the same email.
    await tx
      .update(invitation)
      .set({ status: 'revoked' })
      .where(and(eq(invitation.workspaceId, ctx.workspaceId), eq(invitation.email, input.email), eq(invitation.status, 'pending')));
    const id = newId('invitation');
    const [row] = await tx
      .insert(invitation)
      .values({
        id,
        workspaceId: ctx.workspaceId,
        email: input.email,
        role: input.role,
        tokenHash: tokens.hash(tokens.derive('invitation', id)),
        status: 'pending',
        invitedByUserId: ctx.principal.kind === 'member' ? ctx.principal.userId : null,
        expiresAt: new Date(Date.now() + INVITATION_TTL_MS),
      })
      .returning();
    const txCtx = { ...ctx, db: tx };
    await audit(txCtx, { action: 'invitation.created', entityType: 'invitation', entityId: id, changes: { email: input.email, role: input.role } });
    await emit(tx, ctx.workspaceId, MEMBER_INVITED, { invitationId: id, invitedBy: ctx.principal.kind === 'member' ? ctx.principal.name : 'An administrator' });
    return toInvitation(row);
  });
}

export async function revokeInvitation(ctx: WorkspaceContext, invitationId: string) {
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(invitation)
      .set({ status: 'revoked' })
      .where(and(eq(invitation.workspaceId, ctx.workspaceId), eq(invitation.id, invitationId), eq(invitation.status, 'pending')))
      .returning();
    if (!row) throw notFound('Pending invitation');
    await audit({ ...ctx, db: tx }, { action: 'invitation.revoked', entityType: 'invitation', entityId: invitationId });
  });
}

async function findInvitationByToken(db: Db, tokens: TokenService, token: string) {
  const [row] = await db
    .select({ inv: invitation, workspaceName: workspace.name })
    .from(invitation)
    .innerJoin(workspace, eq(workspace.id, invitation.workspaceId))
    .where(eq(invitation.tokenHash, tokens.hash(token)));
  if (!row) throw notFound('Invitation');
  return row;
}

export async function previewInvitation(db: Db, tokens: TokenService, token: string) {
  const row = await findInvitationByToken(db, tokens, token);
  return { workspaceName: row.workspaceName, email: row.inv.email, role: row.inv.role as WorkspaceRole, status: invitationStatus(row.inv) };
}

export async function acceptInvitation(db: Db, tokens: TokenService, user: SessionUser, token: string, requestId: string | null) {
  const { inv } = await findInvitationByToken(db, tokens, token);
  const status = invitationStatus(inv);
  if (status !== 'pending') throw new AppError('conflict', `This invitation is ${status}`);
  if (inv.email !== user.email) {
    throw new AppError('forbidden', `This invitation is for ${inv.email}; you are signed in as ${user.email}`);
  }
  return db.transaction(async (tx) => {
    const [claimed] = await tx
      .update(invitation)
      .set({ status: 'accepted', acceptedAt: new Date() })
      .where(and(eq(invitation.id, inv.id), eq(invitation.status, 'pending')))
      .returning();
    if (!claimed) throw new AppError('conflict', 'This invitation was already used');
    const memberId = newId('member');
    await tx.insert(member).values({ id: memberId, workspaceId: inv.workspaceId, userId: user.id, role: inv.role }).onConflictDoNothing();
    const principal: Principal = { kind: 'member', userId: user.id, memberId, name: user.name, email: user.email, role: inv.role as WorkspaceRole };
    await audit({ workspaceId: inv.workspaceId, principal, requestId, db: tx }, {
      action: 'invitation.accepted',
      entityType: 'member',
      entityId: memberId,
      changes: { email: user.email, role: inv.role },
    });
    return { workspaceId: inv.workspaceId };
  });
}

// ── API keys ──
type ApiKeyRow = typeof apiKey.$inferSelect;
const toApiKey = (r: ApiKeyRow) => ({
  id: r.id,
  name: r.name,
  role: r.role as WorkspaceRole,
  prefix: r.prefix,
  createdAt: r.createdAt.toISOString(),
  lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
});

export async function listApiKeys(ctx: WorkspaceContext, page: { limit: number; cursor?: string }) {
  const rows = await ctx.db
    .select()
    .from(apiKey)
    .where(and(eq(apiKey.workspaceId, ctx.workspaceId), isNull(apiKey.revokedAt), page.cursor ? gt(apiKey.id, page.cursor) : undefined))
    .orderBy(asc(apiKey.id))
    .limit(page.limit + 1);
  return toPage(rows, page.limit, (r) => r.id, toApiKey);
}

export async function createApiKey(ctx: WorkspaceContext, input: { name: string; role: WorkspaceRole }) {
  const granter = granterRole(ctx);
  if (!canGrantRole(granter, input.role)) throw new AppError('forbidden', `Your role (${granter}) cannot create a key with role ${input.role}`);
  const secret = `opk_${randomBytes(24).toString('base64url')}`;
  return ctx.db.transaction(async (tx) => {
    const id = newId('apiKey');
    const [row] = await tx
      .insert(apiKey)
      .values({
        id,
        workspaceId: ctx.workspaceId,
        name: input.name,
        role: input.role,
        prefix: secret.slice(0, 10),
        secretHash: hashSecret(secret),
        createdByUserId: ctx.principal.kind === 'member' ? ctx.principal.userId : null,
      })
      .returning();
    await audit({ ...ctx, db: tx }, { action: 'api_key.created', entityType: 'api_key', entityId: id, changes: { name: input.name, role: input.role } });
    return { apiKey: toApiKey(row), secret };
  });
}

export async function revokeApiKey(ctx: WorkspaceContext, id: string) {
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(apiKey)
      .set({ revokedAt: new Date() })
      .where(and(eq(apiKey.workspaceId, ctx.workspaceId), eq(apiKey.id, id), isNull(apiKey.revokedAt)))
      .returning();
    if (!row) throw notFound('API key');
    forgetApiKey(row.secretHash);
    await audit({ ...ctx, db: tx }, { action: 'api_key.revoked', entityType: 'api_key', entityId: id });
  });
}
