import { eq, sql } from 'drizzle-orm';
import type { WorkspaceContext } from '../platform/context.ts';
import type { Services, SessionUser } from '../platform/http.ts';
import { newId } from '../platform/ids.ts';
import { authUser } from '../platform/schema.ts';
import { seedDemoDeals } from '../modules/deals/demo.ts';
import { seedDemoRegistrations } from '../modules/registrations/demo.ts';
import { seedDemoPayouts } from '../modules/payouts/demo.ts';
import { seedDemoBilling } from '../modules/billing/demo.ts';
import { seedDemoTracking } from '../modules/tracking/demo.ts';
import { seedDemoCommissions } from '../modules/commissions/demo.ts';
import { createPartner, enrollPartner, invitePartnerUser } from '../modules/partners/service.ts';
import { createProgram } from '../modules/programs/service.ts';
import { DEMO_TIERS, seedDemoTiers } from '../modules/programs/demo.ts';
import { workspace } from '../modules/workspaces/schema.ts';
import { createWorkspace, inviteMember } from '../modules/workspaces/service.ts';
import { member } from '../modules/workspaces/schema.ts';

export const DEMO_OWNER = { name: 'Dana Whitfield', email: 'owner@demo.openprm.dev', password: 'openprm-demo' } as const;
export const DEMO_MANAGER = { name: 'Marco Reyes', email: 'manager@demo.openprm.dev', password: 'openprm-demo' } as const;
export const DEMO_PARTNER_USER = { name: 'Priya Nair', email: 'priya@northwind-consulting.example', partner: 'Northwind Consulting' } as const;

const PARTNERS: { name: string; website: string; country: string; type: string; kind?: 'individual'; tags: string[]; programs: ('referral' | 'reseller')[] }[] = [
  { name: 'Northwind Consulting', website: 'northwind-consulting.example', country: 'US', type: 'si_msp', tags: ['emea', 'strategic'], programs: ['reseller', 'referral'] },
  { name: 'Bluefin Digital', website: 'bluefin-digital.example', country: 'GB', type: 'agency', tags: ['uk'], programs: ['referral'] },
  { name: 'Kestrel Systems', website: 'kestrel-systems.example', country: 'DE', type: 'reseller', tags: ['dach', 'strategic'], programs: ['reseller'] },
  { name: 'Harbor & Pine Partners', website: 'harborpine.example', country: 'CA', type: 'referral', tags: ['north-america'], programs: ['referral'] },
  { name: 'Lumen Integrations', website: 'lumen-integrations.example', country: 'NL', type: 'technology', tags: ['integration'], programs: ['referral'] },
  { name: 'Solstice IT', website: 'solstice-it.example', country: 'FR', type: 'si_msp', tags: ['france'], programs: ['reseller'] },
  { name: 'Orbital Commerce', website: 'orbital-commerce.example', country: 'US', type: 'marketplace', tags: ['marketplace'], programs: [] },
  { name: 'Greywater Analytics', website: 'greywater-analytics.example', country: 'AU', type: 'agency', tags: ['apac'], programs: ['referral'] },
  { name: 'Tidewater Networks', website: 'tidewater-networks.example', country: 'US', type: 'reseller', tags: ['north-america'], programs: ['reseller'] },
  { name: 'Copperleaf Advisory', website: 'copperleaf.example', country: 'IE', type: 'si_msp', tags: ['emea'], programs: ['reseller', 'referral'] },
  { name: 'Fjord Cloud Services', website: 'fjordcloud.example', country: 'NO', type: 'si_msp', tags: ['nordics'], programs: ['reseller'] },
  { name: 'Sahara Tech Distribution', website: 'saharatech.example', country: 'AE', type: 'reseller', tags: ['mea'], programs: ['reseller'] },
  { name: 'Maple Leaf Growth', website: 'mapleleafgrowth.example', country: 'CA', type: 'agency', tags: ['north-america'], programs: ['referral'] },
  { name: 'Quantum Leap Labs', website: 'quantumleaplabs.example', country: 'IN', type: 'technology', tags: ['integration', 'apac'], programs: ['referral'] },
  { name: 'Redwood Revenue Co', website: 'redwoodrevenue.example', country: 'US', type: 'referral', tags: ['north-america'], programs: ['referral'] },
  { name: 'Atlas Digital Agency', website: 'atlasdigital.example', country: 'ES', type: 'agency', tags: ['emea'], programs: ['referral'] },
  { name: 'Nimbus Managed Services', website: 'nimbus-msp.example', country: 'SG', type: 'si_msp', tags: ['apac', 'strategic'], programs: ['reseller'] },
  { name: 'Brightpath SaaS Reviews', website: 'brightpath-reviews.example', country: 'US', type: 'affiliate', tags: ['content'], programs: ['referral'] },
  { name: 'Helix Data Partners', website: 'helixdata.example', country: 'CH', type: 'technology', tags: ['dach', 'integration'], programs: [] },
  { name: 'Vantage Point Resellers', website: 'vantagepoint.example', country: 'BR', type: 'reseller', tags: ['latam'], programs: ['reseller'] },
  { name: 'Ember & Oak Marketing', website: 'emberoak.example', country: 'GB', type: 'agency', tags: ['uk'], programs: ['referral'] },
  { name: 'Cobalt Cloud Marketplace', website: 'cobaltmarket.example', country: 'US', type: 'marketplace', tags: ['marketplace'], programs: [] },
  { name: 'Jordan Ellis', website: 'jordanellis.example', country: 'US', type: 'affiliate', kind: 'individual', tags: ['creator'], programs: ['referral'] },
  { name: 'Sofia Marchetti', website: 'sofiamarchetti.example', country: 'IT', type: 'affiliate', kind: 'individual', tags: ['creator', 'emea'], programs: ['referral'] },
  { name: 'Kenji Watanabe', website: 'kenjiwatanabe.example', country: 'JP', type: 'referral', kind: 'individual', tags: ['apac'], programs: ['referral'] },
];

