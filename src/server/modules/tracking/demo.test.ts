import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../seed/demo.ts';
import { type TestApp, createTestApp } from '../../test/harness.ts';
import { listConversions, listLinks } from './service.ts';

let t: TestApp;
let workspaceId: string;
beforeAll(async () => {
  t = await createTestApp();
  workspaceId = (await seedDemo(t.services)).workspaceId;
});
afterAll(async () => {
  await t.close();
});

describe('demo tracking', () => {
  it('seeds links with clicks and credited conversions, and one sale to attribute', async () => {
    const ctx = { workspaceId, db: t.services.db };
    const links = await listLinks(ctx, 'http://localhost', { limit: 50 });
    expect(links.data.length).toBeGreaterThanOrEqual(1);
    const top = links.data.find((l) => l.stats.clicks > 0);
    expect(top?.stats.leads).toBeGreaterThan(0);
    expect(top?.stats.sales).toBeGreaterThan(0);
    const unattributed = await listConversions(ctx, { limit: 50, status: 'unattributed' });
    expect(unattributed.data.map((c) => c.externalRef)).toContain('demo-order-walk-in');
    const redirect = await t.app.request(`/r/${links.data[0].code}`, { headers: { 'user-agent': 'Mozilla/5.0 Chrome/126.0' } });
    expect(redirect.status).toBe(302);
  });
});
