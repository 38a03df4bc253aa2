import { readFileSync } from 'node:fs';
import { type SQL, sql } from 'drizzle-orm';
import { normalizeCompanyName } from '../../src/server/modules/accounts/matching.ts';
import { type ConflictCheckInput, checkConflicts, nameMatches } from '../../src/server/modules/registrations/conflict-check.ts';
import type { Db } from '../../src/server/platform/db.ts';
import { seededRandom } from '../../src/server/test/random.ts';

/**
 * A conflict-check workload built in SQL (`insert … select generate_series`), not row by row:
 * one workspace with `accounts` customer accounts (plus 1 % as many in a second workspace, so
 * the workspace filter does work), 200 partners, `registrations` active registrations of random
 * partners on random accounts, and `deals` deals (60 % in an open stage, half credited to a
 * partner). Names are `<Brand> <Sector> [<Place>] <legal form>` — `Korvamid Systems Leiden B.V.`:
 * a made-up brand word of three syllables (216,000), one of 40 sector words (each in 2.5 % of
 * names, like "Systems" or "Group" in real data), a place in a quarter of them; brand and sector
 * are distinct for every account. 70 % of accounts have a domain.
 */

/** Syllables of made-up brand words (`Korvamid`): 60³ = 216,000 words, so names are as varied as real ones. */
const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'ti', 'vo', 'be', 'da', 'fi', 'go', 'ha', 'je', 'ku', 'la', 'me', 'no', 'pi', 'ra', 'se', 'to', 'vu', 'wa', 'xe', 'yo', 'za', 'bri', 'cro', 'dre', 'fla', 'gri', 'kle', 'pro', 'sti', 'tra', 'vel', 'mar', 'ton', 'lin', 'ber', 'cor', 'dan', 'fer', 'gan', 'hol', 'kin', 'lor', 'mon', 'nor', 'pel', 'quin', 'ros', 'sel', 'tor', 'ul', 'ven', 'wil', 'zor', 'ath'];
const SECTORS = ['Systems', 'Consulting', 'Digital', 'Logistics', 'Foods', 'Pharma', 'Energy', 'Capital', 'Retail', 'Chemicals', 'Robotics', 'Analytics', 'Networks', 'Advisory', 'Cloud', 'Labs', 'Media', 'Motors', 'Textiles', 'Insurance', 'Engineering', 'Healthcare', 'Security', 'Semiconductors', 'Packaging', 'Group', 'Solutions', 'Services', 'Industries', 'Partners', 'Software', 'Technologies', 'Electronics', 'Holdings', 'Trading', 'Construction', 'Design', 'Marine', 'Aerospace', 'Biotech'];
/** A quarter of the names also carry a place, as subsidiaries do (`… Systems Leiden`). */
const PLACES = ['Leiden', 'Utrecht', 'Hamburg', 'Lyon', 'Porto', 'Ghent', 'Malmo', 'Bergen', 'Turin', 'Graz', 'Krakow', 'Austin', 'Denver', 'Toronto', 'Perth', 'Osaka', 'Dublin', 'Zurich', 'Bilbao', 'Tampere', 'Aarhus', 'Brno', 'Cork', 'Leeds', 'Basel'];
const LEGAL = ['B.V.', 'N.V.', 'GmbH', 'Inc.', 'Ltd', 'LLC', 'S.A.', 'AG', 'Corp.', 'plc', 'Oy', 'AB', 'S.p.A.', 'Pty Ltd', ''];
const S = SYLLABLES.length;
const COMBOS = S * S * S * SECTORS.length;

export const BENCH_WORKSPACE = 'ws_bench_conflicts';
const OTHER_WORKSPACE = 'ws_bench_other';
/** A bijection on 0..COMBOS-1 (7919 is prime and does not divide COMBOS), so consecutive accounts get unrelated names. */
const PERMUTE = 7919;

const arr = (items: string[]) => sql.raw(`array[${items.map((i) => `'${i.replace(/'/g, "''")}'`).join(',')}]::text[]`);

