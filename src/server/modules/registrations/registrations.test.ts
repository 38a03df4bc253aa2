import { and, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimiter } from '../../platform/rate-limit.ts';
import { auditEntry, event, mailMessage } from '../../platform/schema.ts';
import { type TestApp, apiKeyFor, call, createTestApp, memberWithRole, ownerWithWorkspace, signInByMagicLink, uniqueEmail } from '../../test/harness.ts';
import { expireProtections, markSlaBreaches, sendProtectionReminders } from './protection.ts';
import { registration } from './schema.ts';
import { registrationFixtures } from './test-fixtures.ts';

let t: TestApp;
let vendor: Awaited<ReturnType<typeof ownerWithWorkspace>>;
let other: Awaited<ReturnType<typeof ownerWithWorkspace>>;
let pm: Awaited<ReturnType<typeof memberWithRole>>;
let sales: Awaited<ReturnType<typeof memberWithRole>>;
let emeaLead: Awaited<ReturnType<typeof memberWithRole>>;
let pmMemberId: string;
let emeaLeadMemberId: string;
let salesMemberId: string;
let resellers: string;
let draftProgram: string;
let agencyOnly: string;
let northwind: string;
let kestrel: string;
let otherProgram: string;
let otherPartner: string;
const priya = uniqueEmail('priya'); // Northwind admin
const sam = uniqueEmail('sam'); // Northwind seller
const fiona = uniqueEmail('fiona'); // Northwind finance
const jonas = uniqueEmail('jonas'); // Kestrel admin
const cookies: Record<string, string> = {};

const DAY = 24 * 3600_000;
const paths = (body: { errors?: { path: string }[] }) => [...new Set((body.errors ?? []).map((e) => e.path))].sort();

function details(name: string, domain: string, extra: Record<string, unknown> = {}) {
  return {
    account: { name, domain, country: 'DE' },
    contact: { name: 'Ada Buyer', email: 'ada@buyer.example', phone: '+49 30 1234' },
    amount: { amountMinor: '5000000', currency: 'EUR' },
    expectedCloseDate: '2027-03-31',
    products: ['Platform'],
    notes: 'Met at the fair',
    ...extra,
  };
}

async function events(type: string, registrationId: string) {
  const rows = await t.services.db.select().from(event).where(eq(event.type, type));
  return rows.filter((e) => (e.payload as { registrationId?: string }).registrationId === registrationId);
}

async function portalCookie(email: string) {
  cookies[email] ??= await signInByMagicLink(t, email);
  return cookies[email];
}

beforeAll(async () => {
  t = await createTestApp();
  vendor = await ownerWithWorkspace(t, 'Vendor Co');
  other = await ownerWithWorkspace(t, 'Other Co');
  pm = await memberWithRole(t, vendor, 'partner_manager');
  sales = await memberWithRole(t, vendor, 'sales');
  emeaLead = await memberWithRole(t, vendor, 'admin');
  const members = (await call(t, 'GET', '/api/v1/members', vendor.as)).body.data as { id: string; email: string }[];
  pmMemberId = members.find((m) => m.email === pm.email)?.id as string;
  emeaLeadMemberId = members.find((m) => m.email === emeaLead.email)?.id as string;
  salesMemberId = members.find((m) => m.email === sales.email)?.id as string;

  const prg = (body: Record<string, unknown>) => call(t, 'POST', '/api/v1/programs', { ...vendor.as, body: { partnerType: 'reseller', currency: 'EUR', status: 'active', ...body } });
  resellers = (await prg({ name: 'Resellers' })).body.id;
  draftProgram = (await prg({ name: 'Draft Pilot', status: 'draft' })).body.id;
  agencyOnly = (await prg({ name: 'Agencies' })).body.id;
  northwind = (await call(t, 'POST', '/api/v1/partners', { ...vendor.as, body: { name: 'Northwind', website: 'northwind.example', type: 'reseller', managerMemberId: pmMemberId } })).body.id;
  kestrel = (await call(t, 'POST', '/api/v1/partners', { ...vendor.as, body: { name: 'Kestrel Systems', website: 'kestrel.example', type: 'reseller' } })).body.id;
  for (const p of [northwind, kestrel]) {
    for (const g of [resellers, draftProgram, agencyOnly]) await call(t, 'POST', `/api/v1/partners/${p}/enrollments`, { ...vendor.as, body: { programId: g } });
  }
  await call(t, 'PUT', `/api/v1/programs/${agencyOnly}/registration-policy`, { ...vendor.as, body: { eligibility: { partnerTypes: ['agency'], tags: [] } } });
  for (const [p, email, name, role] of [
    [northwind, priya, 'Priya Nair', 'admin'],
    [northwind, sam, 'Sam Seller', 'seller'],
    [northwind, fiona, 'Fiona Finance', 'finance'],
    [kestrel, jonas, 'Jonas Becker', 'admin'],
  ]) {
    await call(t, 'POST', `/api/v1/partners/${p}/users`, { ...vendor.as, body: { email, name, role } });
  }
  otherProgram = (await call(t, 'POST', '/api/v1/programs', { ...other.as, body: { name: 'Theirs', partnerType: 'reseller', currency: 'USD', status: 'active' } })).body.id;
  otherPartner = (await call(t, 'POST', '/api/v1/partners', { ...other.as, body: { name: 'Their Partner', type: 'reseller' } })).body.id;
  await call(t, 'POST', `/api/v1/partners/${otherPartner}/enrollments`, { ...other.as, body: { programId: otherProgram } });
});
afterAll(async () => {
  await t.close();
});

