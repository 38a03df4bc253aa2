import { z } from '@hono/zod-openapi';
import { PARTNER_ROLES } from '../../platform/context.ts';
import { SHARE_MODES, SHARE_OBJECTS } from './projection.ts';

export const ZShareObject = z.enum(SHARE_OBJECTS).openapi('ShareObject');
export const ZShareMode = z.enum(SHARE_MODES).openapi('ShareMode');
export const ZShareAudience = z.enum(['*', ...PARTNER_ROLES]).openapi('ShareAudience');

export const ZSharingRule = z
  .object({
    id: z.string(),
    programId: z.string().nullable().openapi({ description: 'null: every program' }),
    object: ZShareObject,
    field: z.string(),
    audience: ZShareAudience.openapi({ description: 'A partner role, or * for every role' }),
    mode: ZShareMode,
    bandSizeMinor: z.string().nullable().openapi({ description: 'Band width in minor units for `banded` money; null: the default bands' }),
    updatedAt: z.string(),
  })
  .openapi('SharingRule');

export const ZShareableField = z
  .object({ field: z.string(), kind: z.enum(['money', 'text', 'email', 'number', 'date']), modes: z.array(ZShareMode) })
  .openapi('ShareableField');

export const ZSharingRules = z
  .object({
    data: z.array(ZSharingRule),
    catalog: z
      .array(z.object({ object: ZShareObject, alwaysVisible: z.array(z.string()), shareable: z.array(ZShareableField) }))
      .openapi({ description: 'Per object: the base fields partners always see for their own records, and the fields a rule may share' }),
  })
  .openapi('SharingRules');

export const ZSharingRuleInput = z
  .object({
    programId: z.string().max(64).nullable().default(null),
    object: ZShareObject,
    field: z.string().min(1).max(64),
    audience: ZShareAudience.default('*'),
    mode: ZShareMode,
    bandSizeMinor: z.string().regex(/^\d{1,18}$/, 'must be a positive integer number of minor units, as a string').nullable().optional(),
  })
  .openapi('SharingRuleInput');
export type SharingRuleInput = z.infer<typeof ZSharingRuleInput>;

export const ZUpsertSharingRulesRequest = z.object({ rules: z.array(ZSharingRuleInput).min(1).max(200) }).openapi('UpsertSharingRulesRequest');