/** The name of account number `g` (without legal form), as the SQL below computes it. */
function nameOf(g: number): { word: string; rest: string } {
  const h = (g * PERMUTE) % COMBOS;
  const word = SYLLABLES[h % S] + SYLLABLES[Math.floor(h / S) % S] + SYLLABLES[Math.floor(h / (S * S)) % S];
  const sector = SECTORS[Math.floor(h / (S * S * S)) % SECTORS.length];
  const place = g % 4 === 0 ? ` ${PLACES[Math.floor(g / 4) % PLACES.length]}` : '';
  return { word: word[0].toUpperCase() + word.slice(1), rest: `${sector}${place}` };
}

export interface FixtureCounts {
  accounts: number;
  registrations: number;
  deals: number;
}

/** The row triggers that keep `account.claimed` (migration 0007_accounts_claimed), by table. */
const CLAIM_TRIGGERS = [
  ['account', 'account_claims_insert'],
  ['registration', 'registration_account_claims'],
  ['deal', 'deal_account_claims'],
] as const;

/**
 * `account.claimed` for every account, set-based: the definition of `account_refresh_claimed`
 * (migration 0007; the migration's own backfill is this statement): an incumbent, an active
 * registration or a deal in an open stage.
 */
const SET_CLAIMED = sql`
  update account a set claimed = true
  where a.incumbent_partner_id is not null
    or exists (select 1 from registration r where r.workspace_id = a.workspace_id and r.account_id = a.id and r.status in ('submitted', 'info_requested', 'approved'))
    or exists (select 1 from deal d join stage s on s.id = d.stage_id where d.workspace_id = a.workspace_id and d.account_id = a.id and s.kind = 'open')`;

/**
 * Inserts the workload as a restore would: the claim triggers are disabled and the trigram indexes
 * over claimed accounts dropped during the bulk insert; then `claimed` is set in one statement
 * with the triggers' definition, the indexes are built once, and the triggers are enabled again.
 * (Fired row by row, the triggers made the 1M-account fixture take over 8 minutes.) The claims
 * are then checked against the triggers' own function on a sample of accounts, so the bench
 * cannot drift from what the application's writes produce.
 */
