import os from 'node:os';
import { sql } from 'drizzle-orm';
import { accruePending } from '../../src/server/modules/commissions/accrual.ts';
import { ledgerTotals } from '../../src/server/modules/commissions/ledger.ts';
import { ZPlanDocument } from '../../src/server/modules/commissions/plan.ts';
import { openDatabase, runMigrations } from '../../src/server/platform/db.ts';
import type { Scenario } from '../harness.ts';
import { onInterrupt } from '../support/cleanup.ts';
import { createScratchDatabase } from '../support/postgres.ts';

const CONVERSIONS = 200_000;
const PARTNERS = 2_000;
const CUSTOMERS = 120_000;
const WS = 'ws_bench_accrual';
const PROGRAM = 'prg_bench_accrual';

/** A realistic plan: first payment 30 %, then 10 % for 12 months; leads flat; a capped product; a SPIFF; a first-sale bonus. */
const PLAN = ZPlanDocument.parse({
  holdDays: 30,
  rules: [
    { id: 'ent', name: 'Enterprise', type: 'percentage', rateBp: 2500, duration: { type: 'lifetime' }, conditions: { products: ['enterprise'] }, caps: { perPartnerPerPeriod: { amount: { amountMinor: '500000', currency: 'USD' }, period: 'month' } } },
    { id: 'first', name: 'First payment', type: 'percentage', rateBp: 3000, conditions: { payment: 'new' } },
    { id: 'renewals', name: 'Renewals', type: 'percentage', rateBp: 1000, duration: { type: 'recurring', months: 12 } },
    { id: 'lead', name: 'Leads', type: 'flat', conversionKind: 'lead', flat: { amountMinor: '200', currency: 'USD' } },
  ],
  spiffs: [{ id: 'q4', name: 'Q4 push', type: 'flat', flat: { amountMinor: '1000', currency: 'USD' }, startsAt: '2026-10-01T00:00:00Z', endsAt: '2026-11-01T00:00:00Z' }],
  bonuses: [{ id: 'welcome', name: 'Welcome', trigger: 'first_sale', amount: { amountMinor: '5000', currency: 'USD' } }],
});

/**
 * Seeds, set-based, PARTNERS partners enrolled in one program with an active plan, CUSTOMERS
 * customers bound to them and CONVERSIONS pending conversions (90 % sales — a third of them
 * renewals —, 8 % leads, 2 % refunds of earlier sales; 10 % with a client IP) spread over
 * 2026-07…2026-11.
 */
export async function seedAccrualBench(db: Awaited<ReturnType<typeof openDatabase>>['db'], CONVERSIONS = 200_000, CUSTOMERS = 120_000) {
  await db.execute(sql`insert into workspace (id, name) values (${WS}, 'Accrual bench')`);
  await db.execute(sql`insert into program (id, workspace_id, name, partner_type, currency, status) values (${PROGRAM}, ${WS}, 'Affiliates', 'affiliate', 'USD', 'active')`);
  await db.execute(sql`insert into partner (id, workspace_id, kind, name, domain, type)
    select 'ptr_b' || lpad(i::text, 6, '0'), ${WS}, 'organization', 'Partner ' || i, 'partner' || i || '.example', 'affiliate' from generate_series(1, ${PARTNERS}) i`);
  await db.execute(sql`insert into enrollment (id, workspace_id, partner_id, program_id, status)
    select 'enr_b' || lpad(i::text, 6, '0'), ${WS}, 'ptr_b' || lpad(i::text, 6, '0'), ${PROGRAM}, 'active' from generate_series(1, ${PARTNERS}) i`);
  await db.execute(sql`insert into customer (id, workspace_id, program_id, partner_id, external_id, email, country, bound_at)
    select 'cus_b' || lpad(i::text, 7, '0'), ${WS}, ${PROGRAM}, 'ptr_b' || lpad((1 + i % ${PARTNERS})::text, 6, '0'), 'c' || i, 'buyer' || i || '@customer' || (i % 500) || '.example',
      (array['US','DE','FR','GB','NL'])[1 + i % 5], '2026-07-01T00:00:00Z'::timestamptz from generate_series(1, ${CUSTOMERS}) i`);
  await db.execute(sql`insert into commission_plan (id, workspace_id, program_id, version, name, status, document, activated_at)
    values ('cpl_bench', ${WS}, ${PROGRAM}, 1, 'Bench plan', 'active', ${JSON.stringify(PLAN)}::jsonb, now())`);
  // i → customer (1 + i % CUSTOMERS); the first CUSTOMERS conversions are each customer's first sale.
  await db.execute(sql`insert into conversion (id, workspace_id, program_id, partner_id, customer_id, kind, source, idempotency_key, external_ref, original_ref,
      amount_minor, currency, product, is_recurring, country, ip, occurred_at, accrual_status)
    select 'cnv_b' || lpad(i::text, 8, '0'), ${WS}, ${PROGRAM}, 'ptr_b' || lpad((1 + (1 + i % ${CUSTOMERS}) % ${PARTNERS})::text, 6, '0'),
      'cus_b' || lpad((1 + i % ${CUSTOMERS})::text, 7, '0'),
      k.kind, 'stripe', 'bench:' || i, 'inv_' || i, case when k.kind = 'refund' then 'inv_' || (i - ${CUSTOMERS}) end,
      case when k.kind = 'lead' then null when k.kind = 'refund' then 1500 else 4900 + (i % 7) * 1000 end,
      case when k.kind = 'lead' then null else 'USD' end,
      case when i % 20 = 0 then 'enterprise' else 'pro' end,
      case when k.kind = 'sale' then i > ${CUSTOMERS} end,
      (array['US','DE','FR','GB','NL'])[1 + i % 5],
      case when i % 10 = 0 then '198.51.' || (i % 250) || '.' || (i % 199) end,
      '2026-07-01T00:00:00Z'::timestamptz + (i::double precision / ${CONVERSIONS}) * interval '140 days',
      'pending'
    from generate_series(1, ${CONVERSIONS}) i
    cross join lateral (select case when i > ${CUSTOMERS} and i % 50 = 0 then 'refund' when i % 12 = 5 then 'lead' else 'sale' end as kind) k`);
  await db.execute(sql`analyze`);
}