describe('registration policy', () => {
  it('answers the defaults for a program without a policy', async () => {
    const res = await call(t, 'GET', `/api/v1/programs/${resellers}/registration-policy`, sales.as);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      isDefault: true,
      approvalSlaHours: 48,
      protectionDays: 90,
      maxExtensions: 1,
      extensionRequiresApproval: true,
      conflictHierarchy: ['registered', 'incumbent', 'certified', 'first_to_register'],
      requiredFields: expect.arrayContaining(['accountName', 'accountDomain', 'contactEmail', 'amount']),
    });
  });

  it('saves fields, SLA, protection, extensions and sanitized rules of engagement', async () => {
    const markdown = '# Rules\n\nRegister **first**. <script>alert(1)</script> <img src=x onerror="alert(2)">\n\n[bad](javascript:alert(3)) [ok](https://vendor.example/roe)';
    const res = await call(t, 'PUT', `/api/v1/programs/${resellers}/registration-policy`, {
      ...pm.as,
      body: {
        requiredFields: ['accountDomain', 'contactName', 'contactEmail', 'amount', 'expectedCloseDate'],
        customFields: [
          { key: 'useCase', label: 'Use case', type: 'select', required: true, options: ['migration', 'greenfield'] },
          { key: 'seats', label: 'Seats', type: 'number' },
        ],
        approvalSlaHours: 24,
        protectionDays: 60,
        maxExtensions: 1,
        extensionDays: 30,
        extensionRequiresApproval: true,
        rulesOfEngagement: markdown,
      },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ isDefault: false, approvalSlaHours: 24, protectionDays: 60, rulesOfEngagement: markdown });
    expect(res.body.requiredFields[0]).toBe('accountName');
    const html: string = res.body.rulesOfEngagementHtml;
    expect(html).toContain('<h1>Rules</h1>');
    expect(html).toContain('<strong>first</strong>');
    expect(html).toContain('href="https://vendor.example/roe"');
    expect(html).not.toMatch(/script|onerror|javascript:|<img/i);
    const log = await call(t, 'GET', `/api/v1/audit-entries?entityId=${resellers}&action=registration_policy.updated`, vendor.as);
    expect(log.body.data).toHaveLength(1);
  });

  it('reports every invalid policy field', async () => {
    const res = await call(t, 'PUT', `/api/v1/programs/${resellers}/registration-policy`, {
      ...vendor.as,
      body: {
        requiredFields: ['bogus'],
        customFields: [{ key: 'a', label: 'A', type: 'select' }],
        approvalSlaHours: 0,
        conflictHierarchy: ['registered', 'registered'],
      },
    });
    expect(res.status).toBe(422);
    expect(paths(res.body)).toEqual(['approvalSlaHours', 'conflictHierarchy', 'customFields.0.options', 'requiredFields.0']);
    const dupKeys = await call(t, 'PUT', `/api/v1/programs/${resellers}/registration-policy`, {
      ...vendor.as,
      body: { customFields: [{ key: 'a', label: 'A', type: 'text' }, { key: 'a', label: 'Again', type: 'text' }] },
    });
    expect(paths(dupKeys.body)).toEqual(['customFields.1.key']);
  });

  it('needs registrations:configure and answers 404 for another workspace', async () => {
    expect((await call(t, 'PUT', `/api/v1/programs/${resellers}/registration-policy`, { ...sales.as, body: { protectionDays: 5 } })).status).toBe(403);
    expect((await call(t, 'GET', `/api/v1/programs/${otherProgram}/registration-policy`, vendor.as)).status).toBe(404);
    expect((await call(t, 'PUT', `/api/v1/programs/${otherProgram}/registration-policy`, { ...vendor.as, body: { protectionDays: 5 } })).status).toBe(404);
  });
});

