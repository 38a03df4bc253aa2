import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, call, createTestApp, memberWithRole, ownerWithWorkspace } from '../../test/harness.ts';

let t: TestApp;
let owner: Awaited<ReturnType<typeof ownerWithWorkspace>>;
let programId: string;

beforeAll(async () => {
  t = await createTestApp();
  owner = await ownerWithWorkspace(t, 'Partners Co');
  const prg = await call(t, 'POST', '/api/v1/programs', { ...owner.as, body: { name: 'Referral Partners', partnerType: 'referral', currency: 'USD', status: 'active' } });
  programId = prg.body.id;
});
afterAll(async () => {
  await t.close();
});

describe('programs', () => {
  it('creates, lists and updates a program with every field', async () => {
    const created = await call(t, 'POST', '/api/v1/programs', {
      ...owner.as,
      body: { name: 'Reseller Program', partnerType: 'reseller', description: 'Resell us', terms: '90 days protection', currency: 'EUR' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: expect.stringMatching(/^prg_/), status: 'draft', currency: 'EUR', enrolledPartners: 0 });
    const updated = await call(t, 'PATCH', `/api/v1/programs/${created.body.id}`, { ...owner.as, body: { status: 'active' } });
    expect(updated.body.status).toBe('active');
    const list = await call(t, 'GET', '/api/v1/programs?status=active', owner.as);
    expect(list.body.data.map((p: { name: string }) => p.name)).toContain('Reseller Program');
  });

  it('rejects an unknown currency and partner type, and a duplicate name', async () => {
    const bad = await call(t, 'POST', '/api/v1/programs', { ...owner.as, body: { name: 'Bad', partnerType: 'wizard', currency: 'XYZ' } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['currency', 'partnerType']);
    const dup = await call(t, 'POST', '/api/v1/programs', { ...owner.as, body: { name: 'Referral Partners', partnerType: 'referral', currency: 'USD' } });
    expect(dup.status).toBe(409);
  });
});

describe('partners', () => {
  it('adds a partner with a normalized domain and answers 409 with the existing id on a duplicate domain', async () => {
    const created = await call(t, 'POST', '/api/v1/partners', {
      ...owner.as,
      body: { name: 'Acme Integrators', website: 'https://www.Acme-Integrators.example/about', country: 'de', type: 'si_msp', tags: ['EMEA', 'gold', 'gold'] },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: expect.stringMatching(/^ptr_/), domain: 'acme-integrators.example', country: 'DE', tags: ['emea', 'gold'], kind: 'organization' });

    const dup = await call(t, 'POST', '/api/v1/partners', { ...owner.as, body: { name: 'Acme again', website: 'acme-integrators.example', type: 'agency' } });
    expect(dup.status).toBe(409);
    expect(dup.body.existingId).toBe(created.body.id);
  });

  it('reports every invalid field', async () => {
    const res = await call(t, 'POST', '/api/v1/partners', { ...owner.as, body: { name: '', type: 'wizard', country: 'Narnia', tags: 'x' } });
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['country', 'name', 'tags', 'type']);
    const badSite = await call(t, 'POST', '/api/v1/partners', { ...owner.as, body: { name: 'Y', type: 'agency', website: 'not a site' } });
    expect(badSite.status).toBe(422);
    expect(badSite.body.errors[0].path).toBe('website');
  });

  it('assigns a partner manager who must be a member of the workspace', async () => {
    const pm = await memberWithRole(t, owner, 'partner_manager');
    const members = await call(t, 'GET', '/api/v1/members', owner.as);
    const pmMember = members.body.data.find((m: { email: string }) => m.email === pm.email);
    const created = await call(t, 'POST', '/api/v1/partners', { ...pm.as, body: { name: 'Managed Co', type: 'agency', managerMemberId: pmMember.id } });
    expect(created.status).toBe(201);
    expect(created.body.managerName).toBe('A partner_manager');
    const bad = await call(t, 'POST', '/api/v1/partners', { ...owner.as, body: { name: 'Nobody Co', type: 'agency', managerMemberId: 'mem_nope' } });
    expect(bad.status).toBe(422);
  });

  it('searches, filters, sorts and paginates', async () => {
    const ws = await ownerWithWorkspace(t, 'List Co');
    const prg = await call(t, 'POST', '/api/v1/programs', { ...ws.as, body: { name: 'Resell', partnerType: 'reseller', currency: 'USD' } });
    const names = ['Delta', 'alpha', 'Charlie', 'Bravo', 'Echo'];
    for (const [i, name] of names.entries()) {
      const p = await call(t, 'POST', '/api/v1/partners', { ...ws.as, body: { name, type: i % 2 ? 'agency' : 'reseller', tags: i === 0 ? ['vip'] : [] } });
      if (i < 2) await call(t, 'POST', `/api/v1/partners/${p.body.id}/enrollments`, { ...ws.as, body: { programId: prg.body.id } });
    }
    const page1 = await call(t, 'GET', '/api/v1/partners?sort=name&limit=2', ws.as);
    expect(page1.body.data.map((p: { name: string }) => p.name)).toEqual(['Bravo', 'Charlie']);
    const page2 = await call(t, 'GET', `/api/v1/partners?sort=name&limit=2&cursor=${page1.body.nextCursor}`, ws.as);
    expect(page2.body.data.map((p: { name: string }) => p.name)).toEqual(['Delta', 'Echo']);
    const page3 = await call(t, 'GET', `/api/v1/partners?sort=name&limit=2&cursor=${page2.body.nextCursor}`, ws.as);
    expect(page3.body).toEqual({ data: [expect.objectContaining({ name: 'alpha' })], nextCursor: null });

    const q = await call(t, 'GET', '/api/v1/partners?q=char', ws.as);
    expect(q.body.data.map((p: { name: string }) => p.name)).toEqual(['Charlie']);
    const byType = await call(t, 'GET', '/api/v1/partners?type=agency&sort=-name', ws.as);
    expect(byType.body.data.map((p: { name: string }) => p.name)).toEqual(['alpha', 'Bravo']);
    const byTag = await call(t, 'GET', '/api/v1/partners?tag=VIP', ws.as);
    expect(byTag.body.data.map((p: { name: string }) => p.name)).toEqual(['Delta']);
    const byProgram = await call(t, 'GET', `/api/v1/partners?programId=${prg.body.id}`, ws.as);
    expect(byProgram.body.data.map((p: { name: string }) => p.name).sort()).toEqual(['Delta', 'alpha']);
    const badCursor = await call(t, 'GET', '/api/v1/partners?sort=name&cursor=garbage', ws.as);
    expect(badCursor.status).toBe(422);
  });

  it('enrolls a partner in a program once', async () => {
    const p = await call(t, 'POST', '/api/v1/partners', { ...owner.as, body: { name: 'Enroll Me', type: 'referral' } });
    const first = await call(t, 'POST', `/api/v1/partners/${p.body.id}/enrollments`, { ...owner.as, body: { programId } });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ programName: 'Referral Partners', status: 'active' });
    const again = await call(t, 'POST', `/api/v1/partners/${p.body.id}/enrollments`, { ...owner.as, body: { programId } });
    expect(again.status).toBe(409);
    expect(again.body.existingId).toBe(first.body.id);
  });

  it('does not let read-only roles change partners', async () => {
    for (const role of ['sales', 'finance', 'marketing', 'analyst']) {
      const m = await memberWithRole(t, owner, role);
      expect((await call(t, 'GET', '/api/v1/partners', m.as)).status).toBe(200);
      const res = await call(t, 'POST', '/api/v1/partners', { ...m.as, body: { name: `By ${role}`, type: 'referral' } });
      expect(res.status).toBe(403);
    }
  });

  it('audits every mutation with the changes', async () => {
    const p = await call(t, 'POST', '/api/v1/partners', { ...owner.as, body: { name: 'Audited', type: 'agency' } });
    await call(t, 'PATCH', `/api/v1/partners/${p.body.id}`, { ...owner.as, body: { name: 'Audited Ltd', country: 'fr' } });
    const log = await call(t, 'GET', `/api/v1/audit-entries?entityId=${p.body.id}`, owner.as);
    expect(log.body.data.map((e: { action: string }) => e.action)).toEqual(['partner.updated', 'partner.created']);
    expect(log.body.data[0].changes).toEqual({ name: { from: 'Audited', to: 'Audited Ltd' }, country: { from: null, to: 'FR' } });
    expect(log.body.data[0]).toMatchObject({ actorType: 'member', actorName: 'Partners Co Owner', requestId: expect.any(String) });
  });
});

