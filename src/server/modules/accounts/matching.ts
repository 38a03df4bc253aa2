/**
 * Company-name normalization for the fuzzy account match (the `account.match_name` column and
 * the conflict check). Two spellings of the same legal name should come out equal:
 * `SONY EUROPA B. V.`, `Sony Europa, B.V.,` and `SONY EUROPA BV` all give `sony europa`.
 *
 * Steps: lower case; diacritics removed (NFKD, combining marks dropped); `&` → `and`;
 * punctuation (including a leading `*`) becomes a space; runs of single letters are joined
 * (`D S M` → `dsm`, `I P` → `ip`) after legal forms spelled letter by letter (`n v`, `b v`,
 * `s p a`) are removed; legal-form tokens (Inc, Ltd, GmbH, B.V., N.V. …) are removed as
 * whole tokens wherever they stand; whitespace collapses. At least one token always remains,
 * so a company called `AG` is still `ag`.
 *
 * `holding`/`holdings` is deliberately NOT treated as a legal form: the KU Leuven ground truth
 * has `SCHLUMBERGER HOLDINGS LIMITED` and `SCHLUMBERGER LIMITED` as different legal entities,
 * and dropping the word would make their names identical.
 */

/** Single-token legal forms (compared after punctuation is removed, so `B.V.` arrives as `b v`). */
const LEGAL_TOKENS = new Set([
  'inc',
  'incorporated',
  'llc',
  'ltd',
  'limited',
  'plc',
  'corp',
  'corporation',
  'co',
  'company',
  'gmbh',
  'ag',
  'kg',
  'bv',
  'nv',
  'sa',
  'sas',
  'sarl',
  'srl',
  'spa',
  'oy',
  'ab',
  'as',
  'aps',
  'kk',
  'pty',
  'pte',
]);

/** Legal forms spelled over several tokens (dotted or spaced abbreviations, Dutch long forms). */
const LEGAL_SEQUENCES: string[][] = [
  ['s', 'p', 'a'],
  ['b', 'v'],
  ['n', 'v'],
  ['s', 'a'],
  ['naamloze', 'vennootschap'],
  ['besloten', 'vennootschap'],
];

function removeSequences(tokens: string[]): string[] {
  const out: string[] = [];
  let i = 0;
  outer: while (i < tokens.length) {
    for (const seq of LEGAL_SEQUENCES) {
      if (seq.every((part, k) => tokens[i + k] === part)) {
        i += seq.length;
        continue outer;
      }
    }
    out.push(tokens[i]);
    i++;
  }
  return out;
}

/** `d s m` → `dsm`: initials typed with dots or spaces read as one word. */
function joinInitials(tokens: string[]): string[] {
  const out: string[] = [];
  let run = '';
  for (const token of tokens) {
    if (token.length === 1 && /[a-z]/.test(token)) {
      run += token;
      continue;
    }
    if (run) out.push(run);
    run = '';
    out.push(token);
  }
  if (run) out.push(run);
  return out;
}

export function normalizeCompanyName(name: string): string {
  const base = name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/&/g, ' and ')
    // Apostrophes join (PHILIPS' → philips, O'Neil → oneil); every other non-alphanumeric separates.
    .replace(/['’`´]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  const tokens = base.split(' ').filter(Boolean);
  if (tokens.length === 0) return '';
  const joined = joinInitials(removeSequences(tokens));
  const kept = joined.filter((t) => !LEGAL_TOKENS.has(t));
  if (kept.length > 0) return kept.join(' ');
  // Nothing but legal forms (a company literally called "AG"): keep what there was.
  return joinInitials(tokens).join(' ');
}
