import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CORPORA_DIR } from '../../platform/paths.ts';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { parse } from 'csv-parse/sync';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import { NAME_SIMILARITY_THRESHOLD, nameMatches } from '../registrations/conflict-check.ts';
import { matchNameOf } from './service.ts';

/**
 * Match quality of the conflict check's name decision on the KU Leuven PATSTAT corpus
 * (dedupe-examples, MIT): 2,379 patent-holder records, 102 hand-checked entities (`leuven_id`).
 * Scored as the corpus README describes: over unordered pairs of RECORDS; a pair is found when
 * the two names normalize equal or the decision (`nameMatches`, same operator and threshold as
 * `checkConflicts`) accepts the two normalized names in a self-join on a scratch PGlite table.
 */

/** The PATSTAT corpus (vendored in test-corpora/); `PATSTAT_DIR` overrides. */
export const PATSTAT_DIR = process.env.PATSTAT_DIR || path.join(CORPORA_DIR, 'dedupe-examples-entity-resolution/patent_example');
export const corpusAvailable = () => existsSync(path.join(PATSTAT_DIR, 'patstat_reference.csv'));

export interface HardNegativeResult {
  clusterA: string;
  nameA: string;
  clusterB: string;
  nameB: string;
  /** Whether the decision matches the two named variants. */
  matched: boolean;
  similarity: number;
  /** Record pairs between the two clusters (any variants) that the decision matches. */
  crossClusterRecordPairs: number;
}

export interface ClusterRecall {
  leuvenId: string;
  records: number;
  truePairs: number;
  foundPairs: number;
  recall: number;
  /** The most frequent raw name, for reading the report. */
  name: string;
}

export interface MatchQualityReport {
  threshold: number;
  records: number;
  distinctNames: number;
  truePairs: number;
  foundPairs: number;
  truePositivePairs: number;
  precision: number;
  recall: number;
  f1: number;
  /** Pair recall without the largest entity (Philips: 676 records, 228,150 of the true pairs, names that differ wholly). */
  recallWithoutLargest: { leuvenId: string; recall: number };
  /** Record pairs of one entity whose names normalize equal, and how many of them the decision matched. */
  equalNamePairs: { total: number; matched: number };
  hardNegatives: HardNegativeResult[];
  /** Entities with at least two records, largest first. */
  clusters: ClusterRecall[];
  /** F1 and hard negatives at other thresholds, computed from the same similarities (for choosing the threshold). */
  sweep: { threshold: number; precision: number; recall: number; f1: number; hardNegativesMatched: number }[];
}

interface CorpusRecord {
  personId: string;
  leuvenId: string;
  name: string;
  norm: string;
}

function loadCorpus(): { records: CorpusRecord[]; hardNegatives: { cluster_a: string; name_a: string; cluster_b: string; name_b: string }[] } {
  const csv = readFileSync(path.join(PATSTAT_DIR, 'patstat_reference.csv'), 'utf8');
  const rows = parse(csv, { columns: true, skip_empty_lines: true }) as { person_id: string; leuven_id: string; person_name: string }[];
  const records = rows.map((r) => ({ personId: r.person_id, leuvenId: r.leuven_id, name: r.person_name, norm: matchNameOf(r.person_name) }));
  const summary = JSON.parse(readFileSync(path.join(PATSTAT_DIR, 'patstat_clusters_summary.json'), 'utf8'));
  return { records, hardNegatives: summary.hard_negative_cluster_pairs };
}

const pairs = (n: number) => (n * (n - 1)) / 2;

