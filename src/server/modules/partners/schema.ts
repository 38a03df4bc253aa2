import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { authUser } from '../../platform/schema.ts';
import { program, tier } from '../programs/schema.ts';
import { member, workspace } from '../workspaces/schema.ts';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const partner = pgTable(
  'partner',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspace.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(), // organization | individual
    name: text('name').notNull(),
    website: text('website'),
    domain: text('domain'),
    country: text('country'),
    type: text('type').notNull(),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    managerMemberId: text('manager_member_id').references(() => member.id, { onDelete: 'set null' }),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('partner_ws_domain_uq').on(t.workspaceId, t.domain).where(sql`${t.domain} is not null`),
    index('partner_ws_id_idx').on(t.workspaceId, t.id),
    index('partner_ws_name_idx').on(t.workspaceId, t.name, t.id),
    index('partner_tags_idx').using('gin', t.tags),
  ],
);

export const enrollment = pgTable(
  'enrollment',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspace.id, { onDelete: 'cascade' }),
    partnerId: text('partner_id')
      .notNull()
      .references(() => partner.id, { onDelete: 'cascade' }),
    programId: text('program_id')
      .notNull()
      .references(() => program.id, { onDelete: 'cascade' }),
    status: text('status').notNull(), // active | paused | terminated
    tierId: text('tier_id').references(() => tier.id, { onDelete: 'restrict' }),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('enrollment_partner_program_uq').on(t.partnerId, t.programId),
    index('enrollment_program_idx').on(t.programId),
    index('enrollment_tier_idx').on(t.tierId),
  ],
);

export const partnerUser = pgTable(
  'partner_user',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspace.id, { onDelete: 'cascade' }),
    partnerId: text('partner_id')
      .notNull()
      .references(() => partner.id, { onDelete: 'cascade' }),
    userId: text('user_id').references(() => authUser.id),
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: text('role').notNull(), // admin | seller | finance | technical
    status: text('status').notNull(), // invited | active
    inviteTokenHash: text('invite_token_hash'),
    inviteExpiresAt: ts('invite_expires_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    activatedAt: ts('activated_at'),
  },
  (t) => [
    uniqueIndex('partner_user_partner_email_uq').on(t.partnerId, t.email),
    uniqueIndex('partner_user_invite_uq').on(t.inviteTokenHash),
    index('partner_user_email_idx').on(t.email),
  ],
);

export interface ImportError {
  line: number;
  column: string;
  reason: string;
}

export const partnerImport = pgTable(
  'partner_import',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspace.id, { onDelete: 'cascade' }),
    filename: text('filename'),
    status: text('status').notNull(), // validated | importing | completed | discarded | failed
    totalRows: integer('total_rows').notNull(),
    validRows: integer('valid_rows').notNull(),
    invalidRows: integer('invalid_rows').notNull(),
    processedRows: integer('processed_rows').notNull().default(0),
    importedRows: integer('imported_rows').notNull().default(0),
    errors: jsonb('errors').$type<ImportError[]>().notNull(),
    rows: jsonb('rows').$type<Record<string, unknown>[]>().notNull(),
    createdByUserId: text('created_by_user_id'),
    createdAt: ts('created_at').notNull().defaultNow(),
    completedAt: ts('completed_at'),
  },
  (t) => [index('partner_import_ws_idx').on(t.workspaceId, t.id)],
);
