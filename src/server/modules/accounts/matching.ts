/**
 * Company-name normalization for the fuzzy account match (the `account.match_name` column and
 * the conflict check). Two spellings of the same legal name should come out equal:
 * `SONY EUROPA B. V.`, `Sony Europa, B.V.,` and `SONY EUROPA BV` all give `sony europa`.
 *
 * Steps: lower case; diacritics removed (NFKD, combining marks dropped); `&` → `and`;
 * punctuation (including a leading `*`) becomes a space; runs of single letters are joined
 * (`D S M` → `dsm`, `I P` → `ip`) after legal forms spelled letter by letter (`n v`, `b v`,
 * `s p a`) are removed; legal-form tokens (Inc, Ltd, GmbH, B.V., N.V. …) are removed as
 * whole tokens wherever they stand (in about 30 legal systems: English, German, Dutch,
 * French, Italian, Spanish, Portuguese, Nordic, Central European, Asian); the Dutch royal
 * predicate (`Koninklijke`, `Kon.`, `Koninkl.`) is dropped as a first word, because companies
 * carry it optionally (`Koninklijke Philips` is `Philips`, `Koninklijke DSM` is `DSM`); a
 * trailing country code (`… NL`, `… UK`, `… USA`) is dropped, being the address, not the name;
 * whitespace collapses. At least one token always remains, so a company called `AG` is still `ag`.
 *
 * `holding`/`holdings` is deliberately NOT treated as a legal form: the KU Leuven ground truth
 * has `SCHLUMBERGER HOLDINGS LIMITED` and `SCHLUMBERGER LIMITED` as different legal entities,
 * and dropping the word would make their names identical.
 */

/** Single-token legal forms (compared after punctuation is removed, so `B.V.` arrives as `b v`). */
const LEGAL_TOKENS = new Set([
  // English-speaking countries
  'inc', 'incorporated', 'llc', 'llp', 'lllp', 'lp', 'ltd', 'ltda', 'limited', 'plc', 'corp', 'corporation', 'co', 'company', 'pllc', 'pc',
  // German-speaking countries
  'gmbh', 'mbh', 'ag', 'kg', 'kgaa', 'ohg', 'ug', 'ev', 'aktiengesellschaft', 'gesellschaft',
  // Dutch and Belgian
  'bv', 'nv', 'bvba', 'vof', 'cv', 'cvba',
  // French, Italian, Spanish, Portuguese (SA, SAS, SARL, SpA, Srl, SL, Lda …)
  'sa', 'sas', 'sasu', 'sarl', 'eurl', 'sca', 'scs', 'snc', 'sprl', 'srl', 'spa', 'sapa', 'sl', 'slu', 'sau', 'lda', 'cia', 'cie',
  // Nordic (Oy, Oyj, AB, AS, ASA, ApS, A/S arrives as `a s`)
  'oy', 'oyj', 'ab', 'as', 'asa', 'aps', 'hf', 'ehf',
  // European company, Central and Eastern Europe
  'se', 'sro', 'spol', 'kft', 'zrt', 'nyrt', 'doo', 'dd', 'ood', 'eood',
  // Asia-Pacific
  'kk', 'pty', 'pte', 'pvt', 'bhd', 'sdn', 'tbk',
]);

/** The Dutch royal predicate, which companies carry or drop at will (`Koninklijke Philips`); typos of it count. */
const LEADING_PREDICATES = new Set(['koninklijke', 'koninkl', 'kon']);
const isLeadingPredicate = (token: string) => LEADING_PREDICATES.has(token) || (token.length >= 9 && editDistanceAtMost(token, 'koninklijke', 2));

/** Whether the Damerau–Levenshtein (optimal string alignment) distance of `a` and `b` is at most `max`. */
export function editDistanceAtMost(a: string, b: string, max: number): boolean {
  if (Math.abs(a.length - b.length) > max) return false;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2] + 1);
      row.push(d);
      best = Math.min(best, d);
    }
    if (best > max) return false;
    prev2 = prev;
    prev = row;
  }
  return prev[b.length] <= max;
}

/**
 * Trailing country codes that are the address, not the name (`UNILEVER NL`, `ASML US`).
 * Two-letter codes that are also English words (`at`, `be`, `in`, `it`, `no`, `ai` …) are not listed.
 */
const TRAILING_COUNTRIES = new Set(['nl', 'uk', 'gb', 'us', 'usa', 'ca', 'fr', 'ch', 'ie', 'es', 'dk', 'fi', 'jp', 'cn', 'au', 'nz', 'lu', 'pl', 'cz', 'hu', 'br', 'mx', 'kr', 'tw', 'sg', 'hk']);

