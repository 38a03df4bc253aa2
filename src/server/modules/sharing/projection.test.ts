import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../platform/ids.ts';
import { type TestApp, call, createTestApp, ownerWithWorkspace } from '../../test/harness.ts';
import { type ShareRuleLike, bandMoney, compileProjector, loadPartnerProjector, maskValue } from './projection.ts';
import { fieldShareRule } from './schema.ts';

const dealRow = {
  id: 'deal_1',
  name: 'Globex renewal',
  stage: { id: 'stg_1', name: 'Proposal' },
  closeDate: '2026-12-31',
  nextStep: 'Send proposal',
  role: 'sourced',
  amount: { amountMinor: '7500000', currency: 'EUR' },
  ownerName: 'Internal Ian',
  ownerEmail: 'ian@vendor.example',
  internalNotes: 'SECRET churn risk',
  discountBp: 1500,
  credits: [{ partnerName: 'Other Partner' }],
};

const rule = (r: Partial<ShareRuleLike> & Pick<ShareRuleLike, 'field' | 'mode'>): ShareRuleLike => ({ programId: null, audience: '*', bandSizeMinor: null, ...r });

describe('masking and banding', () => {
  it('masks emails to the first letter and domain, everything else to •••', () => {
    expect(maskValue('jane@acme.com')).toBe('j•••@acme.com');
    expect(maskValue('Internal Ian')).toBe('•••');
    expect(maskValue(42)).toBe('•••');
    expect(maskValue(null)).toBeNull();
  });

  it('bands money into the default bands by major units', () => {
    expect(bandMoney(0n, 'EUR')).toBe('€0–10k');
    expect(bandMoney(999_999n, 'EUR')).toBe('€0–10k'); // €9,999.99
    expect(bandMoney(1_000_000n, 'EUR')).toBe('€10k–50k');
    expect(bandMoney(7_500_000n, 'EUR')).toBe('€50k–100k');
    expect(bandMoney(10_000_000n, 'USD')).toBe('$100k–250k');
    expect(bandMoney(99_999_999n, 'GBP')).toBe('£250k–1M');
    expect(bandMoney(100_000_000n, 'EUR')).toBe('€1M+');
    // Zero-decimal currency: 75,000 yen is 75,000 major units.
    expect(bandMoney(75_000n, 'JPY')).toBe('¥50k–100k');
  });

  it('bands by a custom band size in minor units', () => {
    expect(bandMoney(7_500_000n, 'EUR', 2_500_000n)).toBe('€75k–100k');
    expect(bandMoney(12_000_000n, 'USD', 50_000_000n)).toBe('$0–500k');
    expect(bandMoney(150_000_000n, 'USD', 50_000_000n)).toBe('$1.5M–2M');
  });
});

describe('compileProjector', () => {
  it('denies by default: only the base fields leave when there are no rules', () => {
    const project = compileProjector('deal', null, 'seller', []);
    expect(project(dealRow)).toEqual({
      id: 'deal_1',
      name: 'Globex renewal',
      stage: { id: 'stg_1', name: 'Proposal' },
      closeDate: '2026-12-31',
      nextStep: 'Send proposal',
      role: 'sourced',
    });
  });

  it('applies visible, masked and banded rules', () => {
    const project = compileProjector('deal', null, 'seller', [
      rule({ field: 'amount', mode: 'banded' }),
      rule({ field: 'ownerName', mode: 'visible' }),
      rule({ field: 'ownerEmail', mode: 'masked' }),
    ]);
    expect(project(dealRow)).toMatchObject({ amount: '€50k–100k', ownerName: 'Internal Ian', ownerEmail: 'i•••@vendor.example' });
  });

  it('never shares fields outside the catalogue, even when a rule names them', () => {
    const project = compileProjector('deal', null, 'admin', [
      rule({ field: 'internalNotes', mode: 'visible' }),
      rule({ field: 'discountBp', mode: 'visible' }),
      rule({ field: 'credits', mode: 'visible' }),
      rule({ field: 'ownerName', mode: 'banded' }), // banding is only for money
    ]);
    const out = project(dealRow);
    expect(JSON.stringify(out)).not.toContain('SECRET');
    expect(out).not.toHaveProperty('discountBp');
    expect(out).not.toHaveProperty('credits');
    expect(out).not.toHaveProperty('ownerName');
  });

  it('base fields cannot be hidden or masked by a rule', () => {
    const project = compileProjector('deal', null, 'seller', [rule({ field: 'nextStep', mode: 'masked' })]);
    expect(project(dealRow).nextStep).toBe('Send proposal');
  });

  it('most specific rule wins: program+role > program+* > all programs+role > all programs+*', () => {
    const rules = [
      rule({ field: 'amount', mode: 'visible' }),
      rule({ field: 'amount', mode: 'banded', audience: 'seller' }),
      rule({ field: 'amount', mode: 'masked', programId: 'prg_a' }),
      rule({ field: 'amount', mode: 'hidden', programId: 'prg_a', audience: 'finance' }),
    ];
    expect(compileProjector('deal', null, 'admin', rules)(dealRow).amount).toEqual({ amountMinor: '7500000', currency: 'EUR' });
    expect(compileProjector('deal', null, 'seller', rules)(dealRow).amount).toBe('€50k–100k');
    expect(compileProjector('deal', 'prg_a', 'seller', rules)(dealRow).amount).toBe('•••');
    expect(compileProjector('deal', 'prg_a', 'finance', rules)(dealRow)).not.toHaveProperty('amount');
    // Another program's rules never apply.
    expect(compileProjector('deal', 'prg_b', 'seller', rules)(dealRow).amount).toBe('€50k–100k');
  });

  it('projects registrations to their base fields', () => {
    const project = compileProjector('registration', 'prg_a', 'seller', []);
    const out = project({ id: 'reg_1', status: 'approved', accountName: 'Globex', reviewerName: 'Rita', internalNotes: 'x', conflicts: [1], decidedByMemberId: 'mem_1' });
    expect(out).toEqual({ id: 'reg_1', status: 'approved', accountName: 'Globex' });
  });
});

