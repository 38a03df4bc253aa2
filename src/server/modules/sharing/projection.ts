import { and, eq, inArray, isNull, or } from 'drizzle-orm';
import type { PartnerRole } from '../../platform/context.ts';
import type { Executor } from '../../platform/db.ts';
import { minorUnitExponent } from '../../platform/money.ts';
import { PARTNER_VISIBLE_FIELDS } from '../../platform/visibility.ts';
import { fieldShareRule } from './schema.ts';

/**
 * The partner projection for registrations, deals and accounts: the base fields of
 * `platform/visibility.ts` (always visible — the partner's own data) plus whatever the
 * workspace's `field_share_rule`s show, mask or band. Everything else is dropped: deny by
 * default. A field a rule does not mention, or a rule with mode `hidden`, never leaves.
 */

export const SHARE_OBJECTS = ['registration', 'deal', 'account'] as const;
export type ShareObject = (typeof SHARE_OBJECTS)[number];
export const SHARE_MODES = ['hidden', 'visible', 'masked', 'banded'] as const;
export type ShareMode = (typeof SHARE_MODES)[number];

/**
 * Fields a sharing rule may expose beyond the base fields, per object, with the kind of
 * value (which decides the modes that make sense). Anything not listed here — internal
 * notes, discounts, margins, other partners, conflicts, decision internals — cannot be
 * shared by any rule.
 */
export const SHAREABLE_FIELDS: Record<ShareObject, Record<string, 'money' | 'text' | 'email' | 'number' | 'date'>> = {
  registration: {
    reviewerName: 'text',
    reviewerEmail: 'email',
    accountCountry: 'text',
    decidedAt: 'date',
  },
  deal: {
    amount: 'money',
    weightedAmount: 'money',
    probability: 'number',
    stageKind: 'text',
    accountName: 'text',
    accountDomain: 'text',
    accountCountry: 'text',
    ownerName: 'text',
    ownerEmail: 'email',
    lostReason: 'text',
    closedAt: 'date',
    createdAt: 'date',
  },
  account: {
    country: 'text',
  },
};

/** Which modes each kind of value accepts (banding only makes sense for money). */
export const MODES_FOR_KIND: Record<'money' | 'text' | 'email' | 'number' | 'date', readonly ShareMode[]> = {
  money: ['hidden', 'visible', 'masked', 'banded'],
  text: ['hidden', 'visible', 'masked'],
  email: ['hidden', 'visible', 'masked'],
  number: ['hidden', 'visible', 'masked'],
  date: ['hidden', 'visible', 'masked'],
};

export interface ShareRuleLike {
  programId: string | null;
  audience: string;
  field: string;
  mode: string;
  bandSizeMinor: bigint | null;
}

export type PartnerProjector = (row: Record<string, unknown>) => Record<string, unknown>;

export const MASK = '•••';

/** `jane@acme.com` → `j•••@acme.com`; anything else → `•••`. */
export function maskValue(value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (typeof value === 'string') {
    const at = value.lastIndexOf('@');
    if (at > 0 && at < value.length - 1) return `${value[0]}${MASK}${value.slice(at)}`;
  }
  return MASK;
}

function currencySymbol(currency: string): string {
  try {
    const part = new Intl.NumberFormat('en', { style: 'currency', currency, currencyDisplay: 'narrowSymbol' })
      .formatToParts(0)
      .find((p) => p.type === 'currency');
    return part?.value ?? `${currency} `;
  } catch {
    return `${currency} `;
  }
}

/** 10000 → "10k", 1000000 → "1M", 1500000 → "1.5M", 750 → "750" (major units). */
function compact(n: bigint): string {
  if (n >= 1_000_000n && n % 100_000n === 0n) {
    const whole = n / 1_000_000n;
    const tenth = (n % 1_000_000n) / 100_000n;
    return tenth === 0n ? `${whole}M` : `${whole}.${tenth}M`;
  }
  if (n >= 1000n && n % 1000n === 0n) return `${n / 1000n}k`;
  return n.toString();
}

/** Default bands in major units: 0–10k, 10–50k, 50–100k, 100–250k, 250k–1M, 1M+. */
const DEFAULT_BANDS_MAJOR = [0n, 10_000n, 50_000n, 100_000n, 250_000n, 1_000_000n];

/**
 * A money amount as a band, e.g. "€50k–100k" or "$1M+". `bandSizeMinor` (in minor units)
 * replaces the default bands with equal bands of that size.
 */
