import { createHmac, timingSafeEqual } from 'node:crypto';
import Stripe from 'stripe';

/**
 * Webhook signature checks, run on the raw request body before anything parses it.
 * Each returns null when the body is authentic, else the reason (logged, never sent back
 * in detail beyond "signature verification failed").
 */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export type Provider = 'stripe' | 'paddle' | 'lemonsqueezy';
export const PROVIDERS = ['stripe', 'paddle', 'lemonsqueezy'] as const;

/** The header each provider signs with (lower-case, as Hono reads them). */
export const SIGNATURE_HEADER: Record<Provider, string> = {
  stripe: 'stripe-signature',
  paddle: 'paddle-signature',
  lemonsqueezy: 'x-signature',
};

function safeEqualHex(expectedHex: string, givenHex: string): boolean {
  if (!/^[0-9a-f]+$/i.test(givenHex)) return false;
  const a = Buffer.from(expectedHex, 'hex');
  const b = Buffer.from(givenHex.toLowerCase(), 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Stripe: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=…]`, v1 = HMAC-SHA256(secret, "<t>.<raw body>"),
 * verified by the official SDK (`stripe.webhooks.constructEvent`) with a 300 s tolerance.
 */
export function verifyStripe(rawBody: string, header: string | undefined, secrets: string[], nowMs?: number): string | null {
  if (!header) return 'missing Stripe-Signature header';
  let last = 'signature verification failed';
  for (const secret of secrets) {
    try {
      Stripe.webhooks.constructEvent(rawBody, header, secret, SIGNATURE_TOLERANCE_SECONDS, undefined, nowMs);
      return null;
    } catch (error) {
      last = error instanceof Error ? error.message.split('\n')[0] : String(error);
    }
  }
  return last;
}

/**
 * Paddle Billing: `Paddle-Signature: ts=<unix>;h1=<hex>[;h1=…]`, h1 = HMAC-SHA256(secret, "<ts>:<raw body>").
 * Implemented here rather than with `@paddle/paddle-node-sdk`'s `Webhooks.isSignatureValid`, which
 * keeps only the last h1 (Paddle sends several during a secret rotation), compares with `===`
 * (not constant time) and allows only 5 s of clock drift. Any secret matching any h1 passes.
 * `toleranceSeconds: null` disables the age check (fixed test vectors only).
 */
export function verifyPaddle(
  rawBody: string,
  header: string | undefined,
  secrets: string[],
  options: { nowSeconds?: number; toleranceSeconds?: number | null } = {},
): string | null {
  if (!header) return 'missing Paddle-Signature header';
  let ts: string | null = null;
  const h1: string[] = [];
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 'ts') ts = value;
    else if (key === 'h1' && value) h1.push(value);
  }
  if (!ts || !/^\d+$/.test(ts) || h1.length === 0) return 'malformed Paddle-Signature header (expected ts=…;h1=…)';
  const tolerance = options.toleranceSeconds === undefined ? SIGNATURE_TOLERANCE_SECONDS : options.toleranceSeconds;
  if (tolerance !== null) {
    const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
    if (Math.abs(now - Number(ts)) > tolerance) return `timestamp outside the ${tolerance} s tolerance`;
  }
  for (const secret of secrets) {
    const expected = createHmac('sha256', secret).update(`${ts}:${rawBody}`).digest('hex');
    if (h1.some((given) => safeEqualHex(expected, given))) return null;
  }
  return 'no signature matches the signing secret';
}

/** Lemon Squeezy: `X-Signature` = hex HMAC-SHA256(secret, raw body), compared in constant time. */
export function verifyLemonSqueezy(rawBody: string, header: string | undefined, secrets: string[]): string | null {
  if (!header) return 'missing X-Signature header';
  for (const secret of secrets) {
    const expected = createHmac('sha256', secret).update(rawBody).digest('hex');
    if (safeEqualHex(expected, header.trim())) return null;
  }
  return 'no signature matches the signing secret';
}

export function verifySignature(provider: Provider, rawBody: string, header: string | undefined, secrets: string[]): string | null {
  switch (provider) {
    case 'stripe':
      return verifyStripe(rawBody, header, secrets);
    case 'paddle':
      return verifyPaddle(rawBody, header, secrets);
    case 'lemonsqueezy':
      return verifyLemonSqueezy(rawBody, header, secrets);
  }
}

// ── Signing (tests, and the docs' curl examples) ──

export function signStripe(rawBody: string, secret: string, timestamp?: number): string {
  return Stripe.webhooks.generateTestHeaderString({ payload: rawBody, secret, timestamp });
}

export function signPaddle(rawBody: string, secret: string, timestamp = Math.floor(Date.now() / 1000)): string {
  return `ts=${timestamp};h1=${createHmac('sha256', secret).update(`${timestamp}:${rawBody}`).digest('hex')}`;
}

export function signLemonSqueezy(rawBody: string, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('hex');
}

export function signFor(provider: Provider, rawBody: string, secret: string): string {
  return provider === 'stripe' ? signStripe(rawBody, secret) : provider === 'paddle' ? signPaddle(rawBody, secret) : signLemonSqueezy(rawBody, secret);
}
