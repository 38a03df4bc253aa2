import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../platform/ids.ts';
import { type TestApp, call, createTestApp, ownerWithWorkspace } from '../../test/harness.ts';
import { deal } from '../deals/schema.ts';
import { createDealFromRegistration } from '../deals/service.ts';
import { insertRegistration, makeDeal, makePartner, partnerUser, stageIds } from '../deals/test-fixtures.ts';
import { conflict } from '../registrations/schema.ts';

/*
 * A hand-built month (March 2026). T = 2026-03-02T00:00Z.
 *   R1 Acorn/Alpha  approved  decided T+10h (SLA 48h)  2 conflicts → D1 €10,000.00 won 03-12
 *   R2 Acorn/Alpha  rejected  decided T+60h (SLA 48h)
 *   R3 Acorn/Beta   submitted (SLA 24h)
 *   R4 Birch/Alpha  expired (approved T+20h)    1 conflict  → D2 €30,000.00 won 03-22
 *   R5 Birch/Beta   approved  decided T+30h               → D3 $20,000.00 open in Proposal (50 %)
 *   R6 Acorn/Alpha  approved, created in February (outside the period)
 *   D4 direct, Acorn sourced 60 % + Birch influenced 40 %, €50,000.01 won 03-15
 *   D5 Acorn sourced, €8,000.00 lost 03-20
 *   D6 Acorn sourced, €12,345.67 open in Registered (10 %)
 *   D7 Acorn sourced, £1,000.00 open in Negotiation (75 %)
 */
const T = new Date('2026-03-02T00:00:00Z');
const h = (n: number) => new Date(T.getTime() + n * 3600 * 1000);
const day = (d: string) => new Date(`2026-03-${d}T00:00:00Z`);

let t: TestApp;
let vendor: Awaited<ReturnType<typeof ownerWithWorkspace>>;
let acorn: string;
let birch: string;
let alpha: string;
let beta: string;
const period = 'from=2026-03-01&to=2026-03-31';

