import type { ModelDelta, RunEvent, RunStreamEvent } from '../api-types.ts';
import { isTerminalEventType } from '../runs/terminal.ts';
import type { SseMessage } from '../sse/sse-parser.ts';
import type { StreamStep } from './follow-event-stream.ts';

/**
 * Reads the messages of one run's stream (on `GET /v1/runs/{id}/events`, or its part of a
 * thread's stream): each stored event once (a repeat after a reconnect is dropped by `seq`),
 * model text deltas unless they are stale (a step whose complete text already came), and the
 * end at the run's terminal event.
 */
export class RunStreamReader {
  #lastSeq: number;
  #completedStep = 0;
  readonly #deltas: boolean;

  /** @param after the `seq` of the last event already seen (0: none) */
  constructor(options: { readonly after?: number; readonly deltas?: boolean } = {}) {
    this.#lastSeq = options.after ?? 0;
    this.#deltas = options.deltas !== false;
  }

  /** The `seq` of the last stored event read. */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** Reads a message; undefined for a repeat or a message this client does not know (a newer API's). */
  read(message: SseMessage): StreamStep<RunStreamEvent> | undefined {
    if (message.event === 'model.delta') {
      const delta = { ...(JSON.parse(message.data) as object), type: 'model.delta' } as ModelDelta;
      if (delta.step <= this.#completedStep) return undefined;
      return this.#deltas ? { item: delta } : {};
    }
    if (message.id === undefined) return undefined;
    const event = JSON.parse(message.data) as RunEvent;
    if (event.seq <= this.#lastSeq) return undefined;
    this.#lastSeq = event.seq;
    if (event.type === 'model.completed' && event.step !== null) {
      this.#completedStep = Math.max(this.#completedStep, event.step);
    }
    return { item: event, done: isTerminalEventType(event.type) };
  }
}
