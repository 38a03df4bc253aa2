import { randomFillSync } from 'node:crypto';

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
const TWO_40 = 2 ** 40;

/** `n` (an integer below 32^chars) as `chars` Crockford base32 characters. */
function encodeBase32(n: number, chars: number): string {
  let out = '';
  let t = n;
  for (let i = 0; i < chars; i++) {
    out = ALPHABET[t % 32] + out;
    t = Math.floor(t / 32);
  }
  return out;
}

/**
 * Random bytes are drawn from the OS in blocks (one `randomFillSync` per 512 ids instead of one
 * `randomBytes` call per id: ids are made by the hundred thousand in a commission accrual run).
 */
const pool = Buffer.alloc(5120);
let poolOffset = pool.length;
/** 40 random bits as a number (exact: below 2^53). */
function random40(): number {
  if (poolOffset + 5 > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const o = poolOffset;
  poolOffset += 5;
  return pool[o] * 2 ** 32 + pool.readUInt32BE(o + 1);
}

// The 80 random bits of the last id, as two 40-bit halves, and its encoded time.
let lastTime = 0;
let lastTimeText = '';
let randomHigh = 0;
let randomLow = 0;

/** A ULID body; monotonic within one millisecond so ids made in a burst still sort. */
export function ulid(now = Date.now()): string {
  if (now <= lastTime) {
    // The next 80-bit value (a fresh random one in the astronomically rare case it overflows).
    randomLow++;
    if (randomLow === TWO_40) {
      randomLow = 0;
      randomHigh++;
      if (randomHigh === TWO_40) {
        randomHigh = random40();
        randomLow = random40();
      }
    }
  } else {
    lastTime = now;
    lastTimeText = encodeBase32(now, 10);
    randomHigh = random40();
    randomLow = random40();
  }
  return lastTimeText + encodeBase32(randomHigh, 8) + encodeBase32(randomLow, 8);
}
export function newId(kind: IdKind): string {
  return `${ID_PREFIXES[kind]}_${ulid()}`;
}

const ID_PATTERN = /^[a-z]{2,4}_[0-9A-HJKMNP-TV-Z]{26}$/;

export function isId(kind: IdKind, value: string): boolean {
  return value.startsWith(`${ID_PREFIXES[kind]}_`) && ID_PATTERN.test(value);
}
