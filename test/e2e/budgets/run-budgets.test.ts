import {
  startOpenAiCompatibleServer,
  startTestRuntime,
  waitForRun,
  type OpenAiCompatibleServer,
  type ServerAnswer,
  type TestRuntime,
} from '@agent-runtime/test-harness';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

interface RunEvent {
  type: string;
  step: number | null;
  data: Record<string, unknown>;
}

/** $1 per million input tokens, $10 per million output tokens. */
const pricing = { inputPerMillionTokens: 1, outputPerMillionTokens: 10 };

/** A step that asks for the calculator: 1000 input and 100 output tokens, $0.002 by {@link pricing}. */
function toolStep(index: number): ServerAnswer {
  return {
    kind: 'reply',
    text: `step ${index}`,
    toolCalls: [{ id: `call_${index}`, name: 'calculator', arguments: { expression: `${index}+1` } }],
    usage: { prompt: 1000, completion: 100 },
  };
}

/**
 * A run's own budget (`limits.maxTokens`, `limits.maxCostUsd`) against a real
 * OpenAI-compatible server that counts the calls it gets: the run fails `budget_exceeded` at
 * the step that crosses the budget, and a call whose worst case does not fit is never made.
 */
describe('run budgets', () => {
  let runtime: TestRuntime;
  const servers: OpenAiCompatibleServer[] = [];

  beforeAll(async () => {
    runtime = await startTestRuntime();
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });
  afterAll(async () => {
    await runtime.stop();
  });

  async function modelServer(...answers: ServerAnswer[]): Promise<OpenAiCompatibleServer> {
    const server = await startOpenAiCompatibleServer();
    servers.push(server);
    server.enqueue(...answers);
    return server;
  }

  /** Creates an agent with the spec, runs it to its end, and answers the run and its events. */
  async function run(name: string, spec: Record<string, unknown>) {
    const agent = (await (await runtime.request('POST', '/v1/agents', { name })).json()) as { id: string };
    const version = await runtime.request('POST', `/v1/agents/${agent.id}/versions`, { spec });
    expect(version.status, await version.clone().text()).toBe(201);
    const created = await runtime.request('POST', '/v1/runs', { agentId: agent.id, input: 'count up' });
    expect(created.status).toBe(202);
    const runId = ((await created.json()) as { id: string }).id;
    const finished = await waitForRun(runtime, runId, 60_000);
    const page = (await (await runtime.request('GET', `/v1/runs/${runId}/events?limit=1000`)).json()) as {
      items: RunEvent[];
    };
    return { runId, finished, events: page.items };
  }

  it('fails the run at the step whose cost crosses maxCostUsd; its tool calls do not run', async () => {
    const server = await modelServer(toolStep(1), toolStep(2), toolStep(3), toolStep(4), toolStep(5));
    const { finished, events } = await run('cost-capped', {
      model: { provider: 'openai-compatible', baseUrl: server.baseUrl, model: 'local-llama', pricing },
      tools: [{ name: 'calculator' }],
      // $0.002 a step: steps 1 and 2 spend $0.004, step 3 takes the run to $0.006.
      limits: { maxSteps: 10, maxCostUsd: 0.005 },
    });

    expect(server.requests).toHaveLength(3);
    expect(finished).toMatchObject({
      status: 'failed',
      error: { code: 'budget_exceeded', step: 3 },
      // The crossing step counts: what the run spent is what the provider billed.
      usage: { steps: 3, modelCalls: 3, toolCalls: 2, inputTokens: 3000, outputTokens: 300, costUsd: 0.006 },
    });
    expect((finished.error as { message: string }).message).toContain('over its limit of $0.005');
    expect(events.filter((event) => event.type === 'model.completed').map((event) => event.step)).toEqual([1, 2, 3]);
    expect(events.filter((event) => event.type === 'tool.completed').map((event) => event.step)).toEqual([1, 2]);
    expect(events.at(-1)).toMatchObject({ type: 'run.failed', data: { error: { code: 'budget_exceeded', step: 3 } } });
  });

  it('fails the run at the step whose tokens cross maxTokens', async () => {
    const server = await modelServer(toolStep(1), toolStep(2), toolStep(3));
    const { finished } = await run('token-capped', {
      model: { provider: 'openai-compatible', baseUrl: server.baseUrl, model: 'local-llama' },
      tools: [{ name: 'calculator' }],
      // 1100 tokens a step: step 2 takes the run to 2200.
      limits: { maxTokens: 2000 },
    });

    expect(server.requests).toHaveLength(2);
    expect(finished).toMatchObject({
      status: 'failed',
      error: { code: 'budget_exceeded', step: 2 },
      usage: { modelCalls: 2, toolCalls: 1, totalTokens: 2200 },
    });
  });

  it('does not start a model call whose worst case by maxOutputTokens and pricing does not fit', async () => {
    const server = await modelServer(toolStep(1), toolStep(2), toolStep(3));
    const { finished, events } = await run('worst-case-capped', {
      model: {
        provider: 'openai-compatible',
        baseUrl: server.baseUrl,
        model: 'local-llama',
        pricing,
        // Worst case of a call: $0.01 of output, plus its input (a few hundred tokens, cents/10k).
        maxOutputTokens: 1000,
      },
      tools: [{ name: 'calculator' }],
      // Step 1 fits ($0 + ~$0.0101); after it spent $0.002, step 2's worst case does not.
      limits: { maxCostUsd: 0.012 },
    });

    expect(server.requests).toHaveLength(1);
    expect(finished).toMatchObject({
      status: 'failed',
      error: { code: 'budget_exceeded', step: 2 },
      usage: { modelCalls: 1, toolCalls: 1, costUsd: 0.002 },
    });
    expect((finished.error as { message: string }).message).toMatch(
      /^step 2 was not started: the model call could cost/,
    );
    expect(events.filter((event) => event.type === 'model.completed').map((event) => event.step)).toEqual([1]);
  });

  it('never calls the model when even the first call cannot be afforded', async () => {
    const server = await modelServer(toolStep(1));
    const { finished } = await run('unaffordable', {
      model: {
        provider: 'openai-compatible',
        baseUrl: server.baseUrl,
        model: 'local-llama',
        maxOutputTokens: 4096,
      },
      limits: { maxTokens: 4000 },
    });

    expect(server.requests).toHaveLength(0);
    expect(finished).toMatchObject({
      status: 'failed',
      error: { code: 'budget_exceeded', step: 1 },
      usage: { modelCalls: 0, totalTokens: 0 },
    });
  });

  it('lets a run within its budget finish', async () => {
    const server = await modelServer(toolStep(1), {
      kind: 'reply',
      text: 'done',
      usage: { prompt: 1000, completion: 100 },
    });
    const { finished } = await run('within-budget', {
      model: { provider: 'openai-compatible', baseUrl: server.baseUrl, model: 'local-llama', pricing },
      tools: [{ name: 'calculator' }],
      limits: { maxCostUsd: 0.004, maxTokens: 2200 },
    });
    expect(server.requests).toHaveLength(2);
    expect(finished).toMatchObject({ status: 'succeeded', usage: { costUsd: 0.004, totalTokens: 2200 } });
  });
});
