import { randomBytes } from 'node:crypto';
import type { ActivityClock, ActivitySpan } from './activity-clock.ts';
import { awaitWorkflow } from './await-workflow.ts';
import { baselineWorkflowType } from './baseline-worker.ts';
import type { BenchRuntime } from './bench-runtime.ts';
import { summarize, type Summary } from './percentiles.ts';
import { startProgress } from './progress.ts';
import { createScriptedAgent, postRun, toolLoopAgentSpec } from './scripted-agents.ts';

/** How the per-step overhead is sampled. */
export interface StepOverheadOptions {
  /** Steps with one model call and one tool call each; one more model call answers. */
  readonly toolSteps: number;
  /** Measured runs of each kind. */
  readonly repeats: number;
  /** Runs of each kind issued first and not measured. */
  readonly warmupRepeats: number;
  /** Task queue of the baseline worker. */
  readonly baselineTaskQueue: string;
  /** Longest a single run may take. */
  readonly runTimeoutMs: number;
  /** Aborted when the benchmark's time budget is spent. */
  readonly signal: AbortSignal;
}

/** Milliseconds per step of one kind of run. */
export interface StepCost {
  /** Start request → result seen by the client, divided by the tool steps. */
  readonly endToEnd: Summary;
  /** First model activity began → last model activity began, divided by the tool steps. */
  readonly steadyState: Summary;
  /** Time spent inside the step's model activity. */
  readonly insideModel: Summary;
  /** Time spent inside the step's tool activity. */
  readonly insideTool: Summary;
  /** Start request → model activity of step 1 began, once per run (not per step). */
  readonly startToFirstModel: Summary;
}

/** The agent runtime's per-step cost beside the plain Temporal baseline's. */
export interface StepOverhead {
  readonly toolSteps: number;
  readonly agent: StepCost;
  readonly baseline: StepCost;
}

type RunSample = { readonly [K in keyof StepCost]: number };

/** Activity type names of one kind of run. */
interface ActivityTypes {
  readonly model: string;
  readonly tool: string;
}

/** Per-step figures of one finished run from the spans its activities left on the clock. */
function sampleOf(
  spans: readonly ActivitySpan[],
  types: ActivityTypes,
  toolSteps: number,
  timing: { readonly startedAt: number; readonly endedAt: number },
): RunSample {
  const firstAttempts = spans.filter((span) => span.attempt === 1);
  const modelBegan = (step: number) => {
    const span = firstAttempts.find((candidate) => candidate.activityType === types.model && candidate.step === step);
    if (!span) throw new Error(`no ${types.model} activity of step ${step} was seen`);
    return span.beganAt;
  };
  // Time inside the activities of the tool steps, per step; the final model call is left out.
  const inside = (activityType: string) =>
    firstAttempts
      .filter((span) => span.activityType === activityType && span.step !== undefined && span.step <= toolSteps)
      .reduce((sum, span) => sum + ((span.endedAt ?? span.beganAt) - span.beganAt), 0) / toolSteps;
  return {
    endToEnd: (timing.endedAt - timing.startedAt) / toolSteps,
    steadyState: (modelBegan(toolSteps + 1) - modelBegan(1)) / toolSteps,
    insideModel: inside(types.model),
    insideTool: inside(types.tool),
    startToFirstModel: modelBegan(1) - timing.startedAt,
  };
}

function costOf(samples: readonly RunSample[]): StepCost {
  const of = (key: keyof StepCost) => summarize(samples.map((sample) => sample[key]));
  return {
    endToEnd: of('endToEnd'),
    steadyState: of('steadyState'),
    insideModel: of('insideModel'),
    insideTool: of('insideTool'),
    startToFirstModel: of('startToFirstModel'),
  };
}

/**
 * Runs a scripted agent of `toolSteps` (model → echo) steps through the API, and the baseline
 * workflow doing the same activity sequence on plain Temporal, one run at a time, alternating
 * which kind goes first so neither always runs on a warmer machine.
 */
export async function measureStepOverhead(
  runtime: BenchRuntime,
  clock: ActivityClock,
  options: StepOverheadOptions,
): Promise<StepOverhead> {
  const { toolSteps } = options;
  const agentId = await createScriptedAgent(runtime, 'bench-tool-loop', toolLoopAgentSpec(toolSteps));
  // run.started, model.started/completed per model step, tool.started/completed per call, run.succeeded.
  const expectedEvents = 2 + 2 * (toolSteps + 1) + 2 * toolSteps;

  async function agentRun(): Promise<RunSample> {
    const startedAt = performance.now();
    const runId = await postRun(runtime, agentId);
    const outcome = (await awaitWorkflow(runtime.temporal, runId, options.runTimeoutMs)) as { status: string };
    const endedAt = performance.now();
    if (outcome.status !== 'succeeded') throw new Error(`run ${runId} ended ${outcome.status}`);
    // The figure only counts if the runtime recorded everything: every event, numbered without gaps.
    const events = await runtime.database.db
      .selectFrom('run_events')
      .select((eb) => [eb.fn.countAll<string>().as('count'), eb.fn.max('seq').as('lastSeq')])
      .where('run_id', '=', runId)
      .executeTakeFirstOrThrow();
    if (Number(events.count) !== expectedEvents || Number(events.lastSeq) !== expectedEvents) {
      throw new Error(
        `run ${runId} recorded ${events.count} events up to seq ${events.lastSeq}, expected ${expectedEvents}`,
      );
    }
    const sample = sampleOf(clock.spansOf(runId), { model: 'modelStep', tool: 'toolStep' }, toolSteps, {
      startedAt,
      endedAt,
    });
    clock.forget(runId);
    return sample;
  }

  async function baselineRun(): Promise<RunSample> {
    const workflowId = `bench-baseline-${randomBytes(6).toString('hex')}`;
    const startedAt = performance.now();
    await runtime.temporal.workflow.start(baselineWorkflowType, {
      workflowId,
      taskQueue: options.baselineTaskQueue,
      args: [{ toolSteps }],
    });
    const outcome = (await awaitWorkflow(runtime.temporal, workflowId, options.runTimeoutMs)) as { steps: number };
    const endedAt = performance.now();
    if (outcome.steps !== toolSteps + 1) throw new Error(`baseline ${workflowId} took ${outcome.steps} steps`);
    const sample = sampleOf(clock.spansOf(workflowId), { model: 'baselineModel', tool: 'baselineTool' }, toolSteps, {
      startedAt,
      endedAt,
    });
    clock.forget(workflowId);
    return sample;
  }

  const agentSamples: RunSample[] = [];
  const baselineSamples: RunSample[] = [];
  const rounds = options.warmupRepeats + options.repeats;
  const progress = startProgress(
    `per-step overhead (${options.warmupRepeats} warm-up + ${options.repeats} rounds of agent run + baseline run)`,
    rounds,
  );
  for (let round = 0; round < rounds; round += 1) {
    if (options.signal.aborted) throw new Error('time budget spent during the per-step overhead phase');
    const agentFirst = round % 2 === 0;
    const first = agentFirst ? await agentRun() : await baselineRun();
    const second = agentFirst ? await baselineRun() : await agentRun();
    if (round >= options.warmupRepeats) {
      agentSamples.push(agentFirst ? first : second);
      baselineSamples.push(agentFirst ? second : first);
    }
    progress.tick();
  }
  progress.done();
  return { toolSteps, agent: costOf(agentSamples), baseline: costOf(baselineSamples) };
}
