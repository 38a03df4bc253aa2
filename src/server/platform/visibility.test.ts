import { describe, expect, it } from 'vitest';
import { PARTNER_VISIBLE_FIELDS, projectForPartner } from './visibility.ts';

describe('partner projection', () => {
  it('lists exactly what partners may see (review this snapshot on every change)', () => {
    expect(PARTNER_VISIBLE_FIELDS).toMatchInlineSnapshot(`
      {
        "account": [
          "id",
          "name",
          "domain",
        ],
        "commissionEntry": [
          "id",
          "programId",
          "programName",
          "kind",
          "sourceType",
          "sourceId",
          "amount",
          "base",
          "rateBp",
          "status",
          "holdUntil",
          "underReview",
          "customer",
          "explanation",
          "earnedAt",
          "approvedAt",
          "paidAt",
        ],
        "conversion": [
          "id",
          "kind",
          "programId",
          "linkCode",
          "customer",
          "amount",
          "product",
          "occurredAt",
        ],
        "deal": [
          "id",
          "name",
          "stage",
          "closeDate",
          "nextStep",
          "role",
        ],
        "link": [
          "id",
          "programId",
          "programName",
          "code",
          "name",
          "url",
          "destinationUrl",
          "status",
          "stats",
          "createdAt",
        ],
        "partner": [
          "id",
          "name",
          "kind",
          "website",
          "country",
          "type",
        ],
        "partnerUser": [
          "id",
          "name",
          "email",
          "role",
          "status",
        ],
        "payout": [
          "id",
          "runNumber",
          "status",
          "amount",
          "methodType",
          "statementNumber",
          "entryCount",
          "createdAt",
          "paidAt",
        ],
        "program": [
          "id",
          "name",
          "partnerType",
          "description",
          "terms",
          "currency",
          "enrolledAt",
          "tier",
        ],
        "registration": [
          "id",
          "programId",
          "status",
          "accountName",
          "accountDomain",
          "contactName",
          "contactEmail",
          "contactPhone",
          "amount",
          "expectedCloseDate",
          "products",
          "notes",
          "customFields",
          "decisionReason",
          "protectionStartsAt",
          "protectionEndsAt",
          "extensionsUsed",
          "createdAt",
          "slaDueAt",
        ],
      }
    `);
  });

  it('denies by default: fields not listed never leave', () => {
    const row = { id: 'ptr_1', name: 'Acme', tags: ['watchlist'], managerName: 'Internal Ian', internalNotes: 'churn risk' };
    expect(projectForPartner('partner', row)).toEqual({ id: 'ptr_1', name: 'Acme' });
  });
});
