import { and, asc, eq, isNull } from 'drizzle-orm';
import { audit } from '../../platform/audit.ts';
import type { Principal, WorkspaceContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { TokenService } from '../../platform/tokens.ts';
import { enrollment, partner } from '../partners/schema.ts';
import { program } from '../programs/schema.ts';
import { workspace } from '../workspaces/schema.ts';
import type { RegistrationDetails } from './contract.ts';
import { loadPolicy, programOf } from './policy.ts';
import { registrationLink } from './schema.ts';
import { createRegistration } from './service.ts';

export const PUBLIC_LINK_PRINCIPAL: Principal = { kind: 'system', name: 'public registration link' };

type LinkRow = typeof registrationLink.$inferSelect;

function toLink(row: LinkRow, programName: string, tokens: TokenService, publicUrl: string) {
  const token = tokens.derive('registration_link', row.id);
  return {
    id: row.id,
    partnerId: row.partnerId,
    programId: row.programId,
    programName,
    token,
    url: `${publicUrl}/register/${token}`,
    revokedAt: row.revokedAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

async function assertPartner(ctx: WorkspaceContext, partnerId: string) {
  const [p] = await ctx.db
    .select({ id: partner.id })
    .from(partner)
    .where(and(eq(partner.workspaceId, ctx.workspaceId), eq(partner.id, partnerId)));
  if (!p) throw notFound('Partner');
}

export async function listLinks(ctx: WorkspaceContext, tokens: TokenService, publicUrl: string, partnerId: string) {
  await assertPartner(ctx, partnerId);
  const rows = await ctx.db
    .select({ l: registrationLink, programName: program.name })
    .from(registrationLink)
    .innerJoin(program, eq(program.id, registrationLink.programId))
    .where(and(eq(registrationLink.workspaceId, ctx.workspaceId), eq(registrationLink.partnerId, partnerId)))
    .orderBy(asc(registrationLink.id));
  return { data: rows.map((r) => toLink(r.l, r.programName, tokens, publicUrl)) };
}

/** A per-partner public form link; the token is derived from the link id, so only its hash is stored. */
export async function createLink(ctx: WorkspaceContext, tokens: TokenService, publicUrl: string, partnerId: string, programId: string) {
  await assertPartner(ctx, partnerId);
  return ctx.db.transaction(async (tx) => {
    const prg = await programOf(tx, ctx.workspaceId, programId);
    if (!prg) throw new AppError('validation_failed', 'programId: no such program', { fields: [{ path: 'programId', message: 'is not a program of this workspace' }] });
    const [e] = await tx
      .select({ status: enrollment.status })
      .from(enrollment)
      .where(and(eq(enrollment.partnerId, partnerId), eq(enrollment.programId, programId)));
    if (!e || e.status !== 'active') {
      throw new AppError('validation_failed', `programId: the partner is not actively enrolled in ${prg.name}`, {
        fields: [{ path: 'programId', message: `the partner is not actively enrolled in ${prg.name}` }],
      });
    }
    const id = newId('registrationLink');
    const [row] = await tx
      .insert(registrationLink)
      .values({ id, workspaceId: ctx.workspaceId, partnerId, programId, tokenHash: tokens.hash(tokens.derive('registration_link', id)) })
      .returning();
    await audit({ ...ctx, db: tx }, { action: 'registration_link.created', entityType: 'registration_link', entityId: id, changes: { partnerId, programId } });
    return toLink(row, prg.name, tokens, publicUrl);
  });
}

export async function revokeLink(ctx: WorkspaceContext, id: string) {
  await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(registrationLink)
      .where(and(eq(registrationLink.workspaceId, ctx.workspaceId), eq(registrationLink.id, id)))
      .for('update');
    if (!row) throw notFound('Registration link');
    if (row.revokedAt) return;
    await tx.update(registrationLink).set({ revokedAt: new Date() }).where(eq(registrationLink.id, id));
    await audit({ ...ctx, db: tx }, { action: 'registration_link.revoked', entityType: 'registration_link', entityId: id, changes: { partnerId: row.partnerId, programId: row.programId } });
  });
}

/** The live link behind a token: not revoked, the program active, the partner still enrolled. Else null (→ 404). */
async function liveLink(db: Db, tokens: TokenService, token: string) {
  const [row] = await db
    .select({ l: registrationLink, programName: program.name, programStatus: program.status, currency: program.currency, partnerName: partner.name, vendorName: workspace.name, enrolled: enrollment.status })
    .from(registrationLink)
    .innerJoin(program, eq(program.id, registrationLink.programId))
    .innerJoin(partner, eq(partner.id, registrationLink.partnerId))
    .innerJoin(workspace, eq(workspace.id, registrationLink.workspaceId))
    .leftJoin(enrollment, and(eq(enrollment.partnerId, registrationLink.partnerId), eq(enrollment.programId, registrationLink.programId)))
    .where(and(eq(registrationLink.tokenHash, tokens.hash(token)), isNull(registrationLink.revokedAt)));
  if (!row || row.programStatus !== 'active' || row.enrolled !== 'active') return null;
  return row;
}

export async function publicForm(db: Db, tokens: TokenService, token: string) {
  const link = await liveLink(db, tokens, token);
  if (!link) throw notFound('Registration form');
  const policy = await loadPolicy(db, link.l.workspaceId, link.l.programId);
  return {
    vendorName: link.vendorName,
    partnerName: link.partnerName,
    programName: link.programName,
    currency: link.currency,
    requiredFields: [...new Set(['accountName' as const, ...policy.requiredFields])],
    customFields: policy.customFields.map((f) => ({ ...f, required: f.required ?? false })),
  };
}

export async function publicSubmit(db: Db, tokens: TokenService, token: string, details: Partial<RegistrationDetails>, requestId: string | null) {
  const link = await liveLink(db, tokens, token);
  if (!link) throw notFound('Registration form');
  const row = await createRegistration(
    { workspaceId: link.l.workspaceId, principal: PUBLIC_LINK_PRINCIPAL, requestId, db },
    { partnerId: link.l.partnerId, programId: link.l.programId, channel: 'public_link', submittedByPartnerUserId: null, details, auditContext: { registrationLinkId: link.l.id } },
  );
  await db.update(registrationLink).set({ lastUsedAt: new Date() }).where(eq(registrationLink.id, link.l.id));
  return { id: row.id, status: 'submitted' as const, accountName: row.accountName, createdAt: row.createdAt.toISOString() };
}