describe('partner CSV import', () => {
  const csv = [
    'name,type,website,country,tags,program',
    'Good One,reseller,goodone.example,US,emea;gold,Referral Partners',
    'Bad Type,wizard,badtype.example,US,,',
    'Good Two,agency,goodtwo.example,GB,,',
    'Dup,agency,goodone.example,US,,',
  ].join('\n');

  it('validates first, reports line/column/reason, and imports nothing when discarded', async () => {
    const ws = await ownerWithWorkspace(t, 'Import Nothing');
    const report = await call(t, 'POST', '/api/v1/partner-imports', { ...ws.as, body: { csv: csv.replace(',Referral Partners', ','), filename: 'partners.csv' } });
    expect(report.status).toBe(201);
    expect(report.body).toMatchObject({ status: 'validated', totalRows: 4, validRows: 2, invalidRows: 2 });
    expect(report.body.errors).toEqual([
      { line: 3, column: 'type', reason: expect.stringContaining('must be one of') },
      { line: 5, column: 'website', reason: 'domain goodone.example is also on line 2' },
    ]);
    const discarded = await call(t, 'POST', `/api/v1/partner-imports/${report.body.id}/discard`, ws.as);
    expect(discarded.body.status).toBe('discarded');
    const list = await call(t, 'GET', '/api/v1/partners', ws.as);
    expect(list.body.data).toEqual([]);
    expect((await call(t, 'POST', `/api/v1/partner-imports/${report.body.id}/commit`, { ...ws.as, body: { mode: 'valid_only' } })).status).toBe(409);
  });

  it('imports only the valid rows through the background job, with progress and enrollments', async () => {
    const report = await call(t, 'POST', '/api/v1/partner-imports', { ...owner.as, body: { csv } });
    const committed = await call(t, 'POST', `/api/v1/partner-imports/${report.body.id}/commit`, { ...owner.as, body: { mode: 'valid_only' } });
    expect(committed.status).toBe(202);
    expect(committed.body.status).toBe('importing');
    await t.services.bus.drain();
    const done = await call(t, 'GET', `/api/v1/partner-imports/${report.body.id}`, owner.as);
    expect(done.body).toMatchObject({ status: 'completed', processedRows: 2, importedRows: 2 });
    const imported = await call(t, 'GET', '/api/v1/partners?q=Good', owner.as);
    expect(imported.body.data.map((p: { name: string }) => p.name).sort()).toEqual(['Good One', 'Good Two']);
    const goodOne = imported.body.data.find((p: { name: string }) => p.name === 'Good One');
    const enrollments = await call(t, 'GET', `/api/v1/partners/${goodOne.id}/enrollments`, owner.as);
    expect(enrollments.body.data[0].programName).toBe('Referral Partners');
  });

  it('rejects an empty file', async () => {
    const res = await call(t, 'POST', '/api/v1/partner-imports', { ...owner.as, body: { csv: '' } });
    expect(res.status).toBe(422);
    expect(res.body.errors[0].path).toBe('csv');
  });
});
