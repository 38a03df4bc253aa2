import { z } from '@hono/zod-openapi';
import { normalizeCountry } from '../../platform/country.ts';
import { ZPageQuery, pageOf } from '../../platform/pagination.ts';

const ZCountry = z
  .string()
  .transform((value, ctx) => {
    const code = normalizeCountry(value);
    if (!code) {
      ctx.addIssue({ code: 'custom', message: 'must be an ISO 3166-1 alpha-2 country code such as US or DE' });
      return z.NEVER;
    }
    return code;
  })
  .openapi({ type: 'string', example: 'NL' });

export const ZAccount = z
  .object({
    id: z.string().openapi({ example: 'acct_01JD4S3Q8Y2B7W0XKZ5M6N9P1R' }),
    name: z.string(),
    matchName: z.string().openapi({ description: 'The normalized name the conflict check compares (lower case, no legal form)' }),
    domain: z.string().nullable().openapi({ description: 'Normalized: lower case, no www., no path' }),
    country: z.string().nullable(),
    incumbentPartnerId: z.string().nullable().openapi({ description: 'The partner that holds this customer' }),
    incumbentPartnerName: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Account');
export const ZAccountPage = pageOf(ZAccount, 'AccountPage');

export const ZAccountListQuery = ZPageQuery.extend({
  q: z.string().trim().max(200).optional().openapi({ description: 'Search in name and domain' }),
});
export type AccountListQuery = z.infer<typeof ZAccountListQuery>;

export const ZCreateAccountRequest = z
  .object({
    name: z.string().trim().min(1, 'is required').max(200),
    domain: z.string().trim().max(500).nullish().openapi({ description: 'A domain or website; stored normalized (`https://www.Acme.com/x` → `acme.com`)' }),
    country: ZCountry.nullish(),
    incumbentPartnerId: z.string().max(64).nullish(),
  })
  .openapi('CreateAccountRequest');
export type CreateAccountRequest = z.infer<typeof ZCreateAccountRequest>;

export const ZUpdateAccountRequest = z
  .object({
    name: z.string().trim().min(1, 'is required').max(200).optional(),
    domain: z.string().trim().max(500).nullish(),
    country: ZCountry.nullish(),
    incumbentPartnerId: z.string().max(64).nullish(),
  })
  .openapi('UpdateAccountRequest');
export type UpdateAccountRequest = z.infer<typeof ZUpdateAccountRequest>;

export const ZContact = z
  .object({
    id: z.string().openapi({ example: 'con_01JD4S3Q8Y2B7W0XKZ5M6N9P1R' }),
    accountId: z.string(),
    name: z.string(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    title: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('Contact');
export const ZContactPage = pageOf(ZContact, 'ContactPage');

export const ZCreateContactRequest = z
  .object({
    name: z.string().trim().min(1, 'is required').max(200),
    email: z.string().trim().toLowerCase().pipe(z.email('must be an email address')).nullish(),
    phone: z.string().trim().max(50).nullish(),
    title: z.string().trim().max(200).nullish(),
  })
  .openapi('CreateContactRequest');
export type CreateContactRequest = z.infer<typeof ZCreateContactRequest>;
