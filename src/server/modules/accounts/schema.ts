import { sql } from 'drizzle-orm';
import { boolean, index, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { partner } from '../partners/schema.ts';
import { NAME_SIZE_CLASSES, nameSizeClassPredicate } from './name-size.ts';
import { workspace } from '../workspaces/schema.ts';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** A customer company. `matchName` is the normalized name the fuzzy conflict check compares. */
export const account = pgTable(
  'account',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspace.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    matchName: text('match_name').notNull(),
    domain: text('domain'),
    country: text('country'),
    /** The partner that holds the customer (renewals keep it). */
    incumbentPartnerId: text('incumbent_partner_id').references(() => partner.id, { onDelete: 'set null' }),
    /**
     * Someone has a claim on this customer: an active registration (submitted, info requested,
     * approved), an open deal, or an incumbent partner. Kept by database triggers (migration
     * 0007_accounts_claimed) so no code path can forget it; only claimed accounts can conflict,
     * so the conflict check's name search reads the small partial index below.
     */
    claimed: boolean('claimed').notNull().default(false),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('account_ws_domain_uq').on(t.workspaceId, t.domain).where(sql`${t.domain} is not null`),
    index('account_ws_id_idx').on(t.workspaceId, t.id),
    // Trigram indexes over claimed names, one per name size class (accounts/name-size.ts): the conflict check's similar-name search.
    // Without GIN's pending list (fastupdate off): every search reads the whole pending list, so
    // 3,000 newly claimed names waiting for vacuum made the check 5× slower (p50 3.9 → 22.5 ms on
    // the bench's 1 M accounts); a claim is rare next to checks, so it pays the index update itself.
    ...NAME_SIZE_CLASSES.map((sizeClass) =>
      index(`account_claimed_name_trgm_${sizeClass[0]}_idx`)
        .using('gin', sql`${t.matchName} gin_trgm_ops`)
        .with({ fastupdate: false })
        .where(sql`${t.claimed} and ${nameSizeClassPredicate(sql`${t.matchName}`, sizeClass)}`),
    ),
    // The brand rule's candidates (accounts/matching.ts brandOf): claimed names of two words or more, by first
    // word. The predicate is not implied by the similar-name search (claimed alone), so the planner can never read
    // this index whole in place of the trigram index there (it did on small tables).
    index('account_claimed_brand_idx')
      .on(sql`split_part(${t.matchName}, ' ', 1)`)
      .where(sql`${t.claimed} and strpos(${t.matchName}, ' ') > 0`),
  ],
);

export const contact = pgTable(
  'contact',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspace.id, { onDelete: 'cascade' }),
    accountId: text('account_id')
      .notNull()
      .references(() => account.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    email: text('email'),
    phone: text('phone'),
    title: text('title'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('contact_account_idx').on(t.accountId), index('contact_ws_email_idx').on(t.workspaceId, t.email)],
);
