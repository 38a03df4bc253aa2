import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, call, createTestApp, memberWithRole, ownerWithWorkspace } from '../../test/harness.ts';
import { commissionEntry } from '../commissions/schema.ts';
import { makePartner, partnerUser } from '../deals/test-fixtures.ts';
import { addEntry } from './testing/fixtures.ts';

let t: TestApp;
let vendor: Awaited<ReturnType<typeof ownerWithWorkspace>>;
let other: Awaited<ReturnType<typeof ownerWithWorkspace>>;
let finance: Awaited<ReturnType<typeof memberWithRole>>;
let sales: Awaited<ReturnType<typeof memberWithRole>>;
let programId: string;
let alpha: { id: string; cookie: string; email: string };
let beta: { id: string; cookie: string; email: string };
let payoutId: string;
let lineId: string;

const usd = (amountMinor: string | number) => ({ amountMinor: String(amountMinor), currency: 'USD' });

async function partnerWithUser(name: string) {
  const id = await makePartner(t, vendor.as, name, programId);
  const user = await partnerUser(t, vendor.as, id, 'admin');
  return { id, cookie: user.cookie, email: user.email };
}

beforeAll(async () => {
  t = await createTestApp();
  vendor = await ownerWithWorkspace(t, 'Dispute Vendor');
  other = await ownerWithWorkspace(t, 'Other Dispute Vendor');
  finance = await memberWithRole(t, vendor, 'finance');
  sales = await memberWithRole(t, vendor, 'sales');
  const prg = await call(t, 'POST', '/api/v1/programs', { ...vendor.as, body: { name: 'Disputed program', partnerType: 'affiliate', currency: 'USD', status: 'active' } });
  programId = prg.body.id;
  alpha = await partnerWithUser('Alpha Referrals');
  beta = await partnerWithUser('Beta Referrals');
  lineId = await addEntry(t.services.db, { workspaceId: vendor.workspaceId, programId, partnerId: alpha.id, amountMinor: 12_000n });
  await addEntry(t.services.db, { workspaceId: vendor.workspaceId, programId, partnerId: alpha.id, amountMinor: 3_000n });
  await addEntry(t.services.db, { workspaceId: vendor.workspaceId, programId, partnerId: beta.id, amountMinor: 9_000n });
  const run = await call(t, 'POST', '/api/v1/payout-runs', { ...vendor.as, body: { programId } });
  expect(run.status, JSON.stringify(run.body)).toBe(201);
  const approved = await call(t, 'POST', `/api/v1/payout-runs/${run.body.id}/approve`, finance.as);
  expect(approved.status, JSON.stringify(approved.body)).toBe(200);
  payoutId = approved.body.payouts.find((p: { partnerName: string }) => p.partnerName === 'Alpha Referrals').id;
});

afterAll(async () => {
  await t?.close();
});

