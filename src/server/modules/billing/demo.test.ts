import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../seed/demo.ts';
import { type TestApp, createTestApp } from '../../test/harness.ts';
import { partner } from '../partners/schema.ts';
import { conversion } from '../tracking/schema.ts';
import { billingEvent } from './schema.ts';

let t: TestApp;
let workspaceId: string;
beforeAll(async () => {
  t = await createTestApp();
  workspaceId = (await seedDemo(t.services)).workspaceId;
});
afterAll(async () => {
  await t.close();
});

describe('demo billing', () => {
  it('delivers signed Stripe events through the webhook path: a referred subscription, a refund, an unknown customer, an ignored type', async () => {
    const events = await t.services.db.select().from(billingEvent).where(eq(billingEvent.workspaceId, workspaceId)).orderBy(asc(billingEvent.providerEventId));
    expect(events.map((e) => [e.providerEventId, e.status])).toEqual([
      ['evt_demo_checkout', 'applied'],
      ['evt_demo_customer', 'ignored'],
      ['evt_demo_invoice_1', 'applied'],
      ['evt_demo_invoice_2', 'applied'],
      ['evt_demo_refund', 'applied'],
      ['evt_demo_walkin', 'unattributed'],
    ]);
    const [northwind] = await t.services.db.select().from(partner).where(eq(partner.name, 'Northwind Consulting'));
    const rows = await t.services.db.select().from(conversion).where(eq(conversion.workspaceId, workspaceId));
    const bySource = rows.filter((r) => r.source === 'stripe');
    expect(bySource.filter((r) => r.partnerId === northwind.id).map((r) => r.kind).sort()).toEqual(['lead', 'refund', 'sale', 'sale']);
    expect(bySource.find((r) => r.kind === 'refund')).toMatchObject({ originalRef: 'pi_demo_lena_2', amountMinor: 1500n });
  });
});
