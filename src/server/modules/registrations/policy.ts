import { and, asc, eq, sql } from 'drizzle-orm';
import { marked } from 'marked';
import sanitizeHtml from 'sanitize-html';
import { audit } from '../../platform/audit.ts';
import type { WorkspaceContext } from '../../platform/context.ts';
import type { Executor } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { program } from '../programs/schema.ts';
import { member } from '../workspaces/schema.ts';
import type { RegistrationField, RoutingRuleInput, UpdateRegistrationPolicyRequest } from './contract.ts';
import { type CustomFieldDefinition, registrationPolicy, routingRule } from './schema.ts';

export interface EffectivePolicy {
  programId: string;
  isDefault: boolean;
  requiredFields: RegistrationField[];
  customFields: CustomFieldDefinition[];
  approvalSlaHours: number;
  protectionDays: number;
  maxExtensions: number;
  extensionDays: number;
  extensionRequiresApproval: boolean;
  eligibility: { partnerTypes: string[]; tags: string[] };
  conflictHierarchy: string[];
  rulesOfEngagement: string;
  updatedAt: Date | null;
}

/** The defaults of a program without a saved policy (the same as the table's column defaults). */
export function defaultPolicy(programId: string): EffectivePolicy {
  return {
    programId,
    isDefault: true,
    requiredFields: ['accountName', 'accountDomain', 'contactName', 'contactEmail', 'amount', 'expectedCloseDate'],
    customFields: [],
    approvalSlaHours: 48,
    protectionDays: 90,
    maxExtensions: 1,
    extensionDays: 30,
    extensionRequiresApproval: true,
    eligibility: { partnerTypes: [], tags: [] },
    conflictHierarchy: ['registered', 'incumbent', 'certified', 'first_to_register'],
    rulesOfEngagement: '',
    updatedAt: null,
  };
}

/** The program's policy, or its defaults. The caller has checked the program belongs to the workspace. */
export async function loadPolicy(db: Executor, workspaceId: string, programId: string): Promise<EffectivePolicy> {
  const [row] = await db
    .select()
    .from(registrationPolicy)
    .where(and(eq(registrationPolicy.workspaceId, workspaceId), eq(registrationPolicy.programId, programId)));
  if (!row) return defaultPolicy(programId);
  return {
    programId,
    isDefault: false,
    requiredFields: row.requiredFields as RegistrationField[],
    customFields: row.customFields,
    approvalSlaHours: row.approvalSlaHours,
    protectionDays: row.protectionDays,
    maxExtensions: row.maxExtensions,
    extensionDays: row.extensionDays,
    extensionRequiresApproval: row.extensionRequiresApproval,
    eligibility: row.eligibility,
    conflictHierarchy: row.conflictHierarchy,
    rulesOfEngagement: row.rulesOfEngagement,
    updatedAt: row.updatedAt,
  };
}

/**
 * Markdown → HTML that is safe to put in the portal: raw HTML in the Markdown is escaped by
 * the sanitizer's allow-list (no scripts, styles, iframes, event handlers or `javascript:`
 * links), links open in a new tab without an opener.
 */
export function renderRulesOfEngagement(markdown: string): string {
  if (!markdown.trim()) return '';
  const html = marked.parse(markdown, { async: false, gfm: true, breaks: false });
  return sanitizeHtml(html, {
    allowedTags: [
      'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p', 'br', 'hr', 'blockquote', 'pre', 'code', 'em', 'strong', 'del', 's',
      'ul', 'ol', 'li', 'a', 'table', 'thead', 'tbody', 'tr', 'th', 'td',
    ],
    allowedAttributes: { a: ['href', 'title', 'target', 'rel'], th: ['align'], td: ['align'], ol: ['start'] },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowProtocolRelative: false,
    disallowedTagsMode: 'discard',
    transformTags: { a: sanitizeHtml.simpleTransform('a', { target: '_blank', rel: 'noopener noreferrer nofollow' }) },
  });
}

