import { eq } from 'drizzle-orm';
import type { WorkspaceContext } from '../../platform/context.ts';
import { partner } from '../partners/schema.ts';
import { program } from '../programs/schema.ts';
import type { RegistrationDetails } from './contract.ts';
import { decide } from './review.ts';
import { createRegistration } from './service.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Registrations for the demo workspace, through the services: one protected for weeks, one
 * waiting with a conflict (a claim on a customer another partner already works), one close
 * to breaching its SLA, one waiting for the partner's answer and one rejected.
 */
export async function seedDemoRegistrations(ctx: WorkspaceContext, now = new Date()): Promise<void> {
  const partners = await ctx.db.select({ id: partner.id, name: partner.name }).from(partner).where(eq(partner.workspaceId, ctx.workspaceId));
  const programs = await ctx.db.select({ id: program.id, name: program.name }).from(program).where(eq(program.workspaceId, ctx.workspaceId));
  const partnerId = (name: string) => partners.find((p) => p.name === name)?.id;
  const reseller = programs.find((p) => p.name === 'Reseller Program')?.id;
  if (!reseller) return;
  const details = (company: string, domain: string, amountMinor: string, contact: string): Partial<RegistrationDetails> => ({
    account: { name: company, domain, country: 'US' },
    contact: { name: contact, email: `${contact.split(' ')[0].toLowerCase()}@${domain}`, phone: null },
    amount: { amountMinor, currency: 'EUR' },
    expectedCloseDate: new Date(now.getTime() + 60 * DAY).toISOString().slice(0, 10),
    products: ['Acme Cloud Enterprise'],
    notes: `Evaluating Acme Cloud for ${company}.`,
  });
  const register = async (partnerName: string, d: Partial<RegistrationDetails>, at: Date) => {
    const id = partnerId(partnerName);
    if (!id) return null;
    return createRegistration(ctx, { partnerId: id, programId: reseller, channel: 'portal', submittedByPartnerUserId: null, details: d }, at);
  };

  const protectedOne = await register('Northwind Consulting', details('Vandelay Industries', 'vandelay.example', '4800000', 'Art Vandelay'), new Date(now.getTime() - 30 * DAY));
  if (protectedOne) await decide(ctx, protectedOne.id, 'approve', { note: 'Welcome aboard' }, new Date(now.getTime() - 29 * DAY));
  // Globex is already in Northwind's pipeline: Kestrel's claim conflicts with it.
  await register('Kestrel Systems', details('Globex Corp.', 'globex.example', '12000000', 'Hank Scorpio'), new Date(now.getTime() - 6 * HOUR));
  await register('Copperleaf Advisory', details('Wayne Enterprises', 'wayne-enterprises.example', '2500000', 'Lucius Fox'), new Date(now.getTime() - 40 * HOUR));
  const askedOne = await register('Fjord Cloud Services', details('Stark Industries', 'stark.example', '9000000', 'Pepper Potts'), new Date(now.getTime() - 20 * HOUR));
  if (askedOne) await decide(ctx, askedOne.id, 'request-info', { message: 'Which business unit is evaluating, and who signs?' }, new Date(now.getTime() - 10 * HOUR));
  const rejectedOne = await register('Tidewater Networks', details('Acme Cloud', 'acme-cloud.example', '100000', 'Wile Coyote'), new Date(now.getTime() - 5 * DAY));
  if (rejectedOne) await decide(ctx, rejectedOne.id, 'reject', { reason: 'This is our own company — registrations must name a customer.' }, new Date(now.getTime() - 4 * DAY));
}
