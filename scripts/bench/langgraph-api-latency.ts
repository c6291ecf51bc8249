import { startLangGraphReferenceServer } from '@agent-runtime/test-harness';
import { Annotation, END, START, StateGraph } from '@langchain/langgraph';
import { Client } from '@langchain/langgraph-sdk';
import type { BenchRuntime } from './bench-runtime.ts';
import { summarize, type Summary } from './percentiles.ts';

/** The graph the LangGraph API phase runs: `tick` once per super-step until `count` reaches `steps`. */
const LoopState = Annotation.Root({ count: Annotation<number>, steps: Annotation<number> });

/** The loop graph, uncompiled: the worker compiles it bare, the reference server with its own checkpointer. */
export const langGraphBenchLoop = new StateGraph(LoopState)
  .addNode('tick', (state) => ({ count: (state.count ?? 0) + 1 }))
  .addEdge(START, 'tick')
  .addConditionalEdges('tick', (state) => (state.count >= state.steps ? END : 'tick'));

/** The name the bench's worker registers {@link langGraphBenchLoop} under. */
export const langGraphBenchLoopName = 'bench-lg-loop';

/** Latency of one way of running the loop: until its first super-step's update, and between updates. */
export interface LangGraphPathLatency {
  readonly path: string;
  readonly firstUpdate: Summary;
  readonly perStep: Summary;
}

/** What the phase measured, and how. */
export interface LangGraphApiLatency {
  readonly runs: number;
  readonly steps: number;
  readonly paths: readonly LangGraphPathLatency[];
}

/** Times one run: ms until each super-step's update arrives, from just before the request. */
type TimeRun = () => Promise<number[]>;

async function timed(stream: AsyncIterable<{ event: string }>, isStep: (event: string) => boolean, t0: number) {
  const at: number[] = [];
  for await (const part of stream) if (isStep(part.event)) at.push(performance.now() - t0);
  return at;
}

/** Reads a `/v1` SSE stream, yielding each message's event name. */
async function* v1Events(response: Response): AsyncGenerator<{ event: string }> {
  const decoder = new TextDecoder();
  let buffered = '';
  for await (const chunk of response.body ?? []) {
    buffered += decoder.decode(chunk as Uint8Array, { stream: true });
    let end = buffered.indexOf('\n\n');
    while (end >= 0) {
      const message = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      const event = /^event: (.*)$/m.exec(message)?.[1];
      if (event) yield { event };
      end = buffered.indexOf('\n\n');
    }
  }
}

async function measure(path: string, timeRun: TimeRun, runs: number, warmupRuns: number, steps: number) {
  const first: number[] = [];
  const gaps: number[] = [];
  for (let run = 0; run < warmupRuns + runs; run += 1) {
    const at = await timeRun();
    if (at.length !== steps) throw new Error(`${path}: ${at.length} super-step updates, expected ${steps}`);
    if (run < warmupRuns) continue;
    first.push(at[0] ?? Number.NaN);
    for (let index = 1; index < at.length; index += 1) gaps.push((at[index] ?? 0) - (at[index - 1] ?? 0));
  }
  return { path, firstUpdate: summarize(first), perStep: summarize(gaps) };
}

/**
 * The same LangGraph graph run `runs` times, one at a time, three ways: `runs.stream` of
 * LangGraph's SDK on `/lg`, `POST /v1/runs` followed by its SSE events, and `runs.stream` on
 * `@langchain/langgraph-api`'s in-memory server in this process. Each super-step is a durable
 * step of the runtime (an activity, a checkpoint in PostgreSQL) and an in-memory step there.
 */
export async function measureLangGraphApiLatency(
  runtime: BenchRuntime,
  options: { runs: number; warmupRuns: number; steps: number },
): Promise<LangGraphApiLatency> {
  const { runs, warmupRuns, steps } = options;
  const created = await runtime.request('POST', '/v1/agents', { name: 'bench-lg-loop' });
  const agent = (await created.json()) as { id: string };
  await runtime.request('POST', `/v1/agents/${agent.id}/versions`, {
    spec: { agent: { kind: 'langgraph', graph: langGraphBenchLoopName }, limits: { maxSteps: steps + 5 } },
  });
  const ours = new Client({ apiUrl: `${runtime.url}/lg`, apiKey: runtime.apiKey });
  const reference = await startLangGraphReferenceServer({ [langGraphBenchLoopName]: langGraphBenchLoop.compile() });
  try {
    const theirs = new Client({ apiUrl: reference.url });
    const sdkRun = (client: Client, assistant: string) => async () => {
      const t0 = performance.now();
      const stream = client.runs.stream(null, assistant, { input: { count: 0, steps }, streamMode: ['updates'] });
      return timed(stream, (event) => event === 'updates', t0);
    };
    const v1Run = async () => {
      const t0 = performance.now();
      const run = (await (
        await runtime.request('POST', '/v1/runs', { agentId: agent.id, input: { count: 0, steps } })
      ).json()) as { id: string };
      const response = await fetch(`${runtime.url}/v1/runs/${run.id}/events`, {
        headers: { authorization: `Bearer ${runtime.apiKey}`, accept: 'text/event-stream' },
      });
      return timed(v1Events(response), (event) => event === 'model.completed', t0);
    };
    return {
      runs,
      steps,
      paths: [
        await measure('/lg runs.stream (LangGraph SDK)', sdkRun(ours, 'bench-lg-loop'), runs, warmupRuns, steps),
        await measure('/v1 POST /v1/runs + SSE events', v1Run, runs, warmupRuns, steps),
        await measure(
          '@langchain/langgraph-api in memory',
          sdkRun(theirs, langGraphBenchLoopName),
          runs,
          warmupRuns,
          steps,
        ),
      ],
    };
  } finally {
    await reference.close();
  }
}
