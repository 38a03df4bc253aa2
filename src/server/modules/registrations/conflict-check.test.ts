import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../platform/ids.ts';
import { type TestApp, call, createTestApp, ownerWithWorkspace, testDatabaseKind } from '../../test/harness.ts';
import { account } from '../accounts/schema.ts';
import { matchNameOf } from '../accounts/service.ts';
import { deal, dealCredit, pipeline, stage } from '../deals/schema.ts';
import { NAME_SIZE_CLASSES } from '../accounts/name-size.ts';
import { type ConflictCheckInput, NAME_SIMILARITY_THRESHOLD, checkConflicts, matchedAccountsQuery, sameBrand } from './conflict-check.ts';
import { seededRandom } from '../../test/random.ts';
import { registration } from './schema.ts';

/** Runs on PGlite, and on PostgreSQL with OPENPRM_TEST_DB=postgres TEST_DATABASE_URL=… */
let t: TestApp;
let ws: string;
let otherWs: string;
let programId: string;
let otherProgramId: string;
const P: Record<'A' | 'B' | 'C', string> = { A: '', B: '', C: '' };
let otherWsPartner: string;
let openStage: string;
let wonStage: string;
let pipelineId: string;
const NOW = new Date('2026-06-01T12:00:00Z');
const DAY = 86_400_000;

async function addAccount(workspaceId: string, name: string, domain: string | null, incumbentPartnerId: string | null = null) {
  const id = newId('account');
  await t.services.db.insert(account).values({ id, workspaceId, name, matchName: matchNameOf(name), domain, incumbentPartnerId });
  return id;
}

async function addRegistration(o: { workspaceId?: string; partnerId: string; accountId: string; status: string; protectionEndsAt?: Date | null; createdAt?: Date; programId?: string }) {
  const id = newId('registration');
  await t.services.db.insert(registration).values({
    id,
    workspaceId: o.workspaceId ?? ws,
    programId: o.programId ?? programId,
    partnerId: o.partnerId,
    channel: 'portal',
    status: o.status,
    accountId: o.accountId,
    accountName: 'x',
    currency: 'USD',
    slaDueAt: new Date(NOW.getTime() + DAY),
    protectionEndsAt: o.protectionEndsAt ?? null,
    createdAt: o.createdAt ?? new Date(NOW.getTime() - 10 * DAY),
  });
  return id;
}

async function addDeal(o: { accountId: string; stageId: string; credits?: { partnerId: string; role: string; shareBp: number }[]; registrationId?: string }) {
  const id = newId('deal');
  await t.services.db.insert(deal).values({
    id,
    workspaceId: ws,
    pipelineId,
    stageId: o.stageId,
    accountId: o.accountId,
    name: 'Deal',
    amountMinor: 100_000n,
    currency: 'USD',
    origin: o.credits?.length ? 'partner' : 'direct',
    registrationId: o.registrationId ?? null,
  });
  for (const c of o.credits ?? []) {
    await t.services.db.insert(dealCredit).values({ id: newId('dealCredit'), workspaceId: ws, dealId: id, ...c });
  }
  return id;
}

const check = (o: Partial<ConflictCheckInput> & { accountName: string }) =>
  checkConflicts(t.services.db, { workspaceId: ws, partnerId: P.A, domain: null, now: NOW, ...o });

