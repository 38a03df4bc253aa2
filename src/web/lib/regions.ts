import { countryName } from '../ui/format';

/** ISO 3166-1 alpha-2 codes; names come from Intl.DisplayNames in the user's language. */
const CODES =
  'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'.split(
    ' ',
  );

let cache: { value: string; label: string }[] | null = null;

export function countryOptions(): { value: string; label: string }[] {
  cache ??= CODES.map((code) => ({ value: code, label: countryName(code) })).sort((a, b) =>
    a.label.localeCompare(b.label),
  );
  return cache;
}

const COMMON_CURRENCIES = ['USD', 'EUR', 'GBP', 'CAD', 'AUD', 'JPY', 'CHF', 'SEK', 'NOK', 'DKK', 'INR', 'BRL', 'SGD'];

let currencyCache: { value: string; label: string }[] | null = null;

/** ISO 4217 codes known to the browser, common ones first. */
export function currencyOptions(): { value: string; label: string }[] {
  if (currencyCache) return currencyCache;
  let all: string[] = COMMON_CURRENCIES;
  try {
    all = Intl.supportedValuesOf('currency');
  } catch {
    // Older browsers: the common list is enough.
  }
  let names: Intl.DisplayNames | null = null;
  try {
    names = new Intl.DisplayNames(undefined, { type: 'currency' });
  } catch {
    names = null;
  }
  const label = (code: string) => `${code} — ${names?.of(code) ?? code}`;
  const rest = all.filter((code) => !COMMON_CURRENCIES.includes(code));
  currencyCache = [...COMMON_CURRENCIES, ...rest].map((code) => ({ value: code, label: label(code) }));
  return currencyCache;
}
