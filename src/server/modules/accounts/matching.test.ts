import { describe, expect, it } from 'vitest';
import { normalizeCompanyName } from './matching.ts';

/** Variants as they occur in the PATSTAT reference file (patstat_reference.csv, `person_name`). */
const SAME: [string, string[]][] = [
  ['sony europa', ['SONY EUROPA B. V.', 'Sony Europa, B.V.,', 'SONY EUROPA BV']],
  ['akzo nobel', ['* AKZO NOBEL N.V.', '* AKZO NOBEL NV', 'Akzo Nobel', 'AKZO NOBEL N. V.', 'Akzo Nobel, Inc.', 'AKZO NOBEL COMPANY', 'AKZO NOBEL N .V.']],
  ['gist brocades', ['GIST - BROCADES N.V.', 'Gist Brocades B. V.', 'GIST- BROCADES BV', '* GIST-BROCADES B.V.']],
  ['mettler toledo', ['* METTLER-TOLEDO B.V.']],
  ['dsm', ['DSM N.V.', '* DSM N.V.', 'D S M N. V.', 'D.S.M. N.V.', 'DSM CO., LTD.', 'DSM CORP.', 'DSM, N. V.']],
  ['unilever', ['UNILEVER N. V.,', 'UNILEVER N..V', 'UNILEVER NAAMLOZE VENNOOTSCHAP', 'UNILEVER CO.']],
  ['nutricia', ['N.V. NUTRICIA', 'N. V. Nutricia', 'NUTRICIA, N.V.']],
  ['philips gloeilampenfabrieken', ["* N.V. PHILIPS' GLOEILAMPENFABRIEKEN", '* N V PHILIPS` GLOEILAMPENFABRIEKEN', "N.V.PHILIPS' GLOEILAMPENFABRIEKEN"]],
  ['dsm ip assets', ['DSM IP ASSETS B. V.', 'D.S.M. IP ASSETS B.V.', 'DSM I.P. Assets B.V.', 'DSM IP, ASSETS, B.V.']],
  ['canon europa', ['* CANON EUROPA N.V', '* CANON EUROPA NV']],
  ['hunter douglas industries', ['* HUNTER DOUGLAS INDUSTRIES B V', '* HUNTER DOUGLAS INDUSTRIES BV']],
  ['agilent technologies', ['* AGILENT TECHNOLOGIES, INC.']],
];

describe('normalizeCompanyName', () => {
  for (const [expected, variants] of SAME) {
    it(`normalizes ${variants.length} spellings to “${expected}”`, () => {
      for (const v of variants) expect(normalizeCompanyName(v), v).toBe(expected);
    });
  }

  it('strips diacritics and turns & into and', () => {
    expect(normalizeCompanyName('Société Générale S.A.')).toBe('societe generale');
    expect(normalizeCompanyName('Müller & Söhne GmbH')).toBe('muller and sohne');
    expect(normalizeCompanyName('Merck Sharp & Dohme B.V.')).toBe('merck sharp and dohme');
    expect(normalizeCompanyName('Straße AG')).toBe('strasse');
  });

  it('removes every listed legal form as a whole token only', () => {
    const forms = ['Inc', 'Incorporated', 'LLC', 'Ltd.', 'Limited', 'PLC', 'Corp.', 'Corporation', 'Co.', 'Company', 'GmbH', 'AG', 'KG', 'B.V.', 'B V', 'N.V.', 'N V', 'S.A.', 'S A', 'SAS', 'SARL', 'S.r.l.', 'S.p.A.', 'S p A', 'Oy', 'AB', 'AS', 'ApS', 'KK', 'Pty', 'Pte'];
    for (const form of forms) expect(normalizeCompanyName(`Kestrel Windows ${form}`), form).toBe('kestrel windows');
    // Letters of a legal form inside a word stay.
    expect(normalizeCompanyName('Coca-Cola Company')).toBe('coca cola');
    expect(normalizeCompanyName('Agora Incubator')).toBe('agora incubator');
    expect(normalizeCompanyName('Basf SE')).toBe('basf se');
  });

  it('keeps holding(s): a holding is a different legal entity in the ground truth', () => {
    expect(normalizeCompanyName('SCHLUMBERGER HOLDINGS LIMITED')).toBe('schlumberger holdings');
    expect(normalizeCompanyName('SCHLUMBERGER LIMITED')).toBe('schlumberger');
  });

  it('always keeps at least one token', () => {
    expect(normalizeCompanyName('AG')).toBe('ag');
    expect(normalizeCompanyName('Company Ltd.')).toBe('company ltd');
    expect(normalizeCompanyName('B.V.')).toBe('bv');
    expect(normalizeCompanyName('  ***  ')).toBe('');
  });

  it('collapses whitespace and punctuation', () => {
    expect(normalizeCompanyName('  Blue\tHarbor \n  Networks  ')).toBe('blue harbor networks');
    expect(normalizeCompanyName('SARA LEE/DE N.V.')).toBe('sara lee de');
  });
});