export function toPolicyView(p: EffectivePolicy) {
  return {
    programId: p.programId,
    isDefault: p.isDefault,
    requiredFields: p.requiredFields,
    customFields: p.customFields.map((f) => ({ ...f, required: f.required ?? false })),
    approvalSlaHours: p.approvalSlaHours,
    protectionDays: p.protectionDays,
    maxExtensions: p.maxExtensions,
    extensionDays: p.extensionDays,
    extensionRequiresApproval: p.extensionRequiresApproval,
    eligibility: { partnerTypes: p.eligibility.partnerTypes as never[], tags: p.eligibility.tags },
    conflictHierarchy: p.conflictHierarchy as ('registered' | 'incumbent' | 'certified' | 'first_to_register')[],
    rulesOfEngagement: p.rulesOfEngagement,
    rulesOfEngagementHtml: renderRulesOfEngagement(p.rulesOfEngagement),
    updatedAt: p.updatedAt?.toISOString() ?? null,
  };
}

export async function programOf(db: Executor, workspaceId: string, programId: string) {
  const [row] = await db
    .select()
    .from(program)
    .where(and(eq(program.workspaceId, workspaceId), eq(program.id, programId)));
  return row ?? null;
}

export async function getPolicy(ctx: WorkspaceContext, programId: string) {
  if (!(await programOf(ctx.db, ctx.workspaceId, programId))) throw notFound('Program');
  return toPolicyView(await loadPolicy(ctx.db, ctx.workspaceId, programId));
}

export async function putPolicy(ctx: WorkspaceContext, programId: string, input: UpdateRegistrationPolicyRequest) {
  await ctx.db.transaction(async (tx) => {
    if (!(await programOf(tx, ctx.workspaceId, programId))) throw notFound('Program');
    const current = await loadPolicy(tx, ctx.workspaceId, programId);
    const next = {
      requiredFields: input.requiredFields ? [...new Set(input.requiredFields)] : current.requiredFields,
      customFields: input.customFields
        ? input.customFields.map((f) => ({ key: f.key, label: f.label, type: f.type, required: f.required, ...(f.type === 'select' ? { options: f.options } : {}) }))
        : current.customFields,
      approvalSlaHours: input.approvalSlaHours ?? current.approvalSlaHours,
      protectionDays: input.protectionDays ?? current.protectionDays,
      maxExtensions: input.maxExtensions ?? current.maxExtensions,
      extensionDays: input.extensionDays ?? current.extensionDays,
      extensionRequiresApproval: input.extensionRequiresApproval ?? current.extensionRequiresApproval,
      eligibility: input.eligibility ? { partnerTypes: [...new Set(input.eligibility.partnerTypes)], tags: [...new Set(input.eligibility.tags)] } : current.eligibility,
      conflictHierarchy: input.conflictHierarchy ?? current.conflictHierarchy,
      rulesOfEngagement: input.rulesOfEngagement ?? current.rulesOfEngagement,
    };
    if (!next.requiredFields.includes('accountName')) next.requiredFields = ['accountName', ...next.requiredFields];
    const now = new Date();
    await tx
      .insert(registrationPolicy)
      .values({ programId, workspaceId: ctx.workspaceId, ...next, updatedAt: now })
      .onConflictDoUpdate({ target: registrationPolicy.programId, set: { ...next, updatedAt: now } });
    const changes: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(next)) {
      const before = (current as unknown as Record<string, unknown>)[k];
      if (JSON.stringify(before) !== JSON.stringify(v)) changes[k] = { from: before, to: v };
    }
    await audit({ ...ctx, db: tx }, { action: 'registration_policy.updated', entityType: 'program', entityId: programId, changes });
  });
  return getPolicy(ctx, programId);
}

// ── Routing rules ──

const memberName = sql<string | null>`(select u.name from member m join auth_user u on u.id = m.user_id where m.id = "routing_rule"."reviewer_member_id")`;

export async function listRoutingRules(ctx: Pick<WorkspaceContext, 'workspaceId' | 'db'>) {
  const rows = await ctx.db
    .select({ r: routingRule, programName: program.name, reviewerName: memberName })
    .from(routingRule)
    .leftJoin(program, eq(program.id, routingRule.programId))
    .where(eq(routingRule.workspaceId, ctx.workspaceId))
    .orderBy(asc(routingRule.position));
  return {
    data: rows.map(({ r, programName, reviewerName }) => ({
      id: r.id,
      position: r.position,
      programId: r.programId,
      programName: programName ?? null,
      countries: r.countries,
      minAmountMinor: r.minAmountMinor?.toString() ?? null,
      maxAmountMinor: r.maxAmountMinor?.toString() ?? null,
      currency: r.currency,
      reviewerMemberId: r.reviewerMemberId,
      reviewerName,
    })),
  };
}