export async function seedConflictFixture(db: Db, counts: FixtureCounts, log: (line: string) => void): Promise<void> {
  const exec: Exec = (q) => db.execute(q);
  const nameSql = (g: string) => {
    const hh = sql.raw(`((${g}::bigint * ${PERMUTE}) % ${COMBOS})`);
    const syl = arr(SYLLABLES);
    return sql`initcap((${syl})[1 + ${hh} % ${S}] || (${syl})[1 + (${hh} / ${S}) % ${S}] || (${syl})[1 + (${hh} / ${S * S}) % ${S}]) || ' ' || (${arr(SECTORS)})[1 + (${hh} / ${S * S * S}) % ${SECTORS.length}] || case when ${sql.raw(g)} % 4 = 0 then ' ' || (${arr(PLACES)})[1 + (${sql.raw(g)} / 4) % ${PLACES.length}] else '' end`;
  };
  await exec(sql`insert into workspace (id, name) values (${BENCH_WORKSPACE}, 'Bench conflicts'), (${OTHER_WORKSPACE}, 'Bench other')`);
  await exec(sql`insert into program (id, workspace_id, name, partner_type, currency, status)
    values ('prg_bench', ${BENCH_WORKSPACE}, 'Resell', 'reseller', 'USD', 'active'), ('prg_bench_other', ${OTHER_WORKSPACE}, 'Resell', 'reseller', 'USD', 'active')`);
  await exec(sql`insert into partner (id, workspace_id, kind, name, type)
    select 'ptr_bench_' || g, ${BENCH_WORKSPACE}, 'organization', 'Bench Partner ' || g, 'reseller' from generate_series(1, 200) g`);
  await exec(sql`insert into partner (id, workspace_id, kind, name, type) values ('ptr_bench_other', ${OTHER_WORKSPACE}, 'organization', 'Other partner', 'reseller')`);

  // The trigram indexes over claimed names (accounts/schema.ts), dropped for the load and built again from their own definitions.
  const trigramIndexes = (
    (await exec(sql`select indexname, indexdef from pg_indexes where schemaname = current_schema() and tablename = 'account' and indexdef like '%gin_trgm_ops%'`)) as unknown as {
      rows: { indexname: string; indexdef: string }[];
    }
  ).rows;
  for (const index of trigramIndexes) await exec(sql`drop index ${sql.identifier(index.indexname)}`);
  for (const [table, trigger] of CLAIM_TRIGGERS) await exec(sql`alter table ${sql.identifier(table)} disable trigger ${sql.identifier(trigger)}`);
  try {
    await insertRows(exec, counts, log, nameSql);
  } finally {
    for (const [table, trigger] of CLAIM_TRIGGERS) await exec(sql`alter table ${sql.identifier(table)} enable trigger ${sql.identifier(trigger)}`);
  }
  const claimStarted = performance.now();
  await exec(SET_CLAIMED);
  log(`claims set in ${((performance.now() - claimStarted) / 1000).toFixed(1)} s`);
  const indexStarted = performance.now();
  for (const index of trigramIndexes) await exec(sql.raw(index.indexdef));
  const claimed = (await exec(sql`select count(*)::int as n from account where workspace_id = ${BENCH_WORKSPACE} and claimed`)) as unknown as { rows: { n: number }[] };
  log(
    `${claimed.rows[0].n.toLocaleString('en-US')} claimed accounts; ${trigramIndexes.length} trigram indexes over them built in ${((performance.now() - indexStarted) / 1000).toFixed(1)} s`,
  );
  await exec(sql`vacuum analyze`);
  await checkClaims(exec, counts);

  // Then live activity since that vacuum, as production has it: 2 % more registrations, through
  // the claim triggers, so newly claimed names reach the trigram indexes the way the application's
  // writes put them there. (With GIN's default pending list, 3,000 such names made every check
  // read them all: p50 3.9 → 22.5 ms; accounts/schema.ts.)
  const live = Math.max(10, Math.floor(counts.registrations / 50));
  const liveStarted = performance.now();
  await exec(sql`
    insert into registration (id, workspace_id, program_id, partner_id, channel, status, account_id, account_name, currency, sla_due_at, created_at)
    select 'reg_live_' || g, ${BENCH_WORKSPACE}, 'prg_bench', 'ptr_bench_' || (1 + (g * 37) % 200), 'portal', 'submitted',
           'acct_b_' || ((g::bigint * 7919 + 17) % ${counts.accounts}), 'x', 'USD', now() + interval '2 days', now()
    from generate_series(1, ${live}::int) g`);
  log(`${live.toLocaleString('en-US')} live registrations (claim triggers, no vacuum since) in ${((performance.now() - liveStarted) / 1000).toFixed(1)} s`);

  // The SQL-built match_name must be what the application computes, or the benchmark measures nothing real.
  const sample = (await exec(sql`select name, match_name from account where workspace_id = ${BENCH_WORKSPACE} order by id limit 200`)) as unknown as {
    rows: { name: string; match_name: string }[];
  };
  for (const row of sample.rows) {
    if (normalizeCompanyName(row.name) !== row.match_name) throw new Error(`fixture match_name "${row.match_name}" ≠ normalizeCompanyName("${row.name}")`);
  }
}

/**
 * The set-based claims must be what the triggers would have written: on 2,000 accounts (every
 * registration's, deal's and incumbent's kind among them), `account_refresh_claimed` — the
 * function the triggers call — must change nothing.
 */
