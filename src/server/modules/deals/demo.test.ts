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
    expect(seller.data.map((d) => d.name).sort()).toEqual(['Globex — Cloud platform', 'Initech — Analytics add-on', 'Soylent — Data migration', 'Vandelay Industries — Acme Cloud Enterprise']);
    const globex = seller.data.find((d) => d.name.startsWith('Globex'));
    expect(globex).toMatchObject({ amount: '€50k–100k', accountName: 'Globex Corporation', probability: 5000 });
    expect(JSON.stringify(seller)).not.toContain('Procurement');
    const admin = await partnerDeals(t.services.db, { workspaceId, partnerId: northwind.id, partnerRole: 'admin', limit: 50 });
    expect(admin.data.find((d) => d.name.startsWith('Soylent'))?.amount).toEqual({ amountMinor: '31000000', currency: 'EUR' });
  });
});

describe('demo registrations', () => {
  it('seeds a review queue with a conflict, a protected registration and decisions', async () => {
    const { registration, conflict } = await import('../registrations/schema.ts');
    const regs = await t.services.db.select().from(registration).where(eq(registration.workspaceId, workspaceId));
    expect(regs.map((r) => r.status).sort()).toEqual(['approved', 'info_requested', 'rejected', 'submitted', 'submitted']);
    const approved = regs.find((r) => r.status === 'approved');
    expect(approved?.protectionEndsAt?.getTime()).toBeGreaterThan(Date.now() + 55 * 86_400_000);
    const conflicts = await t.services.db.select().from(conflict).where(eq(conflict.workspaceId, workspaceId));
    expect(conflicts.length).toBeGreaterThan(0);
  });
});
