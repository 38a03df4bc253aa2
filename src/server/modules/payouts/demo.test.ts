import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../seed/demo.ts';
import { type TestApp, createTestApp } from '../../test/harness.ts';
import { partner } from '../partners/schema.ts';
import { listDisputes } from './disputes.ts';
import { listFxRates, listSchedules } from './service.ts';
import { taxProfile } from './schema.ts';

let t: TestApp;
let workspaceId: string;
beforeAll(async () => {
  t = await createTestApp();
  workspaceId = (await seedDemo(t.services)).workspaceId;
}, 180_000);
afterAll(async () => {
  await t.close();
});

describe('demo payouts', () => {
  it('seeds schedules in the workspace time zone, rates and an encrypted, complete tax profile', async () => {
    const ctx = { workspaceId, principal: { kind: 'system' as const, name: 'test' }, requestId: null, db: t.services.db, log: t.services.log };
    const schedules = await listSchedules(ctx);
    expect(schedules.data.map((s) => [s.programName, s.cadence, s.timeZone])).toEqual([
      ['Referral Partners', 'semi_monthly', 'America/New_York'],
      ['Reseller Program', 'monthly', 'America/New_York'],
    ]);
    expect((await listFxRates(ctx)).data.map((r) => `${r.base}/${r.quote}=${r.rate}`).sort()).toEqual(['EUR/USD=1.0852', 'GBP/USD=1.2674', 'USD/EUR=0.9215']);
    const [northwind] = await t.services.db.select().from(partner).where(eq(partner.name, 'Northwind Consulting'));
    const [profile] = await t.services.db.select().from(taxProfile).where(eq(taxProfile.partnerId, northwind.id));
    expect(profile.status).toBe('complete');
    expect(profile.taxIdEnc).not.toContain('123456789');
  });

  it("leaves a paid run and an open dispute of Northwind's statement for finance", async () => {
    const ctx = { workspaceId, principal: { kind: 'system' as const, name: 'test' }, requestId: null, db: t.services.db, log: t.services.log };
    const open = await listDisputes(ctx, { limit: 10, status: 'open' });
    expect(open.data).toEqual([expect.objectContaining({ partnerName: 'Northwind Consulting', reason: 'missing_commission', statementNumber: expect.stringMatching(/^S-/) })]);
  });
});