describe('routing rules', () => {
  it('replaces the ordered rules and validates programs and reviewers', async () => {
    const bad = await call(t, 'PUT', '/api/v1/registration-routing-rules', {
      ...vendor.as,
      body: { rules: [{ programId: otherProgram, reviewerMemberId: salesMemberId }, { minAmountMinor: '10', maxAmountMinor: '5', reviewerMemberId: pmMemberId }] },
    });
    expect(bad.status).toBe(422);
    expect(paths(bad.body)).toEqual(['rules.1.currency', 'rules.1.maxAmountMinor']);
    const bad2 = await call(t, 'PUT', '/api/v1/registration-routing-rules', { ...vendor.as, body: { rules: [{ programId: otherProgram, reviewerMemberId: salesMemberId }] } });
    expect(paths(bad2.body)).toEqual(['rules.0.programId', 'rules.0.reviewerMemberId']);

    const ok = await call(t, 'PUT', '/api/v1/registration-routing-rules', {
      ...pm.as,
      body: { rules: [{ programId: resellers, countries: ['fr', 'UK'], minAmountMinor: '10000000', currency: 'EUR', reviewerMemberId: emeaLeadMemberId }] },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.data).toEqual([
      expect.objectContaining({ position: 0, programName: 'Resellers', countries: ['FR', 'GB'], minAmountMinor: '10000000', maxAmountMinor: null, reviewerName: 'A admin' }),
    ]);
    expect((await call(t, 'GET', '/api/v1/registration-routing-rules', sales.as)).body.data).toHaveLength(1);
    expect((await call(t, 'PUT', '/api/v1/registration-routing-rules', { ...sales.as, body: { rules: [] } })).status).toBe(403);
    expect((await call(t, 'GET', '/api/v1/registration-routing-rules', other.as)).body.data).toEqual([]);
  });
});

describe('creating registrations', () => {
  let first: string;

  it('lists each missing or invalid field in one 422', async () => {
    const res = await call(t, 'POST', '/api/v1/registrations', {
      ...vendor.as,
      body: { partnerId: northwind, programId: resellers, account: { name: 'Acme', domain: 'not a domain', country: 'Narnia' }, contact: { email: 'nope' }, customFields: { seats: 'many', color: 'red' } },
    });
    expect(res.status).toBe(422);
    expect(paths(res.body)).toEqual([
      'account.country',
      'account.domain',
      'amount',
      'contact.email',
      'contact.name',
      'customFields.color',
      'customFields.seats',
      'customFields.useCase',
      'expectedCloseDate',
    ]);
    const zod = await call(t, 'POST', '/api/v1/registrations', { ...vendor.as, body: { programId: resellers, amount: { amountMinor: '1.5', currency: 'EURO' }, expectedCloseDate: '2027-02-30' } });
    expect(zod.status).toBe(422);
    expect(paths(zod.body)).toEqual(['amount.amountMinor', 'amount.currency', 'expectedCloseDate', 'partnerId']);
  });

  it('submits for a partner: account, SLA, reviewer from the partner manager, audit and event', async () => {
    const before = Date.now();
    const res = await call(t, 'POST', '/api/v1/registrations', {
      ...vendor.as,
      body: { partnerId: northwind, programId: resellers, ...details('Globex Corporation', 'https://www.globex.example/about', { customFields: { useCase: 'migration', seats: '40' } }), internalNotes: 'INTERNAL-ONLY-NOTE' },
    });
    expect(res.status).toBe(201);
    first = res.body.id;
    expect(res.body).toMatchObject({
      id: expect.stringMatching(/^reg_/),
      status: 'submitted',
      channel: 'api',
      partnerName: 'Northwind',
      programName: 'Resellers',
      accountName: 'Globex Corporation',
      accountDomain: 'globex.example',
      accountCountry: 'DE',
      amount: { amountMinor: '5000000', currency: 'EUR' },
      customFields: { useCase: 'migration', seats: 40 },
      reviewerMemberId: pmMemberId,
      reviewerName: 'A partner_manager',
      slaState: 'on_time',
      conflictCount: 0,
      internalNotes: 'INTERNAL-ONLY-NOTE',
      allowedActions: ['approve', 'reject', 'request-info'],
    });
    const due = Date.parse(res.body.slaDueAt) - before;
    expect(due).toBeGreaterThanOrEqual(24 * 3600_000 - 1000);
    expect(due).toBeLessThan(24 * 3600_000 + 60_000);
    expect(res.body.decisions.map((d: { action: string }) => d.action)).toEqual(['registration.submitted']);
    expect(await events('registration.submitted', first)).toHaveLength(1);
  });

  it('answers 409 with the existing id for an open duplicate by the same partner', async () => {
    const res = await call(t, 'POST', '/api/v1/registrations', {
      ...vendor.as,
      body: { partnerId: northwind, programId: resellers, ...details('Globex Corp.', 'globex.example', { customFields: { useCase: 'greenfield' } }) },
    });
    expect(res.status).toBe(409);
    expect(res.body.existingId).toBe(first);
  });

  it('routes by the first matching rule', async () => {
    const res = await call(t, 'POST', '/api/v1/registrations', {
      ...vendor.as,
      body: { partnerId: kestrel, programId: resellers, ...details('Big French Deal', 'bigfrench.example', { account: { name: 'Big French Deal', domain: 'bigfrench.example', country: 'FR' }, amount: { amountMinor: '20000000', currency: 'EUR' }, customFields: { useCase: 'greenfield' } }) },
    });
    expect(res.status).toBe(201);
    expect(res.body.reviewerMemberId).toBe(emeaLeadMemberId);
    const small = await call(t, 'POST', '/api/v1/registrations', {
      ...vendor.as,
      body: { partnerId: kestrel, programId: resellers, ...details('Small French Deal', 'smallfrench.example', { account: { name: 'Small French Deal', domain: 'smallfrench.example', country: 'FR' }, customFields: { useCase: 'greenfield' } }) },
    });
    expect(small.body.reviewerMemberId).toBeNull(); // no rule matches and Kestrel has no manager
  });

  it('refuses partners that are not enrolled, not eligible, or elsewhere', async () => {
    const draft = await call(t, 'POST', '/api/v1/registrations', { ...vendor.as, body: { partnerId: northwind, programId: draftProgram, ...details('X1', 'x1.example') } });
    expect(draft.status).toBe(422);
    expect(paths(draft.body)).toEqual(['programId']);
    const ineligible = await call(t, 'POST', '/api/v1/registrations', { ...vendor.as, body: { partnerId: northwind, programId: agencyOnly, ...details('X2', 'x2.example') } });
    expect(ineligible.status).toBe(403);
    expect(ineligible.body.detail).toContain('agency');
    const foreignPartner = await call(t, 'POST', '/api/v1/registrations', { ...vendor.as, body: { partnerId: otherPartner, programId: resellers, ...details('X3', 'x3.example') } });
    expect(foreignPartner.status).toBe(422);
    expect(paths(foreignPartner.body)).toEqual(['partnerId']);
    const foreignProgram = await call(t, 'POST', '/api/v1/registrations', { ...vendor.as, body: { partnerId: northwind, programId: otherProgram, ...details('X4', 'x4.example') } });
    expect(paths(foreignProgram.body)).toEqual(['programId']);
    expect((await call(t, 'POST', '/api/v1/registrations', { ...sales.as, body: { partnerId: northwind, programId: resellers, ...details('X5', 'x5.example') } })).status).toBe(403);
  });
});

describe('conflicts and review', () => {
  let northwindReg: string;
  let kestrelReg: string;
  let conflictId: string;

  beforeAll(async () => {
    northwindReg = (
      await call(t, 'POST', '/api/v1/registrations', { ...vendor.as, body: { partnerId: northwind, programId: resellers, ...details('Initech GmbH', 'initech.example', { customFields: { useCase: 'migration' } }) } })
    ).body.id;
  });

  it('detects another partner claiming the same customer and recommends with reasons', async () => {
    const res = await call(t, 'POST', '/api/v1/registrations', {
      ...vendor.as,
      body: { partnerId: kestrel, programId: resellers, ...details('Initech', 'www.initech.example', { customFields: { useCase: 'greenfield' } }) },
    });
    expect(res.status).toBe(201);
    kestrelReg = res.body.id;
    expect(res.body.conflictCount).toBe(1);
    const [c] = res.body.conflicts;
    conflictId = c.id;
    expect(c).toMatchObject({
      otherKind: 'registration',
      otherId: northwindReg,
      otherPartnerId: northwind,
      matchKind: 'domain',
      status: 'open',
      other: { partnerName: 'Northwind', accountName: 'Initech GmbH', status: 'submitted', amount: { amountMinor: '5000000', currency: 'EUR' } },
      recommendation: { winner: 'existing', reasons: expect.arrayContaining([expect.any(String)]) },
    });
    expect(await events('conflict.detected', kestrelReg)).toHaveLength(1);

    const queue = await call(t, 'GET', `/api/v1/registrations?hasConflicts=true&partnerId=${kestrel}`, sales.as);
    expect(queue.body.data.map((r: { id: string }) => r.id)).toEqual([kestrelReg]);
    const none = await call(t, 'GET', `/api/v1/registrations?hasConflicts=false&partnerId=${kestrel}`, sales.as);
    expect(none.body.data.map((r: { id: string }) => r.id)).not.toContain(kestrelReg);
  });

  it('lists the queue by SLA with filters and cursor pagination', async () => {
    const page1 = await call(t, 'GET', '/api/v1/registrations?status=submitted,info_requested&limit=2', vendor.as);
    expect(page1.status).toBe(200);
    expect(page1.body.data).toHaveLength(2);
    const page2 = await call(t, 'GET', `/api/v1/registrations?status=submitted&limit=50&cursor=${page1.body.nextCursor}`, vendor.as);
    const all = [...page1.body.data, ...page2.body.data];
    const dues = all.map((r: { slaDueAt: string }) => r.slaDueAt);
    expect([...dues].sort()).toEqual(dues);
    expect(new Set(all.map((r: { id: string }) => r.id)).size).toBe(all.length);
    const byReviewer = await call(t, 'GET', `/api/v1/registrations?reviewerMemberId=${pmMemberId}`, vendor.as);
    expect(byReviewer.body.data.every((r: { reviewerMemberId: string }) => r.reviewerMemberId === pmMemberId)).toBe(true);
    expect((await call(t, 'GET', '/api/v1/registrations?status=bogus', vendor.as)).status).toBe(422);
    expect((await call(t, 'GET', '/api/v1/registrations', other.as)).body.data).toEqual([]);
  });

  it('assigns, escalates and resolves a conflict', async () => {
    const assigned = await call(t, 'PATCH', `/api/v1/conflicts/${conflictId}`, { ...pm.as, body: { ownerMemberId: emeaLeadMemberId } });
    expect(assigned.status).toBe(200);
    expect(assigned.body).toMatchObject({ ownerMemberId: emeaLeadMemberId, ownerName: 'A admin' });
    expect((await call(t, 'PATCH', `/api/v1/conflicts/${conflictId}`, { ...pm.as, body: { ownerMemberId: 'mem_nope' } })).status).toBe(422);
    const escalated = await call(t, 'POST', `/api/v1/conflicts/${conflictId}/escalate`, { ...pm.as, body: { note: 'Both claim it' } });
    expect(escalated.body).toMatchObject({ status: 'escalated', escalatedAt: expect.any(String) });
    const again = await call(t, 'POST', `/api/v1/conflicts/${conflictId}/escalate`, { ...pm.as, body: {} });
    expect(again.status).toBe(409);
    expect(again.body.allowed).toEqual(['resolve']);
    expect((await call(t, 'POST', `/api/v1/conflicts/${conflictId}/resolve`, { ...pm.as, body: { resolution: '' } })).status).toBe(422);
    const resolved = await call(t, 'POST', `/api/v1/conflicts/${conflictId}/resolve`, { ...pm.as, body: { resolution: 'Northwind registered first' } });
    expect(resolved.body).toMatchObject({ status: 'resolved', resolution: 'Northwind registered first' });
    expect((await call(t, 'POST', `/api/v1/conflicts/${conflictId}/resolve`, { ...pm.as, body: { resolution: 'again' } })).status).toBe(409);
    expect((await call(t, 'POST', `/api/v1/conflicts/${conflictId}/resolve`, { ...sales.as, body: { resolution: 'x' } })).status).toBe(403);
    const list = await call(t, 'GET', '/api/v1/conflicts?status=resolved', sales.as);
    expect(list.body.data.map((c: { id: string }) => c.id)).toContain(conflictId);
    const detail = await call(t, 'GET', `/api/v1/registrations/${kestrelReg}`, vendor.as);
    expect(detail.body.conflictCount).toBe(0);
    expect(detail.body.decisions.map((d: { action: string }) => d.action)).toEqual(
      expect.arrayContaining(['registration.submitted', 'conflict.detected', 'conflict.assigned', 'conflict.escalated', 'conflict.resolved']),
    );
  });

  it('requests information, takes the answer, approves into a protected deal, and refuses other transitions', async () => {
    expect((await call(t, 'POST', `/api/v1/registrations/${northwindReg}/request-info`, { ...pm.as, body: {} })).status).toBe(422);
    const asked = await call(t, 'POST', `/api/v1/registrations/${northwindReg}/request-info`, { ...pm.as, body: { message: 'Which team is buying?', internalNote: 'SECRET-INTERNAL' } });
    expect(asked.status).toBe(200);
    expect(asked.body).toMatchObject({ status: 'info_requested', decisionReason: 'Which team is buying?', allowedActions: ['approve', 'reject'] });
    const twice = await call(t, 'POST', `/api/v1/registrations/${northwindReg}/request-info`, { ...pm.as, body: { message: 'again' } });
    expect(twice.status).toBe(409);
    expect(twice.body.allowed).toEqual(['approve', 'reject']);

    // The partner answers through the portal.
    const cookie = await portalCookie(priya);
    const badAnswer = await call(t, 'POST', `/api/v1/portal/registrations/${northwindReg}/respond`, { cookie, body: { message: 'x', fields: { contact: { email: '' } } } });
    expect(badAnswer.status).toBe(422);
    expect(paths(badAnswer.body)).toEqual(['contact.email']);
    const answered = await call(t, 'POST', `/api/v1/portal/registrations/${northwindReg}/respond`, {
      cookie,
      body: { message: 'The finance team', fields: { notes: 'Finance team, 40 seats', amount: { amountMinor: '6000000', currency: 'EUR' } } },
    });
    expect(answered.status).toBe(200);
    expect(answered.body).toMatchObject({ status: 'submitted', notes: 'Finance team, 40 seats', amount: { amountMinor: '6000000', currency: 'EUR' } });
    expect((await call(t, 'POST', `/api/v1/portal/registrations/${northwindReg}/respond`, { cookie, body: { message: 'again' } })).status).toBe(409);

    expect((await call(t, 'POST', `/api/v1/registrations/${northwindReg}/approve`, { ...sales.as, body: {} })).status).toBe(403);
    const before = Date.now();
    const approved = await call(t, 'POST', `/api/v1/registrations/${northwindReg}/approve`, { ...pm.as, body: { note: 'Go for it' } });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', decisionReason: 'Go for it', dealId: expect.stringMatching(/^deal_/), allowedActions: [], decidedAt: expect.any(String) });
    const protection = Date.parse(approved.body.protectionEndsAt) - Date.parse(approved.body.protectionStartsAt);
    expect(protection).toBe(60 * DAY);
    expect(Date.parse(approved.body.protectionStartsAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(approved.body.decisions.map((d: { action: string }) => d.action)).toEqual(
      expect.arrayContaining(['registration.submitted', 'registration.info_requested', 'registration.info_provided', 'registration.approved']),
    );
    expect(approved.body.decisions.find((d: { action: string }) => d.action === 'registration.approved')).toMatchObject({ actorType: 'member', actorName: 'A partner_manager' });
    const deal = await call(t, 'GET', `/api/v1/deals/${approved.body.dealId}`, vendor.as);
    if (deal.status === 200) expect(deal.body).toMatchObject({ origin: 'partner' });

    const reject = await call(t, 'POST', `/api/v1/registrations/${northwindReg}/reject`, { ...pm.as, body: { reason: 'Too late' } });
    expect(reject.status).toBe(409);
    expect(reject.body.allowed).toEqual([]);
    expect(await events('registration.approved', northwindReg)).toHaveLength(1);
    expect(await events('registration.info_requested', northwindReg)).toHaveLength(1);
  });

  it('rejects with a reason', async () => {
    expect((await call(t, 'POST', `/api/v1/registrations/${kestrelReg}/reject`, { ...pm.as, body: {} })).status).toBe(422);
    const res = await call(t, 'POST', `/api/v1/registrations/${kestrelReg}/reject`, { ...pm.as, body: { reason: 'Northwind registered first' } });
    expect(res.body).toMatchObject({ status: 'rejected', decisionReason: 'Northwind registered first' });
    expect(await events('registration.rejected', kestrelReg)).toHaveLength(1);
  });

  it('emails the reviewer of a submission and the partner about decisions, from the projection only', async () => {
    await t.services.bus.drain();
    const toPm = await t.services.db.select().from(mailMessage).where(eq(mailMessage.to, pm.email));
    expect(toPm.some((m) => m.subject.includes('New deal registration: Initech GmbH from Northwind'))).toBe(true);
    const toPriya = await t.services.db.select().from(mailMessage).where(eq(mailMessage.to, priya));
    const subjects = toPriya.map((m) => m.subject);
    expect(subjects).toEqual(expect.arrayContaining(['More information needed: Initech GmbH', 'Registration approved: Initech GmbH']));
    const text = toPriya.map((m) => `${m.text}${m.html}`).join('\n');
    expect(text).toContain('Which team is buying?');
    expect(text).not.toContain('SECRET-INTERNAL');
    expect(text).not.toContain('Kestrel');
    // Staff registered it, so every registering user hears (admins and sellers), finance does not.
    const toSam = await t.services.db.select().from(mailMessage).where(eq(mailMessage.to, sam));
    expect(toSam.filter((m) => m.subject.includes('Initech'))).toHaveLength(2);
    const toFiona = await t.services.db.select().from(mailMessage).where(eq(mailMessage.to, fiona));
    expect(toFiona.filter((m) => m.subject.includes('Initech'))).toEqual([]);
    // The reviewer hears when the partner answered.
    expect(toPm.some((m) => m.subject === 'Northwind answered: Initech GmbH')).toBe(true);
  });
});

describe('partner portal', () => {
  let mine: string;

  it('registers through the portal and shows only the projected fields', async () => {
    const cookie = await portalCookie(sam);
    const form = await call(t, 'GET', `/api/v1/portal/programs/${resellers}/registration-form`, { cookie });
    expect(form.status).toBe(200);
    expect(form.body).toMatchObject({ programName: 'Resellers', currency: 'EUR', eligible: true, customFields: [expect.objectContaining({ key: 'useCase' }), expect.objectContaining({ key: 'seats' })] });
    expect(form.body.requiredFields).toContain('accountName');
    const agency = await call(t, 'GET', `/api/v1/portal/programs/${agencyOnly}/registration-form`, { cookie });
    expect(agency.body).toMatchObject({ eligible: false, ineligibleReason: expect.stringContaining('agency') });
    expect((await call(t, 'GET', `/api/v1/portal/programs/${draftProgram}/registration-form`, { cookie })).status).toBe(404);

    const missing = await call(t, 'POST', '/api/v1/portal/registrations', { cookie, body: { programId: resellers, account: { name: 'Umbrella' } } });
    expect(missing.status).toBe(422);
    expect(paths(missing.body)).toEqual(['account.domain', 'amount', 'contact.email', 'contact.name', 'customFields.useCase', 'expectedCloseDate']);
    const ineligible = await call(t, 'POST', '/api/v1/portal/registrations', { cookie, body: { programId: agencyOnly, ...details('Umbrella', 'umbrella.example') } });
    expect(ineligible.status).toBe(403);

    const res = await call(t, 'POST', '/api/v1/portal/registrations', { cookie, body: { programId: resellers, ...details('Umbrella Corp', 'umbrella.example', { customFields: { useCase: 'greenfield' } }) } });
    expect(res.status).toBe(201);
    mine = res.body.id;
    expect(res.body).toMatchObject({ status: 'submitted', accountName: 'Umbrella Corp', programName: 'Resellers', daysLeft: null });
    for (const hidden of ['reviewerMemberId', 'reviewerName', 'internalNotes', 'conflicts', 'partnerId', 'channel', 'accountId', 'slaBreachedAt', 'decidedByMemberId', 'dealId']) {
      expect(res.body).not.toHaveProperty(hidden);
    }
    const [row] = await t.services.db.select().from(registration).where(eq(registration.id, mine));
    expect(row).toMatchObject({ channel: 'portal', partnerId: northwind, reviewerMemberId: pmMemberId });
    expect(row.submittedByPartnerUserId).toMatch(/^pu_/);
    const dup = await call(t, 'POST', '/api/v1/portal/registrations', { cookie, body: { programId: resellers, ...details('Umbrella', 'umbrella.example', { customFields: { useCase: 'greenfield' } }) } });
    expect(dup.status).toBe(409);
    expect(dup.body.existingId).toBe(mine);
  });

  it('lists my registrations with the protection countdown, never another partner’s', async () => {
    const cookie = await portalCookie(priya);
    const list = await call(t, 'GET', '/api/v1/portal/registrations', { cookie });
    expect(list.status).toBe(200);
    const approved = list.body.data.find((r: { status: string }) => r.status === 'approved');
    expect(approved).toMatchObject({ accountName: 'Initech GmbH', daysLeft: 60, protectionEndsAt: expect.any(String), extensionsRemaining: 1 });
    const text = JSON.stringify(list.body);
    expect(text).not.toContain('Kestrel');
    expect(text).not.toContain('INTERNAL-ONLY-NOTE');
    expect(text).not.toContain('SECRET-INTERNAL');
    expect(text).not.toContain(pmMemberId);
    expect(list.body.data.every((r: Record<string, unknown>) => !('conflicts' in r) && !('reviewerMemberId' in r))).toBe(true);

    const kestrelCookie = await portalCookie(jonas);
    const theirs = await call(t, 'GET', '/api/v1/portal/registrations', { cookie: kestrelCookie });
    expect(theirs.body.data.map((r: { id: string }) => r.id)).not.toContain(mine);
    expect((await call(t, 'GET', `/api/v1/portal/registrations/${mine}`, { cookie: kestrelCookie })).status).toBe(404);
    expect((await call(t, 'POST', `/api/v1/portal/registrations/${mine}/extensions`, { cookie: kestrelCookie, body: { reason: 'x' } })).status).toBe(404);
    expect((await call(t, 'POST', `/api/v1/portal/registrations/${mine}/respond`, { cookie: kestrelCookie, body: { message: 'x' } })).status).toBe(404);
    const one = await call(t, 'GET', `/api/v1/portal/registrations/${mine}`, { cookie });
    expect(one.body).toMatchObject({ id: mine, extensions: [] });
  });

  it("adds fields only when the program's sharing rules say so", async () => {
    const shared = await call(t, 'PUT', '/api/v1/sharing-rules', {
      ...vendor.as,
      body: {
        rules: [
          { programId: resellers, object: 'registration', field: 'reviewerName', audience: '*', mode: 'visible' },
          { programId: resellers, object: 'registration', field: 'reviewerEmail', audience: 'seller', mode: 'masked' },
        ],
      },
    });
    expect(shared.status).toBeLessThan(300);
    const admin = await call(t, 'GET', `/api/v1/portal/registrations/${mine}`, { cookie: await portalCookie(priya) });
    expect(admin.body.reviewerName).toBe('A partner_manager');
    expect(admin.body).not.toHaveProperty('reviewerEmail');
    const seller = await call(t, 'GET', `/api/v1/portal/registrations/${mine}`, { cookie: await portalCookie(sam) });
    expect(seller.body.reviewerEmail).toMatch(/^.•••@example\.com$/);
    expect(JSON.stringify(seller.body)).not.toContain(pm.email);
    for (const rule of (await call(t, 'GET', '/api/v1/sharing-rules', vendor.as)).body.data) {
      await call(t, 'DELETE', `/api/v1/sharing-rules/${rule.id}`, vendor.as);
    }
    const after = await call(t, 'GET', `/api/v1/portal/registrations/${mine}`, { cookie: await portalCookie(priya) });
    expect(after.body).not.toHaveProperty('reviewerName');
  });

  it('keeps finance users out and serves sanitized rules of engagement', async () => {
    const finance = await portalCookie(fiona);
    expect((await call(t, 'GET', '/api/v1/portal/registrations', { cookie: finance })).status).toBe(403);
    expect((await call(t, 'POST', '/api/v1/portal/registrations', { cookie: finance, body: { programId: resellers, ...details('F', 'f.example') } })).status).toBe(403);
    const roe = await call(t, 'GET', `/api/v1/portal/programs/${resellers}/rules-of-engagement`, { cookie: finance });
    expect(roe.status).toBe(200);
    expect(roe.body.html).toContain('<strong>first</strong>');
    expect(roe.body.html).not.toMatch(/script|onerror|javascript:/i);
    expect((await call(t, 'GET', `/api/v1/portal/programs/${otherProgram}/rules-of-engagement`, { cookie: finance })).status).toBe(404);
  });

  it('staff routes stay closed to partner users', async () => {
    const cookie = await portalCookie(priya);
    expect((await call(t, 'GET', '/api/v1/registrations', { cookie, workspaceId: vendor.workspaceId })).status).toBe(404);
  });
});

describe('extensions', () => {
  let reg: string;

  beforeAll(async () => {
    reg = (await call(t, 'POST', '/api/v1/registrations', { ...vendor.as, body: { partnerId: northwind, programId: resellers, ...details('Hooli', 'hooli.example', { customFields: { useCase: 'greenfield' } }) } })).body.id;
  });

  it('only extends protected registrations, within the allowed number, with approval', async () => {
    const cookie = await portalCookie(priya);
    const early = await call(t, 'POST', `/api/v1/portal/registrations/${reg}/extensions`, { cookie, body: { reason: 'Slipped' } });
    expect(early.status).toBe(409);
    const approved = await call(t, 'POST', `/api/v1/registrations/${reg}/approve`, { ...pm.as, body: {} });
    const endsAt = Date.parse(approved.body.protectionEndsAt);
    expect((await call(t, 'POST', `/api/v1/portal/registrations/${reg}/extensions`, { cookie, body: { reason: '' } })).status).toBe(422);
    const requested = await call(t, 'POST', `/api/v1/portal/registrations/${reg}/extensions`, { cookie, body: { reason: 'Budget moved to Q3' } });
    expect(requested.status).toBe(201);
    expect(requested.body).toMatchObject({ status: 'requested', days: 30 });
    const pending = await call(t, 'POST', `/api/v1/portal/registrations/${reg}/extensions`, { cookie, body: { reason: 'again' } });
    expect(pending.status).toBe(409);
    expect(pending.body.existingId).toBe(requested.body.id);

    expect((await call(t, 'POST', `/api/v1/registration-extensions/${requested.body.id}/approve`, { ...sales.as, body: {} })).status).toBe(403);
    expect((await call(t, 'POST', `/api/v1/registration-extensions/${requested.body.id}/approve`, { ...other.as, body: {} })).status).toBe(404);
    const granted = await call(t, 'POST', `/api/v1/registration-extensions/${requested.body.id}/approve`, { ...pm.as, body: {} });
    expect(granted.body).toMatchObject({ status: 'approved', decidedAt: expect.any(String) });
    expect((await call(t, 'POST', `/api/v1/registration-extensions/${requested.body.id}/reject`, { ...pm.as, body: {} })).status).toBe(409);
    const detail = await call(t, 'GET', `/api/v1/registrations/${reg}`, vendor.as);
    expect(Date.parse(detail.body.protectionEndsAt) - endsAt).toBe(30 * DAY);
    expect(detail.body.extensionsUsed).toBe(1);
    const mine = await call(t, 'GET', `/api/v1/portal/registrations/${reg}`, { cookie });
    expect(mine.body).toMatchObject({ extensionsUsed: 1, extensionsRemaining: 0, daysLeft: 90, extensions: [expect.objectContaining({ status: 'approved' })] });
    const none = await call(t, 'POST', `/api/v1/portal/registrations/${reg}/extensions`, { cookie, body: { reason: 'more' } });
    expect(none.status).toBe(409);
    expect(none.body.maxExtensions).toBe(1);
  });

  it('grants at once when the program needs no approval, and staff can refuse requests', async () => {
    await call(t, 'PUT', `/api/v1/programs/${resellers}/registration-policy`, { ...vendor.as, body: { maxExtensions: 3, extensionRequiresApproval: false, extensionDays: 10 } });
    const cookie = await portalCookie(priya);
    const auto = await call(t, 'POST', `/api/v1/portal/registrations/${reg}/extensions`, { cookie, body: { reason: 'Legal review' } });
    expect(auto.body).toMatchObject({ status: 'approved', days: 10 });
    await call(t, 'PUT', `/api/v1/programs/${resellers}/registration-policy`, { ...vendor.as, body: { extensionRequiresApproval: true } });
    const asked = await call(t, 'POST', `/api/v1/portal/registrations/${reg}/extensions`, { cookie, body: { reason: 'One more' } });
    const refused = await call(t, 'POST', `/api/v1/registration-extensions/${asked.body.id}/reject`, { ...pm.as, body: { reason: 'Enough' } });
    expect(refused.body.status).toBe('rejected');
    const detail = await call(t, 'GET', `/api/v1/registrations/${reg}`, vendor.as);
    expect(detail.body.extensionsUsed).toBe(2);
    expect(detail.body.extensions.map((e: { status: string }) => e.status)).toEqual(['approved', 'approved', 'rejected']);
    await call(t, 'PUT', `/api/v1/programs/${resellers}/registration-policy`, { ...vendor.as, body: { maxExtensions: 1, extensionDays: 30 } });
  });
});

describe('queue search and protection order', () => {
  it('searches account names and domains, and lists protections ending soonest', async () => {
    const found = await call(t, 'GET', '/api/v1/registrations?q=HOOLI', vendor.as);
    expect(found.body.data.map((r: { accountName: string }) => r.accountName)).toEqual(['Hooli']);
    const byDomain = await call(t, 'GET', '/api/v1/registrations?q=initech.exam', vendor.as);
    expect(byDomain.body.data.length).toBe(2);
    const ending = await call(t, 'GET', '/api/v1/registrations?sort=protectionEndsAt&limit=1', vendor.as);
    const rest = await call(t, 'GET', `/api/v1/registrations?sort=protectionEndsAt&cursor=${ending.body.nextCursor}`, vendor.as);
    const ends = [...ending.body.data, ...rest.body.data].map((r: { protectionEndsAt: string }) => r.protectionEndsAt);
    expect(ends.length).toBe(2);
    expect(ends.every((e) => e !== null)).toBe(true);
    expect([...ends].sort()).toEqual(ends);
  });
});

describe('scheduled jobs', () => {
  it('marks SLA breaches once', async () => {
    const ws = await ownerWithWorkspace(t, 'Clock Co');
    const prg = (await call(t, 'POST', '/api/v1/programs', { ...ws.as, body: { name: 'Program P', partnerType: 'reseller', currency: 'USD', status: 'active' } })).body.id;
    const ptr = (await call(t, 'POST', '/api/v1/partners', { ...ws.as, body: { name: 'Clock Partner', type: 'reseller' } })).body.id;
    await call(t, 'POST', `/api/v1/partners/${ptr}/enrollments`, { ...ws.as, body: { programId: prg } });
    await call(t, 'PUT', `/api/v1/programs/${prg}/registration-policy`, { ...ws.as, body: { requiredFields: [], protectionDays: 30 } });
    const reg = (await call(t, 'POST', '/api/v1/registrations', { ...ws.as, body: { partnerId: ptr, programId: prg, account: { name: 'Tick Tock Inc' } } })).body;
    expect(reg.status).toBe('submitted');
    const now = Date.now();
    await markSlaBreaches(t.services.db, new Date(now + 47 * 3600_000));
    expect(await events('registration.sla_breached', reg.id)).toHaveLength(0);
    const soon = await call(t, 'GET', `/api/v1/registrations?partnerId=${ptr}`, ws.as);
    expect(soon.body.data[0].slaState).toBe('on_time');
    expect(await markSlaBreaches(t.services.db, new Date(now + 49 * 3600_000))).toBeGreaterThanOrEqual(1);
    await markSlaBreaches(t.services.db, new Date(now + 50 * 3600_000));
    expect(await events('registration.sla_breached', reg.id)).toHaveLength(1);
    const detail = await call(t, 'GET', `/api/v1/registrations/${reg.id}`, ws.as);
    expect(detail.body.slaBreachedAt).not.toBeNull();
    expect(detail.body.decisions.map((d: { action: string; actorName: string }) => `${d.action}/${d.actorName}`)).toContain('registration.sla_breached/registration scheduler');
  });

  it('reminds at 14, 7 and 1 days, once each, then expires protection', async () => {
    const ws = await ownerWithWorkspace(t, 'Reminder Co');
    const prg = (await call(t, 'POST', '/api/v1/programs', { ...ws.as, body: { name: 'Program P', partnerType: 'reseller', currency: 'USD', status: 'active' } })).body.id;
    const ptr = (await call(t, 'POST', '/api/v1/partners', { ...ws.as, body: { name: 'Reminded Partner', type: 'reseller' } })).body.id;
    await call(t, 'POST', `/api/v1/partners/${ptr}/enrollments`, { ...ws.as, body: { programId: prg } });
    await call(t, 'PUT', `/api/v1/programs/${prg}/registration-policy`, { ...ws.as, body: { requiredFields: [], protectionDays: 30 } });
    const remindedEmail = uniqueEmail('reminded');
    await call(t, 'POST', `/api/v1/partners/${ptr}/users`, { ...ws.as, body: { email: remindedEmail, name: 'Rita Reminded', role: 'admin' } });
    const reg = (await call(t, 'POST', '/api/v1/registrations', { ...ws.as, body: { partnerId: ptr, programId: prg, account: { name: 'Remind Me Ltd' } } })).body;
    const approved = await call(t, 'POST', `/api/v1/registrations/${reg.id}/approve`, { ...ws.as, body: {} });
    const end = Date.parse(approved.body.protectionEndsAt);
    const at = (daysBeforeEnd: number) => new Date(end - daysBeforeEnd * DAY);
    const thresholds = async () => (await events('registration.protection_expiring', reg.id)).map((e) => (e.payload as { threshold: number }).threshold);

    await sendProtectionReminders(t.services.db, at(15));
    expect(await thresholds()).toEqual([]);
    await sendProtectionReminders(t.services.db, at(13.9));
    await sendProtectionReminders(t.services.db, at(13));
    expect(await thresholds()).toEqual([14]);
    await sendProtectionReminders(t.services.db, at(6.5));
    await sendProtectionReminders(t.services.db, at(0.5));
    await sendProtectionReminders(t.services.db, at(0.1));
    expect(await thresholds()).toEqual([14, 7, 1]);
    await t.services.bus.drain();
    const reminders = await t.services.db.select().from(mailMessage).where(eq(mailMessage.to, remindedEmail));
    expect(reminders.map((m) => m.subject).filter((x) => x.startsWith('Protection ends')).sort()).toEqual([
      'Protection ends in 1 day: Remind Me Ltd',
      'Protection ends in 14 days: Remind Me Ltd',
      'Protection ends in 7 days: Remind Me Ltd',
    ]);

    await expireProtections(t.services.db, at(0.1));
    expect((await call(t, 'GET', `/api/v1/registrations/${reg.id}`, ws.as)).body.status).toBe('approved');
    await expireProtections(t.services.db, new Date(end + 1000));
    await expireProtections(t.services.db, new Date(end + 2000));
    const expired = await call(t, 'GET', `/api/v1/registrations/${reg.id}`, ws.as);
    expect(expired.body.status).toBe('expired');
    expect(await events('registration.expired', reg.id)).toHaveLength(1);
    expect(expired.body.decisions.map((d: { action: string }) => d.action)).toContain('registration.expired');

    // An expired registration no longer blocks a new one for the same customer.
    const again = await call(t, 'POST', '/api/v1/registrations', { ...ws.as, body: { partnerId: ptr, programId: prg, account: { name: 'Remind Me Ltd' } } });
    expect(again.status).toBe(201);
  });
});

describe('public registration links', () => {
  let linkId: string;
  let token: string;

  it('creates a link for an enrolled partner and serves the form without partner internals', async () => {
    expect((await call(t, 'POST', `/api/v1/partners/${northwind}/registration-links`, { ...vendor.as, body: { programId: otherProgram } })).status).toBe(422);
    expect((await call(t, 'POST', `/api/v1/partners/${otherPartner}/registration-links`, { ...vendor.as, body: { programId: resellers } })).status).toBe(404);
    expect((await call(t, 'POST', `/api/v1/partners/${northwind}/registration-links`, { ...sales.as, body: { programId: resellers } })).status).toBe(403);
    const res = await call(t, 'POST', `/api/v1/partners/${northwind}/registration-links`, { ...pm.as, body: { programId: resellers } });
    expect(res.status).toBe(201);
    linkId = res.body.id;
    token = res.body.token;
    expect(res.body.url).toBe(`http://localhost:3999/register/${token}`);
    const list = await call(t, 'GET', `/api/v1/partners/${northwind}/registration-links`, sales.as);
    expect(list.body.data.map((l: { id: string }) => l.id)).toEqual([linkId]);

    const form = await call(t, 'GET', `/api/v1/public/registration-forms/${token}`);
    expect(form.status).toBe(200);
    expect(form.body).toMatchObject({ vendorName: 'Vendor Co', partnerName: 'Northwind', programName: 'Resellers' });
    expect(Object.keys(form.body).sort()).toEqual(['currency', 'customFields', 'partnerName', 'programName', 'requiredFields', 'vendorName']);
    expect((await call(t, 'GET', '/api/v1/public/registration-forms/not-a-real-token-value')).status).toBe(404);
  });

  it('takes a registration without a login, audited as the public link', async () => {
    const bad = await call(t, 'POST', `/api/v1/public/registration-forms/${token}`, { body: { account: { name: 'Pied Piper' } } });
    expect(bad.status).toBe(422);
    const res = await call(t, 'POST', `/api/v1/public/registration-forms/${token}`, { body: details('Pied Piper', 'piedpiper.example', { customFields: { useCase: 'greenfield' } }) });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual(['accountName', 'createdAt', 'id', 'status']);
    const [row] = await t.services.db.select().from(registration).where(eq(registration.id, res.body.id));
    expect(row).toMatchObject({ channel: 'public_link', partnerId: northwind, programId: resellers });
    const [entry] = await t.services.db
      .select()
      .from(auditEntry)
      .where(and(eq(auditEntry.entityId, res.body.id), eq(auditEntry.action, 'registration.submitted')))
      .orderBy(desc(auditEntry.id));
    expect(entry).toMatchObject({ actorType: 'system', actorName: 'public registration link' });
    expect(entry.changes).toMatchObject({ registrationLinkId: linkId, channel: 'public_link' });
  });

  it('is rate limited', async () => {
    const saved = t.services.limiters.publicLinks;
    t.services.limiters.publicLinks = new RateLimiter(2, 60_000);
    try {
      expect((await call(t, 'GET', `/api/v1/public/registration-forms/${token}`)).status).toBe(200);
      expect((await call(t, 'GET', `/api/v1/public/registration-forms/${token}`)).status).toBe(200);
      const limited = await call(t, 'GET', `/api/v1/public/registration-forms/${token}`);
      expect(limited.status).toBe(429);
    } finally {
      t.services.limiters.publicLinks = saved;
    }
  });

  it('answers 404 once revoked', async () => {
    expect((await call(t, 'DELETE', `/api/v1/registration-links/${linkId}`, other.as)).status).toBe(404);
    expect((await call(t, 'DELETE', `/api/v1/registration-links/${linkId}`, sales.as)).status).toBe(403);
    expect((await call(t, 'DELETE', `/api/v1/registration-links/${linkId}`, pm.as)).status).toBe(204);
    expect((await call(t, 'GET', `/api/v1/public/registration-forms/${token}`)).status).toBe(404);
    expect((await call(t, 'POST', `/api/v1/public/registration-forms/${token}`, { body: details('Hooli XYZ', 'hoolixyz.example') })).status).toBe(404);
    const list = await call(t, 'GET', `/api/v1/partners/${northwind}/registration-links`, vendor.as);
    expect(list.body.data[0].revokedAt).not.toBeNull();
  });
});

describe('tenancy', () => {
  it("answers 404 for another workspace's ids on every registration route", async () => {
    const reg = (await call(t, 'GET', '/api/v1/registrations?limit=1', vendor.as)).body.data[0].id as string;
    const conflictId = (await call(t, 'GET', '/api/v1/conflicts?limit=1', vendor.as)).body.data[0].id as string;
    const cases: [string, string, unknown?][] = [
      ['GET', `/api/v1/registrations/${reg}`],
      ['POST', `/api/v1/registrations/${reg}/approve`, {}],
      ['POST', `/api/v1/registrations/${reg}/reject`, { reason: 'x' }],
      ['POST', `/api/v1/registrations/${reg}/request-info`, { message: 'x' }],
      ['GET', `/api/v1/conflicts/${conflictId}`],
      ['PATCH', `/api/v1/conflicts/${conflictId}`, { ownerMemberId: null }],
      ['POST', `/api/v1/conflicts/${conflictId}/resolve`, { resolution: 'x' }],
      ['POST', `/api/v1/conflicts/${conflictId}/escalate`, {}],
      ['GET', `/api/v1/partners/${northwind}/registration-links`],
      ['GET', `/api/v1/programs/${resellers}/registration-policy`],
    ];
    const otherKey = await apiKeyFor(t, other, 'owner');
    for (const [method, path, body] of cases) {
      for (const caller of [other.as, { apiKey: otherKey }]) {
        const res = await call(t, method, path, { ...caller, body });
        expect(`${method} ${path} ${res.status}`).toBe(`${method} ${path} 404`);
      }
    }
    // And the other way round, with one of each record made in the other workspace.
    const ids = await registrationFixtures(t, other.as, other.workspaceId);
    const reverse: [string, string, unknown?][] = [
      ['GET', `/api/v1/registrations/${ids.registrations}`],
      ['POST', `/api/v1/registrations/${ids.registrations}/approve`, {}],
      ['POST', `/api/v1/registration-extensions/${ids['registration-extensions']}/approve`, {}],
      ['POST', `/api/v1/registration-extensions/${ids['registration-extensions']}/reject`, {}],
      ['GET', `/api/v1/conflicts/${ids.conflicts}`],
      ['DELETE', `/api/v1/registration-links/${ids['registration-links']}`],
      ['POST', `/api/v1/partners/${ids.partners}/registration-links`, { programId: ids.programs }],
      ['PUT', `/api/v1/programs/${ids.programs}/registration-policy`, { protectionDays: 10 }],
    ];
    for (const [method, path, body] of reverse) {
      const res = await call(t, method, path, { ...vendor.as, body });
      expect(`${method} ${path} ${res.status}`).toBe(`${method} ${path} 404`);
    }
    const kestrelPortal = await portalCookie(jonas);
    expect((await call(t, 'GET', `/api/v1/portal/registrations/${ids.registrations}`, { cookie: kestrelPortal })).status).toBe(404);
    const otherCookie = await portalCookie(jonas);
    expect((await call(t, 'GET', `/api/v1/portal/programs/${otherProgram}/registration-form`, { cookie: otherCookie })).status).toBe(404);
  });
});

describe('contacts', () => {
  it("records the registration's contact on the customer account, once per email", async () => {
    const domain = `contact-${Date.now()}.example`;
    const first = await call(t, 'POST', '/api/v1/registrations', { ...vendor.as, body: { partnerId: northwind, programId: resellers, ...details('Contactable GmbH', domain, { customFields: { useCase: 'greenfield' } }) } });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const second = await call(t, 'POST', '/api/v1/registrations', { ...vendor.as, body: { partnerId: kestrel, programId: resellers, ...details('Contactable GmbH', domain, { customFields: { useCase: 'greenfield' } }) } });
    expect(second.status).toBe(201);
    const reg = await call(t, 'GET', `/api/v1/registrations/${first.body.id}`, vendor.as);
    const contacts = await call(t, 'GET', `/api/v1/accounts/${reg.body.accountId}/contacts`, vendor.as);
    expect(contacts.body.data).toEqual([expect.objectContaining({ name: 'Ada Buyer', email: 'ada@buyer.example', phone: '+49 30 1234' })]);
  });
});
