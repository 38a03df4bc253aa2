import { eq, sql } from 'drizzle-orm';
import { partner } from '../../src/server/modules/partners/schema.ts';
import { PARTNER_TYPES } from '../../src/server/modules/programs/contract.ts';
import { member } from '../../src/server/modules/workspaces/schema.ts';
import { createApiKey, createWorkspace } from '../../src/server/modules/workspaces/service.ts';
import { loadConfig } from '../../src/server/platform/config.ts';
import type { WorkspaceContext } from '../../src/server/platform/context.ts';
import { newId } from '../../src/server/platform/ids.ts';
import { authUser } from '../../src/server/platform/schema.ts';
import { buildServices, closeServices } from '../../src/server/platform/services.ts';
import { seededRandom } from '../../src/server/test/random.ts';

const CHUNK = 1000;
const OWNER = { name: 'Bench Owner', email: 'owner@bench.openprm.dev', password: 'bench-owner-password' };

const STEMS = ['North', 'Blue', 'Kestrel', 'Harbor', 'Lumen', 'Solstice', 'Orbit', 'Grey', 'Tide', 'Copper', 'Fjord', 'Maple', 'Quantum', 'Red', 'Atlas', 'Nimbus', 'Bright', 'Helix', 'Vantage', 'Ember', 'Cobalt', 'Summit'];
const ROOTS = ['wind', 'fin', 'stone', 'light', 'path', 'bridge', 'field', 'point', 'wave', 'leaf', 'gate', 'forge', 'wood'];
const SUFFIXES = ['Consulting', 'Digital', 'Systems', 'Partners', 'Integrations', 'IT', 'Commerce', 'Analytics', 'Networks', 'Advisory', 'Cloud', 'Labs'];
const COUNTRIES = ['US', 'GB', 'DE', 'CA', 'NL', 'FR', 'AU', 'IE', 'NO', 'AE', 'IN', 'ES', 'SG', 'CH', 'BR', 'IT', 'JP'];
const TAGS = ['emea', 'apac', 'latam', 'north-america', 'strategic', 'integration', 'marketplace', 'creator', 'dach', 'uk', 'nordics'];


function partnerRows(workspaceId: string, managerMemberId: string, count: number): (typeof partner.$inferInsert)[] {
  const random = seededRandom(42);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  return Array.from({ length: count }, (_, i) => {
    const name = `${pick(STEMS)}${pick(ROOTS)} ${pick(SUFFIXES)}`;
    const domain = `${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${i}.example`;
    const tags = [...new Set([pick(TAGS), ...(random() < 0.5 ? [pick(TAGS)] : [])])];
    return {
      id: newId('partner'),
      workspaceId,
      kind: random() < 0.1 ? 'individual' : 'organization',
      name,
      website: `https://${domain}`,
      domain,
      country: pick(COUNTRIES),
      type: pick(PARTNER_TYPES),
      tags,
      // Most partners have a manager, so the list's manager-name lookup does real work.
      managerMemberId: random() < 0.7 ? managerMemberId : null,
    };
  });
}

/**
 * Migrates the database, creates a workspace with an owner and an admin API key, and inserts
 * `count` partners with multi-row INSERTs. Returns the key's secret.
 */
export async function seedPartners(databaseUrl: string, count: number): Promise<{ apiKey: string; workspaceId: string }> {
  const config = loadConfig({ DATABASE_URL: databaseUrl }, { logLevel: 'silent', seedDemo: false, runJobs: false });
  const s = await buildServices(config);
  try {
    await s.auth.api.signUpEmail({ body: OWNER });
    const [user] = await s.db.select().from(authUser).where(eq(authUser.email, OWNER.email));
    const ws = await createWorkspace(s.db, { id: user.id, name: user.name, email: user.email, emailVerified: true }, { name: 'Bench workspace' }, null);
    const [owner] = await s.db.select().from(member).where(eq(member.workspaceId, ws.id));
    const ctx: WorkspaceContext = {
      workspaceId: ws.id,
      principal: { kind: 'member', userId: user.id, memberId: owner.id, name: user.name, email: user.email, role: 'owner' },
      requestId: null,
      db: s.db,
      log: s.log,
    };
    const { secret } = await createApiKey(ctx, { name: 'bench', role: 'admin' });
    const rows = partnerRows(ws.id, owner.id, count);
    for (let i = 0; i < rows.length; i += CHUNK) {
      await s.db.insert(partner).values(rows.slice(i, i + CHUNK));
    }
    // Planner statistics, as autovacuum would have gathered on a database that grew over time.
    await s.db.execute(sql`analyze`);
    return { apiKey: secret, workspaceId: ws.id };
  } finally {
    await closeServices(s);
  }
}