beforeAll(async () => {
  t = await createTestApp();
  const owner = await ownerWithWorkspace(t, 'Conflicts Co');
  const stranger = await ownerWithWorkspace(t, 'Stranger Co');
  ws = owner.workspaceId;
  otherWs = stranger.workspaceId;
  programId = (await call(t, 'POST', '/api/v1/programs', { ...owner.as, body: { name: 'Resell', partnerType: 'reseller', currency: 'USD' } })).body.id;
  otherProgramId = (await call(t, 'POST', '/api/v1/programs', { ...stranger.as, body: { name: 'Resell', partnerType: 'reseller', currency: 'USD' } })).body.id;
  for (const k of ['A', 'B', 'C'] as const) {
    P[k] = (await call(t, 'POST', '/api/v1/partners', { ...owner.as, body: { name: `Partner ${k}`, type: 'reseller' } })).body.id;
  }
  otherWsPartner = (await call(t, 'POST', '/api/v1/partners', { ...stranger.as, body: { name: 'Stranger partner', type: 'reseller' } })).body.id;
  pipelineId = newId('pipeline');
  await t.services.db.insert(pipeline).values({ id: pipelineId, workspaceId: ws, name: 'Sales', isDefault: true });
  openStage = newId('stage');
  wonStage = newId('stage');
  await t.services.db.insert(stage).values([
    { id: openStage, workspaceId: ws, pipelineId, name: 'Discovery', position: 1, winProbabilityBp: 2000, kind: 'open' },
    { id: wonStage, workspaceId: ws, pipelineId, name: 'Won', position: 2, winProbabilityBp: 10000, kind: 'won' },
  ]);
});
afterAll(async () => {
  await t.close();
});

