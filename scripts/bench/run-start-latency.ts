import { sql } from 'kysely';
import type { ActivityClock } from './activity-clock.ts';
import { awaitWorkflow } from './await-workflow.ts';
import type { BenchRuntime } from './bench-runtime.ts';
import { summarize, type Summary } from './percentiles.ts';
import { startProgress } from './progress.ts';
import { createScriptedAgent, oneStepAgentSpec, postRun } from './scripted-agents.ts';

/** How the run-start latency is sampled. */
export interface RunStartLatencyOptions {
  /** Measured runs. */
  readonly runs: number;
  /** Runs issued first and not measured: JIT, connection pools, workflow cache. */
  readonly warmupRuns: number;
  /** Runs in flight at once; each lane waits for its run to end before posting the next. */
  readonly concurrency: number;
  /** Longest a single run may take. */
  readonly runTimeoutMs: number;
  /** Aborted when the benchmark's time budget is spent. */
  readonly signal: AbortSignal;
}

/** Run-start latency, three ways, in milliseconds from just before the POST. */
export interface RunStartLatency {
  readonly concurrency: number;
  /** Until the API answered 202 (run row written, workflow start accepted by Temporal). */
  readonly accepted: Summary;
  /** Until the worker began the `modelStep` activity of step 1 (in-process clock). */
  readonly modelStepBegan: Summary;
  /** Until the transaction writing the `model.started` event of step 1 began (database clock). */
  readonly modelStartedEvent: Summary;
  readonly wallSeconds: number;
}

interface Sample {
  readonly accepted: number;
  readonly modelStepBegan: number;
  readonly modelStartedEvent: number;
}

/**
 * POSTs runs of a one-step scripted agent, `concurrency` at a time, and measures how long
 * each took to reach its first model step. Each lane waits for its run to finish before
 * starting the next, so at most `concurrency` runs exist at once: the figure is latency,
 * not time spent queued behind other runs.
 */
export async function measureRunStartLatency(
  runtime: BenchRuntime,
  clock: ActivityClock,
  options: RunStartLatencyOptions,
): Promise<RunStartLatency> {
  const agentId = await createScriptedAgent(runtime, 'bench-one-step', oneStepAgentSpec);
  const total = options.warmupRuns + options.runs;
  const samples: Sample[] = [];
  const progress = startProgress(`run-start latency (${options.warmupRuns} warm-up + ${options.runs} runs)`, total);
  const startedAt = performance.now();
  let issued = 0;

  async function measureOne(): Promise<Sample> {
    // Both clocks are read at the same instant: monotonic for the in-process figure, wall
    // time (sub-millisecond) for comparing with timestamps PostgreSQL writes on this machine.
    const before = performance.now();
    const wallBefore = performance.timeOrigin + before;
    const runId = await postRun(runtime, agentId);
    const accepted = performance.now() - before;
    const outcome = (await awaitWorkflow(runtime.temporal, runId, options.runTimeoutMs)) as { status: string };
    if (outcome.status !== 'succeeded') throw new Error(`run ${runId} ended ${outcome.status}`);
    const span = clock
      .spansOf(runId)
      .find((candidate) => candidate.activityType === 'modelStep' && candidate.step === 1);
    clock.forget(runId);
    if (!span) throw new Error(`no modelStep of step 1 was seen for run ${runId}`);
    const event = await runtime.database.db
      .selectFrom('run_events')
      .select(sql<string>`extract(epoch from created_at) * 1000`.as('epochMs'))
      .where('run_id', '=', runId)
      .where('type', '=', 'model.started')
      .where('step', '=', 1)
      .executeTakeFirstOrThrow();
    return { accepted, modelStepBegan: span.beganAt - before, modelStartedEvent: Number(event.epochMs) - wallBefore };
  }

  // The first failure stops every lane, so no run is left in flight when the caller cleans up.
  let failure: { error: unknown } | undefined;
  async function lane(): Promise<void> {
    while (issued < total && !failure) {
      const index = issued;
      issued += 1;
      try {
        if (options.signal.aborted) throw new Error('time budget spent during the run-start latency phase');
        const sample = await measureOne();
        if (index >= options.warmupRuns) samples.push(sample);
      } catch (error) {
        failure ??= { error };
      }
      progress.tick();
    }
  }

  await Promise.all(Array.from({ length: options.concurrency }, lane));
  progress.done();
  if (failure) throw failure.error;
  return {
    concurrency: options.concurrency,
    accepted: summarize(samples.map((sample) => sample.accepted)),
    modelStepBegan: summarize(samples.map((sample) => sample.modelStepBegan)),
    modelStartedEvent: summarize(samples.map((sample) => sample.modelStartedEvent)),
    wallSeconds: (performance.now() - startedAt) / 1000,
  };
}
