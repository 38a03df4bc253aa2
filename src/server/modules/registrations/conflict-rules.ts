import type { ConflictCandidate } from './conflict-check.ts';
import type { ConflictRecommendation } from './schema.ts';

/** A time as people read it in a reason, in UTC with the minute ("21 Nov 2026, 23:56 UTC"). */
function when(date: Date): string {
  return `${new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false, timeZone: 'UTC' }).format(date)} UTC`;
}

/** The rungs a program's conflict hierarchy may list, in the default order. */
export const CONFLICT_RULES = ['registered', 'incumbent', 'certified', 'first_to_register'] as const;
export type ConflictRule = (typeof CONFLICT_RULES)[number];
export const DEFAULT_CONFLICT_HIERARCHY: ConflictRule[] = [...CONFLICT_RULES];

export interface RecommendInput {
  registration: { partnerId: string; createdAt: Date; partnerCertified: boolean };
  other: ConflictCandidate & { partnerCertified: boolean };
  /** Rungs in priority order; the first one that separates the two claims decides. */
  hierarchy: string[];
  /**
   * The matched account's incumbent partner, when known. An `incumbent` candidate already
   * says the other side holds the customer; this also lets the registering partner win when
   * it is the incumbent itself.
   */
  incumbentPartnerId?: string | null;
}

type Verdict = { winner: ConflictRecommendation['winner']; reason: string } | { winner: null; reason: string };

function describeOther(other: ConflictCandidate): string {
  if (other.otherKind === 'registration') return `the other partner's registration (${other.otherStatus})`;
  if (other.otherKind === 'deal') return other.otherPartnerId ? `the partner deal in stage “${other.otherStatus}”` : `the direct deal in stage “${other.otherStatus}”`;
  return 'the incumbent partner';
}

const RULES: Record<ConflictRule, (input: RecommendInput) => Verdict> = {
  registered({ other }) {
    // A deal with no partner on it is a direct (unregistered) opportunity; every other claim is registered or held.
    if (other.otherKind === 'deal' && other.otherPartnerId === null) {
      return { winner: 'registration', reason: 'Registered beats unregistered: the other claim is a direct deal with no registration, so the registration wins.' };
    }
    return { winner: null, reason: `Registered beats unregistered: ${describeOther(other)} is a registered or held claim too — no decision.` };
  },
  incumbent({ registration, other, incumbentPartnerId }) {
    if (other.otherKind === 'incumbent' || (incumbentPartnerId && incumbentPartnerId === other.otherPartnerId)) {
      return { winner: 'existing', reason: 'Incumbent beats net-new: the other partner already holds this customer, so the existing claim wins.' };
    }
    if (incumbentPartnerId && incumbentPartnerId === registration.partnerId) {
      return { winner: 'registration', reason: 'Incumbent beats net-new: the registering partner already holds this customer, so the registration wins.' };
    }
    return { winner: null, reason: 'Incumbent beats net-new: neither partner holds this customer — no decision.' };
  },
  certified({ registration, other }) {
    if (registration.partnerCertified && !other.partnerCertified) {
      return { winner: 'registration', reason: 'Active certification breaks the tie: the registering partner is certified and the other is not, so the registration wins.' };
    }
    if (other.partnerCertified && !registration.partnerCertified) {
      return { winner: 'existing', reason: 'Active certification breaks the tie: the other partner is certified and the registering partner is not, so the existing claim wins.' };
    }
    return { winner: null, reason: `Active certification: ${registration.partnerCertified ? 'both partners are' : 'neither partner is'} certified — no decision.` };
  },
  first_to_register({ registration, other }) {
    const mine = registration.createdAt.getTime();
    const theirs = other.otherCreatedAt.getTime();
    if (mine < theirs) {
      return { winner: 'registration', reason: `First to register: this registration (${when(registration.createdAt)}) came before ${describeOther(other)} (${when(other.otherCreatedAt)}), so it wins.` };
    }
    return {
      winner: 'existing',
      reason: `First to register: ${describeOther(other)} (${when(other.otherCreatedAt)}) came ${mine === theirs ? 'at the same time as' : 'before'} this registration (${when(registration.createdAt)}), so the existing claim wins.`,
    };
  },
};

/**
 * The recommended outcome of one conflict, by the program's hierarchy: each rung in order
 * either decides or passes; the reasons list every rung consulted, so a reviewer sees why.
 * When no rung decides, the existing claim stands.
 */
export function recommend(input: RecommendInput): ConflictRecommendation {
  const reasons: string[] = [];
  for (const rung of input.hierarchy) {
    const rule = RULES[rung as ConflictRule];
    if (!rule) {
      reasons.push(`Unknown rule “${rung}” was skipped.`);
      continue;
    }
    const verdict = rule(input);
    reasons.push(verdict.reason);
    if (verdict.winner) return { winner: verdict.winner, reasons };
  }
  reasons.push('No rule separated the two claims, so the existing claim stands.');
  return { winner: 'existing', reasons };
}
