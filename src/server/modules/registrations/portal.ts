import { and, asc, desc, eq, lt, sql } from 'drizzle-orm';
import type { PartnerRole } from '../../platform/context.ts';
import type { Executor } from '../../platform/db.ts';
import { notFound } from '../../platform/errors.ts';
import type { PortalContext } from '../../platform/http.ts';
import { toPage } from '../../platform/pagination.ts';
import { enrollment, partner } from '../partners/schema.ts';
import { program } from '../programs/schema.ts';
import { type PartnerProjector, loadPartnerProjector } from '../sharing/projection.ts';
import type { PortalRegistrationView, RegistrationDetails, RegistrationStatus } from './contract.ts';
import { type EffectivePolicy, loadPolicy, renderRulesOfEngagement } from './policy.ts';
import { respondToInfoRequest } from './protection.ts';
import { toExtension } from './review.ts';
import { registration, registrationExtension } from './schema.ts';
import { createRegistration, ineligibilityReason } from './service.ts';
import { type RegistrationRow, daysLeftOf, internalView, reviewerEmailSql, reviewerNameSql } from './views.ts';

const programName = sql<string>`(select g.name from program g where g.id = "registration"."program_id")`;
const columns = { reg: registration, programName, reviewerName: reviewerNameSql, reviewerEmail: reviewerEmailSql };
type Loaded = { reg: RegistrationRow; programName: string; reviewerName: string | null; reviewerEmail: string | null };

/**
 * Builds partner views of registrations: the projection decides every field of the stored
 * record; only the program's name and the countdown (`daysLeft`, `extensionsRemaining`),
 * derived from the partner's own data, are added.
 */
export class PartnerRegistrationViews {
  private readonly projectors = new Map<string, PartnerProjector>();
  private readonly policies = new Map<string, EffectivePolicy>();

  constructor(
    private readonly db: Executor,
    private readonly workspaceId: string,
    private readonly partnerRole: PartnerRole,
    private readonly now = new Date(),
  ) {}

  async view(r: Loaded): Promise<PortalRegistrationView> {
    const programId = r.reg.programId;
    let projector = this.projectors.get(programId);
    if (!projector) {
      projector = await loadPartnerProjector(this.db, { workspaceId: this.workspaceId, programId, partnerRole: this.partnerRole, object: 'registration' });
      this.projectors.set(programId, projector);
    }
    let policy = this.policies.get(programId);
    if (!policy) {
      policy = await loadPolicy(this.db, this.workspaceId, programId);
      this.policies.set(programId, policy);
    }
    const projected: Record<string, unknown> = projector(internalView(r.reg, { reviewerName: r.reviewerName, reviewerEmail: r.reviewerEmail }));
    // The projection always keeps the base fields of a partner's own registration, hence the type.
    return {
      ...projected,
      id: r.reg.id,
      programName: r.programName,
      daysLeft: daysLeftOf(r.reg, this.now),
      extensionsRemaining: r.reg.status === 'approved' ? Math.max(0, policy.maxExtensions - r.reg.extensionsUsed) : 0,
    } as PortalRegistrationView;
  }
}

export async function listMyRegistrations(ctx: PortalContext, q: { limit: number; cursor?: string; status?: RegistrationStatus }, now = new Date()) {
  const rows = await ctx.db
    .select(columns)
    .from(registration)
    .where(
      and(
        eq(registration.workspaceId, ctx.workspaceId),
        eq(registration.partnerId, ctx.partnerId),
        q.status ? eq(registration.status, q.status) : undefined,
        q.cursor ? lt(registration.id, q.cursor) : undefined,
      ),
    )
    .orderBy(desc(registration.id))
    .limit(q.limit + 1);
  const views = new PartnerRegistrationViews(ctx.db, ctx.workspaceId, ctx.principal.role, now);
  const page = toPage(rows, q.limit, (r) => r.reg.id, (r) => r);
  return { data: await Promise.all(page.data.map((r) => views.view(r))), nextCursor: page.nextCursor };
}

export async function getMyRegistration(ctx: PortalContext, id: string, now = new Date()) {
  const [row] = await ctx.db
    .select(columns)
    .from(registration)
    .where(and(eq(registration.workspaceId, ctx.workspaceId), eq(registration.partnerId, ctx.partnerId), eq(registration.id, id)));
  if (!row) throw notFound('Registration');
  const views = new PartnerRegistrationViews(ctx.db, ctx.workspaceId, ctx.principal.role, now);
  const extensions = await ctx.db
    .select()
    .from(registrationExtension)
    .where(and(eq(registrationExtension.workspaceId, ctx.workspaceId), eq(registrationExtension.registrationId, id)))
    .orderBy(asc(registrationExtension.id));
  return {
    ...(await views.view(row)),
    extensions: extensions.map((e) => {
      const { registrationId: _omit, ...rest } = toExtension(e);
      return rest;
    }),
  };
}

export async function createMyRegistration(ctx: PortalContext, input: Partial<RegistrationDetails> & { programId: string }) {
  const { programId, ...details } = input;
  const row = await createRegistration(ctx, {
    partnerId: ctx.partnerId,
    programId,
    channel: 'portal',
    submittedByPartnerUserId: ctx.principal.partnerUserId,
    details,
  });
  return getMyRegistration(ctx, row.id);
}

export async function respondMine(ctx: PortalContext, id: string, input: Parameters<typeof respondToInfoRequest>[2]) {
  await respondToInfoRequest(ctx, id, input);
  return getMyRegistration(ctx, id);
}

/** A program the partner is actively enrolled in and that is live; anything else is "not found". */
async function myProgram(ctx: PortalContext, programId: string) {
  const [row] = await ctx.db
    .select({ p: program, type: partner.type, tags: partner.tags })
    .from(enrollment)
    .innerJoin(program, eq(program.id, enrollment.programId))
    .innerJoin(partner, eq(partner.id, enrollment.partnerId))
    .where(
      and(
        eq(enrollment.workspaceId, ctx.workspaceId),
        eq(enrollment.partnerId, ctx.partnerId),
        eq(enrollment.programId, programId),
        eq(enrollment.status, 'active'),
      ),
    );
  if (!row || row.p.status === 'draft') throw notFound('Program');
  return row;
}

export async function registrationForm(ctx: PortalContext, programId: string) {
  const { p, type, tags } = await myProgram(ctx, programId);
  const policy = await loadPolicy(ctx.db, ctx.workspaceId, programId);
  const reason = p.status !== 'active' ? `${p.name} is ${p.status} and takes no registrations` : ineligibilityReason(policy, { type, tags });
  return {
    programId,
    programName: p.name,
    currency: p.currency,
    requiredFields: [...new Set(['accountName' as const, ...policy.requiredFields])],
    customFields: policy.customFields.map((f) => ({ ...f, required: f.required ?? false })),
    eligible: reason === null,
    ineligibleReason: reason,
  };
}

export async function rulesOfEngagement(ctx: PortalContext, programId: string) {
  const { p } = await myProgram(ctx, programId);
  const policy = await loadPolicy(ctx.db, ctx.workspaceId, programId);
  return { programId, programName: p.name, html: renderRulesOfEngagement(policy.rulesOfEngagement), updatedAt: policy.updatedAt?.toISOString() ?? null };
}
