import { randomBytes } from 'node:crypto';
import { and, eq, isNotNull } from 'drizzle-orm';
import { isbot } from 'isbot';
import { LRUCache } from 'lru-cache';
import { now } from '../../platform/clock.ts';
import type { Db } from '../../platform/db.ts';
import type { Logger } from '../../platform/logger.ts';
import { ClickBuffer, type ClickBufferOptions } from './click-buffer.ts';
import { link } from './schema.ts';

/** What the redirect needs of a link, kept in the in-process cache. */
export interface CachedLink {
  id: string;
  workspaceId: string;
  programId: string;
  partnerId: string;
  customDomain: string | null;
  /** Destination with the link's UTM / custom parameters merged in, split for the redirect. */
  prepared: PreparedTarget;
}

/** One request to the redirect, independent of the HTTP layer (node:http fast path or Hono). */
export interface RedirectRequest {
  host: string;
  path: string;
  /** Raw query string without '?', '' when none. */
  search: string;
  cookie: string | undefined;
  userAgent: string | undefined;
  referer: string | undefined;
  ip: string | null;
  secure: boolean;
}

export interface RedirectAnswer {
  status: 302 | 404;
  headers: Record<string, string>;
  body: string;
}

export const CLICK_ID_PARAM = 'opc';
export const VISITOR_COOKIE = 'opv';
const DEDUPE_MS = 3_600_000;
const VISITOR_RE = /(?:^|;\s*)opv=([A-Za-z0-9_\-+/=.]{8,64})/;
const CODE_RE = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export interface TrackingRuntimeOptions {
  /** How many links the cache holds (entries, positive and negative). */
  cacheMax?: number;
  /** How long a cached link (or a "no such link") stays without a change event, ms. Bounds staleness across processes. */
  cacheTtlMs?: number;
  /** How many visitor × link pairs the dedupe remembers (for an hour each). */
  dedupeMax?: number;
  buffer?: ClickBufferOptions;
  /** The host names of OpenPRM itself; every other Host with links on it is a custom domain. */
  ownHosts?: string[];
}

const ULID_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
let idTimeMs = -1;
/** Character codes of the 10-character time part of the current millisecond. */
const idTime = new Array<number>(10).fill(48);
let pool = randomBytes(0);
let poolAt = 0;
const ULID_CODES = Array.from(ULID_ALPHABET, (ch) => ch.charCodeAt(0));

/**
 * A click id in the shape of `newId('click')` (clk_ + 26-character ULID), made without BigInt:
 * the time part is encoded once per millisecond and the 80 random bits come from a pooled buffer.
 * Built by one `String.fromCharCode`, so the id is one flat string (not a chain of concatenations
 * that every later join, hash or socket write would walk).
 */
export function fastClickId(ms = Date.now()): string {
  if (ms !== idTimeMs) {
    idTimeMs = ms;
    let t = ms;
    for (let i = 9; i >= 0; i--) {
      idTime[i] = ULID_CODES[t % 32];
      t = Math.floor(t / 32);
    }
  }
  if (poolAt + 10 > pool.length) {
    pool = randomBytes(10 * 1024);
    poolAt = 0;
  }
  // 80 bits as four 20-bit quarters, four characters each.
  const p = pool;
  const o = poolAt;
  poolAt += 10;
  const q0 = (p[o] << 12) | (p[o + 1] << 4) | (p[o + 2] >> 4);
  const q1 = ((p[o + 2] & 15) << 16) | (p[o + 3] << 8) | p[o + 4];
  const q2 = (p[o + 5] << 12) | (p[o + 6] << 4) | (p[o + 7] >> 4);
  const q3 = ((p[o + 7] & 15) << 16) | (p[o + 8] << 8) | p[o + 9];
  const C = ULID_CODES;
  const t = idTime;
  return String.fromCharCode(
    99, 108, 107, 95, // clk_
    t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7], t[8], t[9],
    C[q0 >> 15], C[(q0 >> 10) & 31], C[(q0 >> 5) & 31], C[q0 & 31],
    C[q1 >> 15], C[(q1 >> 10) & 31], C[(q1 >> 5) & 31], C[q1 & 31],
    C[q2 >> 15], C[(q2 >> 10) & 31], C[(q2 >> 5) & 31], C[q2 & 31],
    C[q3 >> 15], C[(q3 >> 10) & 31], C[(q3 >> 5) & 31], C[q3 & 31],
  );
}

const ULID_VALUE = new Map([...ULID_ALPHABET].map((ch, i) => [ch, i]));

