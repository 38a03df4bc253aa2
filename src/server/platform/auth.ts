import { randomBytes } from 'node:crypto';
import { drizzleAdapter } from '@better-auth/drizzle-adapter';
import { betterAuth } from 'better-auth';
import { magicLink } from 'better-auth/plugins/magic-link';
import { eq } from 'drizzle-orm';
import { type Config, trustedOrigins } from './config.ts';
import type { Db } from './db.ts';
import { emit } from './events.ts';
import { type IdKind, newId } from './ids.ts';
import { authAccount, authSession, authUser, authVerification, instanceSetting } from './schema.ts';

export const MAGIC_LINK_REQUESTED = 'auth.magic_link_requested';
const MAGIC_LINK_TTL_SECONDS = 15 * 60;

const MODEL_ID_KIND: Record<string, IdKind> = {
  user: 'user',
  session: 'session',
  account: 'authAccount',
  verification: 'verification',
};

/**
 * Magic links made for a redirect (a partner's invitation link signs them straight in)
 * are captured here instead of emailed. Keyed by a one-off id passed as metadata.
 */
const capturedLinks = new Map<string, string>();

export interface AuthOptions {
  db: Db;
  config: Config;
  secret: string;
  /** Called after a magic-link event is committed, to start delivery at once. */
  onEventEmitted: () => void;
}

export function createAuth(options: AuthOptions) {
  const { config } = options;
  const url = new URL(config.publicUrl);
  return betterAuth({
    appName: 'OpenPRM',
    baseURL: config.publicUrl,
    basePath: '/api/auth',
    secret: options.secret,
    trustedOrigins: [...trustedOrigins(config.publicUrl)],
    database: drizzleAdapter(options.db, {
      provider: 'pg',
      schema: { user: authUser, session: authSession, account: authAccount, verification: authVerification },
    }),
    emailAndPassword: { enabled: true, minPasswordLength: 10, maxPasswordLength: 256, autoSignIn: true },
    session: { expiresIn: 60 * 60 * 24 * 14, updateAge: 60 * 60 * 24 },
    // Sign-in endpoints are rate limited by OpenPRM's own limiter (platform/rate-limit.ts).
    rateLimit: { enabled: false },
    advanced: {
      cookiePrefix: 'openprm',
      useSecureCookies: url.protocol === 'https:',
      database: { generateId: ({ model }) => newId(MODEL_ID_KIND[model] ?? 'verification') },
    },
    telemetry: { enabled: false },
    plugins: [
      magicLink({
        expiresIn: MAGIC_LINK_TTL_SECONDS,
        storeToken: 'hashed',
        sendMagicLink: async ({ email, url: link, metadata }) => {
          const captureId = typeof metadata?.captureId === 'string' ? metadata.captureId : null;
          if (captureId) {
            capturedLinks.set(captureId, link);
            return;
          }
          await emit(options.db, null, MAGIC_LINK_REQUESTED, { email: email.toLowerCase(), url: link, expiresInMinutes: MAGIC_LINK_TTL_SECONDS / 60 });
          options.onEventEmitted();
        },
      }),
    ],
  });
}

export type Auth = ReturnType<typeof createAuth>;

/** Makes a magic link for `email` without emailing it (used to sign an invited partner straight in). */
export async function createMagicLinkForRedirect(auth: Auth, person: { email: string; name: string }, callbackURL: string, headers: Headers): Promise<string> {
  const captureId = randomBytes(12).toString('hex');
  await auth.api.signInMagicLink({ body: { email: person.email, name: person.name, callbackURL, metadata: { captureId } }, headers });
  const link = capturedLinks.get(captureId);
  capturedLinks.delete(captureId);
  if (!link) throw new Error('Magic link was not produced');
  return link;
}

/** AUTH_SECRET, or one generated once and kept in the database, so sessions survive restarts. */
export async function resolveAuthSecret(db: Db, configured: string | null): Promise<string> {
  if (configured) return configured;
  const [existing] = await db.select().from(instanceSetting).where(eq(instanceSetting.key, 'auth_secret'));
  if (existing) return existing.value;
  const generated = randomBytes(32).toString('hex');
  await db.insert(instanceSetting).values({ key: 'auth_secret', value: generated }).onConflictDoNothing();
  const [row] = await db.select().from(instanceSetting).where(eq(instanceSetting.key, 'auth_secret'));
  return row?.value ?? generated;
}
