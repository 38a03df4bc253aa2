import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../platform/ids.ts';
import { type TestApp, call, createTestApp, ownerWithWorkspace } from '../../test/harness.ts';
import { makePartner } from '../deals/test-fixtures.ts';
import { type NewEntry, insertEntries, insertEntriesCount, pgArray, rows } from './ledger.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const TRICKY = ['plain', '', 'a "quoted" word', 'back\\slash \\" and \\\\', '{braces}, commas, NULL', 'NULL', 'ünïcödé → ✓ 🎉', 'line\nbreak\ttab', "it's"];

/** A workspace with an active program and one enrolled partner, for writing ledger lines directly. */
async function ledgerOwner(name: string) {
  const vendor = await ownerWithWorkspace(t, name);
  const programId = (await call(t, 'POST', '/api/v1/programs', { ...vendor.as, body: { name: 'Affiliates', partnerType: 'affiliate', currency: 'USD', status: 'active' } })).body.id as string;
  const partnerId = await makePartner(t, vendor.as, 'Northwind', programId);
  return { workspaceId: vendor.workspaceId, programId, partnerId };
}

/** A plain manual ledger line of 1 minor unit; `over` sets what a test is about. */
const manualLine = (o: { workspaceId: string; programId: string; partnerId: string }, i: number, over: Partial<NewEntry> = {}): NewEntry => ({
  id: newId('commissionEntry'),
  workspaceId: o.workspaceId,
  programId: o.programId,
  partnerId: o.partnerId,
  planId: null,
  ruleId: null,
  kind: 'commission',
  sourceType: 'manual',
  sourceId: `src_${i}`,
  conversionId: null,
  dealId: null,
  reversesEntryId: null,
  idempotencyKey: `line:${i}`,
  baseMinor: null,
  rateBp: null,
  amountMinor: 1n,
  currency: 'USD',
  status: 'pending',
  holdUntil: null,
  flags: [],
  explanation: {},
  earnedAt: new Date(0),
  ...over,
});

describe('ledger array encoding', () => {
  it('round-trips every string, including quotes, backslashes, braces, NULL and unicode, through pgArray', async () => {
    const values = [...TRICKY, null];
    const out = await rows<{ v: string | null }>(t.services.db, sql`select unnest(${pgArray(values)}::text[]) as v`);
    expect(out.map((r) => r.v)).toEqual(values);
  });

  it('insertEntries writes every column exactly (bigints, nulls, flags, explanation JSON) and is idempotent', async () => {
    const owner = await ledgerOwner('Ledger Co');
    const at = new Date('2026-03-04T05:06:07.089Z');
    const entry = (i: number, over: Partial<NewEntry> = {}): NewEntry =>
      manualLine(owner, i, {
        ruleId: TRICKY[i % TRICKY.length],
        idempotencyKey: `test:${i}:${TRICKY[i % TRICKY.length]}`,
        baseMinor: 9_007_199_254_740_993n,
        rateBp: 1234,
        amountMinor: -9_007_199_254_740_993n + BigInt(i),
        holdUntil: at,
        flags: i % 2 ? ['self_referral', 'duplicate_ip'] : [],
        explanation: { summary: TRICKY.join(' | '), nested: { list: TRICKY, n: i, nothing: null } },
        earnedAt: at,
        approvedAt: null,
        ...over,
      });
    const list = TRICKY.map((_, i) => entry(i));
    list.push(entry(99, { baseMinor: null, rateBp: null, holdUntil: null, approvedAt: at, status: 'approved', explanation: {} }));
    const ids = await insertEntries(t.services.db, list);
    expect(ids.sort()).toEqual(list.map((e) => e.id).sort());
    // Same idempotency keys, new ids: nothing inserted.
    expect(await insertEntries(t.services.db, list.map((e) => ({ ...e, id: newId('commissionEntry') })))).toEqual([]);
    const back = await rows<Record<string, unknown>>(
      t.services.db,
      sql`select id, rule_id, idempotency_key, base_minor::text as base_minor, rate_bp, amount_minor::text as amount_minor, status, flags,
          explanation, to_char(hold_until at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as hold_until,
          to_char(earned_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as earned_at,
          to_char(approved_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as approved_at
        from commission_entry where workspace_id = ${owner.workspaceId}`,
    );
    const parseFlags = (v: unknown) => (Array.isArray(v) ? v : v === '{}' ? [] : String(v).replace(/^\{|\}$/g, '').split(','));
    for (const e of list) {
      const r = back.find((x) => x.id === e.id) as Record<string, unknown>;
      expect(r).toBeDefined();
      const explanation = typeof r.explanation === 'string' ? JSON.parse(r.explanation) : r.explanation;
      expect({
        rule: r.rule_id,
        key: r.idempotency_key,
        base: r.base_minor,
        rate: r.rate_bp === null ? null : Number(r.rate_bp),
        amount: r.amount_minor,
        status: r.status,
        flags: parseFlags(r.flags),
        explanation,
        hold: r.hold_until,
        earned: r.earned_at,
        approved: r.approved_at,
      }).toEqual({
        rule: e.ruleId,
        key: e.idempotencyKey,
        base: e.baseMinor === null ? null : e.baseMinor.toString(),
        rate: e.rateBp,
        amount: e.amountMinor.toString(),
        status: e.status,
        flags: e.flags,
        explanation: e.explanation,
        hold: e.holdUntil ? e.holdUntil.toISOString() : null,
        earned: e.earnedAt.toISOString(),
        approved: e.approvedAt ? e.approvedAt.toISOString() : null,
      });
    }
  });

  it('stores every millisecond timestamp exactly, to the microsecond, from 1970 to 2200', async () => {
    const vendor = await ledgerOwner('Clock Co');
    // Spread over 230 years with every millisecond remainder 0…999 at least once.
    const times = Array.from({ length: 2000 }, (_, i) => Math.floor((i * 7_258_118_400_000) / 2000) - (Math.floor((i * 7_258_118_400_000) / 2000) % 1000) + (i % 1000));
    const list: NewEntry[] = times.map((ms, i) => manualLine(vendor, i, { idempotencyKey: `clock:${i}`, holdUntil: new Date(ms + 1), earnedAt: new Date(ms) }));
    expect(await insertEntriesCount(t.services.db, list)).toBe(list.length);
    // A replay mixed with new lines (same keys, new ids): only the new lines are written, and counted.
    const fresh = { ...list[0], id: newId('commissionEntry'), idempotencyKey: 'clock:new' };
    expect(await insertEntriesCount(t.services.db, [...list.slice(0, 5).map((e) => ({ ...e, id: newId('commissionEntry') })), fresh])).toBe(1);
    const back = await rows<{ key: string; earned: string; hold: string }>(
      t.services.db,
      sql`select idempotency_key as key, (extract(epoch from earned_at) * 1000000)::bigint::text as earned, (extract(epoch from hold_until) * 1000000)::bigint::text as hold
        from commission_entry where workspace_id = ${vendor.workspaceId}`,
    );
    expect(back).toHaveLength(times.length + 1);
    const byKey = new Map(back.map((r) => [r.key, r]));
    times.forEach((ms, i) => {
      expect(byKey.get(`clock:${i}`)).toEqual({ key: `clock:${i}`, earned: `${BigInt(ms) * 1000n}`, hold: `${BigInt(ms + 1) * 1000n}` });
    });
  });
});
