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
        "deal": [
          "id",
          "name",
          "stage",
          "closeDate",
          "nextStep",
          "role",
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
        "program": [
          "id",
          "name",
          "partnerType",
          "description",
          "terms",
          "currency",
          "enrolledAt",
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
