import { AgentStepError, callRuntimeTools } from '@agent-runtime/agents';
import {
  recordPublishedDeltas,
  startOpenAiCompatibleServer,
  startTestRuntime,
  waitForRun,
  type OpenAiCompatibleServer,
  type TestRuntime,
} from '@agent-runtime/test-harness';
import { Annotation, END, interrupt, START, StateGraph } from '@langchain/langgraph';
import { ChatOpenAI } from '@langchain/openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface RunEvent {
  type: string;
  step: number | null;
  data: Record<string, unknown>;
}

/** How often each node of the article graph ran, and the topics whose `write` fails once. */
const ran = { plan: 0, write: 0, review: 0 };
const failOnce = new Set<string>();

const Article = Annotation.Root({
  topic: Annotation<string>,
  outline: Annotation<string>,
  draft: Annotation<string>,
  verdict: Annotation<{ approved: boolean; words: number }>,
});

/** plan → write → review: three nodes, three super-steps, no model needed. */
const article = new StateGraph(Article)
  .addNode('plan', (state) => {
    ran.plan += 1;
    return { outline: `1. what ${state.topic} are 2. why they matter` };
  })
  .addNode('write', (state) => {
    ran.write += 1;
    if (failOnce.delete(state.topic)) {
      throw new AgentStepError('agent_unavailable', 'the writer is busy', { retryAfterMs: 1 });
    }
    return { draft: `${state.topic}: ${state.outline}` };
  })
  .addNode('review', (state) => {
    ran.review += 1;
    return { verdict: { approved: true, words: state.draft.split(' ').length } };
  })
  .addEdge(START, 'plan')
  .addEdge('plan', 'write')
  .addEdge('write', 'review')
  .addEdge('review', END)
  .compile();

const Sum = Annotation.Root({
  a: Annotation<number>,
  b: Annotation<number>,
  product: Annotation<number>,
  answer: Annotation<string>,
});

/** compute (asks the runtime for a calculator call) → report. */
const calc = new StateGraph(Sum)
  .addNode('compute', (state) => {
    const [outcome] = callRuntimeTools([{ name: 'calculator', arguments: { expression: `${state.a} * ${state.b}` } }]);
    if (!outcome?.ok) throw new Error(`calculator failed: ${JSON.stringify(outcome)}`);
    return { product: (outcome.output as { value: number }).value };
  })
  .addNode('report', (state) => ({ answer: `${state.a} × ${state.b} = ${state.product}` }))
  .addEdge(START, 'compute')
  .addEdge('compute', 'report')
  .addEdge('report', END)
  .compile();

/** A graph waiting on LangGraph's own `interrupt()`, which nothing in the runtime answers. */
const askHuman = new StateGraph(Sum)
  .addNode('ask', () => ({ answer: interrupt<string, string>('Which numbers?') }))
  .addEdge(START, 'ask')
  .addEdge('ask', END)
  .compile();

/** The model server the chat graph's LangChain model talks to, over real HTTP. */
let modelServer: OpenAiCompatibleServer;
const modelKey = 'sk-e2e-langgraph-chat-5d2a';

beforeAll(async () => {
  modelServer = await startOpenAiCompatibleServer({ apiKey: modelKey });
});

afterAll(async () => {
  await modelServer.close();
});

const Chat = Annotation.Root({
  question: Annotation<string>,
  draft: Annotation<string>,
  answer: Annotation<string>,
});

/** A LangChain chat model on the harness's model server (built per call: the server starts in beforeAll). */
function chatModel(): ChatOpenAI {
  return new ChatOpenAI({
    model: 'local-llama',
    apiKey: modelKey,
    configuration: { baseURL: modelServer.baseUrl },
    maxRetries: 0,
  });
}

/** sketch → polish: each node calls a LangChain chat model with plain `invoke()`. */
const chat = new StateGraph(Chat)
  .addNode('sketch', async (state) => ({ draft: (await chatModel().invoke(state.question)).text }))
  .addNode('polish', async (state) => ({ answer: (await chatModel().invoke(`Polish: ${state.draft}`)).text }))
  .addEdge(START, 'sketch')
  .addEdge('sketch', 'polish')
  .addEdge('polish', END)
  .compile();