beforeAll(async () => {
  t = await createTestApp();
  vendor = await ownerWithWorkspace(t, 'Metrics Vendor');
  const db = t.services.db;
  const ws = vendor.workspaceId;
  alpha = (await call(t, 'POST', '/api/v1/programs', { ...vendor.as, body: { name: 'Alpha program', partnerType: 'reseller', currency: 'EUR', status: 'active' } })).body.id;
  beta = (await call(t, 'POST', '/api/v1/programs', { ...vendor.as, body: { name: 'Beta program', partnerType: 'reseller', currency: 'EUR', status: 'active' } })).body.id;
  acorn = await makePartner(t, vendor.as, 'Acorn', alpha);
  birch = await makePartner(t, vendor.as, 'Birch', alpha);
  await call(t, 'PUT', '/api/v1/attribution-settings', { ...vendor.as, body: { model: 'split' } });
  const stages = await stageIds(t, vendor.as);

  const reg = (partnerId: string, programId: string, name: string, o: Parameters<typeof insertRegistration>[1]['extra'] & { status: string; amountMinor?: bigint; currency?: string; createdAt?: Date; slaHours?: number }) =>
    insertRegistration(db, {
      workspaceId: ws,
      programId,
      partnerId,
      accountName: name,
      status: o.status,
      amountMinor: o.amountMinor,
      currency: o.currency,
      createdAt: o.createdAt ?? T,
      slaDueAt: new Date((o.createdAt ?? T).getTime() + (o.slaHours ?? 48) * 3600 * 1000),
      extra: { decidedAt: o.decidedAt, protectionStartsAt: o.protectionStartsAt },
    });
  const r1 = await reg(acorn, alpha, 'Metric One', { status: 'approved', decidedAt: h(10), protectionStartsAt: h(10), amountMinor: 1_000_000n });
  await reg(acorn, alpha, 'Metric Two', { status: 'rejected', decidedAt: h(60) });
  await reg(acorn, beta, 'Metric Three', { status: 'submitted', slaHours: 24 });
  const r4 = await reg(birch, alpha, 'Metric Four', { status: 'expired', decidedAt: h(20), protectionStartsAt: h(20), amountMinor: 3_000_000n });
  const r5 = await reg(birch, beta, 'Metric Five', { status: 'approved', decidedAt: h(30), protectionStartsAt: h(30), amountMinor: 2_000_000n, currency: 'USD' });
  await reg(acorn, alpha, 'Metric Six', { status: 'approved', createdAt: new Date('2026-02-01T00:00:00Z'), decidedAt: new Date('2026-02-01T05:00:00Z'), protectionStartsAt: new Date('2026-02-01T05:00:00Z') });
  const conflictRow = (registrationId: string, accountId: string) => ({
    id: newId('conflict'),
    workspaceId: ws,
    registrationId,
    otherKind: 'registration',
    otherId: newId('registration'),
    matchedAccountId: accountId,
    matchKind: 'domain',
    recommendation: { winner: 'registration' as const, reasons: [] },
    status: 'open',
  });
  await db.insert(conflict).values([conflictRow(r1.id, r1.accountId), conflictRow(r1.id, r1.accountId), conflictRow(r4.id, r4.accountId)]);

  const sys = { workspaceId: ws, principal: { kind: 'system' as const, name: 'test' }, requestId: null };
  const d1 = (await db.transaction((tx) => createDealFromRegistration(tx, sys, r1))).dealId;
  const d2 = (await db.transaction((tx) => createDealFromRegistration(tx, sys, r4))).dealId;
  const d3 = (await db.transaction((tx) => createDealFromRegistration(tx, sys, r5))).dealId;
  const d4 = (
    await makeDeal(t, vendor.as, {
      name: 'D4',
      account: { name: 'Metric Direct' },
      amount: { amountMinor: '5000001', currency: 'EUR' },
      credits: [
        { partnerId: acorn, role: 'sourced', shareBp: 6000 },
        { partnerId: birch, role: 'influenced', shareBp: 4000 },
      ],
    })
  ).id;
  const d5 = (await makeDeal(t, vendor.as, { name: 'D5', account: { name: 'Metric Lost' }, amount: { amountMinor: '800000', currency: 'EUR' }, credits: [{ partnerId: acorn, role: 'sourced', shareBp: 10000 }] })).id;
  await makeDeal(t, vendor.as, { name: 'D6', account: { name: 'Metric Open' }, amount: { amountMinor: '1234567', currency: 'EUR' }, credits: [{ partnerId: acorn, role: 'sourced', shareBp: 10000 }] });
  await makeDeal(t, vendor.as, { name: 'D7', account: { name: 'Metric Pound' }, amount: { amountMinor: '100000', currency: 'GBP' }, stageId: stages.Negotiation, credits: [{ partnerId: acorn, role: 'sourced', shareBp: 10000 }] });
  const move = async (id: string, stageId: string, closedAt: Date | null, lostReason?: string) => {
    const res = await call(t, 'POST', `/api/v1/deals/${id}/stage`, { ...vendor.as, body: { stageId, lostReason } });
    if (res.status !== 200) throw new Error(JSON.stringify(res.body));
    if (closedAt) await db.update(deal).set({ closedAt }).where(eq(deal.id, id));
  };
  await move(d1, stages['Closed won'], day('12'));
  await move(d2, stages['Closed won'], day('22'));
  await move(d3, stages.Proposal, null);
  await move(d4, stages['Closed won'], day('15'));
  await move(d5, stages['Closed lost'], day('20'), 'Budget cut');
});
afterAll(async () => {
  await t.close();
});

const eur = (amountMinor: string) => ({ amountMinor, currency: 'EUR' });

