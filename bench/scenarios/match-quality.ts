import { corpusAvailable, evaluateMatchQuality, formatMatchQuality, PATSTAT_DIR } from '../../src/server/modules/accounts/match-quality.ts';
import { type Scenario, SkipScenario } from '../harness.ts';

/** Thresholds around the chosen one, reported for comparison. */
const SWEEP = [0.3, 0.4, 0.5, 0.55, 0.59, 0.6, 0.65, 0.7, 0.75];

export const matchQuality: Scenario<'f1' | 'precision' | 'recall'> = {
  id: 'match-quality',
  title: "Account name matching (the conflict check's decision) against the KU Leuven PATSTAT ground truth",
  figures: {
    f1: { name: 'Name match F1 (PATSTAT pairs)', unit: '', target: 0.85, better: 'higher' },
    precision: { name: 'Name match precision (PATSTAT pairs)', unit: '', target: null, better: 'higher' },
    recall: { name: 'Name match recall (PATSTAT pairs)', unit: '', target: null, better: 'higher' },
  },
  async run(log) {
    if (!corpusAvailable()) throw new SkipScenario(`corpus not found in ${PATSTAT_DIR}; set PATSTAT_DIR`);
    const r = await evaluateMatchQuality({ sweep: SWEEP });
    for (const l of formatMatchQuality(r).split('\n')) log(l);
    const hardMatched = r.hardNegatives.filter((h) => h.matched);
    if (hardMatched.length > 0) throw new Error(`hard negatives matched: ${hardMatched.map((h) => `${h.nameA} ~ ${h.nameB}`).join('; ')}`);
    if (r.equalNamePairs.matched !== r.equalNamePairs.total) throw new Error(`only ${r.equalNamePairs.matched} of ${r.equalNamePairs.total} equal-name pairs matched`);
    const sweep = r.sweep.map((s) => `${s.threshold}: F1 ${s.f1.toFixed(3)}${s.hardNegativesMatched ? ` (${s.hardNegativesMatched} hard negatives)` : ''}`).join(', ');
    // Baseline: the pre-cleaned-name decision the corpus ships with would be the natural one, but here it is exact equality of our normalized names (threshold 1).
    const exact = await evaluateMatchQuality({ threshold: 1, brandRule: false });
    const base = `baseline = exact equality of normalized names (precision ${exact.precision.toFixed(3)}, recall ${exact.recall.toFixed(3)}, F1 ${exact.f1.toFixed(3)})`;
    return {
      f1: { value: r.f1, baseline: exact.f1, notes: `${formatMatchQuality(r).replaceAll('\n', '; ')}; 0 of 8 hard-negative pairs matched; ${base}; sweep ${sweep}` },
      precision: { value: r.precision, baseline: exact.precision, notes: `${r.truePositivePairs.toLocaleString('en-US')} of ${r.foundPairs.toLocaleString('en-US')} matched record pairs are true` },
      recall: {
        value: r.recall,
        baseline: exact.recall,
        notes: `recall without the Philips cluster (676 records, ${r.clusters[0].truePairs.toLocaleString('en-US')} of ${r.truePairs.toLocaleString('en-US')} true pairs, names as different as “Koninklijke Philips Electronics” and “N.V. Philips' Gloeilampenfabrieken”): ${r.recallWithoutLargest.recall.toFixed(3)}; Philips cluster recall ${r.clusters[0].recall.toFixed(3)}`,
      },
    };
  },
};
