// PROVISIONAL: threads are being built on another branch and are not in this API's document
// yet, so their shapes below are the few fields a client needs, written by hand. Once the
// threads routes are merged, run `npm run sdk:generate`, take `Thread`, `ThreadMessage` and the
// run body from api-types.ts, and drop this note. Use it only where
// `client.apiDocument.supports('/v1/threads')` says the API has threads.
import type { CreateRunRequest, Run } from '../api-types.ts';
import type { CallOptions } from '../client-options.ts';
import { apiPath, type Transport } from '../http/transport.ts';
import { PageIterator, type Page } from '../pagination.ts';
import type { CreateRunOptions } from './runs.ts';

/** A conversation: its messages and the state that carries between its runs (provisional shape). */
export interface Thread {
  readonly id: string;
  readonly [field: string]: unknown;
}

/** One message of a thread (provisional shape). */
export interface ThreadMessage {
  readonly role: string;
  readonly content: unknown;
  readonly [field: string]: unknown;
}

/** What happens when a run is started on a thread that already has one in flight. */
export type MultitaskStrategy = 'reject' | 'enqueue' | 'interrupt' | 'rollback';

/** The body of `POST /v1/threads/{threadId}/runs`: a run's body plus the double-texting strategy. */
export type StartThreadRunRequest = CreateRunRequest & { readonly multitaskStrategy?: MultitaskStrategy };

/** Threads (`/v1/threads`): multi-turn conversations whose runs share history. Provisional. */
export class ThreadsResource {
  readonly #transport: Transport;

  /** @internal built by the client */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /** Creates an empty thread. */
  create(body: Readonly<Record<string, unknown>> = {}, options: CallOptions = {}): Promise<Thread> {
    return this.#transport.json({ method: 'POST', path: '/v1/threads', json: body, signal: options.signal });
  }

  /** Starts the thread's next run (its input is the next user turn); idempotent like `runs.create`. */
  startRun(threadId: string, body: StartThreadRunRequest, options: CreateRunOptions = {}): Promise<Run> {
    return this.#transport.json({
      method: 'POST',
      path: apiPath`/v1/threads/${threadId}/runs`,
      json: body,
      headers: { 'idempotency-key': options.idempotencyKey ?? crypto.randomUUID() },
      idempotent: true,
      signal: options.signal,
    });
  }

  /** The thread's messages, oldest first, page by page. */
  messages(threadId: string, options: CallOptions & { cursor?: string } = {}): PageIterator<ThreadMessage> {
    return new PageIterator(
      (cursor, signal) =>
        this.#transport.json<Page<ThreadMessage>>({
          method: 'GET',
          path: apiPath`/v1/threads/${threadId}/messages`,
          query: { cursor },
          signal,
        }),
      options.cursor,
      options.signal,
    );
  }
}