export const accrualPg: Scenario<'throughput'> = {
  id: 'accrual-pg',
  title: `Commission accrual of ${CONVERSIONS.toLocaleString('en-US')} pending conversions (${PARTNERS.toLocaleString('en-US')} partners) on PostgreSQL`,
  figures: { throughput: { name: 'Commission accrual (PostgreSQL)', unit: 'events/s', target: 50_000, better: 'higher' } },
  async run(log) {
    const scratch = await createScratchDatabase();
    const forget = onInterrupt(() => scratch.drop());
    const database = await openDatabase({ databaseUrl: scratch.url, dataDir: null, poolSize: 2 });
    try {
      await runMigrations(database);
      const db = database.db;
      log(`database ${scratch.name}: seeding ${CONVERSIONS.toLocaleString('en-US')} conversions, ${CUSTOMERS.toLocaleString('en-US')} customers, ${PARTNERS.toLocaleString('en-US')} partners`);
      const seedStarted = performance.now();
      await seedAccrualBench(db, CONVERSIONS, CUSTOMERS);
      log(`seeded in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);

      // Baseline: copy the same pending rows with a plain INSERT … SELECT.
      await db.execute(sql`create table bench_copy (like conversion including defaults)`);
      const copyStarted = performance.now();
      await db.execute(sql`insert into bench_copy select * from conversion where workspace_id = ${WS} and accrual_status = 'pending'`);
      const copyS = (performance.now() - copyStarted) / 1000;
      log(`baseline INSERT … SELECT: ${copyS.toFixed(2)} s`);

      const started = performance.now();
      const stats = await accruePending(db, WS);
      const accrualS = (performance.now() - started) / 1000;
      log(`accruePending: ${accrualS.toFixed(2)} s — ${JSON.stringify(stats)}`);

      const againStarted = performance.now();
      const again = await accruePending(db, WS);
      const againS = (performance.now() - againStarted) / 1000;
      const [totals] = (await ledgerTotals({ db, workspaceId: WS })).data;
      const left = (await db.execute(
        sql`select (select count(*) from commission_accrual_queue)::int + (select count(*) from conversion where accrual_status = 'waiting_original')::int as n`,
      )) as unknown as { rows: { n: number }[] };
      const flagged = (await db.execute(sql`select count(*)::int as n from commission_entry where cardinality(flags) > 0`)) as unknown as { rows: { n: number }[] };
      // The write floor: only writing the lines this run produced, into an empty copy of the ledger
      // with the same indexes (one INSERT … SELECT, no reads, no evaluation, no round trips).
      await db.execute(sql`create table bench_ledger_floor (like commission_entry including all)`);
      const floorStarted = performance.now();
      await db.execute(sql`insert into bench_ledger_floor select * from commission_entry where workspace_id = ${WS}`);
      const floorS = (performance.now() - floorStarted) / 1000;
      const notes = [
        `${stats.processed.toLocaleString('en-US')} conversions in ${accrualS.toFixed(2)} s → ${stats.entries.toLocaleString('en-US')} ledger entries (commissions, renewals, SPIFFs, first-sale bonuses, capped lines, pro-rata reversals; fraud checks on)`,
        `baseline: INSERT … SELECT of the same ${CONVERSIONS.toLocaleString('en-US')} rows in ${copyS.toFixed(2)} s`,
        `second run (nothing pending) ${againS.toFixed(2)} s, ${again.entries} new entries; ${left.rows[0].n} left pending/waiting; ${flagged.rows[0].n} entries flagged`,
        `ledger balanced: ${totals?.balanced} (accrued ${totals?.accrued}, reversed ${totals?.reversed})`,
        `write floor: INSERT … SELECT of those ${totals?.entries.toLocaleString('en-US')} ledger lines into an empty copy of commission_entry with its indexes in ${floorS.toFixed(2)} s (${Math.round(CONVERSIONS / floorS).toLocaleString('en-US')} events/s if accrual did nothing else)`,
        `batches of 10,000 in one transaction each, 2 workers (queue lanes by partner, advisory lock per lane group); a pool of 2 connections; ${os.cpus().length} CPUs`,
      ].join('; ');
      return { throughput: { value: stats.processed / accrualS, baseline: CONVERSIONS / copyS, notes } };
    } finally {
      await database.close();
      forget();
      await scratch.drop();
    }
  },
};
