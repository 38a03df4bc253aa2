import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

// ── Identity (better-auth's tables; field names are better-auth's, columns are ours) ──
export const authUser = pgTable('auth_user', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  email: text('email').notNull().unique(),
  emailVerified: boolean('email_verified').notNull().default(false),
  image: text('image'),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const authSession = pgTable(
  'auth_session',
  {
    id: text('id').primaryKey(),
    expiresAt: ts('expires_at').notNull(),
    token: text('token').notNull().unique(),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    ipAddress: text('ip_address'),
    userAgent: text('user_agent'),
    userId: text('user_id')
      .notNull()
      .references(() => authUser.id, { onDelete: 'cascade' }),
  },
  (t) => [index('auth_session_user_idx').on(t.userId)],
);

export const authAccount = pgTable(
  'auth_account',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id').notNull(),
    providerId: text('provider_id').notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => authUser.id, { onDelete: 'cascade' }),
    accessToken: text('access_token'),
    refreshToken: text('refresh_token'),
    idToken: text('id_token'),
    accessTokenExpiresAt: ts('access_token_expires_at'),
    refreshTokenExpiresAt: ts('refresh_token_expires_at'),
    scope: text('scope'),
    password: text('password'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('auth_account_user_idx').on(t.userId)],
);

export const authVerification = pgTable(
  'auth_verification',
  {
    id: text('id').primaryKey(),
    identifier: text('identifier').notNull(),
    value: text('value').notNull(),
    expiresAt: ts('expires_at').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('auth_verification_identifier_idx').on(t.identifier)],
);

/** Instance-wide settings such as the generated auth secret when AUTH_SECRET is not set. */
export const instanceSetting = pgTable('instance_setting', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
});

// ── Audit log: append-only ──
export const auditEntry = pgTable(
  'audit_entry',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    actorType: text('actor_type').notNull(),
    actorId: text('actor_id'),
    actorName: text('actor_name'),
    action: text('action').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id').notNull(),
    changes: jsonb('changes').$type<Record<string, unknown>>().notNull().default({}),
    requestId: text('request_id'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('audit_entry_ws_id_idx').on(t.workspaceId, t.id),
    index('audit_entry_ws_entity_idx').on(t.workspaceId, t.entityType, t.entityId),
    index('audit_entry_ws_actor_idx').on(t.workspaceId, t.actorId),
  ],
);

// ── Outbox: domain events committed with the state change, delivered by jobs ──
export const event = pgTable(
  'event',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id'),
    type: text('type').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    dispatchedAt: ts('dispatched_at'),
  },
  (t) => [index('event_undispatched_idx').on(t.id).where(sql`${t.dispatchedAt} is null`)],
);

/** One row per (event, handler): the visible delivery log and the idempotency guard. */
export const delivery = pgTable(
  'delivery',
  {
    id: text('id').primaryKey(),
    eventId: text('event_id')
      .notNull()
      .references(() => event.id),
    workspaceId: text('workspace_id'),
    handler: text('handler').notNull(),
    status: text('status').notNull(), // pending | done | failed
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    createdAt: ts('created_at').notNull().defaultNow(),
    completedAt: ts('completed_at'),
  },
  (t) => [uniqueIndex('delivery_event_handler_uq').on(t.eventId, t.handler)],
);

// ── Mail: every outgoing email is a row (sent by SMTP or captured in the dev outbox) ──
export const mailMessage = pgTable(
  'mail_message',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id'),
    idempotencyKey: text('idempotency_key').notNull(),
    to: text('to').notNull(),
    subject: text('subject').notNull(),
    text: text('text').notNull(),
    html: text('html').notNull(),
    transport: text('transport').notNull(), // smtp | captured
    status: text('status').notNull(), // queued | sent | captured | failed
    error: text('error'),
    providerMessageId: text('provider_message_id'),
    createdAt: ts('created_at').notNull().defaultNow(),
    sentAt: ts('sent_at'),
  },
  (t) => [
    uniqueIndex('mail_message_idempotency_uq').on(t.idempotencyKey),
    index('mail_message_ws_idx').on(t.workspaceId, t.id),
    index('mail_message_to_idx').on(t.to),
  ],
);
