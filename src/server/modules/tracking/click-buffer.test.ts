import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../platform/db.ts';
import type { Logger } from '../../platform/logger.ts';
import { type TestApp, createTestApp } from '../../test/harness.ts';
import { ClickBuffer, type ClickLink, textArrayLiteral } from './click-buffer.ts';
import { Dedupe, clickIdTime, fastClickId } from './redirect.ts';
import { click, clickDaily } from './schema.ts';

const silent = { warn() {}, error() {}, info() {}, debug() {} } as unknown as Logger;
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const link = (n: string): ClickLink => ({ id: `lnk_${n}`, workspaceId: 'ws_buffer', programId: 'prg_buffer', partnerId: `ptr_${n}` });

describe('textArrayLiteral', () => {
  it('round-trips awkward strings and nulls through PostgreSQL arrays', async () => {
    const values = ['plain', 'with "quotes"', 'back\\slash', 'comma, {brace}', 'NULL', '', ' spaced ', 'ünïcødé ✓', null, 'tab\there'];
    const res = await t.services.db.execute(sql`select unnest(${textArrayLiteral(values)}::text[]) as v`);
    const rows = (res as unknown as { rows: { v: string | null }[] }).rows;
    expect(rows.map((r) => r.v)).toEqual(values);
    expect(textArrayLiteral([])).toBe('{}');
    expect(textArrayLiteral(['a', 'b'])).toBe('{"a","b"}');
  });
});

