import { loadavg } from 'node:os';
import type { ServerAnswer } from '@agent-runtime/test-harness';
import type { ActivityClock } from './activity-clock.ts';
import { awaitWorkflow } from './await-workflow.ts';
import type { BenchRuntime } from './bench-runtime.ts';
import {
  directAiSdkAgentLoop,
  directAiSdkLoop,
  directOpenAiAgentLoop,
  directCodeLoop,
  directHttpLoop,
  directLangGraphInterruptLoop,
  directLangGraphLoop,
  directScriptedLoop,
  type DirectLoop,
} from './direct-loops.ts';
import { echoLoopAgentName, echoLoopCodeAgent, type EchoLoopInput } from './echo-loop-agent.ts';
import {
  echoLoopAiSdkAgent,
  echoLoopAiSdkAgentName,
  echoLoopOpenAiAgent,
  echoLoopOpenAiAgentName,
  echoLoopGraph,
  echoLoopGraphName,
  runtimeToolsEchoLoopGraph,
  runtimeToolsEchoLoopGraphName,
} from './echo-loop-frameworks.ts';
import { summarize, type Summary } from './percentiles.ts';
import { startProgress } from './progress.ts';
import { createScriptedAgent, postRun, toolLoopAgentSpec } from './scripted-agents.ts';

/** How the adapter overhead is sampled. */
export interface AdapterOverheadOptions {
  /** Steps of one decision + one echo call; one more decision answers. */
  readonly toolSteps: number;
  /** Measured runs of each adapter, through the runtime and directly. */
  readonly runs: number;
  /** Runs of each adapter and side issued first and not measured. */
  readonly warmupRuns: number;
  /** Longest a single run may take. */
  readonly runTimeoutMs: number;
  /** Aborted when the benchmark's time budget is spent. */
  readonly signal: AbortSignal;
  /** The OpenAI-compatible model server both sides of the provider adapter call. */
  readonly modelServer: {
    readonly baseUrl: string;
    enqueue(...answers: ServerAnswer[]): void;
    readonly pending: number;
  };
  /** Base URL of the echo-loop HTTP agent both sides of the HTTP adapter call. */
  readonly httpAgentUrl: string;
}

/** Milliseconds per step of one adapter, through the runtime and driven directly. */
export interface AdapterCost {
  readonly adapter: string;
  /** POST /v1/runs → workflow result seen by the client, divided by the tool steps. */
  readonly endToEnd: Summary;
  /** Decision activity of step 1 began → that of the final step began, divided by the tool steps. */
  readonly steadyState: Summary;
  /** The plain in-process loop's wall time (all decisions and echo calls), divided by the tool steps. */
  readonly direct: Summary;
}

/** Every adapter's per-step cost through the runtime beside the same agent driven directly. */
export interface AdapterOverhead {
  readonly toolSteps: number;
  /** The machine's 1-minute load average when the phase began and when it ended. */
  readonly loadAverage: readonly [number, number];
  readonly adapters: readonly AdapterCost[];
}

/** Milliseconds per step of one run through the runtime. */
interface RuntimeSample {
  readonly endToEnd: number;
  readonly steadyState: number;
}

/** One adapter as the phase drives it: a spec for the runtime, a loop for the direct side. */
interface AdapterUnderTest {
  readonly adapter: string;
  readonly spec: unknown;
  readonly input: unknown;
  /** Scripts what the run's model calls answer, before either side runs. */
  readonly beforeRun?: (toolSteps: number) => void;
  readonly direct: DirectLoop;
  /**
   * The runtime's model and tool steps in a run of `toolSteps` echo calls.
   * @default toolSteps + 1 model steps, toolSteps tool steps
   */
  readonly runShape?: (toolSteps: number) => RunShape;
}

/** How many durable steps of each kind one run takes in the runtime. */
interface RunShape {
  readonly modelSteps: number;
  readonly toolSteps: number;
}

const decisionAndEchoShape = (toolSteps: number): RunShape => ({ modelSteps: toolSteps + 1, toolSteps });