describe('loadPartnerProjector', () => {
  let t: TestApp;
  let workspaceId: string;
  let otherWorkspaceId: string;
  let programId: string;

  beforeAll(async () => {
    t = await createTestApp();
    const owner = await ownerWithWorkspace(t, 'Projection Co');
    const other = await ownerWithWorkspace(t, 'Other Co');
    workspaceId = owner.workspaceId;
    otherWorkspaceId = other.workspaceId;
    const prg = await call(t, 'POST', '/api/v1/programs', { ...owner.as, body: { name: 'Resellers', partnerType: 'reseller', currency: 'EUR' } });
    programId = prg.body.id;
    await t.services.db.insert(fieldShareRule).values([
      { id: newId('fieldShareRule'), workspaceId, programId: null, object: 'deal', field: 'amount', audience: '*', mode: 'banded', bandSizeMinor: null },
      { id: newId('fieldShareRule'), workspaceId, programId, object: 'deal', field: 'amount', audience: 'admin', mode: 'visible', bandSizeMinor: null },
      { id: newId('fieldShareRule'), workspaceId, programId: null, object: 'registration', field: 'reviewerEmail', audience: '*', mode: 'masked', bandSizeMinor: null },
      // Another workspace's rule must not leak into this one.
      { id: newId('fieldShareRule'), workspaceId: otherWorkspaceId, programId: null, object: 'deal', field: 'ownerName', audience: '*', mode: 'visible', bandSizeMinor: null },
    ]);
  });
  afterAll(async () => {
    await t.close();
  });

  it('loads the workspace rules for the object, program and role', async () => {
    const seller = await loadPartnerProjector(t.services.db, { workspaceId, programId: null, partnerRole: 'seller', object: 'deal' });
    expect(seller(dealRow)).toMatchObject({ amount: '€50k–100k' });
    expect(seller(dealRow)).not.toHaveProperty('ownerName');

    const adminInProgram = await loadPartnerProjector(t.services.db, { workspaceId, programId, partnerRole: 'admin', object: 'deal' });
    expect(adminInProgram(dealRow).amount).toEqual({ amountMinor: '7500000', currency: 'EUR' });

    const registration = await loadPartnerProjector(t.services.db, { workspaceId, programId, partnerRole: 'seller', object: 'registration' });
    expect(registration({ id: 'reg_1', reviewerEmail: 'rita@vendor.example', reviewerName: 'Rita' })).toEqual({ id: 'reg_1', reviewerEmail: 'r•••@vendor.example' });

    const other = await loadPartnerProjector(t.services.db, { workspaceId: otherWorkspaceId, programId: null, partnerRole: 'seller', object: 'deal' });
    expect(other(dealRow)).toHaveProperty('ownerName', 'Internal Ian');
    expect(other(dealRow)).not.toHaveProperty('amount');
  });
});
