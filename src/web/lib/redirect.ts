/** Only same-origin paths are followed after sign-in, never an absolute URL. */
export function safeRedirect(target: string | undefined, fallback: string): string {
  // "//host" and "/\host" would leave the site.
  if (!target?.startsWith('/') || target.startsWith('//') || target.startsWith('/\\')) return fallback;
  return target;
}

export function searchString(search: Record<string, unknown>, key: string): string | undefined {
  const value = search[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