/** Runs the evaluation on a throw-away in-memory PGlite. `sweep` lists extra thresholds to report. */
export async function evaluateMatchQuality(options: { threshold?: number; sweep?: number[]; brandRule?: boolean } = {}): Promise<MatchQualityReport> {
  const threshold = options.threshold ?? NAME_SIMILARITY_THRESHOLD;
  const { records, hardNegatives } = loadCorpus();

  // norm → leuven_id → record count
  const byNorm = new Map<string, Map<string, number>>();
  const clusterSize = new Map<string, number>();
  const clusterNames = new Map<string, Map<string, number>>();
  for (const r of records) {
    const m = byNorm.get(r.norm) ?? new Map<string, number>();
    m.set(r.leuvenId, (m.get(r.leuvenId) ?? 0) + 1);
    byNorm.set(r.norm, m);
    clusterSize.set(r.leuvenId, (clusterSize.get(r.leuvenId) ?? 0) + 1);
    const names = clusterNames.get(r.leuvenId) ?? new Map<string, number>();
    names.set(r.name, (names.get(r.name) ?? 0) + 1);
    clusterNames.set(r.leuvenId, names);
  }
  const norms = [...byNorm.keys()];

  const pglite = new PGlite({ extensions: { pg_trgm } });
  try {
    const db = drizzle({ client: pglite });
    await db.execute(sql`create extension if not exists pg_trgm`);
    await db.execute(sql`create table match_names (match_name text primary key)`);
    await db.execute(sql`create index match_names_trgm on match_names using gin (match_name gin_trgm_ops)`);
    for (let i = 0; i < norms.length; i += 500) {
      const chunk = norms.slice(i, i + 500);
      await db.execute(sql`insert into match_names (match_name) select jsonb_array_elements_text(${JSON.stringify(chunk)}::jsonb)`);
    }
    const rows = async (q: ReturnType<typeof sql>) => ((await db.execute(q)) as unknown as { rows: Record<string, unknown>[] }).rows;

    // The decision, exactly as the conflict check makes it (each name also against itself: equal names must match).
    const decided = await rows(sql`
      select a.match_name as a, b.match_name as b
      from match_names a join match_names b on a.match_name <= b.match_name
        and ${nameMatches(sql.raw('a.match_name'), sql.raw('b.match_name'), threshold, { brandRule: options.brandRule ?? true })}`);
    const selfMatched = new Set<string>();
    const matchedPairs: [string, string][] = [];
    for (const r of decided) {
      if (r.a === r.b) selfMatched.add(r.a as string);
      else matchedPairs.push([r.a as string, r.b as string]);
    }
    // Similarities of every candidate the trigram index offers (limit 0.3), for the sweep and the hard-negative figures.
    const candidates = (
      await rows(sql`
        select a.match_name as a, b.match_name as b, similarity(a.match_name, b.match_name)::float8 as s
        from match_names a join match_names b on a.match_name < b.match_name and a.match_name % b.match_name`)
    ).map((r) => ({ a: r.a as string, b: r.b as string, s: Number(r.s) }));
    const simOf = new Map(candidates.map((c) => [`${c.a}\u0000${c.b}`, c.s]));
    const similarity = (x: string, y: string) => (x === y ? 1 : (simOf.get(x < y ? `${x}\u0000${y}` : `${y}\u0000${x}`) ?? 0));

    const totalTrue = [...clusterSize.values()].reduce((s, n) => s + pairs(n), 0);
    const score = (accepted: [string, string][], equalAccepted: (n: string) => boolean) => {
      let found = 0;
      let tp = 0;
      const perCluster = new Map<string, number>();
      const cross = new Map<string, number>();
      const addTp = (lid: string, n: number) => {
        tp += n;
        perCluster.set(lid, (perCluster.get(lid) ?? 0) + n);
      };
      for (const [norm, lids] of byNorm) {
        if (!equalAccepted(norm)) continue;
        const total = [...lids.values()].reduce((s, n) => s + n, 0);
        found += pairs(total);
        for (const [lid, n] of lids) addTp(lid, pairs(n));
        for (const [l1, n1] of lids) for (const [l2, n2] of lids) if (l1 < l2) cross.set(`${l1}|${l2}`, (cross.get(`${l1}|${l2}`) ?? 0) + n1 * n2);
      }
      for (const [a, b] of accepted) {
        const la = byNorm.get(a) as Map<string, number>;
        const lb = byNorm.get(b) as Map<string, number>;
        const ta = [...la.values()].reduce((s, n) => s + n, 0);
        const tb = [...lb.values()].reduce((s, n) => s + n, 0);
        found += ta * tb;
        for (const [lid, n] of la) addTp(lid, n * (lb.get(lid) ?? 0));
        for (const [l1, n1] of la) {
          for (const [l2, n2] of lb) {
            if (l1 === l2) continue;
            const key = l1 < l2 ? `${l1}|${l2}` : `${l2}|${l1}`;
            cross.set(key, (cross.get(key) ?? 0) + n1 * n2);
          }
        }
      }
      const precision = found === 0 ? 1 : tp / found;
      const recall = tp / totalTrue;
      const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
      return { found, tp, precision, recall, f1, perCluster, cross };
    };

    const main = score(matchedPairs, (n) => selfMatched.has(n));
    const accepted = new Set(matchedPairs.map(([a, b]) => `${a}\u0000${b}`));
    const decide = (x: string, y: string) => x === y ? selfMatched.has(x) : accepted.has(x < y ? `${x}\u0000${y}` : `${y}\u0000${x}`);
    const hard: HardNegativeResult[] = [];
    for (const h of hardNegatives) {
      const a = matchNameOf(h.name_a);
      const b = matchNameOf(h.name_b);
      const [exact] = await rows(sql`select similarity(${a}::text, ${b}::text)::float8 as s`);
      const key = h.cluster_a < h.cluster_b ? `${h.cluster_a}|${h.cluster_b}` : `${h.cluster_b}|${h.cluster_a}`;
      hard.push({
        clusterA: h.cluster_a,
        nameA: h.name_a,
        clusterB: h.cluster_b,
        nameB: h.name_b,
        matched: decide(a, b),
        similarity: Math.round(Number(exact.s) * 1000) / 1000,
        crossClusterRecordPairs: main.cross.get(key) ?? 0,
      });
    }

    let equalTotal = 0;
    let equalMatched = 0;
    for (const [norm, lids] of byNorm) {
      for (const n of lids.values()) {
        equalTotal += pairs(n);
        if (selfMatched.has(norm)) equalMatched += pairs(n);
      }
    }

    const clusters: ClusterRecall[] = [...clusterSize.entries()]
      .filter(([, n]) => n > 1)
      .map(([lid, n]) => {
        const names = [...(clusterNames.get(lid) as Map<string, number>).entries()].sort((x, y) => y[1] - x[1]);
        const truePairs = pairs(n);
        const foundPairs = main.perCluster.get(lid) ?? 0;
        return { leuvenId: lid, records: n, truePairs, foundPairs, recall: foundPairs / truePairs, name: names[0][0] };
      })
      .sort((x, y) => y.records - x.records);

    const sweep = (options.sweep ?? []).map((t) => {
      const s = score(
        candidates.filter((c) => c.s >= t).map((c) => [c.a, c.b] as [string, string]),
        () => true,
      );
      const hardMatched = hardNegatives.filter((h) => {
        const a = matchNameOf(h.name_a);
        const b = matchNameOf(h.name_b);
        return a === b || similarity(a, b) >= t;
      }).length;
      return { threshold: t, precision: s.precision, recall: s.recall, f1: s.f1, hardNegativesMatched: hardMatched };
    });

    const largest = clusters[0];
    const recallWithoutLargest = {
      leuvenId: largest.leuvenId,
      recall: (main.tp - largest.foundPairs) / (totalTrue - largest.truePairs),
    };

    return {
      threshold,
      records: records.length,
      distinctNames: norms.length,
      truePairs: totalTrue,
      foundPairs: main.found,
      truePositivePairs: main.tp,
      precision: main.precision,
      recall: main.recall,
      f1: main.f1,
      recallWithoutLargest,
      equalNamePairs: { total: equalTotal, matched: equalMatched },
      hardNegatives: hard,
      clusters,
      sweep,
    };
  } finally {
    await pglite.close();
  }
}

/** A few lines for logs and the bench notes. */
export function formatMatchQuality(r: MatchQualityReport): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  const worst = r.clusters.slice(0, 6).map((c) => `${c.name} (${c.records} records) ${pct(c.recall)}`);
  return [
    `threshold ${r.threshold}: precision ${pct(r.precision)}, recall ${pct(r.recall)}, F1 ${r.f1.toFixed(3)} over ${r.truePairs.toLocaleString('en-US')} true record pairs (${r.records} records, ${r.distinctNames} distinct normalized names)`,
    `recall without the largest cluster (${r.clusters[0]?.name}): ${pct(r.recallWithoutLargest.recall)}`,
    `hard negatives matched: ${r.hardNegatives.filter((h) => h.matched).length} of ${r.hardNegatives.length} named pairs; cross-cluster record pairs between hard-negative clusters: ${r.hardNegatives.reduce((s, h) => s + h.crossClusterRecordPairs, 0)}`,
    `per-cluster recall, largest clusters: ${worst.join('; ')}`,
  ].join('\n');
}
