import { appendThreadTurn, newId, type StoredConversationMessage } from '@agent-runtime/core';
import type { ActivityClock } from './activity-clock.ts';
import { awaitWorkflow } from './await-workflow.ts';
import type { BenchRuntime } from './bench-runtime.ts';
import { summarize, type Summary } from './percentiles.ts';
import { startProgress } from './progress.ts';
import { createScriptedAgent, oneStepAgentSpec } from './scripted-agents.ts';

/** How the thread-turn latency is sampled. */
export interface ThreadTurnLatencyOptions {
  /** Measured turns of each kind (first turn, long thread), taken alternately. */
  readonly runs: number;
  /** Turns of each kind issued first and not measured. */
  readonly warmupRuns: number;
  /** Earlier messages of the long thread. @default 1000 */
  readonly historyMessages?: number;
  readonly runTimeoutMs: number;
  readonly signal: AbortSignal;
}

/** Latency of a thread's turn, in milliseconds from just before the POST, for each kind of thread. */
export interface ThreadTurnLatency {
  readonly historyMessages: number;
  /** The first turn of a new thread. */
  readonly firstTurn: { readonly modelStepBegan: Summary; readonly modelStepEnded: Summary };
  /** A turn of a thread with `historyMessages` earlier messages, which its model step reads. */
  readonly longThread: { readonly modelStepBegan: Summary; readonly modelStepEnded: Summary };
}

/** A conversation of `count` messages: user and assistant in turn, each a sentence long. */
function historyOf(count: number): StoredConversationMessage[] {
  return Array.from({ length: count }, (_, index) =>
    index % 2 === 0
      ? { role: 'user' as const, content: `question ${index / 2}: what should the report say about item ${index}?` }
      : { role: 'assistant' as const, content: `It should say that item ${index} is on track.`, toolCalls: [] },
  );
}

async function json<T>(response: Response, status: number, what: string): Promise<T> {
  const body: unknown = await response.json();
  if (response.status !== status) throw new Error(`${what}: HTTP ${response.status} ${JSON.stringify(body)}`);
  return body as T;
}

/**
 * Runs turns of a one-step scripted agent on threads, one at a time, alternating the first
 * turn of a new thread with a turn of a thread that already holds `historyMessages` messages
 * (a fork of one prefilled thread, so every sample sees the same history), and measures how
 * long each took to begin and to end its model step, whose activity reads the history.
 */
export async function measureThreadTurnLatency(
  runtime: BenchRuntime,
  clock: ActivityClock,
  options: ThreadTurnLatencyOptions,
): Promise<ThreadTurnLatency> {
  const historyMessages = options.historyMessages ?? 1000;
  const agentId = await createScriptedAgent(runtime, 'bench-thread-turn', oneStepAgentSpec);
  const newThread = async () =>
    json<{ id: string; tenantId: string }>(await runtime.request('POST', '/v1/threads', {}), 201, 'create thread');
  const long = await newThread();
  // Written as one earlier turn: what matters to a new turn is how many messages it reads.
  await appendThreadTurn(runtime.database.db, {
    tenantId: long.tenantId,
    threadId: long.id,
    runId: newId(),
    messages: historyOf(historyMessages),
  });

  async function measureTurn(threadId: string) {
    const before = performance.now();
    const run = await json<{ id: string }>(
      await runtime.request('POST', `/v1/threads/${threadId}/runs`, { agentId, input: 'go' }),
      202,
      'start turn',
    );
    const outcome = (await awaitWorkflow(runtime.temporal, run.id, options.runTimeoutMs)) as { status: string };
    if (outcome.status !== 'succeeded') throw new Error(`turn ${run.id} ended ${outcome.status}`);
    const span = clock.spansOf(run.id).find((candidate) => candidate.activityType === 'modelStep');
    clock.forget(run.id);
    if (span?.endedAt === undefined) throw new Error(`no finished modelStep was seen for turn ${run.id}`);
    return { modelStepBegan: span.beganAt - before, modelStepEnded: span.endedAt - before };
  }

  const firstTurns: { modelStepBegan: number; modelStepEnded: number }[] = [];
  const longer: { modelStepBegan: number; modelStepEnded: number }[] = [];
  const total = options.warmupRuns + options.runs;
  const progress = startProgress(
    `thread-turn latency (${options.warmupRuns} warm-up + ${options.runs} turns of each kind)`,
    total,
  );
  // Every thread is made before the first measured turn, so no sample pays for writing one.
  const fresh: string[] = [];
  const forks: string[] = [];
  for (let index = 0; index < total; index += 1) {
    fresh.push((await newThread()).id);
    const fork = await json<{ id: string }>(
      await runtime.request('POST', `/v1/threads/${long.id}/fork`, {}),
      201,
      'fork the long thread',
    );
    forks.push(fork.id);
  }
  for (let index = 0; index < total; index += 1) {
    if (options.signal.aborted) throw new Error('time budget spent during the thread-turn latency phase');
    // Alternating which kind goes first, so neither always follows the other's finish.
    const [first, second] = index % 2 === 0 ? [fresh[index]!, forks[index]!] : [forks[index]!, fresh[index]!];
    const a = await measureTurn(first);
    const b = await measureTurn(second);
    const [freshTurn, continued] = index % 2 === 0 ? [a, b] : [b, a];
    if (index >= options.warmupRuns) {
      firstTurns.push(freshTurn);
      longer.push(continued);
    }
    progress.tick();
  }
  progress.done();
  const summaries = (samples: typeof firstTurns) => ({
    modelStepBegan: summarize(samples.map((sample) => sample.modelStepBegan)),
    modelStepEnded: summarize(samples.map((sample) => sample.modelStepEnded)),
  });
  return { historyMessages, firstTurn: summaries(firstTurns), longThread: summaries(longer) };
}
