import type { RunStreamEvent } from '../api-types.ts';
import type { CallOptions } from '../client-options.ts';
import { apiPath, type Transport } from '../http/transport.ts';
import { followEventStream } from '../streams/follow-event-stream.ts';
import { RunStreamReader } from '../streams/run-stream-reader.ts';

/** Options of `threads.follow`. */
export interface FollowThreadOptions extends CallOptions {
  /**
   * Where to go on from: `<runId>/<seq>`, the last event already seen (an event's `runId` and
   * `seq`, or a `nextAfter` of `threads.events`); `<runId>/0` starts at that run's first event.
   * @default the thread's oldest run that has not ended, else its next run
   */
  readonly after?: string;
  /** Whether to yield `model.delta` text pieces besides the stored events. @default true */
  readonly deltas?: boolean;
  /** Connections in a row that may break without bringing a message before the client gives up. @default 10 */
  readonly maxReconnects?: number;
}

/** The run and `seq` of a thread stream position `<runId>/<seq>`. */
function positionOf(after: string | undefined): { runId: string; seq: number } | undefined {
  if (after === undefined) return undefined;
  const [runId = '', seq = '0'] = after.split('/');
  return { runId, seq: Number.parseInt(seq, 10) || 0 };
}

/**
 * A thread's runs' events and text deltas, run after run in the order the runs run, over one
 * live stream that stays open between runs: it never ends by itself. A connection that breaks
 * is opened again with `Last-Event-ID` set to the last message received (`<runId>/<id>`), so
 * the API goes on in that run with nothing lost or repeated, the text of a step in flight
 * included. A deleted thread's stream throws `NotFoundError` at the next connection.
 */
export function followThread(
  transport: Transport,
  threadId: string,
  options: FollowThreadOptions = {},
): AsyncGenerator<RunStreamEvent, void, undefined> {
  const start = positionOf(options.after);
  // Runs come one after another and never come back: the reader of the current run is enough.
  let current: { runId: string; reader: RunStreamReader } | undefined = start && {
    runId: start.runId,
    reader: readerOf(start.seq),
  };
  function readerOf(after: number): RunStreamReader {
    return new RunStreamReader({ after, ...(options.deltas === undefined ? {} : { deltas: options.deltas }) });
  }
  return followEventStream(
    transport,
    {
      path: apiPath`/v1/threads/${threadId}/events`,
      name: `thread ${threadId}`,
      lastEventId: options.after,
      endedByServer: 'reconnect',
      read(message) {
        const runId = message.id?.split('/')[0];
        if (runId === undefined) return undefined;
        if (current?.runId !== runId) current = { runId, reader: readerOf(0) };
        const step = current.reader.read(message);
        // A run's end is not the thread's: its next run follows on the same stream.
        return step && { ...(step.item === undefined ? {} : { item: step.item }) };
      },
    },
    options,
  );
}
