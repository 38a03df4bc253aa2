import { describe, expect, it } from 'vitest';
import type { FieldError } from '../../platform/errors.ts';
import { defaultPolicy, renderRulesOfEngagement, ruleMatches } from './policy.ts';
import { checkCustomFields, ineligibilityReason, normalizeDetails, validateAgainstPolicy } from './service.ts';
import { daysLeftOf, slaStateOf } from './views.ts';

const H = 3600_000;
const D = 24 * H;

describe('routing rule matching', () => {
  const rule = { programId: null, countries: [] as string[], minAmountMinor: null, maxAmountMinor: null, currency: null };
  const subject = { programId: 'prg_a', country: 'DE', amountMinor: 500n, currency: 'EUR' };

  it('matches anything when it has no conditions', () => {
    expect(ruleMatches(rule, subject)).toBe(true);
    expect(ruleMatches(rule, { ...subject, country: null, amountMinor: null })).toBe(true);
  });

  it('checks program, country, currency and an inclusive amount range', () => {
    expect(ruleMatches({ ...rule, programId: 'prg_b' }, subject)).toBe(false);
    expect(ruleMatches({ ...rule, countries: ['FR', 'DE'] }, subject)).toBe(true);
    expect(ruleMatches({ ...rule, countries: ['FR'] }, subject)).toBe(false);
    expect(ruleMatches({ ...rule, countries: ['FR'] }, { ...subject, country: null })).toBe(false);
    expect(ruleMatches({ ...rule, currency: 'USD' }, subject)).toBe(false);
    expect(ruleMatches({ ...rule, currency: 'EUR', minAmountMinor: 500n, maxAmountMinor: 500n }, subject)).toBe(true);
    expect(ruleMatches({ ...rule, currency: 'EUR', minAmountMinor: 501n }, subject)).toBe(false);
    expect(ruleMatches({ ...rule, currency: 'EUR', maxAmountMinor: 499n }, subject)).toBe(false);
    expect(ruleMatches({ ...rule, currency: 'EUR', minAmountMinor: 1n }, { ...subject, amountMinor: null })).toBe(false);
  });
});

describe('SLA state and protection countdown', () => {
  const created = new Date('2026-01-01T00:00:00Z');
  const due = new Date(created.getTime() + 48 * H);
  const row = { status: 'submitted', createdAt: created, slaDueAt: due, decidedAt: null, slaBreachedAt: null };

  it('is on time, then due soon in the last quarter (at most 12 h), then breached', () => {
    expect(slaStateOf(row, new Date(created.getTime() + 30 * H))).toBe('on_time');
    expect(slaStateOf(row, new Date(created.getTime() + 37 * H))).toBe('due_soon');
    expect(slaStateOf(row, due)).toBe('breached');
    const short = { ...row, slaDueAt: new Date(created.getTime() + 4 * H) };
    expect(slaStateOf(short, new Date(created.getTime() + 2 * H))).toBe('on_time');
    expect(slaStateOf(short, new Date(created.getTime() + 3.5 * H))).toBe('due_soon');
  });

  it('judges a decided registration by when it was decided', () => {
    expect(slaStateOf({ ...row, status: 'approved', decidedAt: new Date(created.getTime() + 47 * H) }, new Date(created.getTime() + 100 * H))).toBe('on_time');
    expect(slaStateOf({ ...row, status: 'rejected', decidedAt: new Date(created.getTime() + 49 * H) }, new Date())).toBe('breached');
  });

  it('counts protection days left, rounded up', () => {
    const ends = new Date('2026-03-01T00:00:00Z');
    expect(daysLeftOf({ status: 'approved', protectionEndsAt: ends }, new Date(ends.getTime() - 14 * D))).toBe(14);
    expect(daysLeftOf({ status: 'approved', protectionEndsAt: ends }, new Date(ends.getTime() - 3 * H))).toBe(1);
    expect(daysLeftOf({ status: 'approved', protectionEndsAt: ends }, new Date(ends.getTime() + 1))).toBe(0);
    expect(daysLeftOf({ status: 'submitted', protectionEndsAt: null }, new Date())).toBeNull();
  });
});

describe('policy validation', () => {
  it('checks custom field types, options and unknown keys', () => {
    const errors: FieldError[] = [];
    const out = checkCustomFields(
      [
        { key: 'seats', label: 'Seats', type: 'number', required: true },
        { key: 'go', label: 'Go-live', type: 'date', required: false },
        { key: 'kind', label: 'Kind', type: 'select', required: false, options: ['a', 'b'] },
        { key: 'why', label: 'Why', type: 'text', required: true },
      ],
      { seats: '12', go: '2026-13-01', kind: 'c', extra: 'x', why: '  ' },
      errors,
    );
    expect(out).toEqual({ seats: 12 });
    expect(errors.map((e) => e.path).sort()).toEqual(['customFields.extra', 'customFields.go', 'customFields.kind', 'customFields.why']);
  });

  it('always requires the account name and reports required fields by request path', () => {
    const policy = { ...defaultPolicy('prg_x'), requiredFields: ['contactPhone' as const, 'products' as const] };
    const errors: FieldError[] = [];
    const n = normalizeDetails({ account: { name: ' ' }, products: [] }, errors);
    expect(() => validateAgainstPolicy(policy, n, errors)).toThrow();
    expect(errors.map((e) => e.path).sort()).toEqual(['account.name', 'contact.phone', 'products']);
  });

  it('names the reason a partner is not eligible', () => {
    const policy = { ...defaultPolicy('prg_x'), eligibility: { partnerTypes: ['reseller'], tags: ['gold', 'platinum'] } };
    expect(ineligibilityReason(policy, { type: 'agency', tags: ['gold'] })).toMatch(/reseller/);
    expect(ineligibilityReason(policy, { type: 'reseller', tags: ['silver'] })).toMatch(/gold, platinum/);
    expect(ineligibilityReason(policy, { type: 'reseller', tags: ['platinum'] })).toBeNull();
    expect(ineligibilityReason(defaultPolicy('prg_x'), { type: 'agency', tags: [] })).toBeNull();
  });
});

describe('rules of engagement rendering', () => {
  it('renders Markdown and strips anything active', () => {
    const html = renderRulesOfEngagement(
      '## Who wins\n\n1. Registered beats unregistered\n\n<iframe src="https://evil.example"></iframe><a href="https://x.example" onclick="steal()">x</a>\n\n[js](javascript:alert(1)) <style>body{}</style>\n\n| a | b |\n|---|---|\n| 1 | 2 |',
    );
    expect(html).toContain('<h2>Who wins</h2>');
    expect(html).toContain('<li>Registered beats unregistered</li>');
    expect(html).toContain('<table>');
    expect(html).toContain('rel="noopener noreferrer nofollow"');
    expect(html).not.toMatch(/iframe|onclick|javascript:|<style|body\{\}/);
    expect(renderRulesOfEngagement('   ')).toBe('');
  });
});
