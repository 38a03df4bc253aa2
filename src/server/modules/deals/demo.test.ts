import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../seed/demo.ts';
import { type TestApp, createTestApp } from '../../test/harness.ts';
import { partner } from '../partners/schema.ts';
import { partnerDeals } from './partner-view.ts';

let t: TestApp;
let workspaceId: string;
beforeAll(async () => {
  t = await createTestApp();
  workspaceId = (await seedDemo(t.services)).workspaceId;
});
afterAll(async () => {
  await t.close();
});

describe('demo pipeline', () => {
  it('seeds deals in every state, and the demo partner sees them banded, without internals', async () => {
    const [northwind] = await t.services.db.select().from(partner).where(eq(partner.name, 'Northwind Consulting'));
    const seller = await partnerDeals(t.services.db, { workspaceId, partnerId: northwind.id, partnerRole: 'seller', limit: 50 });
    expect(seller.data.map((d) => d.name).sort()).toEqual(['Globex — Cloud platform', 'Initech — Analytics add-on', 'Soylent — Data migration']);
    const globex = seller.data.find((d) => d.name.startsWith('Globex'));
    expect(globex).toMatchObject({ amount: '€50k–100k', accountName: 'Globex Corporation', probability: 5000 });
    expect(JSON.stringify(seller)).not.toContain('Procurement');
    const admin = await partnerDeals(t.services.db, { workspaceId, partnerId: northwind.id, partnerRole: 'admin', limit: 50 });
    expect(admin.data.find((d) => d.name.startsWith('Soylent'))?.amount).toEqual({ amountMinor: '31000000', currency: 'EUR' });
  });
});
