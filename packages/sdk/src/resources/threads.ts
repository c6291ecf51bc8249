import type {
  CreateThreadRequest,
  ForkThreadRequest,
  ListThreadEventsQuery,
  ListThreadMessagesQuery,
  ListThreadRunsQuery,
  ListThreadsQuery,
  Run,
  RunEvent,
  RunStreamEvent,
  StartThreadRunRequest,
  Thread,
  ThreadMessage,
  UpdateThreadRequest,
} from '../api-types.ts';
import type { CallOptions } from '../client-options.ts';
import { apiPath, type Transport } from '../http/transport.ts';
import { PageIterator, type Page } from '../pagination.ts';
import { createRunRequest, type CreatedRun, type CreateRunOptions } from '../runs/create-run-request.ts';
import { followThread, type FollowThreadOptions } from '../threads/follow-thread.ts';

/** Filters and page size of {@link ThreadsResource.list}. */
export interface ListThreadsFilter extends Omit<ListThreadsQuery, 'metadata'> {
  /** Threads whose metadata has every one of these pairs (sent as repeated `metadata=key=value`). */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** Where a list starts: a `nextCursor` of an earlier page. */
type ListOptions = CallOptions & { readonly cursor?: string };

/**
 * Threads (`/v1/threads`): conversations whose runs are their turns. Each turn's agent sees
 * the earlier turns; a thread's messages, runs and events are read here, and it can be
 * forked to try another path from any message (docs/threads.md).
 *
 * @example
 * const thread = await client.threads.create({ metadata: { userId: 'u-42' } });
 * const { run } = await client.threads.startRun(thread.id, { agentId, input: 'my name is Ada' });
 * await client.runs.wait(run.id);
 * for await (const { message } of client.threads.messages(thread.id)) console.log(message.role, message.content);
 */
export class ThreadsResource {
  readonly #transport: Transport;

  /** @internal built by the client */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /** Creates an empty thread, with string labels to find it by. */
  create(body: CreateThreadRequest = {}, options: CallOptions = {}): Promise<Thread> {
    return this.#transport.json({ method: 'POST', path: '/v1/threads', json: body, signal: options.signal });
  }

  /** The thread as it is now: its `status` (read from its runs), `messageCount`, `forkedFrom`. */
  get(threadId: string, options: CallOptions = {}): Promise<Thread> {
    return this.#transport.json({ method: 'GET', path: apiPath`/v1/threads/${threadId}`, signal: options.signal });
  }

  /** The tenant's threads, newest first, page by page; by status, and by metadata pairs (all must match). */
  list(filter: ListThreadsFilter = {}, options: ListOptions = {}): PageIterator<Thread> {
    const { metadata, ...rest } = filter;
    const pairs = Object.entries(metadata ?? {}).map(([key, value]) => `${key}=${value}`);
    return new PageIterator(
      (cursor, signal) =>
        this.#transport.json<Page<Thread>>({
          method: 'GET',
          path: '/v1/threads',
          query: { ...rest, metadata: pairs.length > 0 ? pairs : undefined, cursor },
          signal,
        }),
      options.cursor,
      options.signal,
    );
  }

  /** Merges `metadata` into the thread's (JSON merge patch: a null value removes its key). */
  update(threadId: string, body: UpdateThreadRequest, options: CallOptions = {}): Promise<Thread> {
    return this.#transport.json({
      method: 'PATCH',
      path: apiPath`/v1/threads/${threadId}`,
      json: body,
      signal: options.signal,
    });
  }

  /**
   * Deletes the thread, its messages and its LangGraph checkpoints; its runs stay readable by
   * id. 409 `thread_busy` while one of its runs has not ended.
   */
  delete(threadId: string, options: CallOptions = {}): Promise<void> {
    return this.#transport.empty({ method: 'DELETE', path: apiPath`/v1/threads/${threadId}`, signal: options.signal });
  }

  /**
   * The thread's conversation, oldest first unless `order: 'desc'`, page by page. A turn's
   * messages join when its run ends.
   */
  messages(
    threadId: string,
    query: ListThreadMessagesQuery = {},
    options: ListOptions = {},
  ): PageIterator<ThreadMessage> {
    return new PageIterator(
      (cursor, signal) =>
        this.#transport.json<Page<ThreadMessage>>({
          method: 'GET',
          path: apiPath`/v1/threads/${threadId}/messages`,
          query: { ...query, cursor },
          signal,
        }),
      options.cursor,
      options.signal,
    );
  }

  /**
   * Runs the thread's next turn: `input` is the user's next message, and the agent sees the
   * turns before it. A run of the thread that has not ended is handled by `multitaskStrategy`
   * (default `reject`: 409 `thread_busy`). Idempotent like `runs.create`: the request carries
   * an `Idempotency-Key` (yours, or a random one).
   */
  startRun(threadId: string, body: StartThreadRunRequest, options: CreateRunOptions = {}): Promise<CreatedRun> {
    return createRunRequest(this.#transport, apiPath`/v1/threads/${threadId}/runs`, body, options);
  }

  /** The thread's runs, newest first, page by page; filter by status. */
  runs(threadId: string, query: ListThreadRunsQuery = {}, options: ListOptions = {}): PageIterator<Run> {
    return new PageIterator(
      (cursor, signal) =>
        this.#transport.json<Page<Run>>({
          method: 'GET',
          path: apiPath`/v1/threads/${threadId}/runs`,
          query: { ...query, cursor },
          signal,
        }),
      options.cursor,
      options.signal,
    );
  }

  /**
   * A new thread holding this one's conversation up to message `seq`, up to the end of run
   * `runId`'s turn, or all of it (neither), to try another path from there. The source is
   * untouched; messages are shared, not copied.
   */
  fork(threadId: string, body: ForkThreadRequest = {}, options: CallOptions = {}): Promise<Thread> {
    return this.#transport.json({
      method: 'POST',
      path: apiPath`/v1/threads/${threadId}/fork`,
      json: body,
      signal: options.signal,
    });
  }

  /**
   * The stored events of the thread's runs, run after run, recorded so far, after `after`
   * (`<runId>/<seq>`, default: from the first run), `limit` at a time. To wait for more, {@link follow}.
   */
  events(threadId: string, query: ListThreadEventsQuery = {}, options: CallOptions = {}): PageIterator<RunEvent> {
    // The API pages a thread's events by position (`after`, `nextAfter`): the cursor is that position.
    return new PageIterator(
      async (cursor, signal) => {
        const page = await this.#transport.json<{ items: RunEvent[]; nextAfter: string | null }>({
          method: 'GET',
          path: apiPath`/v1/threads/${threadId}/events`,
          query: { ...query, after: cursor ?? query.after },
          signal,
        });
        return { items: page.items, nextCursor: page.nextAfter };
      },
      undefined,
      options.signal,
    );
  }

  /**
   * Follows the thread live across its runs: each run's events, once and in order, with its
   * model text deltas (`type: 'model.delta'`), one run after another; every item carries its
   * `runId`. The stream stays open between runs, so the iteration ends only when you break out
   * of it or abort its signal. A dropped connection is resumed where it broke
   * (`Last-Event-ID`), the text of a step in flight included.
   *
   * @example
   * for await (const event of client.threads.follow(thread.id, { signal })) {
   *   if (event.type === 'model.delta') process.stdout.write(event.text);
   *   else if (event.type === 'run.succeeded') console.log(`\nturn ${event.runId} done`);
   * }
   */
  follow(threadId: string, options: FollowThreadOptions = {}): AsyncGenerator<RunStreamEvent, void, undefined> {
    return followThread(this.#transport, threadId, options);
  }
}