async function ensureUser(s: Services, input: { name: string; email: string; password: string }): Promise<SessionUser> {
  const [existing] = await s.db.select().from(authUser).where(eq(authUser.email, input.email));
  if (!existing) await s.auth.api.signUpEmail({ body: input });
  const [row] = await s.db.select().from(authUser).where(eq(authUser.email, input.email));
  await s.db.update(authUser).set({ emailVerified: true }).where(eq(authUser.id, row.id));
  return { id: row.id, name: row.name, email: row.email, emailVerified: true };
}

export async function databaseIsEmpty(s: Services): Promise<boolean> {
  const [row] = await s.db.select({ n: sql<number>`count(*)::int` }).from(workspace);
  return (row?.n ?? 0) === 0;
}

/** A clearly labelled demo workspace: 2 programs, 25 partners, partner users, audit history. */
export async function seedDemo(s: Services): Promise<{ workspaceId: string }> {
  const owner = await ensureUser(s, DEMO_OWNER);
  const manager = await ensureUser(s, DEMO_MANAGER);
  const ws = await createWorkspace(s.db, owner, { name: 'Acme Cloud (demo)', timeZone: 'America/New_York', isDemo: true }, null);
  const [ownerMember] = await s.db.select().from(member).where(eq(member.userId, owner.id));
  const ctx: WorkspaceContext = {
    workspaceId: ws.id,
    principal: { kind: 'member', userId: owner.id, memberId: ownerMember.id, name: owner.name, email: owner.email, role: 'owner' },
    requestId: null,
    db: s.db,
    log: s.log,
  };
  const managerMemberId = newId('member');
  await s.db.insert(member).values({ id: managerMemberId, workspaceId: ws.id, userId: manager.id, role: 'partner_manager' });
  await inviteMember(ctx, s.tokens, { email: 'finance@demo.openprm.dev', role: 'finance' });

  const referral = await createProgram(ctx, {
    name: 'Referral Partners',
    partnerType: 'referral',
    description: 'Refer customers to Acme Cloud and earn 20% of first-year revenue.',
    terms: 'Referrals are protected for 90 days from approval. Commissions are paid monthly once approved.',
    currency: 'USD',
    status: 'active',
  });
  const reseller = await createProgram(ctx, {
    name: 'Reseller Program',
    partnerType: 'reseller',
    description: 'Resell Acme Cloud with tiered margins, deal registration and MDF.',
    terms: 'Registered deals are protected for 90 days. Margins by tier: Registered 10%, Silver 15%, Gold 20%.',
    currency: 'EUR',
    status: 'active',
  });
  const programs = { referral: referral.id, reseller: reseller.id };
  const tiers = { referral: await seedDemoTiers(ctx, referral.id), reseller: await seedDemoTiers(ctx, reseller.id) };
  for (const [i, p] of PARTNERS.entries()) {
    const created = await createPartner(ctx, {
      kind: p.kind ?? 'organization',
      name: p.name,
      website: p.website,
      country: p.country,
      type: p.type as 'referral',
      tags: p.tags,
      managerMemberId: i % 3 === 0 ? ownerMember.id : managerMemberId,
    });
    // Most partners sit on a tier (Registered, Silver, Gold in turn); every fifth has none yet.
    for (const program of p.programs) {
      const tierId = i % 5 === 4 ? null : tiers[program][DEMO_TIERS[(i + (program === 'reseller' ? 1 : 0)) % 3]];
      await enrollPartner(ctx, created.id, programs[program], tierId);
    }
    if (p.name === DEMO_PARTNER_USER.partner) {
      await invitePartnerUser(ctx, s.tokens, created.id, { email: DEMO_PARTNER_USER.email, name: DEMO_PARTNER_USER.name, role: 'admin' });
      await invitePartnerUser(ctx, s.tokens, created.id, { email: 'li.wei@northwind-consulting.example', name: 'Li Wei', role: 'seller' });
    }
    if (p.name === 'Kestrel Systems') {
      await invitePartnerUser(ctx, s.tokens, created.id, { email: 'jonas@kestrel-systems.example', name: 'Jonas Becker', role: 'admin' });
    }
  }
  await seedDemoDeals(ctx);
  await seedDemoRegistrations(ctx);
  // Revenue: links and clicks → billing events → commissions → payouts (each reads what the one before left).
  await seedDemoTracking(ctx);
  await seedDemoBilling(ctx, s);
  await seedDemoCommissions(ctx);
  await seedDemoPayouts(ctx, s.secrets);
  await s.bus.drain();
  return { workspaceId: ws.id };
}
