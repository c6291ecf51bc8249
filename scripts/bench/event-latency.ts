import { readFile } from 'node:fs/promises';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { sql } from 'kysely';
import type { BenchRuntime } from './bench-runtime.ts';
import { summarize, type Summary } from './percentiles.ts';
import { createScriptedAgent, postRun } from './scripted-agents.ts';
import type { SseClientsMessage, SseClientsTask } from './sse-clients.ts';

/** How the event latency is sampled. */
export interface EventLatencyOptions {
  /** Which bus carried the events, for the report. */
  readonly bus: 'in-process' | 'redis';
  /** SSE streams held open at once against the one API instance. */
  readonly streams: number;
  /** Runs the streams follow (`streams / runs` streams per run). */
  readonly runs: number;
  /** Steps per run after the first (each a 200 ms sleep tool call). */
  readonly steps: number;
  /** Aborted when the benchmark's time budget is spent. */
  readonly signal: AbortSignal;
}

/** Event latency, ms from the event's database timestamp to its arrival at an SSE client. */
export interface EventLatency {
  readonly bus: EventLatencyOptions['bus'];
  readonly streams: number;
  readonly runs: number;
  /** Time until every stream had its response headers. */
  readonly openMs: number;
  /** Deliveries of events recorded once every stream was open. */
  readonly latency: Summary;
  /** Events recorded once every stream was open. */
  readonly events: number;
  /** Streams that ended normally (after the terminal event) / that did not. */
  readonly ended: number;
  readonly failed: number;
  /** Event-loop delay of this process (API and worker) while the streams were open, ms. */
  readonly loopDelayP99: number;
  readonly loopDelayMax: number;
  /** CPU time this process used while the streams were open, in cores (1 = one core busy). */
  readonly cpuCores: number;
  readonly wallSeconds: number;
}

/** The agent of this phase: a 2 s sleep (time to open every stream), then `steps` of 200 ms. */
function streamedAgentSpec(steps: number) {
  const sleep = (seconds: number, index: number) => ({
    toolCalls: [{ id: `sleep_${index}`, name: 'sleep', arguments: { seconds } }],
  });
  return {
    model: {
      provider: 'scripted',
      replies: [sleep(2, 0), ...Array.from({ length: steps }, (_, index) => sleep(0.2, index + 1)), { text: 'done' }],
    },
    tools: [{ name: 'sleep' }],
    limits: { maxSteps: steps + 2 },
  };
}

/** The soft limit on open files, from /proc (Linux); undefined elsewhere. */
async function openFilesLimit(): Promise<number | undefined> {
  const limits = await readFile('/proc/self/limits', 'utf8').catch(() => '');
  const match = /^Max open files\s+(\d+)/m.exec(limits);
  return match ? Number(match[1]) : undefined;
}

/**
 * Starts `runs` runs, opens `streams` SSE streams on them from a worker thread (one socket
 * each), and measures for every event recorded after all streams were open how long it took
 * from the event's `created_at` (PostgreSQL's clock, the start of the writing transaction)
 * to its arrival at each client (the same machine's wall clock). The streams end with their
 * runs.
 */
export async function measureEventLatency(runtime: BenchRuntime, options: EventLatencyOptions): Promise<EventLatency> {
  // Each stream costs a socket on each side, in this one process.
  const needed = options.streams * 2 + 512;
  const limit = await openFilesLimit();
  if (limit !== undefined && limit < needed) {
    throw new Error(`open files limit ${limit} < ${needed} needed for ${options.streams} streams; raise ulimit -n`);
  }
  const startedAt = performance.now();
  const agentId = await createScriptedAgent(
    runtime,
    `bench-streamed-${options.bus}-${Date.now()}`,
    streamedAgentSpec(options.steps),
  );
  const runIds: string[] = [];
  for (let index = 0; index < options.runs; index += 1) runIds.push(await postRun(runtime, agentId));

  const task: SseClientsTask = { baseUrl: runtime.url, apiKey: runtime.apiKey, runIds, streams: options.streams };
  const thread = new Worker(new URL('./sse-clients.ts', import.meta.url), { workerData: task });
  let measureFrom = Number.POSITIVE_INFINITY;
  let openMs = Number.NaN;
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  let cpuFrom = process.cpuUsage();
  let cpuFromAt = performance.now();
  const done = await new Promise<Extract<SseClientsMessage, { kind: 'done' }>>((resolve, reject) => {
    const abort = () => void thread.terminate().then(() => reject(new Error('time budget spent')));
    options.signal.addEventListener('abort', abort, { once: true });
    thread.on('message', (message: SseClientsMessage) => {
      if (message.kind === 'open') {
        openMs = message.openMs;
        measureFrom = performance.timeOrigin + performance.now();
        loopDelay.enable();
        cpuFrom = process.cpuUsage();
        cpuFromAt = performance.now();
      } else {
        options.signal.removeEventListener('abort', abort);
        resolve(message);
      }
    });
    thread.once('error', reject);
  });
  loopDelay.disable();
  const cpu = process.cpuUsage(cpuFrom);
  const cpuCores = (cpu.user + cpu.system) / 1000 / (performance.now() - cpuFromAt);
  await thread.terminate();
  if (!Number.isFinite(measureFrom)) throw new Error('not every stream opened');

  const rows = await runtime.database.db
    .selectFrom('run_events')
    .select(['run_id', 'seq', sql<string>`extract(epoch from created_at) * 1000`.as('epochMs')])
    .where('run_id', 'in', runIds)
    .execute();
  const recordedAt = new Map(rows.map((row) => [`${row.run_id}/${row.seq}`, Number(row.epochMs)]));
  const latencies: number[] = [];
  for (let index = 0; index < done.count; index += 1) {
    const at = recordedAt.get(`${runIds[done.runIndex[index] ?? -1]}/${done.seq[index]}`);
    if (at === undefined || at < measureFrom) continue;
    latencies.push((done.receivedAt[index] ?? Number.NaN) - at);
  }
  if (latencies.length === 0) throw new Error('no event was recorded after the streams opened');
  return {
    bus: options.bus,
    streams: options.streams,
    runs: options.runs,
    openMs,
    latency: summarize(latencies),
    events: rows.filter((row) => Number(row.epochMs) >= measureFrom).length,
    ended: done.ended,
    failed: done.failed,
    loopDelayP99: loopDelay.percentile(99) / 1e6,
    loopDelayMax: loopDelay.max / 1e6,
    cpuCores,
    wallSeconds: (performance.now() - startedAt) / 1000,
  };
}
