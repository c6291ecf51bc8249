import type { RunStreamEvent } from '../api-types.ts';
import type { CallOptions } from '../client-options.ts';
import { apiPath, type Transport } from '../http/transport.ts';
import { followEventStream } from '../streams/follow-event-stream.ts';
import { RunStreamReader } from '../streams/run-stream-reader.ts';

/** Options of `runs.follow`. */
export interface FollowRunOptions extends CallOptions {
  /** Only events with a greater `seq`: the last one already seen. @default 0 (from the start) */
  readonly after?: number;
  /** Whether to yield `model.delta` text pieces besides the stored events. @default true */
  readonly deltas?: boolean;
  /** Connections in a row that may break without bringing a message before the client gives up. @default 10 */
  readonly maxReconnects?: number;
}

/**
 * A run's events as they are recorded, each once and in order, until its terminal event;
 * with `deltas`, its model steps' text pieces between them. A connection that breaks is
 * opened again with `Last-Event-ID` set to the last message received (an event or a text
 * piece, after a short pause, the failure counted), so nothing is lost or repeated: the API
 * sends the rest of a step's text from the piece named.
 */
export function followRun(
  transport: Transport,
  runId: string,
  options: FollowRunOptions = {},
): AsyncGenerator<RunStreamEvent, void, undefined> {
  const after = options.after ?? 0;
  const reader = new RunStreamReader({ after, ...(options.deltas === undefined ? {} : { deltas: options.deltas }) });
  return followEventStream(
    transport,
    {
      path: apiPath`/v1/runs/${runId}/events`,
      name: `run ${runId}`,
      lastEventId: after > 0 ? String(after) : undefined,
      endedByServer: 'complete',
      read: (message) => reader.read(message),
    },
    options,
  );
}
