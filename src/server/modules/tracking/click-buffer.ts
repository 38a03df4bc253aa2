import { sql } from 'drizzle-orm';
import type { Db } from '../../platform/db.ts';
import type { Logger } from '../../platform/logger.ts';

/** A counted click, as the redirect hands it to the buffer. */
export interface ClickRow {
  id: string;
  workspaceId: string;
  linkId: string;
  programId: string;
  partnerId: string;
  visitorId: string;
  ip: string | null;
  userAgent: string | null;
  referer: string | null;
  occurredAt: Date;
}

interface DailyCounter {
  workspaceId: string;
  linkId: string;
  partnerId: string;
  programId: string;
  day: string;
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


/**
 * The click recorder of the redirect hot path: clicks go to memory and are written in batches
 * (multi-row INSERT + per-day counter upserts, in one transaction) every `flushMs` or every
 * `batchSize` clicks, never before the redirect answers. `close()` writes everything left.
 */
export class ClickBuffer {
  private rows: ClickRow[] = [];
  private counters = new Map<string, DailyCounter>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
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
    return this.rows.length;
  }

  /** Counts a redirect: `row` is set for a counted (unique, human) click, null for a repeat or a bot. */
  add(counter: { workspaceId: string; linkId: string; partnerId: string; programId: string; at: Date; unique: boolean; bot: boolean }, row: ClickRow | null): void {
    const dayNumber = Math.floor(counter.at.getTime() / 86_400_000);
    const key = `${counter.linkId}|${dayNumber}`;
    let c = this.counters.get(key);
    if (!c) {
      const day = new Date(dayNumber * 86_400_000).toISOString().slice(0, 10);
      c = { workspaceId: counter.workspaceId, linkId: counter.linkId, partnerId: counter.partnerId, programId: counter.programId, day, total: 0, unique: 0, bot: 0 };
      this.counters.set(key, c);
    }
    if (counter.bot) c.bot++;
    else {
      c.total++;
      if (counter.unique) c.unique++;
    }
    if (row) {
      this.stats.recorded++;
      this.rows.push(row);
      if (this.rows.length > this.maxPending) {
        const over = this.rows.length - this.maxPending;
        this.rows.splice(0, over);
        this.stats.dropped += over;
        this.log.warn({ dropped: over, maxPending: this.maxPending }, 'click buffer full: dropped the oldest clicks');
      }
    }
    if (this.closed) return;
    if (this.rows.length >= this.batchSize) this.kick();
    else if (!this.timer) {
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
    if (this.rows.length === 0 && this.counters.size === 0) return;
    this.flushing = this.writeBatch().finally(() => {
      this.flushing = null;
    });
    await this.flushing;
  }

  private async writeBatch(): Promise<void> {
    const rows = this.rows;
    const counters = this.counters;
    this.rows = [];
    this.counters = new Map();
    try {
      // One JSON parameter per statement (json_populate_recordset): no per-row parameters to build or bind.
      const clicks = JSON.stringify(
        rows.map((r) => ({
          id: r.id,
          workspace_id: r.workspaceId,
          link_id: r.linkId,
          program_id: r.programId,
          partner_id: r.partnerId,
          visitor_id: r.visitorId,
          ip: r.ip,
          user_agent: r.userAgent,
          referer: r.referer,
          occurred_at: r.occurredAt.toISOString(),
        })),
      );
      const daily = JSON.stringify([...counters.values()].map((c) => [c.workspaceId, c.linkId, c.day, c.partnerId, c.programId, c.total, c.unique, c.bot]));
      await this.db.transaction(async (tx) => {
        if (rows.length > 0) {
          await tx.execute(sql`insert into click (id, workspace_id, link_id, program_id, partner_id, visitor_id, ip, user_agent, referer, occurred_at)
            select id, workspace_id, link_id, program_id, partner_id, visitor_id, ip, user_agent, referer, occurred_at
            from json_populate_recordset(null::click, ${clicks}::json)
            on conflict (id) do nothing`);
        }
        if (counters.size > 0) {
          await tx.execute(sql`insert into click_daily (workspace_id, link_id, day, partner_id, program_id, total, unique_clicks, bot)
            select d->>0, d->>1, (d->>2)::date, d->>3, d->>4, (d->>5)::int, (d->>6)::int, (d->>7)::int from json_array_elements(${daily}::json) as d
            on conflict (link_id, day) do update set total = click_daily.total + excluded.total,
              unique_clicks = click_daily.unique_clicks + excluded.unique_clicks, bot = click_daily.bot + excluded.bot`);
        }
      });
      this.stats.written += rows.length;
    } catch (error) {
      // Keep them for the next flush (bounded by maxPending); the database may be back by then.
      this.stats.failedFlushes++;
      this.log.error({ err: error, clicks: rows.length }, 'click flush failed; will retry');
      this.rows = rows.concat(this.rows);
      for (const [key, c] of counters) {
        const now = this.counters.get(key);
        if (now) {
          now.total += c.total;
          now.unique += c.unique;
          now.bot += c.bot;
        } else this.counters.set(key, c);
      }
      if (this.rows.length > this.maxPending) {
        const over = this.rows.length - this.maxPending;
        this.rows.splice(0, over);
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
    for (let attempt = 0; attempt < 3 && (this.rows.length > 0 || this.counters.size > 0 || this.flushing); attempt++) {
      try {
        await this.flush();
      } catch {
        // logged in writeBatch; retried below
      }
    }
    if (this.rows.length > 0) this.log.error({ lost: this.rows.length }, 'click buffer closed with clicks it could not write');
  }
}