describe('partner performance', () => {
  it('by partner, with hand-computed figures', async () => {
    const res = await call(t, 'GET', `/api/v1/metrics/partner-performance?groupBy=partner&${period}`, vendor.as);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ groupBy: 'partner', from: '2026-03-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z' });
    const [a, b] = res.body.groups;
    expect(a.key).toEqual({ id: acorn, name: 'Acorn' });
    expect(a.registrations).toEqual({
      total: 3,
      byStatus: { submitted: 1, info_requested: 0, approved: 1, rejected: 1, expired: 0, withdrawn: 0 },
      approved: 1,
      rejected: 1,
      approvalRate: 0.5,
      medianHoursToDecision: 35, // (10 + 60) / 2
      medianSlaHours: 48, // 24, 48, 48
      decidedWithinSlaRate: 0.5,
      conflicts: 2,
      conflictRate: 0.6667,
      won: 1,
      registeredToWonRate: 1,
    });
    expect(a.deals).toEqual({
      open: 2,
      pipeline: [eur('1234567'), { amountMinor: '100000', currency: 'GBP' }],
      weightedPipeline: [eur('123457'), { amountMinor: '75000', currency: 'GBP' }], // 123456.7 → 123457
      won: 2,
      lost: 1,
      winRate: 0.6667,
      medianDaysRegistrationToClose: 10,
      averageDealSize: [eur('3000000')], // 6000001 / 2 = 3000000.5 → half-even 3000000
      wonRevenue: [eur('6000001')],
      // 1000000 × 100 % + 5000001 × 60 % = 4000000.6 → 4000001
      revenueByRole: { sourced: [eur('4000001')], influenced: [], reseller: [], fulfillment: [] },
    });

    expect(b.key).toEqual({ id: birch, name: 'Birch' });
    expect(b.registrations).toMatchObject({
      total: 2,
      byStatus: { approved: 1, expired: 1, submitted: 0 },
      approved: 2,
      rejected: 0,
      approvalRate: 1,
      medianHoursToDecision: 25,
      medianSlaHours: 48,
      decidedWithinSlaRate: 1,
      conflicts: 1,
      conflictRate: 0.5,
      won: 1,
      registeredToWonRate: 0.5,
    });
    expect(b.deals).toEqual({
      open: 1,
      pipeline: [{ amountMinor: '2000000', currency: 'USD' }],
      weightedPipeline: [{ amountMinor: '1000000', currency: 'USD' }],
      won: 2,
      lost: 0,
      winRate: 1,
      medianDaysRegistrationToClose: 20,
      averageDealSize: [eur('4000000')], // 8000001 / 2 → half-even 4000000
      wonRevenue: [eur('8000001')],
      // influenced: 5000001 × 40 % = 2000000.4 → 2000000
      revenueByRole: { sourced: [eur('3000000')], influenced: [eur('2000000')], reseller: [], fulfillment: [] },
    });
  });

  it('by program (deals without a registration fall under "No program")', async () => {
    const res = await call(t, 'GET', `/api/v1/metrics/partner-performance?groupBy=program&${period}`, vendor.as);
    expect(res.status).toBe(200);
    expect(res.body.groups.map((g: { key: { name: string } }) => g.key.name)).toEqual(['Alpha program', 'Beta program', 'No program']);
    const [p1, p2, none] = res.body.groups;
    expect(p1.registrations).toMatchObject({ total: 3, approved: 2, rejected: 1, approvalRate: 0.6667, medianHoursToDecision: 20, medianSlaHours: 48, decidedWithinSlaRate: 0.6667, conflicts: 3, conflictRate: 1, won: 2, registeredToWonRate: 1 });
    expect(p1.deals).toMatchObject({ open: 0, pipeline: [], won: 2, lost: 0, winRate: 1, medianDaysRegistrationToClose: 15, averageDealSize: [eur('2000000')], wonRevenue: [eur('4000000')], revenueByRole: { sourced: [eur('4000000')] } });
    expect(p2.registrations).toMatchObject({ total: 2, approved: 1, approvalRate: 1, medianHoursToDecision: 30, medianSlaHours: 36, conflicts: 0, conflictRate: 0, won: 0, registeredToWonRate: 0 });
    expect(p2.deals).toMatchObject({ open: 1, pipeline: [{ amountMinor: '2000000', currency: 'USD' }], weightedPipeline: [{ amountMinor: '1000000', currency: 'USD' }], won: 0, winRate: null });
    expect(none.key).toEqual({ id: null, name: 'No program' });
    expect(none.registrations.total).toBe(0);
    expect(none.deals).toMatchObject({
      open: 2,
      won: 1,
      lost: 1,
      winRate: 0.5,
      medianDaysRegistrationToClose: null,
      wonRevenue: [eur('5000001')],
      revenueByRole: { sourced: [eur('3000001')], influenced: [eur('2000000')] },
    });
  });

  it('bounds the period: February holds only R6', async () => {
    const res = await call(t, 'GET', '/api/v1/metrics/partner-performance?groupBy=partner&from=2026-02-01&to=2026-02-28', vendor.as);
    const a = res.body.groups.find((g: { key: { id: string } }) => g.key.id === acorn);
    expect(a.registrations).toMatchObject({ total: 1, approved: 1, medianHoursToDecision: 5 });
    expect(a.deals).toMatchObject({ won: 0, lost: 0, winRate: null, open: 2 }); // pipeline is a snapshot
  });

  it("by tier: each registration and credited deal counts for the partner's tier in its program", async () => {
    // Acorn is Silver and Birch Gold in Alpha; neither has a tier in Beta (not enrolled there).
    const silver = (await call(t, 'POST', `/api/v1/programs/${alpha}/tiers`, { ...vendor.as, body: { name: 'Silver' } })).body.id;
    const gold = (await call(t, 'POST', `/api/v1/programs/${alpha}/tiers`, { ...vendor.as, body: { name: 'Gold' } })).body.id;
    for (const [partnerId, tierId] of [[acorn, silver], [birch, gold]]) {
      const enrollmentId = (await call(t, 'GET', `/api/v1/partners/${partnerId}/enrollments`, vendor.as)).body.data[0].id;
      expect((await call(t, 'PATCH', `/api/v1/enrollments/${enrollmentId}`, { ...vendor.as, body: { tierId } })).status).toBe(200);
    }
    const res = await call(t, 'GET', `/api/v1/metrics/partner-performance?groupBy=tier&${period}`, vendor.as);
    expect(res.status).toBe(200);
    expect(res.body.groupBy).toBe('tier');
    expect(res.body.groups.map((g: { key: unknown }) => g.key)).toEqual([
      { id: gold, name: 'Gold · Alpha program' },
      { id: silver, name: 'Silver · Alpha program' },
      { id: null, name: 'No tier' },
    ]);
    const [g, s, none] = res.body.groups;
    // Silver: R1 (approved, 2 conflicts, D1 won €10,000) and R2 (rejected).
    expect(s.registrations).toMatchObject({ total: 2, approved: 1, rejected: 1, approvalRate: 0.5, conflicts: 2, won: 1 });
    expect(s.deals).toMatchObject({ open: 0, won: 1, lost: 0, winRate: 1, wonRevenue: [eur('1000000')] });
    // Gold: R4 (expired after approval, D2 won €30,000).
    expect(g.registrations).toMatchObject({ total: 1, approved: 1, conflicts: 1, won: 1 });
    expect(g.deals).toMatchObject({ won: 1, wonRevenue: [eur('3000000')] });
    // No tier: the Beta registrations (R3, R5 → D3) and the direct deals D4–D7 (no program); D4 counted once.
    expect(none.registrations).toMatchObject({ total: 2, approved: 1 });
    expect(none.deals).toMatchObject({ open: 3, won: 1, lost: 1, winRate: 0.5, wonRevenue: [eur('5000001')] });
    expect(none.deals.revenueByRole).toMatchObject({ sourced: [eur('3000001')], influenced: [eur('2000000')] });
  });

  it('refuses bad groupings and ranges (422); keeps partners and other workspaces out', async () => {
    const bad = await call(t, 'GET', '/api/v1/metrics/partner-performance?from=yesterday&groupBy=region', vendor.as);
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['from', 'groupBy']);
    const reversed = await call(t, 'GET', '/api/v1/metrics/partner-performance?from=2026-04-01&to=2026-03-01', vendor.as);
    expect(reversed.status).toBe(422);

    const other = await ownerWithWorkspace(t, 'Metrics Other');
    const theirs = await call(t, 'GET', `/api/v1/metrics/partner-performance?${period}`, other.as);
    expect(theirs.body.groups).toEqual([]);
    const partner = await partnerUser(t, vendor.as, acorn, 'admin');
    const asPartner = await call(t, 'GET', '/api/v1/metrics/partner-performance', { cookie: partner.cookie, workspaceId: vendor.workspaceId });
    expect([403, 404]).toContain(asPartner.status);
  });
});