/** Legal forms spelled over several tokens (dotted or spaced abbreviations, Dutch long forms). */
const LEGAL_SEQUENCES: string[][] = [
  ['s', 'a', 'de', 'c', 'v'],
  ['s', 'p', 'a'],
  ['s', 'r', 'l'],
  ['s', 'a', 'r', 'l'],
  ['s', 'a', 's'],
  ['s', 'l'],
  ['b', 'v'],
  ['n', 'v'],
  ['s', 'a'],
  ['a', 's'],
  ['a', 'g'],
  ['p', 'l', 'c'],
  ['l', 'l', 'c'],
  ['s', 'r', 'o'],
  ['sp', 'z', 'o', 'o'],
  ['spol', 's', 'r', 'o'],
  ['gmbh', 'and', 'co', 'kg'],
  ['sa', 'de', 'cv'],
  ['s', 'de', 'rl'],
  ['sdn', 'bhd'],
  ['pvt', 'ltd'],
  ['naamloze', 'vennootschap'],
  ['naamlooze', 'vennootschap'],
  ['besloten', 'vennootschap'],
  ['societe', 'anonyme'],
  ['societe', 'a', 'responsabilite', 'limitee'],
  ['sociedad', 'anonima'],
  ['sociedad', 'limitada'],
  ['societa', 'per', 'azioni'],
  ['aktiebolaget'],
  ['aktiebolag'],
  ['aktieselskab'],
  ['aksjeselskap'],
  ['osakeyhtio'],
  ['public', 'limited', 'company'],
  ['limited', 'liability', 'company'],
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
  if (kept.length > 1 && isLeadingPredicate(kept[0])) kept.shift();
  if (kept.length > 1 && TRAILING_COUNTRIES.has(kept[kept.length - 1])) kept.pop();
  if (kept.length > 0) return kept.join(' ');
  // Nothing but legal forms (a company literally called "AG"): keep what there was.
  return joinInitials(tokens).join(' ');
}

/**
 * The brand rule (see `docs/deal-registration.md`, "How names match"): two normalized names of at
 * least two words that begin with the same distinctive brand word are the same customer, unless
 * either name carries a word that marks a separate legal entity of a group (a holding, an IP or
 * patent company, a research, finance or capital arm). `Philips Gloeilampenfabrieken` and
 * `Philips Electronics` are one customer; `Philips Intellectual Property & Standards`,
 * `Schlumberger Holdings` and `Merck Patent` stay apart; a bare brand (`Sanofi`, `DSM`) is the
 * parent, which the rule never merges with a subsidiary name.
 */
export const MIN_BRAND_LENGTH = 5;
/**
 * Words that mark a separate legal entity of a group, matched as word beginnings so compounds count
 * (`holdinggesellschaft`, `patentverwaltung`, `researchmaatschappij`): group functions (holding, IP,
 * patents, research, finance, capital …), an international arm, and a country or region (a national
 * subsidiary: `Schlumberger Canada`, `ASML Netherlands`).
 */
export const ENTITY_WORD_PREFIXES = [
  'holding', 'patent', 'intellectual', 'propert', 'assets', 'licens', 'research', 'financ', 'capital', 'invest', 'trust',
  'treasury', 'pension', 'insurance', 'bank', 'foundation', 'international',
  'canada', 'america', 'usa', 'europe', 'nederland', 'netherland', 'holland', 'deutschland', 'germany', 'france', 'italia',
  'italy', 'espana', 'spain', 'japan', 'nippon', 'china', 'india', 'australia', 'brasil', 'brazil', 'mexico', 'britain',
  'ireland', 'belgium', 'belgie', 'schweiz', 'suisse', 'switzerland', 'austria', 'sweden', 'sverige', 'norway', 'norge',
  'denmark', 'danmark', 'finland', 'suomi', 'poland', 'polska', 'asia', 'africa', 'nordic', 'benelux', 'iberia', 'latam', 'emea',
];
/** Short entity words matched whole. */
export const ENTITY_WORDS_EXACT = ['ip', 'uk'];
/** Leading words too common to identify a brand (`General Motors` and `General Mills` are not one customer). */
export const GENERIC_LEADING_WORDS = [
  'general', 'global', 'united', 'national', 'international', 'american', 'european', 'british', 'first', 'advanced', 'digital',
  'pacific', 'atlantic', 'northern', 'southern', 'western', 'eastern', 'central', 'royal', 'standard', 'universal', 'great',
  'modern', 'premier', 'allied', 'integrated', 'applied', 'consolidated', 'continental', 'metropolitan', 'technical',
  'industrial', 'associated', 'professional', 'international', 'society', 'societe', 'sociedad', 'union', 'institute',
  'university', 'universite', 'college', 'county', 'city', 'state', 'department', 'ministry', 'federal', 'regional',
];
export const ENTITY_WORD_PATTERN = `\\m(${ENTITY_WORDS_EXACT.join('|')})\\M|\\m(${ENTITY_WORD_PREFIXES.join('|')})`;
const isEntityWord = (token: string) => ENTITY_WORDS_EXACT.includes(token) || ENTITY_WORD_PREFIXES.some((prefix) => token.startsWith(prefix));

/** The word the brand rule would match this normalized name on, or null when the rule does not apply to it. */
export function brandOf(matchName: string): string | null {
  const tokens = matchName.split(' ');
  const brand = tokens[0] ?? '';
  if (tokens.length < 2 || brand.length < MIN_BRAND_LENGTH || GENERIC_LEADING_WORDS.includes(brand)) return null;
  if (tokens.some(isEntityWord)) return null;
  return brand;
}
