import { describe, expect, it } from 'vitest';
import { PARTNER_VISIBLE_FIELDS, projectForPartner } from './visibility.ts';

describe('partner projection', () => {
  it('lists exactly what partners may see (review this snapshot on every change)', () => {
    expect(PARTNER_VISIBLE_FIELDS).toMatchInlineSnapshot(`
      {
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
      }
    `);
  });

  it('denies by default: fields not listed never leave', () => {
    const row = { id: 'ptr_1', name: 'Acme', tags: ['watchlist'], managerName: 'Internal Ian', internalNotes: 'churn risk' };
    expect(projectForPartner('partner', row)).toEqual({ id: 'ptr_1', name: 'Acme' });
  });
});