/** The model server's answers for one run: an echo call per tool step, then a final text. */
function scriptedServerAnswers(toolSteps: number): ServerAnswer[] {
  return [
    ...Array.from({ length: toolSteps }, (_, index): ServerAnswer => ({
      kind: 'reply',
      toolCalls: [{ name: 'echo', arguments: { step: index + 1 } }],
    })),
    { kind: 'reply', text: 'done' },
  ];
}

function adaptersUnderTest(options: AdapterOverheadOptions): AdapterUnderTest[] {
  const { toolSteps, modelServer } = options;
  const tools = [{ name: 'echo' }];
  const limits = { maxSteps: toolSteps + 1 };
  const langGraphLimits = { maxSteps: 2 * toolSteps + 1 };
  const loopInput: EchoLoopInput = { toolSteps };
  const enqueue = (steps: number) => modelServer.enqueue(...scriptedServerAnswers(steps));
  return [
    { adapter: 'builtin, scripted model', spec: toolLoopAgentSpec(toolSteps), input: 'go', direct: directScriptedLoop },
    {
      adapter: 'builtin, openai-compatible (AI SDK)',
      spec: {
        model: { provider: 'openai-compatible', baseUrl: modelServer.baseUrl, model: 'bench' },
        tools,
        limits,
      },
      input: 'go',
      beforeRun: enqueue,
      direct: directAiSdkLoop(modelServer.baseUrl, enqueue),
    },
    {
      adapter: 'code agent',
      spec: { agent: { kind: 'code', name: echoLoopAgentName }, tools, limits },
      input: loopInput,
      direct: directCodeLoop(echoLoopCodeAgent, echoLoopAgentName),
    },
    {
      adapter: 'HTTP agent (step/v1)',
      spec: { agent: { kind: 'http', url: options.httpAgentUrl }, tools, limits },
      input: loopInput,
      direct: directHttpLoop(options.httpAgentUrl),
    },
    {
      adapter: 'AI SDK agent (streamText loop)',
      spec: { agent: { kind: 'ai-sdk', name: echoLoopAiSdkAgentName }, limits },
      input: 'go',
      beforeRun: enqueue,
      direct: directAiSdkAgentLoop(echoLoopAiSdkAgent(modelServer.baseUrl), enqueue),
    },
    {
      adapter: 'OpenAI Agents SDK agent (Runner loop)',
      spec: { agent: { kind: 'openai-agents', name: echoLoopOpenAiAgentName }, limits },
      input: 'go',
      beforeRun: enqueue,
      direct: directOpenAiAgentLoop(echoLoopOpenAiAgent(modelServer.baseUrl), enqueue),
    },
    {
      adapter: 'LangGraph graph, echo in its node',
      spec: { agent: { kind: 'langgraph', graph: echoLoopGraphName }, limits },
      input: loopInput,
      direct: directLangGraphLoop(echoLoopGraph),
      // echo runs inside the node: one durable step per super-step, no tool step.
      runShape: (steps) => ({ modelSteps: steps + 1, toolSteps: 0 }),
    },
    {
      adapter: 'LangGraph graph, echo via runtime',
      spec: { agent: { kind: 'langgraph', graph: runtimeToolsEchoLoopGraphName }, tools, limits: langGraphLimits },
      input: loopInput,
      direct: directLangGraphInterruptLoop(runtimeToolsEchoLoopGraph),
      runShape: (steps) => ({ modelSteps: 2 * steps + 1, toolSteps: steps }),
    },
  ];
}

/**
 * For each adapter, runs an echo-loop agent of `toolSteps` (decision → echo) steps through
 * the API, and the same agent in a plain in-process loop, one run at a time, alternating
 * which side goes first. Needs the worker to have the agents of `echoLoopWorkerAgents` registered,
 * for the model server's URL.
 */
