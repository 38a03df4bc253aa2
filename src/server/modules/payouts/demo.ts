import { and, eq, inArray } from 'drizzle-orm';
import type { WorkspaceContext } from '../../platform/context.ts';
import type { SecretBox } from '../../platform/encryption.ts';
import type { PortalContext } from '../../platform/http.ts';
import { partner } from '../partners/schema.ts';
import { program } from '../programs/schema.ts';
import { openDispute } from './disputes.ts';
import { approveRun, createRun, executeRun, getRun, markPayoutPaid, sendRunPayouts } from './runs.ts';
import { createFxRate, putMyMethod, putMyTaxProfile, putSchedule, putSettings } from './service.ts';

/**
 * Demo payouts for the demo workspace, through the services (audited): schedules for both
 * programs, EUR/USD rates, payout methods and tax profiles for a few partners, and — when the
 * commissions demo left approved entries — one paid run for the referral program, and an open
 * dispute of Northwind's statement.
 */
export async function seedDemoPayouts(ctx: WorkspaceContext, secrets: SecretBox): Promise<void> {
  const programs = await ctx.db.select({ id: program.id, name: program.name }).from(program).where(eq(program.workspaceId, ctx.workspaceId));
  const referral = programs.find((p) => p.name === 'Referral Partners');
  const reseller = programs.find((p) => p.name === 'Reseller Program');
  if (!referral || !reseller) return;
  await putSettings(ctx, secrets, { requireFourEyes: false, bank: { sourceCurrency: 'USD' } });
  await putSchedule(ctx, referral.id, { cadence: 'semi_monthly', threshold: { amountMinor: '5000', currency: 'USD' }, currencyMode: 'per_currency', holdUntilTaxComplete: false });
  await putSchedule(ctx, reseller.id, { cadence: 'monthly', dayOfMonth: 31, threshold: { amountMinor: '10000', currency: 'EUR' }, currencyMode: 'partner', holdUntilTaxComplete: true });
  const year = new Date().getUTCFullYear();
  await createFxRate(ctx, { base: 'EUR', quote: 'USD', rate: '1.0852', effectiveDate: `${year}-01-01` });
  await createFxRate(ctx, { base: 'USD', quote: 'EUR', rate: '0.9215', effectiveDate: `${year}-01-01` });
  await createFxRate(ctx, { base: 'GBP', quote: 'USD', rate: '1.2674', effectiveDate: `${year}-01-01` });

  const partners = await ctx.db
    .select({ id: partner.id, name: partner.name })
    .from(partner)
    .where(and(eq(partner.workspaceId, ctx.workspaceId), inArray(partner.name, ['Northwind Consulting', 'Kestrel Systems', 'Bluefin Digital', 'Redwood Revenue Co'])));
  const as = (partnerId: string): PortalContext =>
    ({ ...ctx, partnerId, principal: { kind: 'system', name: 'Demo data' } }) as unknown as PortalContext;
  const id = (name: string) => partners.find((p) => p.name === name)?.id;
  const northwind = id('Northwind Consulting');
  const kestrel = id('Kestrel Systems');
  const bluefin = id('Bluefin Digital');
  const redwood = id('Redwood Revenue Co');
  const address = { line1: '500 Market Street', city: 'San Francisco', region: 'CA', postalCode: '94105', country: 'US' };
  if (northwind) {
    await putMyMethod(as(northwind), secrets, {
      type: 'bank',
      currency: 'USD',
      bank: { holderName: 'Northwind Consulting LLC', country: 'US', receiverType: 'BUSINESS', accountNumber: '000123456789', routingNumber: '026009593', email: 'ap@northwind-consulting.example' },
    });
    await putMyTaxProfile(as(northwind), secrets, {
      formType: 'w9', legalName: 'Northwind Consulting LLC', country: 'US', entityType: 'llc', taxId: '12-3456789', address,
      signatureName: 'Priya Nair', signedOn: `${year}-01-15`,
    });
  }
  if (kestrel) {
    await putMyMethod(as(kestrel), secrets, {
      type: 'bank',
      currency: 'EUR',
      bank: { holderName: 'Kestrel Systems GmbH', country: 'DE', receiverType: 'BUSINESS', iban: 'DE89370400440532013000', bic: 'COBADEFFXXX' },
    });
    await putMyTaxProfile(as(kestrel), secrets, { formType: 'w8bene', legalName: 'Kestrel Systems GmbH', country: 'DE', entityType: 'corporation' });
  }
  if (bluefin) await putMyMethod(as(bluefin), secrets, { type: 'paypal', currency: 'GBP', paypalEmail: 'payouts@bluefin-digital.example' });
  if (redwood) await putMyMethod(as(redwood), secrets, { type: 'stripe_connect', currency: 'USD', stripeAccountId: 'acct_1DemoRedwood01' });

  // A paid run when the commissions demo left approved entries (bank and manual payouts, marked paid).
  try {
    const run = await createRun(ctx, { programId: referral.id });
    if (run.counts.payouts === 0) return;
    await approveRun(ctx, run.id);
    await executeRun(ctx, run.id);
    await sendRunPayouts(ctx.db, { secrets }, ctx.workspaceId, run.id);
    const executed = await getRun(ctx, run.id);
    for (const p of executed.payouts) {
      if (p.status === 'processing' || p.status === 'failed') await markPayoutPaid(ctx, p.id, `DEMO-WIRE-${run.number}-${p.statementNumber}`);
    }
    // Priya questions her statement: an open dispute waits in Payouts › Disputes.
    const statement = executed.payouts.find((p) => p.partnerId === northwind);
    if (northwind && statement) {
      await openDispute({ ...as(northwind), principal: { kind: 'system', name: 'Priya Nair' } } as unknown as PortalContext, statement.id, {
        reason: 'missing_commission',
        message: 'The Initech upgrade from last month is not on this statement. The customer signed up through our link on the 3rd.',
        expectedAmount: { amountMinor: '2970', currency: 'USD' },
      });
    }
  } catch {
    // No approved commissions yet: the demo shows empty payout runs.
  }
}