/** The millisecond a `fastClickId` was made for (its ULID time part), NaN for another shape. */
export function clickIdTime(clickId: string): number {
  let ms = 0;
  for (let i = 4; i < 14; i++) {
    const v = ULID_VALUE.get(clickId[i]);
    if (v === undefined) return Number.NaN;
    ms = ms * 32 + v;
  }
  return ms;
}

/** Merges the link's parameters into the destination (parameters already in the destination stay). */
export function buildTarget(destinationUrl: string, params: Record<string, string>): string {
  const url = new URL(destinationUrl);
  for (const [k, v] of Object.entries(params)) {
    if (!url.searchParams.has(k)) url.searchParams.set(k, v);
  }
  return url.toString();
}

/** The destination split once (base, encoded query, fragment), so each redirect only joins strings. */
export interface PreparedTarget {
  /** Scheme, host and path (no query, no fragment). */
  base: string;
  /** The encoded query of the target without '?', '' when none. */
  query: string;
  hash: string;
  /** The last incoming query string merged into this target, and the result (set on first use: most clicks of a link come with the same query). */
  lastIncoming?: string;
  lastMerged?: string;
}

export function prepareTarget(target: string): PreparedTarget {
  const url = new URL(target);
  const hash = url.hash;
  const query = url.search.slice(1);
  url.hash = '';
  url.search = '';
  return { base: url.toString(), query, hash };
}

const keyOf = (pair: string) => {
  const eq = pair.indexOf('=');
  return eq < 0 ? pair : pair.slice(0, eq);
};

/**
 * Target + the incoming query string (incoming values win over the link's) + the click id, by
 * string joins: the incoming pairs are passed through as they came.
 */
export function redirectLocation(t: PreparedTarget, incoming: string, clickId: string | null): string {
  let query = t.query;
  if (incoming && incoming === t.lastIncoming) query = t.lastMerged as string;
  else if (incoming) {
    const extra: string[] = [];
    const keys = new Set<string>();
    for (const pair of incoming.split('&')) {
      if (!pair) continue;
      const key = keyOf(pair);
      if (key === CLICK_ID_PARAM) continue;
      keys.add(key);
      extra.push(pair);
    }
    const kept = query ? query.split('&').filter((p) => !keys.has(keyOf(p))) : [];
    query = kept.concat(extra).join('&');
    t.lastIncoming = incoming;
    t.lastMerged = query;
  }
  if (clickId) query = query ? `${query}&${CLICK_ID_PARAM}=${clickId}` : `${CLICK_ID_PARAM}=${clickId}`;
  return query ? `${t.base}?${query}${t.hash}` : `${t.base}${t.hash}`;
}

export function normalizeHost(host: string | undefined): string {
  if (!host) return '';
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.indexOf(':');
  return colon >= 0 ? h.slice(0, colon) : h;
}

