const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

/** ISO 3166-1 alpha-2, upper case; `UK` is accepted as the common alias of `GB`. Null if not a country. */
export function normalizeCountry(input: string): string | null {
  const code = input.trim().toUpperCase();
  if (code === 'UK') return 'GB';
  if (!/^[A-Z]{2}$/.test(code)) return null;
  const name = regionNames.of(code);
  return name && name !== code && name !== 'Unknown Region' ? code : null;
}
