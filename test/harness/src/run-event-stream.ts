import { setTimeout as delay } from 'node:timers/promises';
import { openSseConnection, type SseMessage } from './sse-client.ts';

/** A run event as the SSE `data` carries it. */
export interface StreamedRunEvent {
  readonly runId: string;
  readonly seq: number;
  readonly type: string;
  readonly step: number | null;
  readonly data: unknown;
  readonly createdAt: string;
}

/** A model text delta as the SSE `data` of a `model.delta` message carries it. */
export interface StreamedModelDelta {
  readonly runId: string;
  readonly step: number;
  readonly attempt: number;
  readonly index: number;
  readonly text: string;
}

/** What {@link readRunEventStream} received over all its connections. */
export interface ReadStream {
  /** Every message received, in order, over every connection. */
  readonly messages: readonly SseMessage[];
  /** The stored events received (every message but `model.delta`), in order. */
  readonly events: readonly StreamedRunEvent[];
  /** The `model.delta` messages received, in order. */
  readonly deltas: readonly StreamedModelDelta[];
  /** Connections opened (drops + 1 when the last one ended normally). */
  readonly connections: number;
  /** Connections the client cut on purpose. */
  readonly drops: number;
  /** For each of those cuts, how many messages had been received (over all connections) by then. */
  readonly dropsAfter: readonly number[];
}

/** Options of {@link readRunEventStream}. */
export interface ReadRunEventStreamOptions {
  readonly apiKey: string;
  /** Connections go to these base URLs in turn (several API instances). */
  readonly baseUrls: readonly string[];
  /** Cut the connection at random points this many times in all. @default 0 */
  readonly drops?: number;
  /** Pseudo-random numbers in [0, 1), for repeatable drop points. @default Math.random */
  readonly random?: () => number;
  /** A cut comes after 1 to this many messages, or after up to `dropAfterMs`, whichever first. @default 4 */
  readonly dropAfterMessages?: number;
  /** @default 300 */
  readonly dropAfterMs?: number;
  /**
   * When set, only the messages it accepts count towards a cut, which comes right after one
   * of them (say `model.delta`: every cut falls inside a model step), and there is no cut after
   * a random time.
   */
  readonly cutAfter?: (message: SseMessage) => boolean;
  /** Called for every message as it arrives (for latency measurements). */
  readonly onMessage?: (message: SseMessage) => void;
  /** Gives up (throws) after this long. @default 60000 */
  readonly timeoutMs?: number;
}

/**
 * Follows a run's SSE stream to its end like a resuming client: every cut connection is
 * reopened with `Last-Event-ID` set to the last id received, after a short random pause. The
 * client itself cuts `drops` connections at random points (after a few messages, or after a
 * random time, which can be mid-message or between events).
 */
export async function readRunEventStream(runId: string, options: ReadRunEventStreamOptions): Promise<ReadStream> {
  const random = options.random ?? Math.random;
  const maxDrops = options.drops ?? 0;
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  const messages: SseMessage[] = [];
  let lastId: string | undefined;
  let drops = 0;
  const dropsAfter: number[] = [];
  for (let connection = 0; ; connection += 1) {
    if (Date.now() > deadline) throw new Error(`stream of run ${runId} did not end in time`);
    if (connection > maxDrops + 20) throw new Error(`stream of run ${runId} kept breaking (${connection} connections)`);
    const baseUrl = options.baseUrls[connection % options.baseUrls.length] ?? '';
    const controller = new AbortController();
    const dropping = drops < maxDrops;
    const messagesBeforeDrop = 1 + Math.floor(random() * (options.dropAfterMessages ?? 4));
    let received = 0;
    const counts = options.cutAfter ?? (() => true);
    const timer =
      dropping && !options.cutAfter
        ? setTimeout(() => controller.abort(), Math.floor(random() * (options.dropAfterMs ?? 300)))
        : undefined;
    const end = await openSseConnection(`${baseUrl}/v1/runs/${runId}/events`, {
      headers: {
        authorization: `Bearer ${options.apiKey}`,
        ...(lastId === undefined ? {} : { 'last-event-id': lastId }),
      },
      signal: controller.signal,
      onMessage(message) {
        messages.push(message);
        // As EventSource does: a message without an id keeps the last one.
        if (message.id !== undefined) lastId = message.id;
        options.onMessage?.(message);
        if (!counts(message)) return;
        received += 1;
        if (dropping && received >= messagesBeforeDrop) controller.abort();
      },
    });
    clearTimeout(timer);
    if (end.status !== 200 && !controller.signal.aborted) {
      throw new Error(`stream of run ${runId} answered ${end.status}: ${end.body}`);
    }
    if (controller.signal.aborted) {
      drops += 1;
      dropsAfter.push(messages.length);
    } else if (end.end === 'ended') {
      return {
        messages,
        events: messages
          .filter((message) => message.event !== 'model.delta')
          .map((message) => JSON.parse(message.data) as StreamedRunEvent),
        deltas: messages
          .filter((message) => message.event === 'model.delta')
          .map((message) => JSON.parse(message.data) as StreamedModelDelta),
        connections: connection + 1,
        drops,
        dropsAfter,
      };
    }
    await delay(Math.floor(random() * 100));
  }
}

/** A small seeded generator (mulberry32), so a failing drop pattern can be replayed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
