import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../seed/demo.ts';
import { type TestApp, createTestApp } from '../../test/harness.ts';
import { ledgerTotals } from './ledger.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('commissions demo', () => {
  it('gives every demo program an active plan and accrues a balanced ledger', async () => {
    const { workspaceId } = await seedDemo(t.services);
    const plans = (await t.services.db.execute(sql`select count(*)::int as n from commission_plan where workspace_id = ${workspaceId} and status = 'active'`)) as unknown as { rows: { n: number }[] };
    expect(plans.rows[0].n).toBeGreaterThanOrEqual(2);
    const totals = await ledgerTotals({ db: t.services.db, workspaceId });
    expect(totals.data.length).toBeGreaterThan(0);
    for (const c of totals.data) expect(c.balanced).toBe(true);
  });
});
