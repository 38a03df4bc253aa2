import { parse } from 'csv-parse/sync';
import { normalizeCountry } from '../../platform/country.ts';
import { normalizeDomain } from '../../platform/domain-name.ts';
import { AppError } from '../../platform/errors.ts';
import { PARTNER_TYPES } from '../programs/contract.ts';
import type { ImportError } from './schema.ts';

/** A row that passed validation, ready to insert. */
export interface ImportRow {
  line: number;
  kind: 'organization' | 'individual';
  name: string;
  website: string | null;
  domain: string | null;
  country: string | null;
  type: string;
  tags: string[];
  managerMemberId: string | null;
  programId: string | null;
}

export interface ImportLookups {
  /** Normalized domains of partners that already exist in the workspace. */
  existingDomains: Set<string>;
  /** Program name (lower case) → id. */
  programsByName: Map<string, string>;
  /** Member email (lower case) → member id. */
  membersByEmail: Map<string, string>;
}

export const IMPORT_COLUMNS = ['name', 'type', 'kind', 'website', 'country', 'tags', 'manager_email', 'program'] as const;
const REQUIRED_COLUMNS = ['name', 'type'] as const;

/**
 * Validates a partner CSV completely before anything is written: every problem is
 * reported with its line (as a spreadsheet shows it, header = line 1), column and reason.
 */
export function validatePartnerCsv(csv: string, lookups: ImportLookups): { rows: ImportRow[]; errors: ImportError[]; totalRows: number } {
  const errors: ImportError[] = [];
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(csv, {
      bom: true,
      columns: (header: string[]) => header.map((h) => h.trim().toLowerCase().replace(/[\s-]+/g, '_')),
      skip_empty_lines: true,
      trim: true,
      info: true,
      relax_column_count: true,
      skip_records_with_error: true,
      on_skip: (error: { lines?: number; message: string } | undefined) => {
        if (error) errors.push({ line: error.lines ?? 0, column: '(row)', reason: error.message });
      },
    });
  } catch (error) {
    throw new AppError('validation_failed', `The file is not a readable CSV: ${(error as Error).message}`, {
      fields: [{ path: 'csv', message: 'is not a readable CSV file' }],
    });
  }
  const header = csv.split(/\r?\n/, 1)[0] ?? '';
  const headerColumns = new Set(header.split(',').map((h) => h.replace(/^\uFEFF/, '').replace(/"/g, '').trim().toLowerCase().replace(/[\s-]+/g, '_')));
  const missing = REQUIRED_COLUMNS.filter((c) => !headerColumns.has(c));
  if (missing.length > 0) {
    return {
      rows: [],
      errors: missing.map((c) => ({ line: 1, column: c, reason: `missing required column "${c}" (columns: ${IMPORT_COLUMNS.join(', ')})` })),
      totalRows: records.length,
    };
  }

  const rows: ImportRow[] = [];
  const domainsInFile = new Map<string, number>();
  for (const { record, info } of records) {
    const line = info.lines;
    const rowErrors: ImportError[] = [];
    const fail = (column: string, reason: string) => rowErrors.push({ line, column, reason });

    const name = record.name ?? '';
    if (name === '') fail('name', 'is required');
    else if (name.length > 200) fail('name', 'is longer than 200 characters');

    const type = (record.type ?? '').toLowerCase().replace(/[\s/-]+/g, '_');
    if (type === '') fail('type', 'is required');
    else if (!(PARTNER_TYPES as readonly string[]).includes(type)) fail('type', `must be one of ${PARTNER_TYPES.join(', ')}`);

    const kind = (record.kind || 'organization').toLowerCase();
    if (kind !== 'organization' && kind !== 'individual') fail('kind', 'must be organization or individual');

    let domain: string | null = null;
    const website = record.website || null;
    if (website) {
      try {
        domain = normalizeDomain(website);
      } catch {
        fail('website', `"${website}" is not a website or domain`);
      }
    }
    if (domain) {
      if (lookups.existingDomains.has(domain)) fail('website', `a partner with domain ${domain} already exists`);
      else if (domainsInFile.has(domain)) fail('website', `domain ${domain} is also on line ${domainsInFile.get(domain)}`);
      else domainsInFile.set(domain, line);
    }

    let country: string | null = null;
    if (record.country) {
      country = normalizeCountry(record.country);
      if (!country) fail('country', `"${record.country}" is not an ISO 3166-1 alpha-2 code`);
    }

    const tags = (record.tags ?? '')
      .split(/[;|]/)
      .map((t) => t.trim().toLowerCase())
      .filter((t) => t !== '');
    if (tags.some((t) => t.length > 40)) fail('tags', 'a tag is longer than 40 characters');

    let managerMemberId: string | null = null;
    if (record.manager_email) {
      managerMemberId = lookups.membersByEmail.get(record.manager_email.toLowerCase()) ?? null;
      if (!managerMemberId) fail('manager_email', `${record.manager_email} is not a member of this workspace`);
    }

    let programId: string | null = null;
    if (record.program) {
      programId = lookups.programsByName.get(record.program.toLowerCase()) ?? null;
      if (!programId) fail('program', `no program named "${record.program}"`);
    }

    if (rowErrors.length > 0) {
      errors.push(...rowErrors);
      continue;
    }
    rows.push({ line, kind: kind as ImportRow['kind'], name, website, domain, country, type, tags: [...new Set(tags)], managerMemberId, programId });
  }
  errors.sort((a, b) => a.line - b.line);
  return { rows, errors, totalRows: records.length + errors.filter((e) => e.column === '(row)').length };
}
