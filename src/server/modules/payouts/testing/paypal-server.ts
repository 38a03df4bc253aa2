import { randomBytes } from 'node:crypto';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local server that follows PayPal's published Payouts contract, for tests: OAuth2
 * client-credentials tokens (`POST /v1/oauth2/token`, Basic auth), `POST /v1/payments/payouts`
 * (sender_batch_header + items; 201 with batch_header PENDING; a reused sender_batch_id is
 * rejected unless the PayPal-Request-Id replays the first request) and
 * `GET /v1/payments/payouts/{id}` with item transaction statuses. `settleAs` decides what the
 * items become when read back.
 */
export interface PayPalContractServer {
  url: string;
  batches: Array<{ id: string; senderBatchId: string; items: Array<{ receiver: string; amount: { value: string; currency: string }; sender_item_id?: string }> }>;
  settleAs: 'SUCCESS' | 'FAILED' | 'PENDING' | 'UNCLAIMED';
  close(): Promise<void>;
}

const rid = (n = 13) => randomBytes(16).toString('hex').toUpperCase().slice(0, n);

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startPayPalContractServer(options: { clientId?: string; secret?: string } = {}): Promise<PayPalContractServer> {
  const clientId = options.clientId ?? 'paypal-client';
  const secret = options.secret ?? 'paypal-secret';
  const tokens = new Set<string>();
  const byRequestId = new Map<string, unknown>();
  const senderIds = new Set<string>();
  const state: Omit<PayPalContractServer, 'url' | 'close'> = { batches: [], settleAs: 'SUCCESS' };
  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json', 'paypal-debug-id': rid(13).toLowerCase() });
    res.end(JSON.stringify(body));
  };
  const bearer = (req: IncomingMessage) => tokens.has((req.headers.authorization ?? '').replace(/^Bearer /, ''));

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'POST' && url.pathname === '/v1/oauth2/token') {
      const expected = `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`;
      const body = await readBody(req);
      if (req.headers.authorization !== expected) return send(res, 401, { error: 'invalid_client', error_description: 'Client Authentication failed' });
      if (new URLSearchParams(body).get('grant_type') !== 'client_credentials') return send(res, 400, { error: 'unsupported_grant_type', error_description: 'Grant Type is NULL' });
      const token = `A21AA${rid(24)}`;
      tokens.add(token);
      return send(res, 200, { scope: 'https://uri.paypal.com/services/payments/payouts', access_token: token, token_type: 'Bearer', app_id: 'APP-80W284485P519543T', expires_in: 32400, nonce: rid(20) });
    }
    if (!bearer(req)) return send(res, 401, { name: 'AUTHENTICATION_FAILURE', message: 'Authentication failed due to invalid authentication credentials or a missing Authorization header.', debug_id: rid(13).toLowerCase() });
    if (req.method === 'POST' && url.pathname === '/v1/payments/payouts') {
      const requestId = (req.headers['paypal-request-id'] as string | undefined) ?? null;
      if (requestId && byRequestId.has(requestId)) return send(res, 201, byRequestId.get(requestId));
      let body: { sender_batch_header?: { sender_batch_id?: string; email_subject?: string }; items?: Array<{ recipient_type?: string; receiver?: string; amount?: { value?: string; currency?: string }; sender_item_id?: string }> };
      try {
        body = JSON.parse(await readBody(req));
      } catch {
        return send(res, 400, { name: 'MALFORMED_REQUEST', message: 'Incoming JSON request does not map to API request', debug_id: rid(13).toLowerCase() });
      }
      const details: Array<{ field: string; location: string; issue: string }> = [];
      const senderBatchId = body.sender_batch_header?.sender_batch_id;
      if (!body.items?.length) details.push({ field: 'items', location: 'body', issue: 'Items is required' });
      for (const [i, item] of (body.items ?? []).entries()) {
        if (!item.receiver) details.push({ field: `items[${i}].receiver`, location: 'body', issue: 'Receiver is invalid or does not match with type' });
        if (!item.amount?.value || !/^\d+(\.\d{1,2})?$/.test(item.amount.value)) details.push({ field: `items[${i}].amount.value`, location: 'body', issue: 'Amount value is invalid' });
      }
      if (details.length) return send(res, 400, { name: 'VALIDATION_ERROR', message: 'Invalid request - see details', debug_id: rid(13).toLowerCase(), details });
      if (senderBatchId && senderIds.has(senderBatchId)) {
        return send(res, 400, {
          name: 'USER_BUSINESS_ERROR',
          message: 'User business error.',
          debug_id: rid(13).toLowerCase(),
          details: [{ field: 'SENDER_BATCH_ID', location: 'body', issue: 'Batch with given sender_batch_id already exists' }],
        });
      }
      if (senderBatchId) senderIds.add(senderBatchId);
      const batchId = rid(13);
      state.batches.push({
        id: batchId,
        senderBatchId: senderBatchId ?? '',
        items: (body.items ?? []).map((i) => ({ receiver: i.receiver ?? '', amount: { value: i.amount?.value ?? '', currency: i.amount?.currency ?? '' }, sender_item_id: i.sender_item_id })),
      });
      const response = {
        batch_header: { sender_batch_header: body.sender_batch_header, payout_batch_id: batchId, batch_status: 'PENDING' },
        links: [{ href: `${baseUrl}/v1/payments/payouts/${batchId}`, rel: 'self', method: 'GET', encType: 'application/json' }],
      };
      if (requestId) byRequestId.set(requestId, response);
      return send(res, 201, response);
    }
    const m = /^\/v1\/payments\/payouts\/([A-Z0-9]+)$/.exec(url.pathname);
    if (req.method === 'GET' && m) {
      const batch = state.batches.find((b) => b.id === m[1]);
      if (!batch) return send(res, 404, { name: 'INVALID_RESOURCE_ID', message: 'Requested resource ID was not found.', debug_id: rid(13).toLowerCase() });
      const status = state.settleAs;
      const batchStatus = status === 'SUCCESS' || status === 'FAILED' || status === 'UNCLAIMED' ? 'SUCCESS' : 'PROCESSING';
      return send(res, 200, {
        batch_header: { payout_batch_id: batch.id, batch_status: batchStatus, sender_batch_header: { sender_batch_id: batch.senderBatchId } },
        items: batch.items.map((item) => ({
          payout_item_id: rid(13),
          transaction_id: status === 'SUCCESS' ? rid(17) : undefined,
          payout_batch_id: batch.id,
          transaction_status: status,
          payout_item: { recipient_type: 'EMAIL', amount: item.amount, receiver: item.receiver, sender_item_id: item.sender_item_id },
          ...(status === 'FAILED' ? { errors: { name: 'RECEIVER_ACCOUNT_LOCKED', message: 'Receiver account is locked or inactive' } } : {}),
        })),
      });
    }
    return send(res, 404, { name: 'NOT_FOUND', message: 'Not found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  return Object.assign(state, {
    url: baseUrl,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
