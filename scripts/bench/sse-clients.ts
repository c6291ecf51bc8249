// A worker thread of `npm run bench`: holds the SSE streams of the event-latency phase on its
// own event loop (and so on the second core), away from the API and the worker it measures.
import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import { openSseConnection } from '@agent-runtime/test-harness';

/** What the phase asks of the thread. */
export interface SseClientsTask {
  readonly baseUrl: string;
  readonly apiKey: string;
  /** Stream `i` follows `runIds[i % runIds.length]`. */
  readonly runIds: readonly string[];
  readonly streams: number;
}

/** Messages from the thread. */
export type SseClientsMessage =
  | { readonly kind: 'open'; readonly openMs: number }
  | {
      readonly kind: 'done';
      /** Per message received: run index, seq and wall-clock receive time (ms, sub-ms precision). */
      readonly runIndex: Int32Array;
      readonly seq: Int32Array;
      readonly receivedAt: Float64Array;
      readonly count: number;
      readonly ended: number;
      readonly failed: number;
    };

const task = workerData as SseClientsTask;
const port = parentPort;
if (!port) throw new Error('sse-clients runs as a worker thread');

// One socket per stream, as separate clients would have.
const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
const capacity = task.streams * 200;
const runIndex = new Int32Array(capacity);
const seq = new Int32Array(capacity);
const receivedAt = new Float64Array(capacity);
let count = 0;
let opened = 0;
const startedAt = performance.now();
const runIndexOf = new Map(task.runIds.map((runId, index) => [runId, index]));

const results = await Promise.allSettled(
  Array.from({ length: task.streams }, (_, stream) => {
    const runId = task.runIds[stream % task.runIds.length] ?? '';
    const index = runIndexOf.get(runId) ?? -1;
    return openSseConnection(`${task.baseUrl}/v1/runs/${runId}/events`, {
      agent,
      headers: { authorization: `Bearer ${task.apiKey}` },
      onOpen(status) {
        if (status !== 200) return;
        opened += 1;
        if (opened === task.streams) port.postMessage({ kind: 'open', openMs: performance.now() - startedAt });
      },
      onMessage(message) {
        const at = performance.timeOrigin + performance.now();
        if (count >= capacity) return;
        runIndex[count] = index;
        seq[count] = Number(message.id);
        receivedAt[count] = at;
        count += 1;
      },
    });
  }),
);
const ended = results.filter((result) => result.status === 'fulfilled' && result.value.end === 'ended').length;
port.postMessage({
  kind: 'done',
  runIndex,
  seq,
  receivedAt,
  count,
  ended,
  failed: results.length - ended,
} satisfies SseClientsMessage);
agent.destroy();
