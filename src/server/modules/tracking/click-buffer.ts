import { sql } from 'drizzle-orm';
import type { Db } from '../../platform/db.ts';
import type { Logger } from '../../platform/logger.ts';

/** The link a click is counted on (what the click row and the day counter copy from it). */
export interface ClickLink {
  id: string;
  workspaceId: string;
  programId: string;
  partnerId: string;
}

interface DailyCounter {
  link: ClickLink;
  dayNumber: number;
  total: number;
  unique: number;
  bot: number;
}

export interface ClickBufferOptions {
  /** Flush at least this often (ms). */
  flushMs?: number;
  /** Flush as soon as this many clicks wait. */
  batchSize?: number;
  /**
   * At most this many clicks wait in memory (e.g. while the database is down); beyond it the oldest
   * are dropped and counted in `stats.dropped`. This bounds what a crash can lose.
   */
  maxPending?: number;
}

const DAY_MS = 86_400_000;

/**
 * Clicks waiting for the next flush, one array per column: recording a click pushes its values
 * (no object per click), and the flush turns each column into one PostgreSQL array literal. The
 * link columns (workspace, link, program, partner) and the user agent repeat from click to
 * click, so each is written once per batch in a small dictionary and the clicks carry its
 * 1-based position: less text to build here and to parse in the database.
 */
class Columns {
  ids: string[] = [];
  linkOf: number[] = [];
  visitors: string[] = [];
  ips: (string | null)[] = [];
  agentOf: number[] = [];
  referers: (string | null)[] = [];
  atMs: number[] = [];
  readonly links: ClickLink[] = [];
  readonly agents: (string | null)[] = [];
  private readonly linkIndex = new Map<ClickLink, number>();
  private readonly agentIndex = new Map<string | null, number>();

  get length(): number {
    return this.ids.length;
  }

  push(link: ClickLink, atMs: number, id: string, visitorId: string, ip: string | null, userAgent: string | null, referer: string | null): void {
    let l = this.linkIndex.get(link);
    if (l === undefined) {
      l = this.links.push(link);
      this.linkIndex.set(link, l);
    }
    let a = this.agentIndex.get(userAgent);
    if (a === undefined) {
      a = this.agents.push(userAgent);
      this.agentIndex.set(userAgent, a);
    }
    this.ids.push(id);
    this.linkOf.push(l);
    this.visitors.push(visitorId);
    this.ips.push(ip);
    this.agentOf.push(a);
    this.referers.push(referer);
    this.atMs.push(atMs);
  }

  /** `older`'s clicks, then `newer`'s (a failed batch goes back before what came after it). */
  static concat(older: Columns, newer: Columns): Columns {
    const out = new Columns();
    for (const c of [older, newer]) {
      for (let i = 0; i < c.length; i++) {
        out.push(c.links[c.linkOf[i] - 1], c.atMs[i], c.ids[i], c.visitors[i], c.ips[i], c.agents[c.agentOf[i] - 1], c.referers[i]);
      }
    }
    return out;
  }

  /** Forgets the oldest `n` clicks (the dictionaries keep their entries; unused ones write nothing). */
  dropOldest(n: number): void {
    this.ids.splice(0, n);
    this.linkOf.splice(0, n);
    this.visitors.splice(0, n);
    this.ips.splice(0, n);
    this.agentOf.splice(0, n);
    this.referers.splice(0, n);
    this.atMs.splice(0, n);
  }
}

