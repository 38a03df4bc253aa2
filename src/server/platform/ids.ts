import { randomBytes } from 'node:crypto';

/**
 * Prefixed, sortable ids (`ptr_01JD…`): a person can tell from an id what it refers to, and
 * ids sort by creation time (48-bit millisecond time + 80 random bits, Crockford base32 —
 * the ULID layout), so cursor pagination on `id` follows creation order.
 */
export const ID_PREFIXES = {
  workspace: 'ws',
  member: 'mem',
  invitation: 'inv',
  apiKey: 'key',
  program: 'prg',
  partner: 'ptr',
  enrollment: 'enr',
  partnerUser: 'pu',
  partnerImport: 'imp',
  auditEntry: 'aud',
  event: 'evt',
  delivery: 'dlv',
  mailMessage: 'msg',
  account: 'acct',
  contact: 'con',
  registration: 'reg',
  registrationExtension: 'rex',
  conflict: 'cfl',
  routingRule: 'rr',
  registrationLink: 'rlk',
  pipeline: 'pip',
  stage: 'stg',
  deal: 'deal',
  dealCredit: 'dcr',
  fieldShareRule: 'fsr',
  signedLink: 'sl',
  link: 'lnk',
  click: 'clk',
  customer: 'cus',
  conversion: 'cnv',
  billingEndpoint: 'bep',
  billingEvent: 'bev',
  commissionPlan: 'cpl',
  commissionEntry: 'com',
  fxRate: 'fx',
  payoutSchedule: 'psch',
  payoutRun: 'prun',
  payout: 'pay',
  statement: 'stmt',
  taxProfile: 'tax',
  payoutMethod: 'pmt',
  payoutDispute: 'pdsp',
  tier: 'tier',
  user: 'usr',
  session: 'ses',
  authAccount: 'acc',
  verification: 'ver',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
let lastTime = 0;
let lastRandom: Buffer = Buffer.alloc(10);

function encodeTime(ms: number): string {
  let out = '';
  let t = ms;
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[t % 32] + out;
    t = Math.floor(t / 32);
  }
  return out;
}

function encodeRandom(bytes: Buffer): string {
  // 80 bits → 16 base32 characters.
  let bits = 0n;
  for (const b of bytes) bits = (bits << 8n) | BigInt(b);
  let out = '';
  for (let i = 0; i < 16; i++) {
    out = ALPHABET[Number(bits & 31n)] + out;
    bits >>= 5n;
  }
  return out;
}

function incrementRandom(bytes: Buffer): Buffer {
  const next = Buffer.from(bytes);
  for (let i = next.length - 1; i >= 0; i--) {
    if (next[i] < 255) {
      next[i]++;
      return next;
    }
    next[i] = 0;
  }
  return randomBytes(10);
}

/** A ULID body; monotonic within one millisecond so ids made in a burst still sort. */
export function ulid(now = Date.now()): string {
  if (now <= lastTime) {
    lastRandom = incrementRandom(lastRandom);
    return encodeTime(lastTime) + encodeRandom(lastRandom);
  }
  lastTime = now;
  lastRandom = randomBytes(10);
  return encodeTime(now) + encodeRandom(lastRandom);
}

export function newId(kind: IdKind): string {
  return `${ID_PREFIXES[kind]}_${ulid()}`;
}

const ID_PATTERN = /^[a-z]{2,4}_[0-9A-HJKMNP-TV-Z]{26}$/;

export function isId(kind: IdKind, value: string): boolean {
  return value.startsWith(`${ID_PREFIXES[kind]}_`) && ID_PATTERN.test(value);
}