async function checkClaims(exec: Exec, counts: FixtureCounts): Promise<void> {
  const step = Math.max(1, Math.floor(counts.accounts / 500));
  const sample = sql`select id from account where workspace_id = ${BENCH_WORKSPACE} and id in (
      select 'acct_b_' || g from generate_series(0, ${counts.accounts - 1}::int, ${step}::int) g
      union select account_id from (select account_id from registration where workspace_id = ${BENCH_WORKSPACE} order by id limit 500) r
      union select account_id from (select account_id from deal where workspace_id = ${BENCH_WORKSPACE} order by id limit 500) d
      union select id from (select id from account where workspace_id = ${BENCH_WORKSPACE} and incumbent_partner_id is not null order by id limit 500) i)`;
  const read = async () => {
    const result = (await exec(sql`select id, claimed from account where id in (${sample}) order by id`)) as unknown as { rows: { id: string; claimed: boolean }[] };
    return result.rows;
  };
  const before = await read();
  await exec(sql`select count(account_refresh_claimed(id)) from (${sample}) s`);
  const after = await read();
  const claimedBefore = before.filter((r) => r.claimed).length;
  if (before.length < 1000 || claimedBefore < 500 || claimedBefore === before.length) throw new Error(`claim check sample too small or one-sided (${claimedBefore}/${before.length} claimed)`);
  const differ = after.filter((r, i) => r.id !== before[i].id || r.claimed !== before[i].claimed);
  if (after.length !== before.length || differ.length > 0) throw new Error(`fixture claims differ from the triggers' on ${differ.length} of ${before.length} sampled accounts`);
}

type Exec = (q: SQL) => Promise<unknown>;