describe('statement disputes', () => {
  let disputeId: string;

  it('a partner disputes its statement; the partner sees its own view, finance the full one', async () => {
    const res = await call(t, 'POST', `/api/v1/portal/payouts/${payoutId}/disputes`, {
      cookie: alpha.cookie,
      body: { reason: 'missing_commission', message: 'The Globex renewal from October is not on this statement.', expectedAmount: usd(2_500) },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    disputeId = res.body.id;
    expect(res.body).toMatchObject({ payoutId, statementNumber: expect.stringMatching(/^S-\d{6}$/), reason: 'missing_commission', status: 'open', expectedAmount: usd(2_500), resolution: null });
    expect(Object.keys(res.body)).not.toEqual(expect.arrayContaining(['openedBy']));
    expect(res.body).not.toHaveProperty('partnerName');
    expect(res.body).not.toHaveProperty('adjustmentEntryId');

    const mine = await call(t, 'GET', '/api/v1/portal/payout-disputes', { cookie: alpha.cookie });
    expect(mine.body.data.map((d: { id: string }) => d.id)).toEqual([disputeId]);
    const theirs = await call(t, 'GET', '/api/v1/portal/payout-disputes', { cookie: beta.cookie });
    expect(theirs.body.data).toEqual([]);

    // Finance hears of it by email (the workspace has a finance member, so not the owner).
    await t.services.bus.drain();
    const outbox = (await call(t, 'GET', '/api/v1/mail-outbox?limit=100', vendor.as)).body.data as { id: string; to: string; subject: string }[];
    const opened = outbox.filter((m) => m.subject === `Alpha Referrals disputes statement ${res.body.statementNumber}`);
    expect(opened.map((m) => m.to)).toEqual([finance.email]);
    const body = await call(t, 'GET', `/api/v1/mail-outbox/${opened[0].id}`, vendor.as);
    expect(body.body.text).toContain('The Globex renewal from October is not on this statement.');
    expect(body.body.text).toContain('They expected $25.00.');

    const queue = await call(t, 'GET', '/api/v1/payout-disputes?status=open', sales.as);
    expect(queue.status).toBe(200);
    expect(queue.body.data[0]).toMatchObject({ id: disputeId, partnerName: 'Alpha Referrals', programName: 'Disputed program', payoutAmount: usd(15_000), allowedActions: ['resolve', 'reject'] });
    expect(queue.body.data[0].openedBy).toBeTruthy();
  });

  it("lists the lines of the partner's own statement (to pick the one it disputes), in the partner's view; 404 for anyone else's, 403 for a seller", async () => {
    const lines = await call(t, 'GET', `/api/v1/portal/payouts/${payoutId}/lines`, { cookie: alpha.cookie });
    expect(lines.status, JSON.stringify(lines.body)).toBe(200);
    expect(lines.body.data.map((l: { amount: { amountMinor: string } }) => l.amount.amountMinor).sort()).toEqual(['12000', '3000']);
    expect(lines.body.data.map((l: { id: string }) => l.id)).toContain(lineId);
    for (const line of lines.body.data) {
      expect(line).not.toHaveProperty('payoutId');
      expect(line).not.toHaveProperty('flags');
      expect(line).not.toHaveProperty('idempotencyKey');
    }
    const page = await call(t, 'GET', `/api/v1/portal/payouts/${payoutId}/lines?limit=1`, { cookie: alpha.cookie });
    expect(page.body.data).toHaveLength(1);
    expect(page.body.nextCursor).toBeTruthy();
    // "Show older lines" in the dispute dialog: the next page is the other line, and the last page ends.
    const older = await call(t, 'GET', `/api/v1/portal/payouts/${payoutId}/lines?limit=1&cursor=${encodeURIComponent(page.body.nextCursor)}`, { cookie: alpha.cookie });
    expect(older.status).toBe(200);
    expect([...page.body.data, ...older.body.data].map((l: { id: string }) => l.id).sort()).toEqual(lines.body.data.map((l: { id: string }) => l.id).sort());
    expect(older.body.nextCursor).toBeNull();
    expect((await call(t, 'GET', `/api/v1/portal/payouts/${payoutId}/lines?limit=0`, { cookie: alpha.cookie })).status).toBe(422);
    expect((await call(t, 'GET', `/api/v1/portal/payouts/${payoutId}/lines`, { cookie: beta.cookie })).status).toBe(404);
    expect((await call(t, 'GET', '/api/v1/portal/payouts/pay_01JZZZZZZZZZZZZZZZZZZZZZZZ/lines', { cookie: alpha.cookie })).status).toBe(404);
    const seller = await partnerUser(t, vendor.as, alpha.id, 'seller');
    expect((await call(t, 'GET', `/api/v1/portal/payouts/${payoutId}/lines`, { cookie: seller.cookie })).status).toBe(403);
  });

  it('refuses bad input with the field and the reason, and a second open dispute about the same thing', async () => {
    const short = await call(t, 'POST', `/api/v1/portal/payouts/${payoutId}/disputes`, { cookie: alpha.cookie, body: { reason: 'other', message: 'wrong' } });
    expect(short.status).toBe(422);
    expect(short.body.errors).toEqual([expect.objectContaining({ path: 'message' })]);
    const badReason = await call(t, 'POST', `/api/v1/portal/payouts/${payoutId}/disputes`, { cookie: alpha.cookie, body: { reason: 'greedy', message: 'Please pay me more than this.' } });
    expect(badReason.status).toBe(422);
    expect(badReason.body.errors[0].path).toBe('reason');
    const badCurrency = await call(t, 'POST', `/api/v1/portal/payouts/${payoutId}/disputes`, {
      cookie: alpha.cookie,
      body: { reason: 'wrong_amount', message: 'This line should be higher.', expectedAmount: { amountMinor: '100', currency: 'DOLLARS' } },
    });
    expect(badCurrency.status).toBe(422);
    expect(badCurrency.body.errors[0].path).toMatch(/^expectedAmount/);
    const notALine = await call(t, 'POST', `/api/v1/portal/payouts/${payoutId}/disputes`, { cookie: alpha.cookie, body: { reason: 'wrong_amount', message: 'This line should be higher.', entryId: 'cen_nope' } });
    expect(notALine.status).toBe(422);
    expect(notALine.body.errors).toEqual([{ path: 'entryId', message: 'is not a line of this statement' }]);

    const again = await call(t, 'POST', `/api/v1/portal/payouts/${payoutId}/disputes`, { cookie: alpha.cookie, body: { reason: 'other', message: 'Asking the same thing a second time.' } });
    expect(again.status).toBe(409);
    expect(again.body.existingId).toBe(disputeId);
    // A question about one line is another dispute.
    const line = await call(t, 'POST', `/api/v1/portal/payouts/${payoutId}/disputes`, { cookie: alpha.cookie, body: { reason: 'wrong_amount', message: 'This line should be 30 %, not 25 %.', entryId: lineId } });
    expect(line.status, JSON.stringify(line.body)).toBe(201);
    expect(line.body.entryId).toBe(lineId);
    const sameLine = await call(t, 'POST', `/api/v1/portal/payouts/${payoutId}/disputes`, { cookie: alpha.cookie, body: { reason: 'wrong_amount', message: 'Asking about that line once more.', entryId: lineId } });
    expect(sameLine.status).toBe(409);
    expect(sameLine.body.existingId).toBe(line.body.id);
  });

  it("hides other partners' and other workspaces' statements and disputes (404), and keeps decisions to finance (403)", async () => {
    const notTheirs = await call(t, 'POST', `/api/v1/portal/payouts/${payoutId}/disputes`, { cookie: beta.cookie, body: { reason: 'other', message: 'Looking at somebody else’s statement.' } });
    expect(notTheirs.status).toBe(404);
    expect((await call(t, 'GET', `/api/v1/payout-disputes/${disputeId}`, other.as)).status).toBe(404);
    expect((await call(t, 'POST', `/api/v1/payout-disputes/${disputeId}/resolve`, { ...other.as, body: { resolution: 'Not yours to decide.' } })).status).toBe(404);
    expect((await call(t, 'POST', `/api/v1/payout-disputes/${disputeId}/resolve`, { ...sales.as, body: { resolution: 'Sales cannot decide.' } })).status).toBe(403);
    expect((await call(t, 'GET', '/api/v1/payout-disputes', { cookie: alpha.cookie })).status).toBe(403);
    // A partner's seller cannot see payouts, so cannot dispute them either.
    const seller = await partnerUser(t, vendor.as, alpha.id, 'seller');
    expect((await call(t, 'POST', `/api/v1/portal/payouts/${payoutId}/disputes`, { cookie: seller.cookie, body: { reason: 'other', message: 'A seller asking about payouts.' } })).status).toBe(403);
    expect((await call(t, 'GET', '/api/v1/portal/payout-disputes', { cookie: seller.cookie })).status).toBe(403);
  });

  it('finance resolves with an approved adjustment paid in the next run, once; or rejects with a reason the partner reads', async () => {
    const bad = await call(t, 'POST', `/api/v1/payout-disputes/${disputeId}/resolve`, { ...finance.as, body: { resolution: 'Owed.', adjustment: usd(0) } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].path).toBe('adjustment.amountMinor');

    const resolved = await call(t, 'POST', `/api/v1/payout-disputes/${disputeId}/resolve`, {
      ...finance.as,
      body: { resolution: 'The Globex renewal was booked late; it is added to your next payout.', adjustment: usd(2_500) },
    });
    expect(resolved.status, JSON.stringify(resolved.body)).toBe(200);
    expect(resolved.body).toMatchObject({ status: 'resolved', adjustment: usd(2_500), allowedActions: [], resolvedBy: expect.any(String) });
    const [entry] = await t.services.db
      .select()
      .from(commissionEntry)
      .where(and(eq(commissionEntry.workspaceId, vendor.workspaceId), eq(commissionEntry.id, resolved.body.adjustmentEntryId)));
    expect(entry).toMatchObject({ partnerId: alpha.id, programId, kind: 'adjustment', amountMinor: 2_500n, status: 'approved' });

    // The partner's admin hears of the answer by email (partner-visible facts only).
    await t.services.bus.drain();
    const outbox = await call(t, 'GET', '/api/v1/mail-outbox?limit=100', vendor.as);
    const mails = outbox.body.data.filter((m: { to: string; subject: string }) => m.to === alpha.email && m.subject.includes('dispute'));
    expect(mails).toHaveLength(1);
    expect(mails[0].subject).toMatch(/^Your dispute of statement S-\d{6} was resolved$/);
    const mail = await call(t, 'GET', `/api/v1/mail-outbox/${mails[0].id}`, vendor.as);
    expect(mail.body.text).toContain('The Globex renewal was booked late');
    expect(mail.body.text).toContain('$25.00 is added to your next payout');
    expect(outbox.body.data.some((m: { to: string; subject: string }) => m.to === beta.email && m.subject.includes('dispute'))).toBe(false);

    const twice = await call(t, 'POST', `/api/v1/payout-disputes/${disputeId}/resolve`, { ...finance.as, body: { resolution: 'Again.', adjustment: usd(2_500) } });
    expect(twice.status).toBe(409);
    const next = await call(t, 'POST', '/api/v1/payout-runs', { ...vendor.as, body: { programId } });
    expect(next.body.payouts).toEqual([expect.objectContaining({ partnerName: 'Alpha Referrals', amount: usd(2_500), entryCount: 1 })]);

    const open = await call(t, 'GET', `/api/v1/payout-disputes?status=open&partnerId=${alpha.id}`, finance.as);
    const lineDispute = open.body.data[0].id;
    const rejected = await call(t, 'POST', `/api/v1/payout-disputes/${lineDispute}/reject`, { ...finance.as, body: { resolution: 'Your tier was Silver (25 %) in October.' } });
    expect(rejected.body).toMatchObject({ status: 'rejected', adjustment: null });
    const mine = await call(t, 'GET', '/api/v1/portal/payout-disputes', { cookie: alpha.cookie });
    expect(mine.body.data.map((d: { status: string; resolution: string }) => [d.status, d.resolution])).toEqual([
      ['rejected', 'Your tier was Silver (25 %) in October.'],
      ['resolved', 'The Globex renewal was booked late; it is added to your next payout.'],
    ]);
  });
});
