import type { ListEventsQuery, RunEvent, RunStreamEvent } from '../api-types.ts';
import type { CallOptions } from '../client-options.ts';
import { apiPath, type Transport } from '../http/transport.ts';
import { PageIterator } from '../pagination.ts';
import { followRun, type FollowRunOptions } from '../runs/follow-run.ts';

/** A run's events (`/v1/runs/{runId}/events`): what happened, in order. */
export class EventsResource {
  readonly #transport: Transport;

  /** @internal built by the client */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /**
   * The events recorded so far with `seq` greater than `after` (default 0), in order, read
   * `limit` at a time. Ends at the last one recorded now; to wait for more, {@link follow}.
   */
  list(runId: string, query: ListEventsQuery = {}, options: CallOptions = {}): PageIterator<RunEvent> {
    // The API pages events by `seq` (`after`, `hasMore`): the cursor is the last seq read.
    return new PageIterator(
      async (cursor, signal) => {
        const page = await this.#transport.json<{ items: RunEvent[]; hasMore: boolean }>({
          method: 'GET',
          path: apiPath`/v1/runs/${runId}/events`,
          query: { ...query, after: cursor ?? query.after },
          signal,
        });
        const last = page.items.at(-1);
        return { items: page.items, nextCursor: page.hasMore && last ? String(last.seq) : null };
      },
      undefined,
      options.signal,
    );
  }

  /** The run's events live, as `runs.follow`. */
  follow(runId: string, options: FollowRunOptions = {}): AsyncGenerator<RunStreamEvent, void, undefined> {
    return followRun(this.#transport, runId, options);
  }
}
