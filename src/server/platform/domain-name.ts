import { AppError } from './errors.ts';

/**
 * The one normalization of company domains, used for partners now and for accounts and
 * conflict checks later: lower case, no scheme, no `www.`, no path, port or trailing dot,
 * IDNs in their ASCII (punycode) form. `https://WWW.Acme.com/about` → `acme.com`.
 */
export function normalizeDomain(input: string | null | undefined): string | null {
  if (input == null) return null;
  const trimmed = input.trim();
  if (trimmed === '') return null;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
  let host: string;
  try {
    host = new URL(withScheme).hostname;
  } catch {
    throw new AppError('validation_failed', `"${input}" is not a website or domain`, {
      fields: [{ path: 'website', message: 'is not a valid website or domain' }],
    });
  }
  host = host.toLowerCase().replace(/\.$/, '').replace(/^www\d*\./, '');
  if (!host.includes('.') || !/^[a-z0-9.-]+$/.test(host) || host.startsWith('.') || host.includes('..')) {
    throw new AppError('validation_failed', `"${input}" is not a website or domain`, {
      fields: [{ path: 'website', message: 'is not a valid website or domain' }],
    });
  }
  return host;
}