describe('ClickBuffer', () => {
  it('writes rows as given (awkward user agents, exact times) and per-day counters across midnight', async () => {
    const buffer = new ClickBuffer(t.services.db, silent, { flushMs: 60_000 });
    const l = link('awkward');
    const midnight = Date.UTC(2026, 0, 2);
    const ua = 'Mozilla/5.0 "quoted" \\ {x,y} NULL';
    const ids = [fastClickId(midnight - 1), fastClickId(midnight), fastClickId(midnight + 1)];
    buffer.record(l, midnight - 1, ids[0], 'visitor-a', '203.0.113.9', ua, 'https://ref.example/?a="b"');
    buffer.record(l, midnight, ids[1], 'visitor-b', null, null, null);
    buffer.record(l, midnight + 1, ids[2], 'visitor-c', '::1', ua, null);
    buffer.count(l, midnight + 2, false);
    buffer.count(l, midnight + 3, true);
    await buffer.close();
    const rows = await t.services.db.select().from(click).where(eq(click.linkId, l.id)).orderBy(click.id);
    expect(rows.map((r) => [r.id, r.visitorId, r.ip, r.userAgent, r.referer, r.occurredAt.getTime()])).toEqual([
      [ids[0], 'visitor-a', '203.0.113.9', ua, 'https://ref.example/?a="b"', midnight - 1],
      [ids[1], 'visitor-b', null, null, null, midnight],
      [ids[2], 'visitor-c', '::1', ua, null, midnight + 1],
    ]);
    expect(rows[0]).toMatchObject({ workspaceId: 'ws_buffer', programId: 'prg_buffer', partnerId: 'ptr_awkward' });
    const days = await t.services.db.select().from(clickDaily).where(eq(clickDaily.linkId, l.id)).orderBy(clickDaily.day);
    expect(days.map((d) => [d.day, d.total, d.uniqueClicks, d.bot])).toEqual([
      ['2026-01-01', 1, 1, 0],
      ['2026-01-02', 3, 2, 1],
    ]);
  });

  it('writes each click with its own link and user agent when a batch mixes them', async () => {
    const buffer = new ClickBuffer(t.services.db, silent, { flushMs: 60_000 });
    const a = link('mix-a');
    const b = link('mix-b');
    const at = Date.UTC(2026, 0, 3, 9);
    const agents = ['agent one', null, 'agent two', 'agent one'];
    const ids = agents.map((_, i) => fastClickId(at + i));
    agents.forEach((ua, i) => {
      buffer.record(i % 2 === 0 ? a : b, at + i, ids[i], `mix-visitor-${i}`, null, ua, null);
    });
    await buffer.close();
    const rows = await t.services.db.select().from(click).where(eq(click.workspaceId, 'ws_buffer')).orderBy(click.id);
    const mixed = rows.filter((r) => ids.includes(r.id));
    expect(mixed.map((r) => [r.id, r.linkId, r.partnerId, r.userAgent])).toEqual([
      [ids[0], a.id, a.partnerId, 'agent one'],
      [ids[1], b.id, b.partnerId, null],
      [ids[2], a.id, a.partnerId, 'agent two'],
      [ids[3], b.id, b.partnerId, 'agent one'],
    ]);
  });

  it('keeps a failed batch for the next flush: every click written once, counters not doubled', async () => {
    let failures = 1;
    const flaky = new Proxy(t.services.db, {
      get(target, prop, receiver) {
        if (prop === 'execute') {
          return (query: unknown) => {
            if (failures-- > 0) return Promise.reject(new Error('connection reset'));
            return target.execute(query as never);
          };
        }
        return Reflect.get(target, prop, receiver);
      },
    }) as Db;
    const buffer = new ClickBuffer(flaky, silent, { flushMs: 60_000 });
    const l = link('flaky');
    const at = Date.UTC(2026, 0, 5, 12);
    buffer.record(l, at, fastClickId(at), 'visitor-1', null, null, null);
    await expect(buffer.flush()).rejects.toThrow('connection reset');
    expect(buffer.stats.failedFlushes).toBe(1);
    buffer.record(l, at + 1, fastClickId(at + 1), 'visitor-2', null, null, null);
    await buffer.close();
    expect(buffer.stats).toMatchObject({ recorded: 2, written: 2, dropped: 0 });
    expect(await t.services.db.select().from(click).where(eq(click.linkId, l.id))).toHaveLength(2);
    const [day] = await t.services.db.select().from(clickDaily).where(eq(clickDaily.linkId, l.id));
    expect(day).toMatchObject({ total: 2, uniqueClicks: 2, bot: 0 });
  });

  it('drops the oldest clicks beyond maxPending and says so', async () => {
    const buffer = new ClickBuffer(t.services.db, silent, { flushMs: 60_000, batchSize: 1000, maxPending: 3 });
    const l = link('bounded');
    const at = Date.UTC(2026, 0, 6);
    const ids = [0, 1, 2, 3, 4].map((i) => fastClickId(at + i));
    for (const [i, id] of ids.entries()) buffer.record(l, at + i, id, `v-${i}`, null, null, null);
    expect(buffer.pending).toBe(3);
    expect(buffer.stats.dropped).toBe(2);
    await buffer.close();
    const rows = await t.services.db.select({ id: click.id }).from(click).where(eq(click.linkId, l.id)).orderBy(click.id);
    expect(rows.map((r) => r.id)).toEqual(ids.slice(2));
  });
});

describe('Dedupe and click ids', () => {
  it('stays within its bound, dropping the oldest pairs first', () => {
    const d = new Dedupe(128);
    for (let i = 0; i < 1000; i++) d.set(`k${i}`, `v${i}`);
    expect(d.size).toBeLessThanOrEqual(128);
    expect(d.get('k999')).toBe('v999');
    expect(d.get('k0')).toBeUndefined();
  });

  it('re-inserts a pair counted again at the end (it is then the newest)', () => {
    const d = new Dedupe(64);
    d.set('old', 'first');
    for (let i = 0; i < 40; i++) d.set(`k${i}`, 'x');
    d.set('old', 'again', true);
    for (let i = 40; i < 64; i++) d.set(`k${i}`, 'x');
    expect(d.get('old')).toBe('again');
    expect(d.get('k0')).toBeUndefined();
  });

  it('carries its time in the click id', () => {
    for (const ms of [0, 1, 1_700_000_000_123, Date.UTC(2026, 10, 22, 4, 5, 6, 789)]) {
      const id = fastClickId(ms);
      expect(id).toMatch(/^clk_[0-9A-HJKMNP-TV-Z]{26}$/);
      expect(clickIdTime(id)).toBe(ms);
    }
    expect(clickIdTime('clk_not-a-ulid-at-all-xxxxxxxxxx')).toBeNaN();
  });
});