async function insertRows(exec: Exec, counts: FixtureCounts, log: (line: string) => void, nameSql: (g: string) => SQL): Promise<void> {
  const started = performance.now();
  const insertAccounts = async (workspaceId: string, from: number, to: number, prefix: string) => {
    const chunk = 250_000;
    for (let lo = from; lo <= to; lo += chunk) {
      const hi = Math.min(to, lo + chunk - 1);
      await exec(sql`
        insert into account (id, workspace_id, name, match_name, domain, incumbent_partner_id, created_at)
        select ${prefix} || g, ${workspaceId},
               n || case when (${arr(LEGAL)})[1 + (g * 17) % ${LEGAL.length}] = '' then '' else ' ' || (${arr(LEGAL)})[1 + (g * 17) % ${LEGAL.length}] end,
               lower(n),
               case when g % 10 < 7 then lower(replace(n, ' ', '-')) || '-' || g || '.example' end,
               case when ${workspaceId} = ${BENCH_WORKSPACE} and g % 20 = 0 then 'ptr_bench_' || (1 + g % 200) end,
               now() - (g % 1000) * interval '1 hour'
        from (select g, ${nameSql('g')} as n from generate_series(${lo}::int, ${hi}::int) g) s`);
    }
  };
  await insertAccounts(BENCH_WORKSPACE, 0, counts.accounts - 1, 'acct_b_');
  await insertAccounts(OTHER_WORKSPACE, 0, Math.max(1, Math.floor(counts.accounts / 100)) - 1, 'acct_o_');
  log(`${counts.accounts.toLocaleString('en-US')} accounts inserted in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const statuses = arr(['submitted', 'approved', 'approved', 'approved', 'info_requested']);
  await exec(sql`
    insert into registration (id, workspace_id, program_id, partner_id, channel, status, account_id, account_name, currency, sla_due_at, protection_starts_at, protection_ends_at, created_at)
    select 'reg_b_' || g, ${BENCH_WORKSPACE}, 'prg_bench', 'ptr_bench_' || (1 + (g * 31) % 200), 'portal', st,
           'acct_b_' || ((g::bigint * 104729) % ${counts.accounts}), 'x', 'USD', now() + interval '2 days',
           case when st = 'approved' then now() - interval '10 days' end,
           case when st = 'approved' then now() + ((g % 90) + 1) * interval '1 day' end,
           now() - (g % 500) * interval '1 hour'
    from (select g, (${statuses})[1 + g % 5] as st from generate_series(1, ${counts.registrations}::int) g) s`);
  await exec(sql`insert into pipeline (id, workspace_id, name, is_default) values ('pip_bench', ${BENCH_WORKSPACE}, 'Sales', true)`);
  await exec(sql`insert into stage (id, workspace_id, pipeline_id, name, position, win_probability_bp, kind) values
    ('stg_b_1', ${BENCH_WORKSPACE}, 'pip_bench', 'Discovery', 1, 1000, 'open'),
    ('stg_b_2', ${BENCH_WORKSPACE}, 'pip_bench', 'Proposal', 2, 5000, 'open'),
    ('stg_b_3', ${BENCH_WORKSPACE}, 'pip_bench', 'Won', 3, 10000, 'won'),
    ('stg_b_4', ${BENCH_WORKSPACE}, 'pip_bench', 'Lost', 4, 0, 'lost')`);
  await exec(sql`
    insert into deal (id, workspace_id, pipeline_id, stage_id, account_id, name, amount_minor, currency, origin, created_at)
    select 'deal_b_' || g, ${BENCH_WORKSPACE}, 'pip_bench', 'stg_b_' || (1 + (g * 7) % 5 % 4), 'acct_b_' || ((g::bigint * 15485863) % ${counts.accounts}),
           'Deal ' || g, 100000 + g, 'USD', case when g % 2 = 0 then 'partner' else 'direct' end, now() - (g % 700) * interval '1 hour'
    from generate_series(1, ${counts.deals}::int) g`);
  await exec(sql`
    insert into deal_credit (id, workspace_id, deal_id, partner_id, role, share_bp)
    select 'dcr_b_' || g, ${BENCH_WORKSPACE}, 'deal_b_' || g, 'ptr_bench_' || (1 + (g * 13) % 200), 'sourced', 10000
    from generate_series(2, ${counts.deals}::int, 2) g`);
}


const MISS_WORDS = ['Zephyr', 'Quillon', 'Marrow', 'Tessel', 'Varkon', 'Obrecht', 'Hyldor', 'Praxen', 'Ulmaris', 'Gorund'];
const MISS_TAILS = ['Biotech', 'Shipping', 'Brewers', 'Mining', 'Aviation', 'Furniture'];

export interface Lookup {
  kind: 'domain' | 'near-name' | 'miss';
  input: Omit<ConflictCheckInput, 'now'>;
  accountId: string;
}

/**
 * `n` lookups: a third by an existing domain (written as a URL, under another name), a third by
 * a near spelling of an existing name (one letter dropped, another legal form, no domain), a
 * third by names that exist nowhere.
 */
export function makeLookups(n: number, accounts: number): Lookup[] {
  const random = seededRandom(7);
  const out: Lookup[] = [];
  for (let i = 0; i < n; i++) {
    const partnerId = `ptr_bench_${1 + Math.floor(random() * 200)}`;
    const kind = (['domain', 'near-name', 'miss'] as const)[i % 3];
    // Accounts with a domain have g % 10 < 7.
    let g = Math.floor(random() * accounts);
    if (kind === 'domain') while (g % 10 >= 7) g = Math.floor(random() * accounts);
    const { word, rest } = nameOf(g);
    const name = `${word} ${rest}`;
    if (kind === 'domain') {
      const domain = `${name.toLowerCase().replace(/ /g, '-')}-${g}.example`;
      out.push({ kind, accountId: `acct_b_${g}`, input: { workspaceId: BENCH_WORKSPACE, partnerId, accountName: 'Customer from the web form', domain: `https://www.${domain}/contact` } });
    } else if (kind === 'near-name') {
      // A typo (one letter of the brand word dropped) and another legal form.
      const drop = 1 + Math.floor(random() * (word.length - 2));
      const typo = word.slice(0, drop) + word.slice(drop + 1);
      out.push({ kind, accountId: `acct_b_${g}`, input: { workspaceId: BENCH_WORKSPACE, partnerId, accountName: `${typo} ${rest} ${LEGAL[Math.floor(random() * LEGAL.length)]}`, domain: null } });
    } else {
      const missName = `${MISS_WORDS[Math.floor(random() * MISS_WORDS.length)]}${MISS_WORDS[Math.floor(random() * MISS_WORDS.length)].toLowerCase()} ${MISS_TAILS[Math.floor(random() * MISS_TAILS.length)]}`;
      out.push({ kind, accountId: '', input: { workspaceId: BENCH_WORKSPACE, partnerId, accountName: missName, domain: `${missName.toLowerCase().replace(/ /g, '')}-${i}.example` } });
    }
  }
  return out;
}