describe(`checkConflicts (${testDatabaseKind()})`, () => {
  it('finds an active registration of another partner by domain, whatever the name', async () => {
    const acct = await addAccount(ws, 'Acme Holdings', 'acme.example');
    const reg = await addRegistration({ partnerId: P.B, accountId: acct, status: 'approved', protectionEndsAt: new Date(NOW.getTime() + 30 * DAY) });
    const found = await check({ accountName: 'Completely Different Name', domain: 'https://www.ACME.example/contact' });
    expect(found).toEqual([
      {
        otherKind: 'registration',
        otherId: reg,
        otherPartnerId: P.B,
        matchedAccountId: acct,
        matchKind: 'domain',
        similarity: expect.any(Number),
        otherCreatedAt: new Date(NOW.getTime() - 10 * DAY),
        otherStatus: 'approved',
      },
    ]);
  });

  it('finds accounts by normalized name (equal → 1, near spelling → the similarity) and not other brands', async () => {
    const akzo = await addAccount(ws, 'Akzo Nobel N.V.', null);
    const akzoReg = await addRegistration({ partnerId: P.B, accountId: akzo, status: 'submitted' });
    const philips = await addAccount(ws, 'Koninklijke Philips Electronics N.V.', null);
    const philipsReg = await addRegistration({ partnerId: P.C, accountId: philips, status: 'info_requested' });
    const schlumberger = await addAccount(ws, 'SCHLUMBERGER LIMITED', null);
    await addRegistration({ partnerId: P.B, accountId: schlumberger, status: 'submitted' });

    const equal = await check({ accountName: '* AKZO NOBEL NV' });
    expect(equal.map((c) => [c.otherId, c.matchKind, c.similarity])).toEqual([[akzoReg, 'name', 1]]);

    // A typo in the royal predicate is dropped with it; a typo in a word leaves a similarity below 1.
    const typo = await check({ accountName: 'KONINKLIKE PHILIPS ELECTRONCIS, N.V.' });
    expect(typo).toHaveLength(1);
    expect(typo[0]).toMatchObject({ otherId: philipsReg, otherPartnerId: P.C, matchKind: 'name', otherStatus: 'info_requested' });
    expect(typo[0].similarity).toBeGreaterThanOrEqual(0.6);
    expect(typo[0].similarity).toBeLessThan(1);
    // The brand rule: Philips' former name is the same customer (one entity in the PATSTAT ground truth).
    expect((await check({ accountName: "N.V. Philips' Gloeilampenfabrieken" })).map((c) => c.otherId)).toEqual([philipsReg]);

    // Hard negatives of the corpus: same brand, different legal entity.
    expect(await check({ accountName: 'SCHLUMBERGER HOLDINGS LIMITED' })).toEqual([]);
    expect(await check({ accountName: 'Schlumberger Technology B.V.' })).toEqual([]);
    expect(await check({ accountName: 'PHILIPS INTELLECTUAL PROPERTY & STANDARDS GMBH' })).toEqual([]);
    expect(await check({ accountName: 'Philips Patentverwaltung GmbH' })).toEqual([]);
  });

  it('ignores own, ended, rejected and the checked registration itself', async () => {
    const acct = await addAccount(ws, 'Quiet Customer', 'quiet.example');
    await addRegistration({ partnerId: P.A, accountId: acct, status: 'approved', protectionEndsAt: new Date(NOW.getTime() + DAY) });
    await addRegistration({ partnerId: P.B, accountId: acct, status: 'approved', protectionEndsAt: new Date(NOW.getTime() - DAY) });
    await addRegistration({ partnerId: P.B, accountId: acct, status: 'rejected' });
    await addRegistration({ partnerId: P.B, accountId: acct, status: 'expired' });
    await addRegistration({ partnerId: P.C, accountId: acct, status: 'withdrawn' });
    expect(await check({ accountName: 'Quiet Customer', domain: 'quiet.example' })).toEqual([]);
    // The registration being checked, even when another partner's, is not its own conflict.
    const mine = await addRegistration({ partnerId: P.B, accountId: acct, status: 'submitted' });
    expect(await check({ accountName: 'Quiet Customer', domain: 'quiet.example', registrationId: mine })).toEqual([]);
    expect((await check({ accountName: 'Quiet Customer', domain: 'quiet.example' })).map((c) => c.otherId)).toEqual([mine]);
  });

  it('finds open deals (direct or another partner’s) but not closed deals or this partner’s', async () => {
    const acct = await addAccount(ws, 'Deal Customer GmbH', 'deal-customer.example');
    const direct = await addDeal({ accountId: acct, stageId: openStage });
    const theirs = await addDeal({
      accountId: acct,
      stageId: openStage,
      credits: [
        { partnerId: P.C, role: 'influenced', shareBp: 2000 },
        { partnerId: P.B, role: 'sourced', shareBp: 8000 },
      ],
    });
    await addDeal({ accountId: acct, stageId: wonStage });
    await addDeal({ accountId: acct, stageId: openStage, credits: [{ partnerId: P.A, role: 'sourced', shareBp: 10000 }] });
    const found = await check({ accountName: 'Deal Customer', domain: 'deal-customer.example' });
    expect(found.map((c) => [c.otherKind, c.otherId, c.otherPartnerId, c.otherStatus]).sort()).toEqual(
      [
        ['deal', direct, null, 'Discovery'],
        ['deal', theirs, P.B, 'Discovery'],
      ].sort(),
    );
    // The deal made from the checked registration is not a conflict with it.
    const reg = await addRegistration({ partnerId: P.A, accountId: acct, status: 'approved' });
    const linked = await addDeal({ accountId: acct, stageId: openStage, registrationId: reg });
    expect((await check({ accountName: 'Deal Customer', domain: 'deal-customer.example', registrationId: reg })).map((c) => c.otherId)).not.toContain(linked);
  });

  it('reports the incumbent partner, unless it is the registering partner', async () => {
    const acct = await addAccount(ws, 'Held Customer', 'held.example', P.C);
    expect(await check({ accountName: 'Held Customer', domain: 'held.example' })).toEqual([
      expect.objectContaining({ otherKind: 'incumbent', otherId: acct, otherPartnerId: P.C, matchedAccountId: acct, otherStatus: 'incumbent', matchKind: 'domain' }),
    ]);
    expect(await check({ accountName: 'Held Customer', domain: 'held.example', partnerId: P.C })).toEqual([]);
  });

  it('reports a domain match once, as a domain match, when the name matches too', async () => {
    const acct = await addAccount(ws, 'Twice Matched B.V.', 'twice.example', P.B);
    const found = await check({ accountName: 'Twice Matched', domain: 'twice.example' });
    expect(found).toEqual([expect.objectContaining({ matchedAccountId: acct, matchKind: 'domain', similarity: 1 })]);
  });

  it('finds a claimed account even when many unclaimed accounts have more similar names', async () => {
    // 25 unclaimed near-identical names outrank the claimed one on similarity; they must not crowd it out.
    for (let i = 0; i < 25; i++) await addAccount(ws, `Zephyrine Logistics Group ${i}`, null);
    const claimed = await addAccount(ws, 'Zephyrine Logistic Group', null);
    const reg = await addRegistration({ partnerId: P.B, accountId: claimed, status: 'submitted' });
    const found = await check({ accountName: 'Zephyrine Logistics Group' });
    expect(found.map((c) => c.otherId)).toContain(reg);
  });

  it('finds every claimed account whose name matches, whatever the sizes of the names (the size-class search loses none)', async () => {
    // Names of many sizes that share long common words, so that many pairs sit near the 0.6 threshold.
    const brands = ['Bripele', 'Ltorno', 'Athankle', 'Zorvexa', 'Kalimo', 'Trendavo', 'Vosk', 'Quillonar', 'Ib', 'Ferrocanti'];
    const sectors = ['Construction', 'Semiconductors', 'Consulting', 'Labs', 'Group Engineering'];
    const names: string[] = [];
    brands.forEach((brand, i) => {
      for (const [j, sector] of sectors.entries()) if ((i + j) % 2 === 0) names.push(`${brand} ${sector}${j === 1 ? ' Leiden' : ''}`);
    });
    for (const name of names) await addAccount(ws, `${name} B.V.`, null, P.B);
    const queries = [
      ...names.map((n) => n.slice(0, 2) + n.slice(3)), // one letter of the brand dropped
      ...names.map((n) => `${n} Holding`),
      ...brands.flatMap((b) => sectors.map((s) => `${b.slice(0, -1)} ${s}`)),
      'Construction',
      'Semiconductors Leiden',
      'Ib Labs',
    ];
    for (const accountName of queries) {
      const name = matchNameOf(accountName);
      const expected = (await t.services.db.execute(sql`
        select id from account where workspace_id = ${ws} and claimed and incumbent_partner_id = ${P.B}
          and (similarity(match_name, ${name}::text) >= ${NAME_SIMILARITY_THRESHOLD}::real or ${sameBrand(sql.raw('match_name'), sql`${name}::text`)})
        order by id`)) as unknown as { rows: { id: string }[] };
      const found = (await check({ accountName })).filter((c) => c.otherKind === 'incumbent').map((c) => c.matchedAccountId);
      expect(found.sort(), accountName).toEqual(expected.rows.map((r) => r.id));
    }
  });

  it('loses no match near the threshold: 300 seeded random names and edits, checked against every claimed account', async () => {
    // Each size class asks its index for exactly the overlap a match needs (no trigram of slack), so
    // names that sit right at the 0.6 boundary, of every size, are where a lost match would show.
    const random = seededRandom(20261122);
    const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
    const syllables = ['ka', 'lo', 'mi', 'bri', 'tor', 'vel', 'quin', 'za', 'ne', 'ros', 'ath', 'dre'];
    const tails = ['Semiconductors', 'Construction', 'Labs', 'Group', 'Technologies Krakow', 'Consulting Ghent', '3D Printing', ''];
    const brand = () => Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(syllables)).join('');
    const names = Array.from({ length: 60 }, () => `${brand()} ${pick(tails)}`.trim());
    const stored = new Set<string>();
    for (const name of names) {
      if (stored.has(name)) continue;
      stored.add(name);
      await addAccount(ws, name, null, P.C);
    }
    const edit = (name: string) => {
      const at = Math.floor(random() * name.length);
      switch (Math.floor(random() * 4)) {
        case 0:
          return name.slice(0, at) + name.slice(at + 1); // a letter dropped
        case 1:
          return `${name.slice(0, at)}${pick(syllables)}${name.slice(at)}`; // a syllable inserted
        case 2:
          return `${name} ${pick(tails)}`; // a word more
        default:
          return `${brand()} ${name.split(' ').slice(1).join(' ')}`; // another brand, the same tail
      }
    };
    const queries = Array.from({ length: 300 }, () => edit(edit(pick(names))));
    let nearThreshold = 0;
    for (const accountName of queries) {
      const name = matchNameOf(accountName);
      const expected = (await t.services.db.execute(sql`
        select id, similarity(match_name, ${name}::text) as sim from account where workspace_id = ${ws} and claimed and incumbent_partner_id = ${P.C}
          and (similarity(match_name, ${name}::text) >= ${NAME_SIMILARITY_THRESHOLD}::real or ${sameBrand(sql.raw('match_name'), sql`${name}::text`)})
        order by id`)) as unknown as { rows: { id: string; sim: number }[] };
      if (expected.rows.length >= 15) continue; // beyond MAX_NAME_MATCHES the best 20 are kept, by design
      nearThreshold += expected.rows.filter((r) => Number(r.sim) < 0.7).length;
      const found = (await check({ accountName })).filter((c) => c.otherKind === 'incumbent' && c.otherPartnerId === P.C).map((c) => c.matchedAccountId);
      expect(found.sort(), accountName).toEqual(expected.rows.map((r) => r.id));
    }
    // The generated names do reach the boundary (otherwise this test would prove nothing).
    expect(nearThreshold).toBeGreaterThan(30);
  });

  it('keeps no GIN pending list on the claimed-name indexes (every search would read it whole)', async () => {
    const result = (await t.services.db.execute(sql`
      select c.relname, array_to_string(c.reloptions, ',') as options from pg_class c
      where c.relname like 'account_claimed_name_trgm_%' order by c.relname`)) as unknown as { rows: { relname: string; options: string | null }[] };
    expect(result.rows.map((r) => r.relname)).toEqual(NAME_SIZE_CLASSES.map((c) => `account_claimed_name_trgm_${c[0]}_idx`).sort());
    for (const r of result.rows) expect(r.options, r.relname).toContain('fastupdate=false');
  });

  it("never sees another workspace's accounts", async () => {
    const foreign = await addAccount(otherWs, 'Foreign Target', 'foreign.example', otherWsPartner);
    await addRegistration({ workspaceId: otherWs, programId: otherProgramId, partnerId: otherWsPartner, accountId: foreign, status: 'submitted' });
    expect(await check({ accountName: 'Foreign Target', domain: 'foreign.example' })).toEqual([]);
  });

  it('tolerates an unusable domain (the name still matches)', async () => {
    await addAccount(ws, 'Odd Domain Co', 'odd.example', P.B);
    expect((await check({ accountName: 'Odd Domain Co', domain: 'not a domain' })).map((c) => c.matchKind)).toEqual(['name']);
  });

  it('keeps account.claimed in step with registrations, deals, stages and incumbents (triggers)', async () => {
    const claimed = async (id: string) => {
      const rows = (await t.services.db.execute(sql`select claimed from account where id = ${id}`)) as unknown as { rows: { claimed: boolean }[] };
      return rows.rows[0].claimed;
    };
    const acc = await addAccount(ws, 'Claim Tracker', null);
    expect(await claimed(acc)).toBe(false);
    const reg = await addRegistration({ partnerId: P.B, accountId: acc, status: 'submitted' });
    expect(await claimed(acc)).toBe(true);
    await t.services.db.execute(sql`update registration set status = 'rejected' where id = ${reg}`);
    expect(await claimed(acc)).toBe(false);
    // An open deal claims it; moving the deal to a won stage releases it; so does turning its stage into a closed one.
    const dealId = await addDeal({ accountId: acc, stageId: openStage });
    expect(await claimed(acc)).toBe(true);
    await t.services.db.execute(sql`update deal set stage_id = ${wonStage} where id = ${dealId}`);
    expect(await claimed(acc)).toBe(false);
    await t.services.db.execute(sql`update deal set stage_id = ${openStage} where id = ${dealId}`);
    expect(await claimed(acc)).toBe(true);
    await t.services.db.transaction(async (tx) => {
      await tx.execute(sql`update stage set kind = 'lost' where id = ${openStage}`);
      const rows = (await tx.execute(sql`select claimed from account where id = ${acc}`)) as unknown as { rows: { claimed: boolean }[] };
      expect(rows.rows[0].claimed).toBe(false);
      await tx.execute(sql`update stage set kind = 'open' where id = ${openStage}`);
    });
    expect(await claimed(acc)).toBe(true);
    // Moving the deal to another account moves the claim.
    const other = await addAccount(ws, 'Claim Tracker Two', null);
    await t.services.db.execute(sql`update deal set account_id = ${other} where id = ${dealId}`);
    expect([await claimed(acc), await claimed(other)]).toEqual([false, true]);
    await t.services.db.execute(sql`delete from deal where id = ${dealId}`);
    expect(await claimed(other)).toBe(false);
    // An incumbent claims it, at insert and on update.
    await t.services.db.execute(sql`update account set incumbent_partner_id = ${P.C} where id = ${acc}`);
    expect(await claimed(acc)).toBe(true);
    await t.services.db.execute(sql`update account set incumbent_partner_id = null where id = ${acc}`);
    expect(await claimed(acc)).toBe(false);
    expect(await claimed(await addAccount(ws, 'Claim Tracker Three', null, P.C))).toBe(true);
    // An unclaimed look-alike is never a candidate; once claimed, it is.
    const lookAlike = await addAccount(ws, 'Zanzibar Widgets Holdings', null);
    expect(await check({ accountName: 'Zanzibar Widgets Holdings' })).toEqual([]);
    await addRegistration({ partnerId: P.B, accountId: lookAlike, status: 'approved', protectionEndsAt: new Date(NOW.getTime() + DAY) });
    expect((await check({ accountName: 'Zanzibar Widgets Holding' })).map((c) => c.matchedAccountId)).toEqual([lookAlike]);
  });

  it('plans the account lookup on the trigram and domain indexes', async () => {
    // Enough accounts that an index beats reading the workspace's rows, as in any real workspace.
    await t.services.db.execute(sql`
      insert into account (id, workspace_id, name, match_name, domain, incumbent_partner_id)
      select 'acct_filler_' || g, ${ws}, 'Filler ' || md5(g::text), 'filler ' || md5(g::text), 'filler-' || g || '.example', ${P.B}
      from generate_series(1, 5000) g`);
    await t.services.db.execute(sql`analyze account`);
    // Which path is cheapest depends on the data (the bench's 1,000,000 accounts take the indexes
    // unaided); here we prove the statement CAN use them: without a sequential scan and without the
    // workspace index (dropped inside a transaction that is rolled back), the similar-name branch must
    // be an index condition on the trigram index, and the same-brand branch one on the brand index.
    const explain = async (accountName: string, dropIndexes: string[]) => {
      let plan = '';
      const rollback = new Error('rollback');
      await t.services.db
        .transaction(async (tx) => {
          await tx.execute(sql`set local enable_seqscan = off`);
          for (const index of dropIndexes) await tx.execute(sql`drop index ${sql.identifier(index)}`);
          const rows = (await tx.execute(sql`explain ${matchedAccountsQuery({ workspaceId: ws, partnerId: P.A, accountName, domain: 'acme.example', now: NOW })}`)) as unknown as {
            rows: Record<string, string>[];
          };
          plan = rows.rows.map((r) => Object.values(r)[0]).join('\n');
          throw rollback;
        })
        .catch((error) => {
          if (error !== rollback) throw error;
        });
      return plan;
    };
    const similar = await explain('Acme', ['account_ws_id_idx', 'account_claimed_brand_idx']);
    expect(similar, similar).toContain('account_claimed_name_trgm_1_idx');
    expect(similar).toContain('account_ws_domain_uq');
    expect(similar).toMatch(/Index Cond: \(+match_name % /);
    expect(similar).not.toMatch(/Seq Scan on account/);
    // A longer name is searched in every size class a similar name can have, each on its own index
    // ('acme widget logistics' has 22 trigrams: similar names have 14 to 36).
    const longer = await explain('Acme Widget Logistics', ['account_ws_id_idx', 'account_claimed_brand_idx']);
    for (const sizeClass of NAME_SIZE_CLASSES) expect(longer, longer).toContain(`account_claimed_name_trgm_${sizeClass[0]}_idx`);
    expect(longer).not.toMatch(/Seq Scan on account/);
    // A name the brand rule applies to adds the same-first-word branch, on its own index.
    const brand = await explain('Acmecorp Widgets', ['account_ws_id_idx']);
    expect(brand, brand).toMatch(/Index Cond: \(split_part\(match_name, ' '::text, 1\) = 'acmecorp'::text\)/);
    expect(brand).toContain('account_claimed_brand_idx');
    // And the answers are still right.
    expect((await check({ accountName: 'Acme Holdings', domain: 'acme.example' })).map((c) => c.matchKind)).toEqual(['domain']);
  });
});
