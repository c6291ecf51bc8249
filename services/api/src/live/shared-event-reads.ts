import { listRunEvents, type Database, type RunCache, type RunEvent, type RunStatus } from '@agent-runtime/core';
import type { Kysely } from 'kysely';

/** What one read of a run's stored events found. */
export interface RunEventPage {
  /** The run's status, read before the events: if it was terminal, its terminal event is in them. */
  readonly status: RunStatus;
  /** Events with `seq` greater than the read's `after`, in order, at most a page. */
  readonly events: readonly RunEvent[];
  /** Whether the page was full, so that more events may follow its last one. */
  readonly full: boolean;
}

/** What {@link SharedRunEventReads} reads with. */
export interface SharedRunEventReadsOptions {
  readonly db: Kysely<Database>;
  readonly runCache: RunCache;
  /** Events read per query. @default 500 */
  readonly pageSize?: number;
}

/**
 * Reads of a run's stored events, shared by the streams of this process that need the same
 * read at the same time. Every stream of a run reads the database when it opens, when it sees
 * a gap, on a resync from the bus and after a silence; the streams of one run do it together
 * (a thousand clients open at once, a bus that reconnects, a catch-up timer started by one
 * event), and one query per stream then queues behind the connection pool, holding every
 * stream's live events back. One query answers all of them instead.
 *
 * A read answers only the readers that asked before it began, so a reader always gets
 * everything committed before it asked (what a stream's subscribe-then-read order relies on):
 * a reader that asks while the same read is in flight waits for it and then for a new one,
 * which every reader arriving meanwhile shares. Readers share a read when they ask for the
 * same run after the same `seq` (the streams of a run are mostly at the same place).
 */
export class SharedRunEventReads {
  readonly #db: Kysely<Database>;
  readonly #runCache: RunCache;
  readonly #pageSize: number;
  /** By run and `after`: the read not begun yet, that new readers join. */
  readonly #waiting = new Map<string, PromiseWithResolvers<RunEventPage>>();
  /** By run and `after`: the read in flight, after which the waiting one begins. */
  readonly #running = new Map<string, Promise<void>>();

  constructor(options: SharedRunEventReadsOptions) {
    this.#db = options.db;
    this.#runCache = options.runCache;
    this.#pageSize = options.pageSize ?? 500;
  }

  /** Events read per query: a page with fewer is the run's last so far. */
  get pageSize(): number {
    return this.#pageSize;
  }

  /**
   * The tenant's run's status, then its events after `after` (a page), as of a moment after
   * this call. Rejects as the reads do (e.g. a `NotFoundError` for another tenant's run).
   */
  read(tenantId: string, runId: string, after: number): Promise<RunEventPage> {
    const key = `${tenantId}/${runId}/${after}`;
    const waiting = this.#waiting.get(key);
    if (waiting) return waiting.promise;
    const page = Promise.withResolvers<RunEventPage>();
    const previous = this.#running.get(key);
    const done = Promise.withResolvers<void>();
    // Readers of the same tick join before the query goes out.
    void (previous ?? new Promise<void>((resolve) => setImmediate(resolve))).then(async () => {
      this.#waiting.delete(key);
      this.#running.set(key, done.promise);
      try {
        const { status } = await this.#runCache.getRun(tenantId, runId);
        const events = await listRunEvents(this.#db, tenantId, runId, { after, limit: this.#pageSize });
        page.resolve({ status, events, full: events.length === this.#pageSize });
      } catch (error) {
        page.reject(error);
      } finally {
        if (this.#running.get(key) === done.promise) this.#running.delete(key);
        done.resolve();
      }
    });
    this.#waiting.set(key, page);
    return page.promise;
  }
}
