import type { ModelDelta, RunEvent, RunStreamEvent } from '../api-types.ts';
import type { CallOptions } from '../client-options.ts';
import { ConnectionError } from '../errors.ts';
import { sleep } from '../http/retry-policy.ts';
import { apiPath, type Transport } from '../http/transport.ts';
import { readEventStream, type SseMessage } from '../sse/sse-parser.ts';
import { isTerminalEventType } from './terminal.ts';

/** Options of `runs.follow`. */
export interface FollowRunOptions extends CallOptions {
  /** Only events with a greater `seq`: the last one already seen. @default 0 (from the start) */
  readonly after?: number;
  /** Whether to yield `model.delta` text pieces besides the stored events. @default true */
  readonly deltas?: boolean;
  /** Connections in a row that may break without bringing an event before the client gives up. @default 10 */
  readonly maxReconnects?: number;
}

/** The pause before reconnect number `attempt` (1, 2, …): short at first, at most 5 s. */
function reconnectDelayMs(attempt: number): number {
  return Math.min(5_000, 50 * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
}

/**
 * A run's events as they are recorded, each once and in order, until its terminal event;
 * with `deltas`, its model steps' text pieces between them. A connection that breaks is
 * opened again with `Last-Event-ID` set to the last event received (after a short pause, the
 * failure counted), so nothing is lost or repeated; text pieces sent while it was down are
 * lost (best effort), and the step's `model.completed` has the whole text.
 */
export async function* followRun(
  transport: Transport,
  runId: string,
  options: FollowRunOptions = {},
): AsyncGenerator<RunStreamEvent, void, undefined> {
  const { signal } = options;
  const maxReconnects = options.maxReconnects ?? 10;
  let lastSeq = options.after ?? 0;
  // Pieces of a step whose complete text was already yielded are stale (a late delivery).
  let completedStep = 0;
  for (let failures = 0; ;) {
    let messages: AsyncGenerator<SseMessage, void, undefined> | undefined;
    try {
      const response = await transport.send({
        method: 'GET',
        path: apiPath`/v1/runs/${runId}/events`,
        headers: { accept: 'text/event-stream', ...(lastSeq > 0 ? { 'last-event-id': String(lastSeq) } : {}) },
        signal,
      });
      if (!response.body) throw new ConnectionError('the event stream has no body');
      messages = readEventStream(response.body);
      for (;;) {
        const next = await messages.next();
        // The API ends the stream by itself only once the run's last event is sent.
        if (next.done) return;
        const item = itemOf(next.value);
        if (item === undefined) continue;
        if (item.type === 'model.delta') {
          if (options.deltas !== false && item.step > completedStep) yield item;
          continue;
        }
        if (item.seq <= lastSeq) continue;
        lastSeq = item.seq;
        failures = 0;
        if (item.type === 'model.completed' && item.step !== null) completedStep = Math.max(completedStep, item.step);
        yield item;
        if (isTerminalEventType(item.type)) return;
      }
    } catch (error) {
      signal?.throwIfAborted();
      if (!(error instanceof ConnectionError) && !isBrokenStream(error)) throw error;
      failures += 1;
      if (failures > maxReconnects) {
        throw new ConnectionError(`the event stream of run ${runId} broke ${failures} times in a row`, {
          cause: error,
        });
      }
    } finally {
      await messages?.return();
    }
    await sleep(reconnectDelayMs(failures), signal);
  }
}

/** A stored event or a model text delta from a message; undefined for anything else (a newer API's). */
function itemOf(message: SseMessage): RunEvent | ModelDelta | undefined {
  if (message.event === 'model.delta')
    return { ...(JSON.parse(message.data) as object), type: 'model.delta' } as ModelDelta;
  if (message.id === undefined) return undefined;
  return JSON.parse(message.data) as RunEvent;
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
