import { and, asc, eq } from 'drizzle-orm';
import { now } from '../../platform/clock.ts';
import type { WorkspaceContext } from '../../platform/context.ts';
import { enrollment, partner } from '../partners/schema.ts';
import { program } from '../programs/schema.ts';
import { recordConversion } from './conversions.ts';
import { fastClickId } from './redirect.ts';
import { click, clickDaily } from './schema.ts';
import { createLink, updateTrackingSettings } from './service.ts';

const DAY = 86_400_000;

/**
 * Demo referral tracking: links for the first enrolled partners, 30 days of clicks (counters and
 * the click rows behind the unique ones), leads and sales credited through those links, and one
 * unattributed sale waiting for manual attribution. Built through the services (audited).
 */
export async function seedDemoTracking(ctx: WorkspaceContext): Promise<void> {
  const enrolled = await ctx.db
    .select({ partnerId: enrollment.partnerId, programId: enrollment.programId, name: partner.name, currency: program.currency })
    .from(enrollment)
    .innerJoin(partner, eq(partner.id, enrollment.partnerId))
    .innerJoin(program, eq(program.id, enrollment.programId))
    .where(and(eq(enrollment.workspaceId, ctx.workspaceId), eq(enrollment.status, 'active')))
    .orderBy(asc(partner.name));
  if (enrolled.length === 0) return;
  const programs = [...new Set(enrolled.map((e) => e.programId))];
  for (const programId of programs) {
    await updateTrackingSettings(ctx, programId, { defaultDestinationUrl: 'https://www.acme-cloud.example/pricing' });
  }
  const today = Math.floor(now().getTime() / DAY);
  let seed = 7;
  const rand = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  const picked = enrolled.slice(0, 4);
  for (const [i, e] of picked.entries()) {
    const code = `${e.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 24)}${i === 0 ? '' : `-${i}`}`;
    const link = await createLink(ctx, '', {
      partnerId: e.partnerId,
      programId: e.programId,
      code,
      name: i === 0 ? 'Website banner' : 'Newsletter',
      params: { utm_source: 'partner', utm_medium: 'referral', utm_campaign: code },
    });
    const scale = 40 - i * 9;
    const clicks: (typeof click.$inferInsert)[] = [];
    for (let d = 29; d >= 0; d--) {
      const unique = Math.max(0, Math.round(scale * (0.4 + rand()) * (1 + (29 - d) / 40)));
      const total = unique + Math.round(unique * 0.25 * rand());
      const bot = Math.round(unique * 0.1 * rand());
      const day = new Date((today - d) * DAY).toISOString().slice(0, 10);
      await ctx.db.insert(clickDaily).values({ workspaceId: ctx.workspaceId, linkId: link.id, day, partnerId: e.partnerId, programId: e.programId, total, uniqueClicks: unique, bot });
      for (let k = 0; k < Math.min(unique, 3); k++) {
        const at = new Date((today - d) * DAY + (9 + k * 3) * 3_600_000);
        clicks.push({ id: fastClickId(at.getTime()), workspaceId: ctx.workspaceId, linkId: link.id, programId: e.programId, partnerId: e.partnerId, visitorId: `vdemo${i}x${d}x${k}`, ip: null, userAgent: 'Mozilla/5.0 (demo)', referer: null, occurredAt: at });
      }
    }
    await ctx.db.insert(click).values(clicks);
    // Leads from some of those clicks, and sales from some of the leads.
    const leads = 6 - i;
    for (let n = 0; n < leads; n++) {
      const c = clicks[(n * 7 + 3) % clicks.length];
      const customer = { externalId: `demo-user-${i}-${n}`, email: `customer${i}${n}@${['globex', 'initech', 'umbrella', 'hooli', 'vandelay'][n % 5]}.example` };
      const leadAt = new Date(c.occurredAt.getTime() + 20 * 60_000);
      await ctx.db.transaction((tx) =>
        recordConversion(tx, ctx.workspaceId, {
          kind: 'lead', source: 'tracking_api', idempotencyKey: `demo:lead:${i}:${n}`, externalRef: null, originalRef: null, subscriptionRef: null,
          amount: null, product: null, recurring: null, occurredAt: leadAt, customer, clickId: c.id,
        }),
      );
      if (n % 2 === 0) {
        await ctx.db.transaction((tx) =>
          recordConversion(tx, ctx.workspaceId, {
            kind: 'sale', source: 'tracking_api', idempotencyKey: `demo:sale:${i}:${n}`, externalRef: `demo-order-${i}-${n}`, originalRef: null, subscriptionRef: null,
            amount: { amountMinor: BigInt([4900, 19900, 9900][n % 3]), currency: e.currency }, product: ['Starter', 'Business', 'Pro'][n % 3], recurring: false,
            occurredAt: new Date(Math.min(leadAt.getTime() + 2 * DAY, now().getTime() - 3_600_000)), customer: { externalId: customer.externalId },
          }),
        );
      }
    }
  }
  // A sale nobody could attribute: shown in Conversions, waiting for "Attribute to partner".
  await ctx.db.transaction((tx) =>
    recordConversion(tx, ctx.workspaceId, {
      kind: 'sale', source: 'tracking_api', idempotencyKey: 'demo:sale:walk-in', externalRef: 'demo-order-walk-in', originalRef: null, subscriptionRef: null,
      amount: { amountMinor: 19900n, currency: enrolled[0].currency }, product: 'Business', recurring: false,
      occurredAt: new Date(now().getTime() - 3 * DAY), customer: { email: 'ops@stark-industries.example', name: 'Stark Industries' },
    }),
  );
}