const NOT_FOUND_HTML = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Link not found</title>
<style>body{font:16px/1.5 system-ui,sans-serif;color:#1f2937;background:#f9fafb;display:grid;place-items:center;min-height:100vh;margin:0}main{max-width:28rem;padding:2rem;text-align:center}h1{font-size:1.25rem;margin:0 0 .5rem}p{color:#6b7280;margin:0}</style></head>
<body><main><h1>This link doesn’t go anywhere (anymore)</h1><p>The referral link you followed is unknown or has been retired. Check the address, or ask the person who shared it for a new one.</p></main></body></html>`;

const REDIRECT_SECURITY_HEADERS = {
  'referrer-policy': 'strict-origin-when-cross-origin',
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
} as const;

/**
 * What the dedupe remembers of a counted click: its click id (which carries its time), followed,
 * for an entry keyed by address + browser, by the visitor id the cookie was set to. A string, not
 * an object: nothing more for the garbage collector to move per click.
 */
type Seen = string;
const CLICK_ID_LENGTH = 30; // clk_ + 26

/**
 * Visitor × link pairs seen recently, bounded to `max` entries: one Map in insertion (so click
 * time) order; when full, the oldest 1/64 go. A miss costs one lookup and one insert, less than
 * an LRU list; a pair counted again after the dedupe hour is re-inserted at the end.
 */
export class Dedupe {
  private readonly map = new Map<string, Seen>();
  private readonly evictBatch: number;

  constructor(readonly max: number) {
    this.evictBatch = Math.max(1, Math.floor(max / 64));
  }

  get size(): number {
    return this.map.size;
  }

  get(key: string): Seen | undefined {
    return this.map.get(key);
  }

  /** Remembers a new click of the pair (`replacing`: the pair had an older, expired entry). */
  set(key: string, value: Seen, replacing = false): void {
    if (replacing) this.map.delete(key);
    if (this.map.size >= this.max) {
      let n = this.evictBatch;
      for (const old of this.map.keys()) {
        this.map.delete(old);
        if (--n === 0) break;
      }
    }
    this.map.set(key, value);
  }
}

/**
 * The redirect's state: the bounded link cache, the per-visitor dedupe and the click buffer.
 * One per process (`services.tracking`); link changes in this process invalidate the cache at
 * once, other processes see them within `cacheTtlMs`.
 */
export class TrackingRuntime {
  readonly clicks: ClickBuffer;
  private readonly cache: LRUCache<string, CachedLink | false>;
  private readonly seen: Dedupe;
  private domains = new Set<string>();
  private domainsLoadedAt = 0;
  private domainsLoading: Promise<void> | null = null;
  private readonly ownHosts: Set<string>;
  readonly cacheMax: number;

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    options: TrackingRuntimeOptions = {},
  ) {
    this.cacheMax = options.cacheMax ?? 100_000;
    this.cache = new LRUCache({ max: this.cacheMax, ttl: options.cacheTtlMs ?? 60_000, updateAgeOnGet: false });
    this.seen = new Dedupe(options.dedupeMax ?? 200_000);
    this.clicks = new ClickBuffer(db, log, options.buffer);
    this.ownHosts = new Set((options.ownHosts ?? []).map(normalizeHost));
  }

  get cachedLinks(): number {
    return this.cache.size;
  }

  /** Forget a link (after create / update / archive); with no code, forget every link. */
  invalidate(code?: string): void {
    if (code === undefined) this.cache.clear();
    else {
      const c = code.toLowerCase();
      for (const key of [...this.cache.keys()]) if (key === c || key.endsWith(`\t${c}`)) this.cache.delete(key);
    }
    this.domainsLoadedAt = 0;
  }

  /** Puts a link in the cache (bench: memory of N cached links). */
  prime(code: string, entry: CachedLink): void {
    this.cache.set(code, entry);
  }

  private async loadDomains(): Promise<void> {
    const rows = await this.db.selectDistinct({ d: link.customDomain }).from(link).where(and(isNotNull(link.customDomain), eq(link.status, 'active')));
    this.domains = new Set(rows.map((r) => r.d as string));
    this.domainsLoadedAt = Date.now();
  }

  /** Whether `host` is a custom domain some link uses (list refreshed every 30 s and on change). */
  async isCustomDomain(rawHost: string | undefined): Promise<boolean> {
    const host = normalizeHost(rawHost);
    if (!host || this.ownHosts.has(host) || host === 'localhost' || host === '127.0.0.1') return false;
    if (Date.now() - this.domainsLoadedAt > 30_000) {
      this.domainsLoading ??= this.loadDomains()
        .catch((err) => this.log.error({ err }, 'loading custom link domains failed'))
        .finally(() => {
          this.domainsLoading = null;
        });
      if (this.domainsLoadedAt === 0) await this.domainsLoading;
    }
    return this.domains.has(host);
  }

  /** Custom domains known right now, without waiting (the node:http fast path). */
  knownCustomDomain(rawHost: string | undefined): boolean | null {
    const host = normalizeHost(rawHost);
    if (!host || this.ownHosts.has(host)) return false;
    if (this.domainsLoadedAt === 0 || Date.now() - this.domainsLoadedAt > 30_000) return null;
    return this.domains.has(host);
  }

  async lookup(code: string, domain: string | null): Promise<CachedLink | null> {
    const key = domain ? `${domain}\t${code}` : code;
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit || null;
    const [row] = await this.db
      .select({
        id: link.id,
        workspaceId: link.workspaceId,
        programId: link.programId,
        partnerId: link.partnerId,
        destinationUrl: link.destinationUrl,
        params: link.params,
        customDomain: link.customDomain,
        status: link.status,
      })
      .from(link)
      .where(domain ? and(eq(link.code, code), eq(link.customDomain, domain)) : eq(link.code, code));
    let entry: CachedLink | false = false;
    if (row && row.status === 'active') {
      try {
        entry = {
          id: row.id,
          workspaceId: row.workspaceId,
          programId: row.programId,
          partnerId: row.partnerId,
          customDomain: row.customDomain,
          prepared: prepareTarget(buildTarget(row.destinationUrl, row.params ?? {})),
        };
      } catch {
        entry = false;
      }
    }
    this.cache.set(key, entry);
    return entry || null;
  }

  /** Resolves the code of a path: `/r/{code}` everywhere, `/{code}` on a custom domain. */
  static codeOf(path: string, onCustomDomain: boolean): string | null {
    let rest: string;
    if (path.startsWith('/r/')) rest = path.slice(3);
    else if (onCustomDomain) rest = path.slice(1);
    else return null;
    if (rest.endsWith('/')) rest = rest.slice(0, -1);
    let code: string;
    try {
      code = decodeURIComponent(rest).toLowerCase();
    } catch {
      return null;
    }
    return CODE_RE.test(code) ? code : null;
  }

  /** The redirect itself: cache lookup, 302 (or the 404 page), the click counted in memory. */
  async redirect(req: RedirectRequest, onCustomDomain: boolean): Promise<RedirectAnswer> {
    const code = TrackingRuntime.codeOf(req.path, onCustomDomain);
    const domain = onCustomDomain ? normalizeHost(req.host) : null;
    return this.answer(req, code ? await this.lookup(code, domain) : null);
  }

  /**
   * The redirect without a promise when the link (or its absence) is cached, which is nearly
   * always: null when the database must be asked (then use `redirect`).
   */
  redirectCached(req: RedirectRequest, onCustomDomain: boolean): RedirectAnswer | null {
    const code = TrackingRuntime.codeOf(req.path, onCustomDomain);
    if (!code) return this.answer(req, null);
    const hit = this.cache.get(onCustomDomain ? `${normalizeHost(req.host)}\t${code}` : code);
    if (hit === undefined) return null;
    return this.answer(req, hit || null);
  }

  private answer(req: RedirectRequest, found: CachedLink | null): RedirectAnswer {
    if (!found) {
      return {
        status: 404,
        headers: { ...REDIRECT_SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8', 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'" },
        body: NOT_FOUND_HTML,
      };
    }
    const at = now().getTime();
    const headers: Record<string, string> = {
      'referrer-policy': REDIRECT_SECURITY_HEADERS['referrer-policy'],
      'x-content-type-options': REDIRECT_SECURITY_HEADERS['x-content-type-options'],
      'cache-control': REDIRECT_SECURITY_HEADERS['cache-control'],
      location: '',
    };
    const agent = this.agent(req.userAgent ?? '');
    if (agent.bot) {
      this.clicks.count(found, at, true);
      headers.location = redirectLocation(found.prepared, req.search, null);
      return { status: 302, headers, body: '' };
    }
    const ua = agent.ua;
    const cookieVisitor = req.cookie ? VISITOR_RE.exec(req.cookie)?.[1] : undefined;
    // Without the cookie (first visit, or a client that drops cookies), the address + browser stand in for the visitor.
    const dedupeKey = `${found.id}|${cookieVisitor ?? `~${req.ip ?? ''}|${ua}`}`;
    const prior = this.seen.get(dedupeKey);
    const priorAt = prior === undefined ? Number.NaN : clickIdTime(prior);
    let clickId: string;
    let visitorId: string;
    if (prior !== undefined && at - priorAt < DEDUPE_MS && at >= priorAt) {
      clickId = prior.length > CLICK_ID_LENGTH ? prior.slice(0, CLICK_ID_LENGTH) : prior;
      visitorId = cookieVisitor ?? prior.slice(CLICK_ID_LENGTH);
      this.clicks.count(found, at, false);
    } else {
      clickId = fastClickId(at);
      if (cookieVisitor) {
        visitorId = cookieVisitor;
        this.seen.set(dedupeKey, clickId, prior !== undefined);
      } else {
        visitorId = `v${randomBytes(12).toString('base64url')}`;
        this.seen.set(dedupeKey, clickId + visitorId, prior !== undefined);
        // The visitor comes back with the cookie we set now: same dedupe entry.
        this.seen.set(`${found.id}|${visitorId}`, clickId);
      }
      this.clicks.record(found, at, clickId, visitorId, req.ip, ua ? ua.slice(0, 512) : null, req.referer ? req.referer.slice(0, 1024) : null);
    }
    headers.location = redirectLocation(found.prepared, req.search, clickId);
    if (!cookieVisitor) {
      headers['set-cookie'] = `${VISITOR_COOKIE}=${visitorId}; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax${req.secure ? '; Secure' : ''}`;
    }
    return { status: 302, headers, body: '' };
  }

  private readonly agents = new Map<string, { bot: boolean; ua: string }>();
  /**
   * isbot's verdict, remembered per user agent string (a handful of strings make most traffic),
   * with the first copy of the string: buffered clicks keep that one, not one string per request.
   */
  private agent(ua: string): { bot: boolean; ua: string } {
    let known = this.agents.get(ua);
    if (known === undefined) {
      known = { bot: isbot(ua), ua };
      if (this.agents.size >= 5000) this.agents.clear();
      this.agents.set(ua, known);
    }
    return known;
  }

  /** Flushes the click buffer (graceful shutdown). */
  async close(): Promise<void> {
    await this.clicks.close();
  }
}
