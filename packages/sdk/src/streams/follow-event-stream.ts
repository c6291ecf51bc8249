import { ConnectionError } from '../errors.ts';
import { sleep } from '../http/retry-policy.ts';
import type { Transport } from '../http/transport.ts';
import { readEventStream, type SseMessage } from '../sse/sse-parser.ts';

/** What a follower made of one message: an item to yield (or none), and whether the stream is complete. */
export interface StreamStep<Item> {
  readonly item?: Item;
  /** Nothing more will come: the follow ends after this message. */
  readonly done?: boolean;
}

/** A live event stream of the API, and how its messages are read. */
export interface EventStreamSource<Item> {
  /** The stream's path, parameters encoded. */
  readonly path: string;
  /** What the stream is of, for errors: `run <id>`, `thread <id>`. */
  readonly name: string;
  /** Where to resume from at the first connection: the id of the last message already seen. */
  readonly lastEventId?: string | undefined;
  /**
   * What it means when the API ends the stream by itself: that everything was sent (a run's
   * stream ends after its terminal event), or nothing (a thread's stream stays open between
   * runs, so an end is a break like any other, and the next connection says why).
   */
  readonly endedByServer: 'complete' | 'reconnect';
  /**
   * Reads one message. Undefined drops it (a repeat, or something this client does not know)
   * and leaves the resume position where it was; a step moves the position to the message's id.
   */
  read(message: SseMessage): StreamStep<Item> | undefined;
}

/** How a stream is followed through broken connections. */
export interface FollowStreamOptions {
  readonly signal?: AbortSignal | undefined;
  /** Connections in a row that may break without bringing a message. @default 10 */
  readonly maxReconnects?: number | undefined;
}

/** The pause before reconnect number `attempt` (1, 2, …): short at first, at most 5 s. */
function reconnectDelayMs(attempt: number): number {
  return Math.min(5_000, 50 * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
}

/**
 * Follows a server-sent event stream of the API through broken connections: each one is
 * opened again (after a short pause, the failure counted) with `Last-Event-ID` set to the id of
 * the last message read, so the API goes on from there and nothing is lost or repeated. The
 * API's messages carry ids for stored events and model text deltas alike, so the text of a
 * step in flight is resumed too. Refusals (a 404, a 403) are thrown as they are.
 */
export async function* followEventStream<Item>(
  transport: Transport,
  source: EventStreamSource<Item>,
  options: FollowStreamOptions = {},
): AsyncGenerator<Item, void, undefined> {
  const { signal } = options;
  const maxReconnects = options.maxReconnects ?? 10;
  let lastEventId = source.lastEventId;
  for (let failures = 0; ;) {
    let messages: AsyncGenerator<SseMessage, void, undefined> | undefined;
    try {
      const response = await transport.send({
        method: 'GET',
        path: source.path,
        headers: {
          accept: 'text/event-stream',
          ...(lastEventId === undefined ? {} : { 'last-event-id': lastEventId }),
        },
        signal,
      });
      if (!response.body) throw new ConnectionError('the event stream has no body');
      messages = readEventStream(response.body);
      for (;;) {
        const next = await messages.next();
        if (next.done) {
          if (source.endedByServer === 'complete') return;
          throw new ConnectionError(`the event stream of ${source.name} ended`);
        }
        const step = source.read(next.value);
        if (step === undefined) continue;
        if (next.value.id !== undefined) lastEventId = next.value.id;
        failures = 0;
        if (step.item !== undefined) yield step.item;
        if (step.done) return;
      }
    } catch (error) {
      signal?.throwIfAborted();
      if (!(error instanceof ConnectionError) && !isBrokenStream(error)) throw error;
      failures += 1;
      if (failures > maxReconnects) {
        throw new ConnectionError(`the event stream of ${source.name} broke ${failures} times in a row`, {
          cause: error,
        });
      }
    } finally {
      await messages?.return();
    }
    await sleep(reconnectDelayMs(failures), signal);
  }
}

/**
 * Whether reading the body failed because the connection broke: fetch implementations throw a
 * TypeError ("terminated", "network error") or an error named for the network.
 */
function isBrokenStream(error: unknown): boolean {
  return (
    error instanceof TypeError ||
    (error instanceof Error && /network|terminated|socket|ECONNRESET/i.test(error.message))
  );
}
