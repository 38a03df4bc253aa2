import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, call, createTestApp, ownerWithWorkspace } from '../../test/harness.ts';
import { makePartner } from '../deals/test-fixtures.ts';
import { type ConversionInput, recordConversion } from './conversions.ts';
import { conversion, customer, link } from './schema.ts';
import { newId } from '../../platform/ids.ts';

let t: TestApp;
let vendor: Awaited<ReturnType<typeof ownerWithWorkspace>>;
let programId: string;
let partnerId: string;

const base = (over: Partial<ConversionInput>): ConversionInput => ({
  kind: 'sale',
  source: 'stripe',
  idempotencyKey: newId('conversion'),
  externalRef: null,
  originalRef: null,
  subscriptionRef: null,
  amount: { amountMinor: 4900n, currency: 'USD' },
  product: 'pro',
  recurring: false,
  occurredAt: new Date(),
  customer: {},
  ...over,
});

beforeAll(async () => {
  t = await createTestApp();
  vendor = await ownerWithWorkspace(t, 'Rec Vendor');
  programId = (await call(t, 'POST', '/api/v1/programs', { ...vendor.as, body: { name: 'Affiliates', partnerType: 'affiliate', currency: 'USD', status: 'active' } })).body.id;
  partnerId = await makePartner(t, vendor.as, 'Linky', programId);
  await t.services.db.insert(link).values({ id: newId('link'), workspaceId: vendor.workspaceId, programId, partnerId, code: 'linky-rec', destinationUrl: 'https://acme.example/' });
});
afterAll(async () => {
  await t.close();
});

describe('recordConversion (contract used by billing and commissions)', () => {
  it('is idempotent, binds by partner code and keeps the customer bound; unknown customers are unattributed', async () => {
    const db = t.services.db;
    const ws = vendor.workspaceId;
    const first = await db.transaction((tx) => recordConversion(tx, ws, base({ idempotencyKey: 'stripe:evt_1:sale', externalRef: 'in_1', customer: { externalId: 'cus_A', email: 'A@Example.com' }, partnerCode: 'LINKY-REC' })));
    expect(first).toMatchObject({ created: true, partnerId, status: 'pending' });
    const replay = await db.transaction((tx) => recordConversion(tx, ws, base({ idempotencyKey: 'stripe:evt_1:sale', externalRef: 'in_1', customer: { externalId: 'cus_A' } })));
    expect(replay).toEqual({ ...first, created: false });
    const later = await db.transaction((tx) => recordConversion(tx, ws, base({ customer: { email: 'a@example.com' } })));
    expect(later.partnerId).toBe(partnerId);
    const refund = await db.transaction((tx) => recordConversion(tx, ws, base({ kind: 'refund', originalRef: 'in_1', customer: {} })));
    expect(refund.partnerId).toBe(partnerId);
    const unknown = await db.transaction((tx) => recordConversion(tx, ws, base({ customer: { email: 'nobody@example.com' } })));
    expect(unknown).toMatchObject({ created: true, partnerId: null, status: 'unattributed' });
    const [row] = await db.select().from(conversion).where(eq(conversion.id, unknown.id));
    expect(row.accrualStatus).toBe('unattributed');
    expect(row.amountMinor).toBe(4900n);
    const [cus] = await db.select().from(customer).where(eq(customer.email, 'a@example.com'));
    expect(cus).toMatchObject({ externalId: 'cus_A', partnerId, programId });
  });
});
