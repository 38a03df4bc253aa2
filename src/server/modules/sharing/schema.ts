import { bigint, index, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { partner } from '../partners/schema.ts';
import { program } from '../programs/schema.ts';
import { workspace } from '../workspaces/schema.ts';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * What partners see of a field: hidden (the default when no rule exists), visible, masked
 * or banded. `programId` null = every program; `audience` is a partner role or `*`.
 */
export const fieldShareRule = pgTable(
  'field_share_rule',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspace.id, { onDelete: 'cascade' }),
    programId: text('program_id').references(() => program.id, { onDelete: 'cascade' }),
    object: text('object').notNull(), // registration | deal | account
    field: text('field').notNull(),
    audience: text('audience').notNull().default('*'),
    mode: text('mode').notNull(), // hidden | visible | masked | banded
    bandSizeMinor: bigint('band_size_minor', { mode: 'bigint' }),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('field_share_rule_uq').on(t.workspaceId, t.programId, t.object, t.field, t.audience)],
);

/** A time-bound link that lets one partner view one record (and update its next step) without signing in. */
export const signedLink = pgTable(
  'signed_link',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspace.id, { onDelete: 'cascade' }),
    object: text('object').notNull(), // deal
    entityId: text('entity_id').notNull(),
    partnerId: text('partner_id')
      .notNull()
      .references(() => partner.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull(),
    expiresAt: ts('expires_at').notNull(),
    revokedAt: ts('revoked_at'),
    createdByMemberId: text('created_by_member_id'),
    lastViewedAt: ts('last_viewed_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('signed_link_token_uq').on(t.tokenHash), index('signed_link_entity_idx').on(t.workspaceId, t.object, t.entityId)],
);
