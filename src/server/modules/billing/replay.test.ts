/**
 * Issue 4, "Bad input and safety": replaying every event of the corpora ten times in shuffled
 * order with 4 concurrent workers gives exactly the conversions — and the commission ledger —
 * of one ordered delivery. Runs on PostgreSQL only: PGlite is a single connection, so the four
 * workers would never overlap and the test would prove nothing about concurrency.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../platform/ids.ts';
import { type TestApp, call, createTestApp, ownerWithWorkspace, testDatabaseKind } from '../../test/harness.ts';
import { accruePending } from '../commissions/accrual.ts';
import { ZPlanDocument } from '../commissions/plan.ts';
import { commissionPlan } from '../commissions/schema.ts';
import { makePartner } from '../deals/test-fixtures.ts';
import { link } from '../tracking/schema.ts';
import { type CorpusEvent, corporaAvailable, corpusEvents, deliver, shuffled } from './test-corpus.ts';

const ON_POSTGRES = testDatabaseKind() === 'postgres';
const SECRETS = { stripe: 'whsec_replay', paddle: 'pdl_ntfset_replay', lemonsqueezy: 'lsq_replay_secret' } as const;

interface World {
  t: TestApp;
  workspaceId: string;
  endpoints: Record<keyof typeof SECRETS, string>;
}

/** A fresh database with the same program, partner, link, plan and endpoints. */
async function world(): Promise<World> {
  const t = await createTestApp();
  const owner = await ownerWithWorkspace(t, 'Replay Vendor');
  const programId = (await call(t, 'POST', '/api/v1/programs', { ...owner.as, body: { name: 'Affiliates', partnerType: 'affiliate', currency: 'USD', status: 'active' } })).body.id as string;
  const partnerId = await makePartner(t, owner.as, 'Corpus Partner', programId);
  await t.services.db.insert(link).values({ id: newId('link'), workspaceId: owner.workspaceId, programId, partnerId, code: 'corpus-partner', destinationUrl: 'https://vendor.example/' });
  const document = ZPlanDocument.parse({ holdDays: 0, rules: [{ id: 'all-sales', name: '20 % of every payment', type: 'percentage', rateBp: 2000, duration: { type: 'lifetime' } }] });
  await t.services.db.insert(commissionPlan).values({ id: newId('commissionPlan'), workspaceId: owner.workspaceId, programId, version: 1, name: 'Replay plan', status: 'active', document, activatedAt: new Date() });
  const endpoints = {} as World['endpoints'];
  for (const provider of ['stripe', 'paddle', 'lemonsqueezy'] as const) {
    const res = await call(t, 'POST', '/api/v1/billing-endpoints', { ...owner.as, body: { provider, programId, signingSecret: SECRETS[provider] } });
    endpoints[provider] = res.body.endpoint.id;
  }
  return { t, workspaceId: owner.workspaceId, endpoints };
}

async function send(w: World, e: CorpusEvent): Promise<string> {
  const res = await deliver(w.t.app, e.provider, w.endpoints[e.provider], e.body, SECRETS[e.provider]);
  if (res.status !== 200) throw new Error(`${e.name}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.status as string;
}

/** Settles the commission accrual (C's job) the way the job runner would: until nothing moves. */
async function settle(w: World): Promise<void> {
  await w.t.services.bus.drain();
  for (let i = 0; i < 3; i++) await accruePending(w.t.services.db, w.workspaceId);
}

/** Conversions as comparable facts: no generated ids; a reversal's partner is its sale's. */
async function conversions(w: World) {
  const result = (await w.t.services.db.execute(sql`
    select c.idempotency_key, c.kind, c.source, c.external_ref, c.original_ref, c.subscription_ref,
      c.amount_minor::text as amount_minor, c.currency, c.product, c.is_recurring,
      to_char(c.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS') as occurred_at,
      (select p.name from partner p where p.id = coalesce(c.partner_id,
        (select s.partner_id from conversion s where s.workspace_id = c.workspace_id and s.kind = 'sale' and s.external_ref = c.original_ref limit 1))) as partner,
      (select pr.name from program pr where pr.id = c.program_id) as program,
      c.accrual_status
    from conversion c where c.workspace_id = ${w.workspaceId} order by c.idempotency_key`)) as unknown as { rows: Record<string, unknown>[] };
  return result.rows;
}

/** The ledger as comparable facts: entries keyed by their conversion, reversals by what they reverse. */
async function ledger(w: World) {
  const result = (await w.t.services.db.execute(sql`
    select c.idempotency_key as conversion, e.kind, e.amount_minor::text as amount_minor, e.currency, e.status, e.base_minor::text as base_minor, e.rate_bp,
      (select p.name from partner p where p.id = e.partner_id) as partner,
      (select rc.idempotency_key from commission_entry r join conversion rc on rc.id = r.conversion_id where r.id = e.reverses_entry_id) as reverses,
      e.flags
    from commission_entry e left join conversion c on c.id = e.conversion_id
    where e.workspace_id = ${w.workspaceId}
    order by c.idempotency_key, e.kind, e.amount_minor`)) as unknown as { rows: Record<string, unknown>[] };
  return result.rows;
}


describe.skipIf(!ON_POSTGRES || !corporaAvailable())('replay: every corpus event ×10, shuffled, 4 concurrent workers (PostgreSQL only: PGlite has one connection, so nothing would run concurrently)', () => {
  let ordered: World;
  let replayed: World;
  beforeAll(async () => {
    [ordered, replayed] = await Promise.all([world(), world()]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([ordered?.t.close(), replayed?.t.close()]);
  });

  it('gives exactly the conversions and the commission ledger of one ordered delivery', async () => {
    const events = corpusEvents();
    for (const e of events) await send(ordered, e);
    await settle(ordered);

    const seed = Number(process.env.REPLAY_SEED ?? 20261122);
    const queue = shuffled(
      events.flatMap((e) => Array.from({ length: 10 }, () => e)),
      seed,
    );
    const statuses = new Map<string, string[]>();
    let stop = false;
    const worker = async () => {
      for (let e = queue.pop(); e; e = queue.pop()) {
        const status = await send(replayed, e);
        statuses.set(e.name, [...(statuses.get(e.name) ?? []), status]);
      }
    };
    // Commission accrual runs alongside the deliveries, as the job runner would.
    const accrual = async () => {
      while (!stop) {
        await accruePending(replayed.t.services.db, replayed.workspaceId);
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    const accrualLoop = accrual();
    await Promise.all([worker(), worker(), worker(), worker()]);
    stop = true;
    await accrualLoop;
    await settle(replayed);

    // Each event was applied once: nine of its ten deliveries were duplicates.
    for (const e of events) expect(statuses.get(e.name)?.filter((s) => s === 'duplicate'), `${e.name} (seed ${seed})`).toHaveLength(9);

    const expectedConversions = await conversions(ordered);
    expect(expectedConversions.length).toBeGreaterThanOrEqual(20);
    expect(expectedConversions.filter((c) => c.partner === 'Corpus Partner').length).toBeGreaterThanOrEqual(6);
    expect(await conversions(replayed)).toEqual(expectedConversions);

    const expectedLedger = await ledger(ordered);
    expect(expectedLedger.length).toBeGreaterThanOrEqual(4);
    expect(expectedLedger.some((e) => Number(e.amount_minor) < 0)).toBe(true);
    expect(await ledger(replayed)).toEqual(expectedLedger);
  }, 300_000);
});
