/**
 * What a partner may see — the one place that decides it, deny by default. Every
 * partner-facing response is built by `projectForPartner`, which copies only the fields
 * listed here; a field added to a table or a service view stays invisible to partners
 * until someone lists it (and the snapshot test shows the change in review). The
 * registration/deal issue extends this with per-program sharing rules (hidden, visible,
 * masked, banded) compiled into the same allow-lists.
 */
export const PARTNER_VISIBLE_FIELDS = {
  /** The partner's own profile. Internal: tags, assigned manager, normalized domain. */
  partner: ['id', 'name', 'kind', 'website', 'country', 'type'],
  /** A program the partner is enrolled in. Internal: status details, counts of other partners. */
  program: ['id', 'name', 'partnerType', 'description', 'terms', 'currency', 'enrolledAt', 'tier'],
  /** A colleague at the same partner. */
  partnerUser: ['id', 'name', 'email', 'role', 'status'],
  /**
   * The partner's own registration (what it submitted, and the decision it is owed).
   * Internal: reviewer, internal notes, decision internals, conflicts, SLA breach, routing.
   * More fields only through the workspace's sharing rules (modules/sharing/projection.ts).
   */
  registration: [
    'id', 'programId', 'status', 'accountName', 'accountDomain', 'contactName', 'contactEmail', 'contactPhone', 'amount',
    'expectedCloseDate', 'products', 'notes', 'customFields', 'decisionReason', 'protectionStartsAt', 'protectionEndsAt',
    'extensionsUsed', 'createdAt', 'slaDueAt',
  ],
  /**
   * A deal the partner holds a credit on; `role` is this partner's own role. Internal:
   * amount (unless a sharing rule shows or bands it), owner, internal notes, discount, other
   * partners and their credits.
   */
  deal: ['id', 'name', 'stage', 'closeDate', 'nextStep', 'role'],
  /** An account the partner registered. */
  account: ['id', 'name', 'domain'],
  /**
   * One of the partner's own commission ledger lines. `customer` is masked; `explanation` is the
   * summary, rule, tier, credit and modifiers only. Internal: fraud flags and signals (only
   * `underReview` shows), review notes and reviewer, idempotency key, payout internals, plan id.
   */
  commissionEntry: [
    'id', 'programId', 'programName', 'kind', 'sourceType', 'sourceId', 'amount', 'base', 'rateBp', 'status', 'holdUntil', 'underReview',
    'customer', 'explanation', 'earnedAt', 'approvedAt', 'paidAt',
  ],
  /** One of the partner's own referral links. Internal: custom domain, parameters, who created it. */
  link: ['id', 'programId', 'programName', 'code', 'name', 'url', 'destinationUrl', 'status', 'stats', 'createdAt'],
  /** A lead or sale credited to the partner; `customer` is the masked email only. Internal: external ids, refs, IP, accrual status, details. */
  conversion: ['id', 'kind', 'programId', 'linkCode', 'customer', 'amount', 'product', 'occurredAt'],
  /**
   * One of the partner's own payouts (approved or later); `reversal` is the amount and date of money that came back
   * after payment (owed again). Internal: failure reason, provider ids, idempotency key, holds, the reversal's reason.
   */
  payout: ['id', 'runNumber', 'status', 'amount', 'methodType', 'statementNumber', 'entryCount', 'createdAt', 'paidAt', 'reversal'],
  /** The partner's own dispute of a statement and its outcome. Internal: who handled it, the adjustment's ledger id. */
  payoutDispute: ['id', 'payoutId', 'statementNumber', 'entryId', 'reason', 'message', 'expectedAmount', 'status', 'resolution', 'adjustment', 'createdAt', 'resolvedAt'],
} as const;

export type PartnerVisibleEntity = keyof typeof PARTNER_VISIBLE_FIELDS;
type VisibleField<E extends PartnerVisibleEntity> = (typeof PARTNER_VISIBLE_FIELDS)[E][number];

export type PartnerView<E extends PartnerVisibleEntity, Row> = { [K in VisibleField<E> & keyof Row]: Row[K] };

export function projectForPartner<E extends PartnerVisibleEntity, Row extends Record<string, unknown>>(entity: E, row: Row): PartnerView<E, Row> {
  const out: Record<string, unknown> = {};
  for (const field of PARTNER_VISIBLE_FIELDS[entity]) {
    if (field in row) out[field] = row[field];
  }
  return out as PartnerView<E, Row>;
}