export async function measureAdapterOverhead(
  runtime: BenchRuntime,
  clock: ActivityClock,
  options: AdapterOverheadOptions,
): Promise<AdapterOverhead> {
  const { toolSteps } = options;
  const shapeOf = (underTest: AdapterUnderTest) => (underTest.runShape ?? decisionAndEchoShape)(toolSteps);
  // run.started, model.started/completed per model step, tool.started/completed per call, run.succeeded.
  const expectedEvents = (underTest: AdapterUnderTest) =>
    2 + 2 * shapeOf(underTest).modelSteps + 2 * shapeOf(underTest).toolSteps;
  const adapters = adaptersUnderTest(options);
  const agentIds: string[] = [];
  for (const [index, underTest] of adapters.entries()) {
    agentIds.push(await createScriptedAgent(runtime, `bench-adapter-${index}`, underTest.spec));
  }

  async function runtimeRun(underTest: AdapterUnderTest, agentId: string): Promise<RuntimeSample> {
    underTest.beforeRun?.(toolSteps);
    const startedAt = performance.now();
    const runId = await postRun(runtime, agentId, underTest.input);
    const outcome = (await awaitWorkflow(runtime.temporal, runId, options.runTimeoutMs)) as { status: string };
    const endedAt = performance.now();
    if (outcome.status !== 'succeeded') throw new Error(`${underTest.adapter}: run ${runId} ended ${outcome.status}`);
    // The figure only counts if the runtime recorded every decision and every call.
    const events = await runtime.database.db
      .selectFrom('run_events')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .where('run_id', '=', runId)
      .executeTakeFirstOrThrow();
    if (Number(events.count) !== expectedEvents(underTest)) {
      throw new Error(
        `${underTest.adapter}: run ${runId} recorded ${events.count} events, expected ${expectedEvents(underTest)}`,
      );
    }
    const spans = clock.spansOf(runId);
    const decisionBegan = (step: number) => {
      const span = spans.find(
        (candidate) => candidate.activityType === 'modelStep' && candidate.step === step && candidate.attempt === 1,
      );
      if (!span) throw new Error(`${underTest.adapter}: no modelStep activity of step ${step} was seen`);
      return span.beganAt;
    };
    const steadyState = (decisionBegan(shapeOf(underTest).modelSteps) - decisionBegan(1)) / toolSteps;
    clock.forget(runId);
    return { endToEnd: (endedAt - startedAt) / toolSteps, steadyState };
  }

  const samples = adapters.map(() => ({
    endToEnd: [] as number[],
    steadyState: [] as number[],
    direct: [] as number[],
  }));
  const rounds = options.warmupRuns + options.runs;
  const progress = startProgress(
    `adapter overhead (${options.warmupRuns} warm-up + ${options.runs} rounds of a runtime run and a direct loop of each of ${adapters.length} adapters)`,
    rounds,
  );
  const loadBefore = loadavg()[0] ?? 0;
  // Each round takes every adapter in turn, so a change of the machine's load spreads over all of them.
  for (let round = 0; round < rounds; round += 1) {
    for (const [index, underTest] of adapters.entries()) {
      if (options.signal.aborted) throw new Error('time budget spent during the adapter overhead phase');
      const agentId = agentIds[index] ?? '';
      const runtimeFirst = (round + index) % 2 === 0;
      let runtimeSample: RuntimeSample;
      let directMs: number;
      if (runtimeFirst) {
        runtimeSample = await runtimeRun(underTest, agentId);
        directMs = await underTest.direct(toolSteps);
      } else {
        directMs = await underTest.direct(toolSteps);
        runtimeSample = await runtimeRun(underTest, agentId);
      }
      if (options.modelServer.pending !== 0) {
        throw new Error(
          `${underTest.adapter}: ${options.modelServer.pending} scripted model answers were not asked for`,
        );
      }
      const sample = samples[index];
      if (sample && round >= options.warmupRuns) {
        sample.endToEnd.push(runtimeSample.endToEnd);
        sample.steadyState.push(runtimeSample.steadyState);
        sample.direct.push(directMs / toolSteps);
      }
    }
    progress.tick();
  }
  progress.done();
  return {
    toolSteps,
    loadAverage: [loadBefore, loadavg()[0] ?? 0],
    adapters: adapters.map((underTest, index) => {
      const sample = samples[index] ?? { endToEnd: [], steadyState: [], direct: [] };
      return {
        adapter: underTest.adapter,
        endToEnd: summarize(sample.endToEnd),
        steadyState: summarize(sample.steadyState),
        direct: summarize(sample.direct),
      };
    }),
  };
}