/** Replaces the workspace's routing rules with this ordered list. */
export async function putRoutingRules(ctx: WorkspaceContext, rules: RoutingRuleInput[]) {
  await ctx.db.transaction(async (tx) => {
    const fields: { path: string; message: string }[] = [];
    for (const [i, r] of rules.entries()) {
      if (r.programId && !(await programOf(tx, ctx.workspaceId, r.programId))) {
        fields.push({ path: `rules.${i}.programId`, message: 'is not a program of this workspace' });
      }
      const [m] = await tx
        .select({ id: member.id, role: member.role })
        .from(member)
        .where(and(eq(member.workspaceId, ctx.workspaceId), eq(member.id, r.reviewerMemberId)));
      if (!m) fields.push({ path: `rules.${i}.reviewerMemberId`, message: 'is not a member of this workspace' });
      else if (!['owner', 'admin', 'partner_manager'].includes(m.role)) {
        fields.push({ path: `rules.${i}.reviewerMemberId`, message: `a ${m.role} cannot review registrations` });
      }
    }
    if (fields.length > 0) throw new AppError('validation_failed', fields.map((f) => `${f.path}: ${f.message}`).join('; '), { fields });
    await tx.delete(routingRule).where(eq(routingRule.workspaceId, ctx.workspaceId));
    if (rules.length > 0) {
      await tx.insert(routingRule).values(
        rules.map((r, i) => ({
          id: newId('routingRule'),
          workspaceId: ctx.workspaceId,
          position: i,
          programId: r.programId ?? null,
          countries: [...new Set(r.countries)],
          minAmountMinor: r.minAmountMinor != null ? BigInt(r.minAmountMinor) : null,
          maxAmountMinor: r.maxAmountMinor != null ? BigInt(r.maxAmountMinor) : null,
          currency: r.currency ?? null,
          reviewerMemberId: r.reviewerMemberId,
        })),
      );
    }
    await audit({ ...ctx, db: tx }, { action: 'routing_rules.replaced', entityType: 'workspace', entityId: ctx.workspaceId, changes: { rules } });
  });
  return listRoutingRules(ctx);
}

export interface RoutingSubject {
  programId: string;
  country: string | null;
  amountMinor: bigint | null;
  currency: string;
}

type RuleRow = typeof routingRule.$inferSelect;

/** Does a rule match? Empty conditions match anything; an amount range needs an amount in the rule's currency (bounds inclusive). */
export function ruleMatches(rule: Pick<RuleRow, 'programId' | 'countries' | 'minAmountMinor' | 'maxAmountMinor' | 'currency'>, s: RoutingSubject): boolean {
  if (rule.programId && rule.programId !== s.programId) return false;
  if (rule.countries.length > 0 && (!s.country || !rule.countries.includes(s.country))) return false;
  if (rule.currency && rule.currency !== s.currency) return false;
  if (rule.minAmountMinor !== null || rule.maxAmountMinor !== null) {
    if (s.amountMinor === null) return false;
    if (rule.minAmountMinor !== null && s.amountMinor < rule.minAmountMinor) return false;
    if (rule.maxAmountMinor !== null && s.amountMinor > rule.maxAmountMinor) return false;
  }
  return true;
}

/** The reviewer: the first matching routing rule, else the partner's assigned manager, else none. */
export async function pickReviewer(db: Executor, workspaceId: string, subject: RoutingSubject, partnerManagerId: string | null): Promise<string | null> {
  const rules = await db.select().from(routingRule).where(eq(routingRule.workspaceId, workspaceId)).orderBy(asc(routingRule.position));
  const hit = rules.find((r) => ruleMatches(r, subject));
  return hit?.reviewerMemberId ?? partnerManagerId ?? null;
}
