import { index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { workspace } from '../workspaces/schema.ts';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const program = pgTable(
  'program',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspace.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    partnerType: text('partner_type').notNull(),
    description: text('description').notNull().default(''),
    terms: text('terms').notNull().default(''),
    currency: text('currency').notNull(),
    status: text('status').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('program_ws_name_uq').on(t.workspaceId, t.name), index('program_ws_idx').on(t.workspaceId, t.id)],
);

/** A partner tier of a program (Registered, Silver, Gold…); rank 1 is the entry level. */
export const tier = pgTable(
  'tier',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspace.id, { onDelete: 'cascade' }),
    programId: text('program_id')
      .notNull()
      .references(() => program.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    rank: integer('rank').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('tier_program_name_uq').on(t.programId, t.name), index('tier_ws_program_idx').on(t.workspaceId, t.programId, t.rank)],
);
