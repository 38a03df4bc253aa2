import { randomBytes } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local server that follows Stripe's contract for Connect transfers, for tests (never used
 * in production): form-encoded `POST /v1/transfers` with Bearer auth, `Idempotency-Key`
 * replay (same key + same parameters → the stored response with `Idempotent-Replayed: true`;
 * different parameters → 400 idempotency_error), errors as `{error:{type,code,message}}`, and
 * transfer objects shaped like stripe-mock's fixtures. Knobs let a test run the platform
 * balance dry, force the next error, or drop the connection after the transfer was made.
 */
export interface StripeTransfer {
  id: string;
  object: 'transfer';
  amount: number;
  amount_reversed: number;
  balance_transaction: string;
  created: number;
  currency: string;
  description: string | null;
  destination: string;
  destination_payment: string;
  livemode: false;
  metadata: Record<string, string>;
  reversals: { object: 'list'; data: []; has_more: false; url: string };
  reversed: false;
  source_transaction: null;
  source_type: 'card';
  transfer_group: string | null;
}

export interface StripeContractServer {
  url: string;
  transfers: StripeTransfer[];
  requests: Array<{ path: string; idempotencyKey: string | null; replayed: boolean }>;
  /** Available platform balance per currency (lower-case), minor units. */
  balance: Record<string, number>;
  /** The next POST answers with this error (once). */
  failNext: { status: number; type: string; code?: string; message: string } | null;
  /**
   * The next N POST responses are dropped after the server acted (the connection closes
   * without an answer). stripe-node itself retries a closed connection once with the same key,
   * so 2 makes the caller see a network error while the transfer exists.
   */
  dropResponses: number;
  close(): Promise<void>;
}

function id(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x').slice(0, 16)}`;
}

/** Parses Stripe's form encoding, including `metadata[key]=value`. */
function parseForm(body: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const m = /^([^[]+)\[([^\]]+)\]$/.exec(key);
    if (m) {
      const obj = (out[m[1]] as Record<string, string> | undefined) ?? {};
      obj[m[2]] = value;
      out[m[1]] = obj;
    } else out[key] = value;
  }
  return out;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startStripeContractServer(options: { secretKey?: string } = {}): Promise<StripeContractServer> {
  const secretKey = options.secretKey ?? 'sk_test_openprm_local';
  const stored = new Map<string, { params: string; status: number; body: unknown }>();
  const state: Omit<StripeContractServer, 'url' | 'close'> = { transfers: [], requests: [], balance: { usd: 10_000_000, eur: 10_000_000, gbp: 10_000_000 }, failNext: null, dropResponses: 0 };

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    if (res.req.method === 'POST' && state.dropResponses > 0) {
      state.dropResponses -= 1;
      res.req.socket.destroy();
      return;
    }
    res.writeHead(status, { 'content-type': 'application/json', 'request-id': id('req'), ...headers });
    res.end(JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, type: string, message: string, code?: string, param?: string) =>
    send(res, status, { error: { type, message, ...(code ? { code } : {}), ...(param ? { param } : {}) } });

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const auth = req.headers.authorization ?? '';
    if (auth !== `Bearer ${secretKey}`) return error(res, 401, 'invalid_request_error', `Invalid API Key provided: ${auth.slice(7, 15)}****`);
    if (req.method === 'GET' && url.pathname.startsWith('/v1/transfers/')) {
      const t = state.transfers.find((x) => x.id === url.pathname.slice('/v1/transfers/'.length));
      return t ? send(res, 200, t) : error(res, 404, 'invalid_request_error', 'No such transfer', 'resource_missing', 'id');
    }
    if (req.method !== 'POST' || url.pathname !== '/v1/transfers') return error(res, 404, 'invalid_request_error', `Unrecognized request URL (${req.method}: ${url.pathname})`);
    if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) return error(res, 400, 'invalid_request_error', 'Expected a form-encoded body');
    const raw = await readBody(req);
    const key = (req.headers['idempotency-key'] as string | undefined) ?? null;
    if (key) {
      const prior = stored.get(key);
      if (prior) {
        state.requests.push({ path: url.pathname, idempotencyKey: key, replayed: true });
        if (prior.params !== raw) {
          return error(res, 400, 'idempotency_error', `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`);
        }
        return send(res, prior.status, prior.body, { 'idempotent-replayed': 'true', 'idempotency-key': key });
      }
    }
    state.requests.push({ path: url.pathname, idempotencyKey: key, replayed: false });
    const remember = (status: number, body: unknown) => {
      if (key) stored.set(key, { params: raw, status, body });
    };
    const p = parseForm(raw);
    const amount = Number(p.amount);
    const currency = String(p.currency ?? '');
    const destination = String(p.destination ?? '');
    const invalid = (message: string, param: string) => {
      const body = { error: { type: 'invalid_request_error', message, param } };
      remember(400, body);
      return send(res, 400, body);
    };
    if (!Number.isInteger(amount) || amount < 1) return invalid('This value must be greater than or equal to 1.', 'amount');
    if (!/^[a-z]{3}$/.test(currency)) return invalid('Invalid currency', 'currency');
    if (!destination.startsWith('acct_')) return invalid(`No such destination: '${destination}'`, 'destination');
    if (state.failNext) {
      const f = state.failNext;
      state.failNext = null;
      const body = { error: { type: f.type, message: f.message, ...(f.code ? { code: f.code } : {}) } };
      remember(f.status, body);
      return send(res, f.status, body);
    }
    if ((state.balance[currency] ?? 0) < amount) {
      const body = {
        error: {
          type: 'invalid_request_error',
          code: 'balance_insufficient',
          message: 'You have insufficient available funds in your Stripe account. Try adding funds directly to your available balance by creating Charges using the 4000000000000077 test card.',
        },
      };
      remember(400, body);
      return send(res, 400, body);
    }
    state.balance[currency] -= amount;
    const trId = id('tr');
    const transfer: StripeTransfer = {
      id: trId,
      object: 'transfer',
      amount,
      amount_reversed: 0,
      balance_transaction: id('txn'),
      created: Math.floor(Date.now() / 1000),
      currency,
      description: (p.description as string | undefined) ?? null,
      destination,
      destination_payment: id('py'),
      livemode: false,
      metadata: (p.metadata as Record<string, string> | undefined) ?? {},
      reversals: { object: 'list', data: [], has_more: false, url: `/v1/transfers/${trId}/reversals` },
      reversed: false,
      source_transaction: null,
      source_type: 'card',
      transfer_group: (p.transfer_group as string | undefined) ?? null,
    };
    state.transfers.push(transfer);
    remember(200, transfer);
    return send(res, 200, transfer, key ? { 'idempotency-key': key } : {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