const NEEDS_ESCAPE = /["\\]/;
const ESCAPED = /["\\]/g;

/** A text[] literal (`{"a","b",NULL}`): every element quoted, `"` and `\` escaped. */
export function textArrayLiteral(values: readonly (string | null)[]): string {
  if (values.length === 0) return '{}';
  if (!values.includes(null) && !NEEDS_ESCAPE.test(values.join(''))) {
    // Ids and the like: one scan of all the values, one join; element by element only when something needs escaping.
    return `{"${values.join('","')}"}`;
  }
  const parts = new Array<string>(values.length);
  let previous: string | null | undefined;
  let quoted = '';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    // Neighbours repeat (the same browser, address or no referrer): quote once.
    if (v !== previous) {
      previous = v;
      quoted = v === null ? 'NULL' : NEEDS_ESCAPE.test(v) ? `"${v.replace(ESCAPED, '\\$&')}"` : `"${v}"`;
    }
    parts[i] = quoted;
  }
  return `{${parts.join(',')}}`;
}

/**
 * The click recorder of the redirect hot path: clicks go to memory and are written in batches
 * every `flushMs` or every `batchSize` clicks, never before the redirect answers. A batch is one
 * statement (so atomic on its own): the click rows from one array parameter per column
 * (`unnest`), and the per-day counter upserts in the same statement. `close()` writes everything left.
 */
export class ClickBuffer {
  private cols = new Columns();
  private counters = new Map<string, DailyCounter>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private kicked = false;
  private closed = false;
  readonly flushMs: number;
  readonly batchSize: number;
  readonly maxPending: number;
  readonly stats = { recorded: 0, written: 0, dropped: 0, failedFlushes: 0 };

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    options: ClickBufferOptions = {},
  ) {
    this.flushMs = options.flushMs ?? 200;
    this.batchSize = options.batchSize ?? 2000;
    this.maxPending = options.maxPending ?? 100_000;
  }

  get pending(): number {
    return this.cols.length;
  }

  /** Counts a redirect that writes no row: a repeat within the dedupe hour, or a bot. */
  count(link: ClickLink, atMs: number, bot: boolean): void {
    const c = this.counterOf(link, atMs);
    if (bot) c.bot++;
    else c.total++;
    this.schedule();
  }

  /** Records a counted (unique, human) click: a `click` row, and +1 total and unique for the day. */
  record(link: ClickLink, atMs: number, clickId: string, visitorId: string, ip: string | null, userAgent: string | null, referer: string | null): void {
    const c = this.counterOf(link, atMs);
    c.total++;
    c.unique++;
    const cols = this.cols;
    cols.push(link, atMs, clickId, visitorId, ip, userAgent, referer);
    this.stats.recorded++;
    if (cols.length > this.maxPending) {
      const over = cols.length - this.maxPending;
      cols.dropOldest(over);
      this.stats.dropped += over;
      this.log.warn({ dropped: over, maxPending: this.maxPending }, 'click buffer full: dropped the oldest clicks');
    }
    this.schedule();
  }

  private counterOf(link: ClickLink, atMs: number): DailyCounter {
    return this.counterFor(link, Math.floor(atMs / DAY_MS));
  }

  /** The day's counter of the link (keyed by the link id alone for its first day in the batch: no key string per click). */
  private counterFor(link: ClickLink, dayNumber: number): DailyCounter {
    let c = this.counters.get(link.id);
    if (c === undefined || c.dayNumber !== dayNumber) {
      const key = c === undefined ? link.id : `${link.id}|${dayNumber}`;
      c = this.counters.get(key);
      if (c === undefined) {
        c = { link, dayNumber, total: 0, unique: 0, bot: 0 };
        this.counters.set(key, c);
      }
    }
    return c;
  }

  private schedule(): void {
    if (this.closed) return;
    if (this.cols.length >= this.batchSize) {
      // After the current I/O callbacks (the redirect that filled the batch answers first).
      if (!this.kicked) {
        this.kicked = true;
        setImmediate(() => {
          this.kicked = false;
          this.kick();
        });
      }
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.kick();
      }, this.flushMs);
      this.timer.unref();
    }
  }

  private kick(): void {
    this.flush().catch(() => {}); // a failed flush is logged and retried by writeBatch
  }

  /** Writes what waits now; concurrent callers share the flush in flight, then write what came after it. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing.catch(() => {});
    if (this.cols.length === 0 && this.counters.size === 0) return;
    this.flushing = this.writeBatch().finally(() => {
      this.flushing = null;
    });
    await this.flushing;
  }

  private async writeBatch(): Promise<void> {
    const cols = this.cols;
    const counters = this.counters;
    this.cols = new Columns();
    this.counters = new Map();
    try {
      const n = cols.length;
      const ints = (values: number[]) => `{${values.join(',')}}`;
      const daily = JSON.stringify(
        [...counters.values()].map((c) => [
          c.link.workspaceId,
          c.link.id,
          new Date(c.dayNumber * DAY_MS).toISOString().slice(0, 10),
          c.link.partnerId,
          c.link.programId,
          c.total,
          c.unique,
          c.bot,
        ]),
      );
      // One statement: the click rows (one array parameter per column, no per-row parameters to
      // bind or JSON to parse; links and user agents by their place in a per-batch dictionary)
      // and the day counters, atomic together without a transaction block.
      await this.db.execute(sql`with clicks as (
          insert into click (id, workspace_id, link_id, program_id, partner_id, visitor_id, ip, user_agent, referer, occurred_at)
          select c.id, l.workspace_id, l.link_id, l.program_id, l.partner_id, c.visitor_id, c.ip, a.user_agent, c.referer,
            timestamptz 'epoch' + c.at_ms * interval '1 millisecond'
          from unnest(${textArrayLiteral(cols.ids)}::text[], ${ints(cols.linkOf)}::int[], ${textArrayLiteral(cols.visitors)}::text[],
            ${textArrayLiteral(cols.ips)}::text[], ${ints(cols.agentOf)}::int[], ${textArrayLiteral(cols.referers)}::text[], ${ints(cols.atMs)}::float8[])
            as c(id, link_n, visitor_id, ip, agent_n, referer, at_ms)
          join unnest(${textArrayLiteral(cols.links.map((l) => l.workspaceId))}::text[], ${textArrayLiteral(cols.links.map((l) => l.id))}::text[],
            ${textArrayLiteral(cols.links.map((l) => l.programId))}::text[], ${textArrayLiteral(cols.links.map((l) => l.partnerId))}::text[])
            with ordinality as l(workspace_id, link_id, program_id, partner_id, n) on l.n = c.link_n
          join unnest(${textArrayLiteral(cols.agents)}::text[]) with ordinality as a(user_agent, n) on a.n = c.agent_n
          on conflict (id) do nothing
          returning 1
        )
        insert into click_daily (workspace_id, link_id, day, partner_id, program_id, total, unique_clicks, bot)
        select d->>0, d->>1, (d->>2)::date, d->>3, d->>4, (d->>5)::int, (d->>6)::int, (d->>7)::int from json_array_elements(${daily}::json) as d
        on conflict (link_id, day) do update set total = click_daily.total + excluded.total,
          unique_clicks = click_daily.unique_clicks + excluded.unique_clicks, bot = click_daily.bot + excluded.bot`);
      this.stats.written += n;
    } catch (error) {
      // Keep them for the next flush (bounded by maxPending); the database may be back by then.
      // A retried batch whose rows did land after all is harmless: `on conflict (id) do nothing`.
      this.stats.failedFlushes++;
      this.log.error({ err: error, clicks: cols.length }, 'click flush failed; will retry');
      this.cols = Columns.concat(cols, this.cols);
      for (const c of counters.values()) {
        const now = this.counterFor(c.link, c.dayNumber);
        now.total += c.total;
        now.unique += c.unique;
        now.bot += c.bot;
      }
      if (this.cols.length > this.maxPending) {
        const over = this.cols.length - this.maxPending;
        this.cols.dropOldest(over);
        this.stats.dropped += over;
      }
      if (!this.closed && !this.timer) {
        this.timer = setTimeout(() => {
          this.timer = null;
          this.kick();
        }, Math.max(this.flushMs, 1000));
        this.timer.unref();
      }
      throw error;
    }
  }

  /** Stops the timer and writes everything left (graceful shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (let attempt = 0; attempt < 3 && (this.cols.length > 0 || this.counters.size > 0 || this.flushing); attempt++) {
      try {
        await this.flush();
      } catch {
        // logged in writeBatch; retried below
      }
    }
    if (this.cols.length > 0) this.log.error({ lost: this.cols.length }, 'click buffer closed with clicks it could not write');
  }
}
