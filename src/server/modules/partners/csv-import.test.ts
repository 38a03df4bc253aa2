import { describe, expect, it } from 'vitest';
import { validatePartnerCsv } from './csv-import.ts';

const lookups = () => ({
  existingDomains: new Set(['taken.example']),
  programsByName: new Map([['referral partners', 'prg_1']]),
  membersByEmail: new Map([['sam@vendor.example', 'mem_1']]),
});

describe('validatePartnerCsv', () => {
  it('accepts good rows and normalizes them', () => {
    const csv = 'Name,Type,Website,Country,Tags,Manager Email,Program\nAcme,Reseller,https://www.Acme.example/x,de,"EMEA; Gold",sam@vendor.example,Referral Partners\n';
    const { rows, errors, totalRows } = validatePartnerCsv(csv, lookups());
    expect(errors).toEqual([]);
    expect(totalRows).toBe(1);
    expect(rows[0]).toMatchObject({ line: 2, name: 'Acme', type: 'reseller', domain: 'acme.example', country: 'DE', tags: ['emea', 'gold'], managerMemberId: 'mem_1', programId: 'prg_1' });
  });

  it('reports every problem with line, column and reason', () => {
    const csv = [
      'name,type,website,country,manager_email,program',
      ',reseller,,,,', // line 2: no name
      'Beta,wizard,beta.example,,,', // line 3: bad type
      'Gamma,agency,taken.example,,,', // line 4: existing domain
      'Delta,agency,delta.example,XX,,', // line 5: bad country
      'Eps,agency,delta.example,,nobody@x.example,Nope', // line 6: dup domain in file, unknown manager, unknown program
    ].join('\n');
    const { rows, errors } = validatePartnerCsv(csv, lookups());
    expect(rows).toEqual([]);
    expect(errors).toEqual([
      { line: 2, column: 'name', reason: 'is required' },
      { line: 3, column: 'type', reason: expect.stringContaining('must be one of') },
      { line: 4, column: 'website', reason: 'a partner with domain taken.example already exists' },
      { line: 5, column: 'country', reason: expect.stringContaining('not an ISO 3166-1') },
      { line: 6, column: 'website', reason: 'domain delta.example is also on line 5' },
      { line: 6, column: 'manager_email', reason: expect.stringContaining('not a member') },
      { line: 6, column: 'program', reason: 'no program named "Nope"' },
    ]);
  });

  it('names missing required columns instead of guessing', () => {
    const { rows, errors } = validatePartnerCsv('company,website\nAcme,acme.example\n', lookups());
    expect(rows).toEqual([]);
    expect(errors.map((e) => e.column)).toEqual(['name', 'type']);
  });

  it('reports a malformed record and keeps the valid ones', () => {
    const csv = 'name,type\nGood,agency\n"Broken,agency\n';
    const { rows, errors } = validatePartnerCsv(csv, lookups());
    expect(rows.map((r) => r.name)).toEqual(['Good']);
    expect(errors).toHaveLength(1);
    expect(errors[0].column).toBe('(row)');
  });
});
