import { describe, expect, it } from 'vitest';
import { brandOf, editDistanceAtMost, normalizeCompanyName } from './matching.ts';

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
    expect(normalizeCompanyName('Basf SE')).toBe('basf');
  });

  it('removes legal forms of many countries, spelled out or abbreviated', () => {
    const forms = ['S.A.R.L.', 'S.R.L.', 'Sp. z o.o.', 's.r.o.', 'GmbH & Co. KG', 'KGaA', 'S.A. de C.V.', 'Sdn. Bhd.', 'Pvt. Ltd.', 'Oyj', 'ASA', 'A/S', 'Kft.', 'Lda', 'S.L.', 'LLP', 'Aktiebolag', 'Société Anonyme', 'Public Limited Company'];
    for (const form of forms) expect(normalizeCompanyName(`Kestrel Windows ${form}`), form).toBe('kestrel windows');
  });

  it('drops the Dutch royal predicate (and its typos) as a first word, and a trailing country code', () => {
    expect(normalizeCompanyName('Koninklijke Philips Electronics N.V.')).toBe('philips electronics');
    expect(normalizeCompanyName('KONINKLIKE PHILIPS ELECTRONICS')).toBe('philips electronics');
    expect(normalizeCompanyName('Koninkl. DSM N.V.')).toBe('dsm');
    expect(normalizeCompanyName('UNILEVER N.V. NL')).toBe('unilever');
    expect(normalizeCompanyName('ASML US, Inc.')).toBe('asml');
    // Only as a first word, and never the whole name.
    expect(normalizeCompanyName('Huis Koninklijke')).toBe('huis koninklijke');
    expect(normalizeCompanyName('Koninklijke')).toBe('koninklijke');
    expect(normalizeCompanyName('US')).toBe('us');
  });

  it('bounds edit distances (optimal string alignment)', () => {
    expect(editDistanceAtMost('koninklike', 'koninklijke', 2)).toBe(true);
    expect(editDistanceAtMost('kinonklijke', 'koninklijke', 2)).toBe(true);
    expect(editDistanceAtMost('kontinental', 'koninklijke', 2)).toBe(false);
  });
});

describe('brandOf (the brand rule)', () => {
  it('gives the first word of a name of two words or more when it is distinctive', () => {
    expect(brandOf('philips gloeilampenfabrieken')).toBe('philips');
    expect(brandOf('philips electronics')).toBe('philips');
  });

  it('does not apply to bare brands, short or generic first words, or names with an entity word', () => {
    expect(brandOf('sanofi')).toBeNull(); // the parent, never merged with a subsidiary
    expect(brandOf('dsm ip assets')).toBeNull();
    expect(brandOf('acme systems')).toBeNull(); // four letters: too short to be distinctive
    expect(brandOf('general motors')).toBeNull();
    expect(brandOf('schlumberger holdings')).toBeNull();
    expect(brandOf('philips intellectual property and standards')).toBeNull();
    expect(brandOf('philips patentverwaltung')).toBeNull(); // compounds count (word beginnings)
    expect(brandOf('shell internationale research maatschappij')).toBeNull();
    expect(brandOf('schlumberger canada')).toBeNull(); // a national subsidiary
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
