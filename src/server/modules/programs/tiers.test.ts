import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, call, createTestApp, memberWithRole, ownerWithWorkspace } from '../../test/harness.ts';

let t: TestApp;
let owner: Awaited<ReturnType<typeof ownerWithWorkspace>>;
let programId: string;
let otherProgramId: string;

const names = (body: { data: { name: string }[] }) => body.data.map((tier) => tier.name);

beforeAll(async () => {
  t = await createTestApp();
  owner = await ownerWithWorkspace(t, 'Tiers Co');
  programId = (await call(t, 'POST', '/api/v1/programs', { ...owner.as, body: { name: 'Resellers', partnerType: 'reseller', currency: 'USD', status: 'active' } })).body.id;
  otherProgramId = (await call(t, 'POST', '/api/v1/programs', { ...owner.as, body: { name: 'Referrals', partnerType: 'referral', currency: 'USD', status: 'active' } })).body.id;
});
afterAll(async () => {
  await t.close();
});

describe('tiers', () => {
  it('adds, inserts at a rank, renames, reorders and deletes tiers, keeping ranks 1..n', async () => {
    const base = `/api/v1/programs/${programId}/tiers`;
    const registered = await call(t, 'POST', base, { ...owner.as, body: { name: 'Registered' } });
    expect(registered.status).toBe(201);
    expect(registered.body).toMatchObject({ id: expect.stringMatching(/^tier_/), programId, name: 'Registered', rank: 1, partners: 0 });
    const gold = await call(t, 'POST', base, { ...owner.as, body: { name: 'Gold' } });
    expect(gold.body.rank).toBe(2);
    const silver = await call(t, 'POST', base, { ...owner.as, body: { name: 'Silver', rank: 2 } });
    expect(silver.body.rank).toBe(2);
    let list = await call(t, 'GET', base, owner.as);
    expect(names(list.body)).toEqual(['Registered', 'Silver', 'Gold']);
    expect(list.body.data.map((tier: { rank: number }) => tier.rank)).toEqual([1, 2, 3]);

    const renamed = await call(t, 'PATCH', `/api/v1/tiers/${gold.body.id}`, { ...owner.as, body: { name: 'Platinum', rank: 1 } });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Platinum', rank: 1 });
    list = await call(t, 'GET', base, owner.as);
    expect(names(list.body)).toEqual(['Platinum', 'Registered', 'Silver']);
    const moved = await call(t, 'PATCH', `/api/v1/tiers/${gold.body.id}`, { ...owner.as, body: { rank: 99 } });
    expect(moved.body.rank).toBe(3);

    expect((await call(t, 'DELETE', `/api/v1/tiers/${registered.body.id}`, owner.as)).status).toBe(204);
    list = await call(t, 'GET', base, owner.as);
    expect(list.body.data.map((tier: { name: string; rank: number }) => `${tier.rank}:${tier.name}`)).toEqual(['1:Silver', '2:Platinum']);
    const audit = await call(t, 'GET', '/api/v1/audit-entries?entityType=tier', owner.as);
    expect(audit.body.data.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['tier.created', 'tier.updated', 'tier.deleted']));
  });

  it('answers 422 for a bad name or rank and 409 for a duplicate name in the same program', async () => {
    const base = `/api/v1/programs/${otherProgramId}/tiers`;
    const bad = await call(t, 'POST', base, { ...owner.as, body: { name: '  ', rank: 0 } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['name', 'rank']);
    await call(t, 'POST', base, { ...owner.as, body: { name: 'Gold' } });
    const dup = await call(t, 'POST', base, { ...owner.as, body: { name: 'Gold' } });
    expect(dup.status).toBe(409);
    expect(dup.body.errors[0].path).toBe('name');
  });

  it('puts a partner on a tier, shows it on the partner and enrollment, and refuses to delete a tier in use', async () => {
    const tiers = `/api/v1/programs/${programId}/tiers`;
    const silver = (await call(t, 'GET', tiers, owner.as)).body.data.find((tier: { name: string }) => tier.name === 'Silver');
    const otherGold = (await call(t, 'GET', `/api/v1/programs/${otherProgramId}/tiers`, owner.as)).body.data[0];
    const partnerId = (await call(t, 'POST', '/api/v1/partners', { ...owner.as, body: { name: 'Northwind', type: 'reseller' } })).body.id;
    const enrolled = await call(t, 'POST', `/api/v1/partners/${partnerId}/enrollments`, { ...owner.as, body: { programId, tierId: silver.id } });
    expect(enrolled.status).toBe(201);
    expect(enrolled.body).toMatchObject({ tierId: silver.id, tierName: 'Silver', tierRank: 1 });

    const wrongProgram = await call(t, 'PATCH', `/api/v1/enrollments/${enrolled.body.id}`, { ...owner.as, body: { tierId: otherGold.id } });
    expect(wrongProgram.status).toBe(422);
    expect(wrongProgram.body.errors[0].path).toBe('tierId');
    const missing = await call(t, 'PATCH', `/api/v1/enrollments/${enrolled.body.id}`, { ...owner.as, body: {} });
    expect(missing.status).toBe(422);

    const partner = await call(t, 'GET', `/api/v1/partners/${partnerId}`, owner.as);
    expect(partner.body.tiers).toEqual([{ programId, tierId: silver.id, name: 'Silver', rank: 1 }]);
    const listed = await call(t, 'GET', `/api/v1/partners?programId=${programId}`, owner.as);
    expect(listed.body.data.find((p: { id: string }) => p.id === partnerId).tiers[0].name).toBe('Silver');
    expect((await call(t, 'GET', tiers, owner.as)).body.data.find((tier: { id: string }) => tier.id === silver.id).partners).toBe(1);

    const inUse = await call(t, 'DELETE', `/api/v1/tiers/${silver.id}`, owner.as);
    expect(inUse.status).toBe(409);
    expect(inUse.body.detail).toContain('Silver');

    const cleared = await call(t, 'PATCH', `/api/v1/enrollments/${enrolled.body.id}`, { ...owner.as, body: { tierId: null } });
    expect(cleared.status).toBe(200);
    expect(cleared.body).toMatchObject({ tierId: null, tierName: null, tierRank: null });
    expect((await call(t, 'GET', `/api/v1/partners/${partnerId}/enrollments`, owner.as)).body.data[0].tierId).toBeNull();
    expect((await call(t, 'GET', `/api/v1/partners/${partnerId}`, owner.as)).body.tiers).toEqual([]);
  });

  it('checks roles: analysts read tiers but cannot change them; partner managers set tiers but cannot edit the ladder', async () => {
    const analyst = await memberWithRole(t, owner, 'analyst');
    const manager = await memberWithRole(t, owner, 'partner_manager');
    const tiers = `/api/v1/programs/${programId}/tiers`;
    const list = await call(t, 'GET', tiers, analyst.as);
    expect(list.status).toBe(200);
    const tierId = list.body.data[0].id;
    expect((await call(t, 'POST', tiers, { ...analyst.as, body: { name: 'Diamond' } })).status).toBe(403);
    expect((await call(t, 'PATCH', `/api/v1/tiers/${tierId}`, { ...analyst.as, body: { name: 'X' } })).status).toBe(403);
    expect((await call(t, 'DELETE', `/api/v1/tiers/${tierId}`, analyst.as)).status).toBe(403);
    const partnerId = (await call(t, 'POST', '/api/v1/partners', { ...owner.as, body: { name: 'Kestrel', type: 'reseller' } })).body.id;
    const enrollmentId = (await call(t, 'POST', `/api/v1/partners/${partnerId}/enrollments`, { ...owner.as, body: { programId } })).body.id;
    expect((await call(t, 'PATCH', `/api/v1/enrollments/${enrollmentId}`, { ...analyst.as, body: { tierId } })).status).toBe(403);
    expect((await call(t, 'PATCH', `/api/v1/enrollments/${enrollmentId}`, { ...manager.as, body: { tierId } })).status).toBe(200);
  });

  it("answers 404 for another workspace's program, tier and enrollment", async () => {
    const other = await ownerWithWorkspace(t, 'Elsewhere');
    const tierId = (await call(t, 'GET', `/api/v1/programs/${programId}/tiers`, owner.as)).body.data[0].id;
    expect((await call(t, 'GET', `/api/v1/programs/${programId}/tiers`, other.as)).status).toBe(404);
    expect((await call(t, 'POST', `/api/v1/programs/${programId}/tiers`, { ...other.as, body: { name: 'Mine' } })).status).toBe(404);
    expect((await call(t, 'PATCH', `/api/v1/tiers/${tierId}`, { ...other.as, body: { name: 'Mine' } })).status).toBe(404);
    expect((await call(t, 'DELETE', `/api/v1/tiers/${tierId}`, other.as)).status).toBe(404);
    const otherProgram = (await call(t, 'POST', '/api/v1/programs', { ...other.as, body: { name: 'Theirs', partnerType: 'reseller', currency: 'USD' } })).body.id;
    const otherPartner = (await call(t, 'POST', '/api/v1/partners', { ...other.as, body: { name: 'Theirs', type: 'reseller' } })).body.id;
    const otherEnrollment = (await call(t, 'POST', `/api/v1/partners/${otherPartner}/enrollments`, { ...other.as, body: { programId: otherProgram } })).body.id;
    // Their enrollment with our tier: 404 for the enrollment from our side, 422 for our tier from theirs.
    expect((await call(t, 'PATCH', `/api/v1/enrollments/${otherEnrollment}`, { ...owner.as, body: { tierId } })).status).toBe(404);
    expect((await call(t, 'PATCH', `/api/v1/enrollments/${otherEnrollment}`, { ...other.as, body: { tierId } })).status).toBe(422);
  });
});