export function bandMoney(amountMinor: bigint, currency: string, bandSizeMinor: bigint | null = null): string {
  const symbol = currencySymbol(currency);
  const unit = 10n ** BigInt(minorUnitExponent(currency));
  if (amountMinor < 0n) return `< ${symbol}0`;
  if (bandSizeMinor !== null && bandSizeMinor > 0n) {
    const lower = (amountMinor / bandSizeMinor) * bandSizeMinor;
    const upper = lower + bandSizeMinor;
    // Bounds in major units; band sizes below one major unit fall back to minor precision.
    if (lower % unit === 0n && upper % unit === 0n) return `${symbol}${compact(lower / unit)}–${compact(upper / unit)}`;
    return `${symbol}${(Number(lower) / Number(unit)).toString()}–${(Number(upper) / Number(unit)).toString()}`;
  }
  for (let i = DEFAULT_BANDS_MAJOR.length - 1; i >= 0; i--) {
    const lower = DEFAULT_BANDS_MAJOR[i] * unit;
    if (amountMinor >= lower) {
      const next = DEFAULT_BANDS_MAJOR[i + 1];
      if (next === undefined) return `${symbol}${compact(DEFAULT_BANDS_MAJOR[i])}+`;
      return `${symbol}${compact(DEFAULT_BANDS_MAJOR[i])}–${compact(next)}`;
    }
  }
  return `${symbol}0`;
}

/** Reads a money value from a row: `{ amountMinor, currency }` or a bigint beside `row.currency`. */
function readMoney(value: unknown, row: Record<string, unknown>): { amountMinor: bigint; currency: string } | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'object' && 'amountMinor' in value && 'currency' in value) {
    const v = value as { amountMinor: unknown; currency: unknown };
    if (typeof v.currency !== 'string') return null;
    try {
      return { amountMinor: BigInt(v.amountMinor as string | bigint | number), currency: v.currency };
    } catch {
      return null;
    }
  }
  if ((typeof value === 'bigint' || typeof value === 'number' || typeof value === 'string') && typeof row.currency === 'string') {
    try {
      return { amountMinor: BigInt(value), currency: row.currency };
    } catch {
      return null;
    }
  }
  return null;
}

function specificity(rule: ShareRuleLike): number {
  return (rule.programId !== null ? 2 : 0) + (rule.audience !== '*' ? 1 : 0);
}

/**
 * Compiles rules (already narrowed to one workspace and object) into a projector for one
 * program and partner role. Pure: the unit tests and `loadPartnerProjector` share it.
 */
export function compileProjector(object: ShareObject, programId: string | null, partnerRole: PartnerRole | '*', rules: readonly ShareRuleLike[]): PartnerProjector {
  const base: readonly string[] = PARTNER_VISIBLE_FIELDS[object];
  const shareable = SHAREABLE_FIELDS[object];
  const chosen = new Map<string, ShareRuleLike>();
  for (const rule of rules) {
    if (rule.programId !== null && rule.programId !== programId) continue;
    if (rule.audience !== '*' && rule.audience !== partnerRole) continue;
    if (base.includes(rule.field) || !(rule.field in shareable)) continue;
    if (!MODES_FOR_KIND[shareable[rule.field]].includes(rule.mode as ShareMode)) continue;
    const current = chosen.get(rule.field);
    if (!current || specificity(rule) > specificity(current)) chosen.set(rule.field, rule);
  }
  const extra = [...chosen.values()].filter((r) => r.mode !== 'hidden');

  return (row) => {
    const out: Record<string, unknown> = {};
    for (const field of base) {
      if (field in row) out[field] = row[field];
    }
    for (const rule of extra) {
      if (!(rule.field in row)) continue;
      const value = row[rule.field];
      if (rule.mode === 'visible') out[rule.field] = value;
      else if (rule.mode === 'masked') out[rule.field] = maskValue(value);
      else if (rule.mode === 'banded') {
        const m = readMoney(value, row);
        out[rule.field] = m ? bandMoney(m.amountMinor, m.currency, rule.bandSizeMinor) : value === null || value === undefined ? null : MASK;
      }
    }
    return out;
  };
}

/**
 * The projector for one workspace, program (null: rules for every program only), partner
 * role and object. `partnerRole: '*'` is a viewer without a role (a signed link): only
 * rules for every role apply. Rules match by (program or every program) × (role or `*`); the most
 * specific wins: program+role, then program+`*`, then every program+role, then `*`.
 */
export async function loadPartnerProjector(
  db: Executor,
  q: { workspaceId: string; programId: string | null; partnerRole: PartnerRole | '*'; object: ShareObject },
): Promise<PartnerProjector> {
  const rules = await db
    .select({
      programId: fieldShareRule.programId,
      audience: fieldShareRule.audience,
      field: fieldShareRule.field,
      mode: fieldShareRule.mode,
      bandSizeMinor: fieldShareRule.bandSizeMinor,
    })
    .from(fieldShareRule)
    .where(
      and(
        eq(fieldShareRule.workspaceId, q.workspaceId),
        eq(fieldShareRule.object, q.object),
        q.programId === null ? isNull(fieldShareRule.programId) : or(isNull(fieldShareRule.programId), eq(fieldShareRule.programId, q.programId)),
        inArray(fieldShareRule.audience, ['*', q.partnerRole]),
      ),
    );
  return compileProjector(q.object, q.programId, q.partnerRole, rules);
}
