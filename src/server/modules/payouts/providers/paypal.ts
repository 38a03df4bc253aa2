import type { ProviderOutcome } from './stripe.ts';

/**
 * PayPal Payouts REST API with fetch: OAuth2 client credentials, a batch of one item per
 * payout (`sender_batch_id` = the attempt's idempotency key, also sent as PayPal-Request-Id),
 * and the batch status read back. PayPal pays asynchronously: a new batch is PENDING until the
 * item reaches SUCCESS (paid) or FAILED / RETURNED / BLOCKED / DENIED (failed).
 */
export interface PayPalConfig {
  clientId: string;
  secret: string;
  apiBase: string | null;
}

const base = (c: PayPalConfig) => (c.apiBase ?? 'https://api-m.paypal.com').replace(/\/$/, '');

async function accessToken(c: PayPalConfig): Promise<string> {
  const res = await fetch(`${base(c)}/v1/oauth2/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${c.clientId}:${c.secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    },
    body: 'grant_type=client_credentials',
  });
  const body = (await res.json().catch(() => ({}))) as { access_token?: string; error_description?: string };
  if (!res.ok || !body.access_token) throw new PayPalError(`PayPal authentication failed (${res.status}): ${body.error_description ?? 'no token'}`, true);
  return body.access_token;
}

class PayPalError extends Error {
  constructor(
    message: string,
    readonly definitive: boolean,
  ) {
    super(message);
  }
}

function describe(status: number, body: { name?: string; message?: string; details?: Array<{ issue?: string; description?: string }> }): string {
  const detail = body.details?.map((d) => d.issue ?? d.description).filter(Boolean).join(', ');
  return `PayPal ${body.name ?? status}: ${body.message ?? 'request failed'}${detail ? ` (${detail})` : ''}`;
}

export interface PayPalPayoutInput {
  senderBatchId: string;
  senderItemId: string;
  receiverEmail: string;
  amount: string;
  currency: string;
  note: string;
  emailSubject: string;
}

export async function paypalCreatePayout(c: PayPalConfig, input: PayPalPayoutInput): Promise<ProviderOutcome> {
  try {
    const token = await accessToken(c);
    const res = await fetch(`${base(c)}/v1/payments/payouts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json', 'paypal-request-id': input.senderBatchId },
      body: JSON.stringify({
        sender_batch_header: { sender_batch_id: input.senderBatchId, email_subject: input.emailSubject, email_message: input.note },
        items: [
          { recipient_type: 'EMAIL', amount: { value: input.amount, currency: input.currency }, receiver: input.receiverEmail, note: input.note, sender_item_id: input.senderItemId },
        ],
      }),
    });
    const body = (await res.json().catch(() => ({}))) as { batch_header?: { payout_batch_id?: string; batch_status?: string }; name?: string; message?: string };
    if (res.status === 201 || res.status === 200) {
      const id = body.batch_header?.payout_batch_id;
      if (!id) return { kind: 'failed', reason: 'PayPal answered without a payout_batch_id — outcome unknown', definitive: false };
      return { kind: 'pending', providerRef: id };
    }
    const definitive = res.status >= 400 && res.status < 500 && res.status !== 409 && res.status !== 429;
    return { kind: 'failed', reason: describe(res.status, body), definitive };
  } catch (error) {
    if (error instanceof PayPalError) return { kind: 'failed', reason: error.message, definitive: error.definitive };
    const message = error instanceof Error ? error.message : String(error);
    return { kind: 'failed', reason: `Could not reach PayPal (${message}) — outcome unknown; a retry reuses the same sender_batch_id`, definitive: false };
  }
}

const ITEM_FAILED = new Set(['FAILED', 'RETURNED', 'BLOCKED', 'REFUNDED', 'REVERSED', 'DENIED']);

/** Reads a batch back: paid when its item succeeded, failed when PayPal gave up, else pending. */
export async function paypalBatchStatus(c: PayPalConfig, batchId: string): Promise<ProviderOutcome> {
  try {
    const token = await accessToken(c);
    const res = await fetch(`${base(c)}/v1/payments/payouts/${encodeURIComponent(batchId)}`, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
    const body = (await res.json().catch(() => ({}))) as {
      batch_header?: { batch_status?: string };
      items?: Array<{ transaction_status?: string; transaction_id?: string; errors?: { name?: string; message?: string } }>;
      name?: string;
      message?: string;
    };
    if (!res.ok) return { kind: 'pending', providerRef: batchId };
    const item = body.items?.[0];
    const batchStatus = body.batch_header?.batch_status ?? 'PENDING';
    if (item?.transaction_status === 'SUCCESS') return { kind: 'paid', providerRef: item.transaction_id ?? batchId };
    if ((item?.transaction_status && ITEM_FAILED.has(item.transaction_status)) || batchStatus === 'DENIED' || batchStatus === 'CANCELED') {
      const why = item?.errors ? [item.errors.name, item.errors.message].filter(Boolean).join(': ') : `batch ${batchStatus}`;
      return { kind: 'failed', reason: `PayPal ${item?.transaction_status ?? batchStatus}: ${why}`, definitive: true, providerRef: batchId };
    }
    return { kind: 'pending', providerRef: batchId };
  } catch {
    return { kind: 'pending', providerRef: batchId };
  }
}