/**
 * A LangGraph.js graph as an agent, through the API and a real worker: one super-step per
 * model step, its checkpoints in the runtime's database, a retried step resuming from the
 * checkpoint its previous step ended at. On both databases: the checkpointer is plain Kysely.
 */
describe.each(['postgres', 'pglite'] as const)('LangGraph agents end to end on %s', (database) => {
  let runtime: TestRuntime;
  let deltas: Map<string, string[]>;

  beforeAll(async () => {
    runtime = await startTestRuntime({ database, graphs: { article, calc, chat, askHuman } });
    deltas = recordPublishedDeltas(runtime.bus);
  });

  afterAll(async () => {
    await runtime.stop();
  });

  async function startGraphRun(name: string, agent: Record<string, unknown>, input: unknown, tools: unknown[] = []) {
    const created = (await (await runtime.request('POST', '/v1/agents', { name })).json()) as { id: string };
    const version = await runtime.request('POST', `/v1/agents/${created.id}/versions`, { spec: { agent, tools } });
    expect(version.status, await version.clone().text()).toBe(201);
    const run = await runtime.request('POST', '/v1/runs', { agentId: created.id, input });
    expect(run.status).toBe(202);
    return ((await run.json()) as { id: string }).id;
  }

  async function eventsOf(runId: string): Promise<RunEvent[]> {
    const response = await runtime.request('GET', `/v1/runs/${runId}/events?limit=1000`);
    return ((await response.json()) as { items: RunEvent[] }).items;
  }

  it('runs each super-step as its own model step and ends with the graph state', async () => {
    const before = { ...ran };
    const runId = await startGraphRun('lg-article', { kind: 'langgraph', graph: 'article' }, { topic: 'otters' });
    const run = await waitForRun(runtime, runId);
    expect(run, JSON.stringify(run.error)).toMatchObject({
      status: 'succeeded',
      output: {
        topic: 'otters',
        outline: '1. what otters are 2. why they matter',
        draft: 'otters: 1. what otters are 2. why they matter',
        verdict: { approved: true, words: 9 },
      },
      usage: { steps: 3, modelCalls: 3, toolCalls: 0 },
    });
    expect(ran).toEqual({ plan: before.plan + 1, write: before.write + 1, review: before.review + 1 });
    const completed = (await eventsOf(runId)).filter((event) => event.type === 'model.completed');
    expect(completed.map((event) => [event.step, JSON.parse(event.data.text as string)])).toEqual([
      [1, [{ plan: { outline: '1. what otters are 2. why they matter' } }]],
      [2, [{ write: { draft: 'otters: 1. what otters are 2. why they matter' } }]],
      [3, [{ review: { verdict: { approved: true, words: 9 } } }]],
    ]);
    const started = (await eventsOf(runId)).find((event) => event.type === 'model.started');
    expect(started?.data).toEqual({ agent: 'langgraph' });
    // The checkpoints are in the runtime's database, on the run's thread, under the run's tenant.
    const checkpoints = await runtime.database.db
      .selectFrom('langgraph_checkpoints')
      .select('checkpoint_id')
      .where('tenant_id', '=', runtime.tenantId)
      .where('thread_id', '=', runId)
      .execute();
    expect(checkpoints.length).toBeGreaterThanOrEqual(4);
  });

  it('retries a failed super-step from the checkpoint of the step before, not from the start', async () => {
    failOnce.add('beavers');
    const before = { ...ran };
    const runId = await startGraphRun(
      'lg-article-retry',
      { kind: 'langgraph', graph: 'article', output: 'verdict' },
      { topic: 'beavers' },
    );
    const run = await waitForRun(runtime, runId);
    expect(run, JSON.stringify(run.error)).toMatchObject({
      status: 'succeeded',
      output: { approved: true, words: 9 },
      usage: { steps: 3 },
    });
    // plan ran once: the retry of step 2 resumed from the checkpoint step 1 ended at.
    expect(ran).toEqual({ plan: before.plan + 1, write: before.write + 2, review: before.review + 1 });
  });

  it("runs a node's tool calls as the runtime's durable tool steps and resumes the node with their outcomes", async () => {
    const runId = await startGraphRun(
      'lg-calc',
      { kind: 'langgraph', graph: 'calc', output: 'answer' },
      { a: 6, b: 7 },
      [{ name: 'calculator' }],
    );
    const run = await waitForRun(runtime, runId);
    expect(run, JSON.stringify(run.error)).toMatchObject({
      status: 'succeeded',
      output: '6 × 7 = 42',
      usage: { steps: 3, modelCalls: 3, toolCalls: 1 },
    });
    const events = await eventsOf(runId);
    expect(events.filter((event) => event.type === 'tool.completed').map((event) => event.step)).toEqual([1]);
    const steps = events.filter((event) => event.type === 'model.completed').map((event) => event.data);
    expect(steps[0]).toMatchObject({
      toolCalls: [{ id: 'langgraph-1-1', name: 'calculator', arguments: { expression: '6 * 7' } }],
    });
    expect(JSON.parse(steps[1]?.text as string)).toEqual([{ compute: { product: 42 } }]);
  });

  it("fails clearly on an unregistered graph, a missing output key, a graph's own interrupt(), and a bad spec", async () => {
    const missing = await waitForRun(
      runtime,
      await startGraphRun('lg-missing', { kind: 'langgraph', graph: 'nobody' }, {}),
    );
    expect(missing).toMatchObject({ status: 'failed', error: { code: 'agent_not_registered', step: 1 } });
    expect((missing.error as { message: string }).message).toContain('no LangGraph graph "nobody"');

    const noKey = await waitForRun(
      runtime,
      await startGraphRun('lg-no-key', { kind: 'langgraph', graph: 'article', output: 'summary' }, { topic: 'voles' }),
    );
    expect(noKey).toMatchObject({ status: 'failed', error: { code: 'agent_response_invalid', step: 3 } });

    const ownInterrupt = await waitForRun(
      runtime,
      await startGraphRun('lg-own-interrupt', { kind: 'langgraph', graph: 'askHuman' }, { a: 1, b: 2 }),
    );
    expect(ownInterrupt).toMatchObject({ status: 'failed', error: { code: 'agent_response_invalid', step: 1 } });
    expect((ownInterrupt.error as { message: string }).message).toContain('interrupt() with a value of its own');

    const created = (await (await runtime.request('POST', '/v1/agents', { name: 'lg-bad' })).json()) as { id: string };
    const bad = await runtime.request('POST', `/v1/agents/${created.id}/versions`, {
      spec: { agent: { kind: 'langgraph', graph: '9 lives' } },
    });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { code: string }).code).toBe('validation_failed');
  });

  it("streams the tokens of a node's LangChain chat model as deltas, joined equal to the step's stored text", async () => {
    const replies = ['Otters are playful river mammals.', 'Otters: playful, clever, at home in rivers.'];
    modelServer.enqueue(...replies.map((text) => ({ kind: 'reply' as const, text, chunkSize: 4, chunkDelayMs: 40 })));
    const requestsBefore = modelServer.requests.length;
    const runId = await startGraphRun(
      'lg-chat',
      { kind: 'langgraph', graph: 'chat', output: 'answer' },
      {
        question: 'What are otters?',
      },
    );
    const run = await waitForRun(runtime, runId);
    expect(run, JSON.stringify(run.error)).toMatchObject({ status: 'succeeded', output: replies[1] });
    // The nodes called invoke(); the runtime's handler had the model stream.
    const requests = modelServer.requests.slice(requestsBefore);
    expect(requests.map((request) => request.body?.stream)).toEqual([true, true]);
    const completed = (await eventsOf(runId)).filter((event) => event.type === 'model.completed');
    expect(completed.map((event) => [event.step, event.data.text])).toEqual([
      [1, replies[0]],
      [2, replies[1]],
    ]);
    for (const [index, text] of replies.entries()) {
      const pieces = deltas.get(`${runId}:${index + 1}`) ?? [];
      expect(pieces.length).toBeGreaterThanOrEqual(2);
      expect(pieces.join('')).toBe(text);
    }
  });
});