export interface LatencyStats {
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

function stats(times: number[]): LatencyStats {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
  return { p50: at(50), p99: at(99), max: sorted[sorted.length - 1], mean: sorted.reduce((s, x) => s + x, 0) / sorted.length };
}

/** Times each call in sequence (one connection), after `warmup` unmeasured calls. */
export async function timeEach<T>(items: T[], fn: (item: T) => Promise<unknown>, warmup = 50): Promise<LatencyStats> {
  for (const item of items.slice(0, warmup)) await fn(item);
  const times: number[] = [];
  for (const item of items) {
    const t0 = performance.now();
    await fn(item);
    times.push(performance.now() - t0);
  }
  return stats(times);
}

/** Milliseconds of CPU the database backend serving `db` has used, from /proc, when it is a local PostgreSQL process. */
async function backendCpuReader(db: Db): Promise<(() => number) | null> {
  try {
    const result = (await db.execute(sql`select pg_backend_pid() as pid`)) as unknown as { rows: { pid: number }[] };
    const pid = result.rows[0].pid;
    if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'postgres') return null;
    const read = () => Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
    read();
    return read;
  } catch {
    return null;
  }
}

/** Runs the lookups; checks that domain and near-name lookups find their account (through a conflict or an explain-free probe). */
export async function measureConflictChecks(db: Db, lookups: Lookup[]) {
  const now = new Date();
  const found = { domain: 0, 'near-name': 0, miss: 0 };
  const candidates = { domain: 0, 'near-name': 0, miss: 0 };
  // CPU time of each check (this process, and the PostgreSQL backend when it runs on this machine), beside the
  // wall time: on a busy machine a check waits for a CPU, which the CPU time does not count.
  const backendCpu = await backendCpuReader(db);
  const cpuTimes: number[] = [];
  let cpuSeen = 0;
  const checked = await timeEach(lookups, async (l) => {
    const process0 = process.cpuUsage();
    const backend0 = backendCpu?.() ?? 0;
    const result = await checkConflicts(db, { ...l.input, now });
    const used = process.cpuUsage(process0);
    if (cpuSeen++ >= 50) cpuTimes.push((used.user + used.system) / 1000 + (backendCpu ? backendCpu() - backend0 : 0));
    candidates[l.kind] += result.length;
    return result;
  });
  const cpu = { stats: stats(cpuTimes), includesBackend: backendCpu !== null };
  // Accuracy is checked apart from timing: does the matched-account set contain the target account?
  for (const l of lookups) {
    if (l.kind === 'miss') continue;
    const domain = l.kind === 'domain' ? (l.input.domain as string).replace(/^https:\/\/www\.|\/contact$/g, '') : null;
    const name = sql`${normalizeCompanyName(l.input.accountName)}::text`;
    const rows = (await db.execute(sql`
      select exists (select 1 from account a where a.id = ${l.accountId} and (a.domain = ${domain}::text or ${nameMatches(sql.raw('a.match_name'), name)})) as ok`)) as unknown as {
      rows: { ok: boolean }[];
    };
    if (rows.rows[0].ok) found[l.kind]++;
  }
  const baseline = await timeEach(lookups, (l) => db.execute(sql`select * from account where id = ${l.accountId || 'acct_b_0'}`));
  return { checked, baseline, found, candidates, cpu };
}
