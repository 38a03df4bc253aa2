import Stripe from 'stripe';

/** What a provider call ended with. `definitive` failures used the key up; unknown outcomes keep it for the retry. */
export type ProviderOutcome =
  | { kind: 'paid'; providerRef: string }
  | { kind: 'pending'; providerRef: string }
  | { kind: 'failed'; reason: string; definitive: boolean; providerRef?: string | null };

export interface StripeTransferInput {
  secretKey: string;
  apiBase: string | null;
  amountMinor: bigint;
  currency: string;
  destination: string;
  transferGroup: string;
  idempotencyKey: string;
  metadata: Record<string, string>;
}

export function stripeClient(secretKey: string, apiBase: string | null): Stripe {
  const url = new URL(apiBase ?? 'https://api.stripe.com');
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return new Stripe(secretKey, {
    host: url.hostname,
    port: url.port || (protocol === 'http' ? 80 : 443),
    protocol,
    // The idempotency key makes a retry safe; we retry ourselves, visibly, with the same key.
    maxNetworkRetries: 0,
    timeout: 30_000,
    telemetry: false,
  });
}

/**
 * A Stripe Connect transfer from the platform balance to the partner's connected account.
 * 4xx errors (card_error, invalid_request_error, e.g. insufficient platform balance) are
 * definitive: Stripe stores that result under the key, so the next attempt needs a new key.
 * Network errors, 5xx, 409 (concurrent use) and 429 leave the outcome unknown: the retry
 * sends the same key, and Stripe replays the original result instead of paying twice.
 */
export async function stripeTransfer(input: StripeTransferInput): Promise<ProviderOutcome> {
  const stripe = stripeClient(input.secretKey, input.apiBase);
  try {
    const transfer = await stripe.transfers.create(
      {
        amount: Number(input.amountMinor),
        currency: input.currency.toLowerCase(),
        destination: input.destination,
        transfer_group: input.transferGroup,
        metadata: input.metadata,
      },
      { idempotencyKey: input.idempotencyKey },
    );
    return { kind: 'paid', providerRef: transfer.id };
  } catch (error) {
    if (error instanceof Stripe.errors.StripeError) {
      const status = error.statusCode ?? 0;
      const reason = `Stripe ${error.rawType ?? error.type}${error.code ? ` (${error.code})` : ''}: ${error.message}`;
      const definitive = status >= 400 && status < 500 && status !== 409 && status !== 429;
      return { kind: 'failed', reason: definitive ? reason : `${reason} — outcome unknown; a retry reuses the same idempotency key`, definitive };
    }
    const message = error instanceof Error ? error.message : String(error);
    return { kind: 'failed', reason: `Could not reach Stripe (${message}) — outcome unknown; a retry reuses the same idempotency key`, definitive: false };
  }
}
