import { describe, expect, it } from 'vitest';
import type { ConflictCandidate } from './conflict-check.ts';
import { DEFAULT_CONFLICT_HIERARCHY, type RecommendInput, recommend } from './conflict-rules.ts';

const T0 = new Date('2026-03-01T10:00:00Z');
const EARLIER = new Date('2026-02-01T10:00:00Z');
const LATER = new Date('2026-04-01T10:00:00Z');

const otherRegistration = (o: Partial<ConflictCandidate> = {}): ConflictCandidate => ({
  otherKind: 'registration',
  otherId: 'reg_other',
  otherPartnerId: 'ptr_B',
  matchedAccountId: 'acct_1',
  matchKind: 'domain',
  similarity: 1,
  otherCreatedAt: EARLIER,
  otherStatus: 'approved',
  ...o,
});
const directDeal = (o: Partial<ConflictCandidate> = {}) => otherRegistration({ otherKind: 'deal', otherId: 'deal_1', otherPartnerId: null, otherStatus: 'Discovery', ...o });
const partnerDeal = (o: Partial<ConflictCandidate> = {}) => directDeal({ otherPartnerId: 'ptr_B', ...o });
const incumbent = (o: Partial<ConflictCandidate> = {}) => otherRegistration({ otherKind: 'incumbent', otherId: 'acct_1', otherStatus: 'incumbent', ...o });

function input(other: ConflictCandidate, o: { mineCertified?: boolean; theirsCertified?: boolean; createdAt?: Date; hierarchy?: string[]; incumbentPartnerId?: string | null } = {}): RecommendInput {
  return {
    registration: { partnerId: 'ptr_A', createdAt: o.createdAt ?? T0, partnerCertified: o.mineCertified ?? false },
    other: { ...other, partnerCertified: o.theirsCertified ?? false },
    hierarchy: o.hierarchy ?? DEFAULT_CONFLICT_HIERARCHY,
    incumbentPartnerId: o.incumbentPartnerId,
  };
}

describe('recommend, default hierarchy (registered › incumbent › certified › first to register)', () => {
  const cases: { name: string; input: RecommendInput; winner: 'registration' | 'existing'; decidedBy: RegExp; rungs: number }[] = [
    { name: 'a registration beats a direct deal even if the deal came first', input: input(directDeal({ otherCreatedAt: EARLIER })), winner: 'registration', decidedBy: /^Registered beats unregistered: the other claim is a direct deal/, rungs: 1 },
    { name: 'an incumbent beats a net-new registration', input: input(incumbent({ otherCreatedAt: LATER })), winner: 'existing', decidedBy: /^Incumbent beats net-new: the other partner already holds/, rungs: 2 },
    { name: 'the registering incumbent beats an earlier registration', input: input(otherRegistration(), { incumbentPartnerId: 'ptr_A' }), winner: 'registration', decidedBy: /registering partner already holds/, rungs: 2 },
    { name: "a registration loses to the incumbent's own earlier-or-later registration", input: input(otherRegistration({ otherCreatedAt: LATER }), { incumbentPartnerId: 'ptr_B' }), winner: 'existing', decidedBy: /other partner already holds/, rungs: 2 },
    { name: 'certification breaks the tie for the registering partner', input: input(otherRegistration(), { mineCertified: true }), winner: 'registration', decidedBy: /registering partner is certified/, rungs: 3 },
    { name: 'certification breaks the tie for the other partner', input: input(otherRegistration({ otherCreatedAt: LATER }), { theirsCertified: true }), winner: 'existing', decidedBy: /other partner is certified/, rungs: 3 },
    { name: 'both certified: first to register wins (the other was earlier)', input: input(otherRegistration(), { mineCertified: true, theirsCertified: true }), winner: 'existing', decidedBy: /^First to register: the other partner's registration .* came before/, rungs: 4 },
    { name: 'first to register: this registration was earlier', input: input(otherRegistration({ otherCreatedAt: LATER })), winner: 'registration', decidedBy: /^First to register: this registration/, rungs: 4 },
    { name: 'first to register: a simultaneous claim keeps the existing one', input: input(otherRegistration({ otherCreatedAt: T0 })), winner: 'existing', decidedBy: /at the same time as/, rungs: 4 },
    { name: 'a partner-credited open deal is registered: falls through to first to register', input: input(partnerDeal({ otherCreatedAt: LATER })), winner: 'registration', decidedBy: /^First to register/, rungs: 4 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = recommend(c.input);
      expect(r.winner).toBe(c.winner);
      expect(r.reasons).toHaveLength(c.rungs);
      expect(r.reasons.at(-1)).toMatch(c.decidedBy);
    });
  }

  it('explains the rungs that did not decide', () => {
    const r = recommend(input(otherRegistration({ otherCreatedAt: LATER })));
    expect(r.reasons.slice(0, 3)).toEqual([
      "Registered beats unregistered: the other partner's registration (approved) is a registered or held claim too — no decision.",
      'Incumbent beats net-new: neither partner holds this customer — no decision.',
      'Active certification: neither partner is certified — no decision.',
    ]);
  });
});

describe('recommend, custom hierarchies', () => {
  it('first to register ahead of registered: an earlier direct deal wins', () => {
    const r = recommend(input(directDeal({ otherCreatedAt: EARLIER }), { hierarchy: ['first_to_register', 'registered'] }));
    expect(r).toEqual({ winner: 'existing', reasons: [expect.stringMatching(/^First to register: the direct deal in stage “Discovery”/)] });
  });

  it('certified ahead of incumbent: a certified newcomer beats the incumbent', () => {
    const r = recommend(input(incumbent(), { mineCertified: true, hierarchy: ['certified', 'incumbent'] }));
    expect(r.winner).toBe('registration');
    expect(r.reasons).toHaveLength(1);
  });

  it('incumbent ahead of registered: the incumbent wins before the direct-deal rule is consulted', () => {
    const r = recommend(input(incumbent(), { hierarchy: ['incumbent', 'registered'] }));
    expect(r.winner).toBe('existing');
  });

  it('without first to register and nothing deciding, the existing claim stands', () => {
    const r = recommend(input(otherRegistration({ otherCreatedAt: LATER }), { hierarchy: ['registered', 'certified'] }));
    expect(r.winner).toBe('existing');
    expect(r.reasons.at(-1)).toBe('No rule separated the two claims, so the existing claim stands.');
  });

  it('an empty hierarchy keeps the existing claim; unknown rungs are skipped and said so', () => {
    expect(recommend(input(directDeal(), { hierarchy: [] })).winner).toBe('existing');
    const r = recommend(input(directDeal(), { hierarchy: ['tenure', 'registered'] }));
    expect(r.winner).toBe('registration');
    expect(r.reasons[0]).toBe('Unknown rule “tenure” was skipped.');
  });
});
