import { index, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
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
