import {
  approveCall,
  createAgentWithSpec,
  recordPublishedDeltas,
  runEventsOf,
  startAgentRun,
  startOpenAiCompatibleServer,
  startTestRuntime,
  waitForPendingApproval,
  waitForRun,
  type OpenAiCompatibleServer,
  type TestRuntime,
} from '@agent-runtime/test-harness';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { AiSdkAgent } from '@agent-runtime/agents';
import { tool } from 'ai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';

const apiKey = 'sk-e2e-ai-sdk-agent-3f1b';

/**
 * An agent written with the Vercel AI SDK (a LanguageModel from `@ai-sdk/openai-compatible`
 * pointing at the harness's model server, a system prompt, `tool({ … execute })` tools),
 * registered in the worker by name and run by the runtime through the API: each model call a
 * durable model step, each `execute` a durable tool step.
 */
describe('AI SDK agents end to end', () => {
  let runtime: TestRuntime;
  let server: OpenAiCompatibleServer;
  /** Every `execute` of `get_weather`, as the tool saw it. */
  const executions: { city: string; callId: string; hasSignal: boolean }[] = [];
  let deltas: Map<string, string[]>;
  let stockAttempts = 0;

  beforeAll(async () => {
    server = await startOpenAiCompatibleServer({ apiKey });
    const model = createOpenAICompatible({
      name: 'harness',
      baseURL: server.baseUrl,
      apiKey,
      includeUsage: true,
    }).chatModel('local-llama');
    const weather: AiSdkAgent = {
      model,
      system: 'You answer weather questions. Use get_weather.',
      tools: {
        get_weather: tool({
          description: 'Current temperature of a city, in °C.',
          inputSchema: z.object({ city: z.string().min(1) }),
          execute: async ({ city }, { toolCallId, abortSignal }) => {
            executions.push({ city, callId: toolCallId, hasSignal: abortSignal instanceof AbortSignal });
            return { city, celsius: city === 'Oslo' ? 4 : 21 };
          },
        }),
      },
    };
    /** Its `stock` tool fails its first attempt with a plain error (retried), then answers. */
    const flaky: AiSdkAgent = {
      model,
      tools: {
        stock: tool({
          description: 'Units in stock of an item.',
          inputSchema: z.object({ item: z.string() }),
          execute: async ({ item }) => {
            stockAttempts += 1;
            if (stockAttempts === 1) throw new Error('warehouse connection reset');
            return { item, units: 7 };
          },
        }),
      },
    };
    runtime = await startTestRuntime({ aiSdkAgents: { weather, flaky } });
    deltas = recordPublishedDeltas(runtime.bus);
  });

  beforeEach(() => {
    executions.length = 0;
  });

  afterAll(async () => {
    await runtime.stop();
    await server.close();
  });

  /** Creates agent `name` with `agent` (and the spec's `extra` fields), and starts a run of it. */
  async function startRun(name: string, agent: Record<string, unknown>, extra: Record<string, unknown> = {}) {
    const agentId = await createAgentWithSpec(runtime, name, { agent, ...extra });
    return startAgentRun(runtime, agentId, 'Is Paris warmer than Oslo?');
  }

  it('runs a multi-step tool-using run: one request per model step, one execute per tool call, streamed text stored', async () => {
    const before = server.requests.length;
    server.enqueue(
      {
        kind: 'reply',
        text: 'Checking Paris.',
        toolCalls: [{ id: 'call_paris', name: 'get_weather', arguments: { city: 'Paris' } }],
      },
      {
        kind: 'reply',
        text: 'Now Oslo, and the difference.',
        toolCalls: [
          { id: 'call_oslo', name: 'get_weather', arguments: { city: 'Oslo' } },
          { id: 'call_diff', name: 'calculator', arguments: { expression: '21 - 4' } },
        ],
      },
      {
        kind: 'reply',
        text: 'Yes: Paris is 21 °C, 17 degrees warmer than Oslo.',
        usage: { prompt: 40, completion: 9 },
      },
    );
    const runId = await startRun(
      'ai-sdk-weather',
      { kind: 'ai-sdk', name: 'weather' },
      { tools: [{ name: 'calculator' }] },
    );
    const finished = await waitForRun(runtime, runId, 60_000);

    expect(finished).toMatchObject({
      status: 'succeeded',
      output: { text: 'Yes: Paris is 21 °C, 17 degrees warmer than Oslo.' },
      usage: { steps: 3, modelCalls: 3, toolCalls: 3 },
    });
    // Each model step is exactly one request; each tool call ran its execute exactly once.
    const requests = server.requests.slice(before);
    expect(requests).toHaveLength(3);
    expect(executions).toEqual([
      { city: 'Paris', callId: 'call_paris', hasSignal: true },
      { city: 'Oslo', callId: 'call_oslo', hasSignal: true },
    ]);
    // The agent's system prompt, its tool described from the zod schema, and the spec's builtin.
    const first = requests[0]?.body;
    expect(first?.messages[0]).toEqual({ role: 'system', content: 'You answer weather questions. Use get_weather.' });
    expect(first?.tools?.map((offered) => offered.function.name)).toEqual(['get_weather', 'calculator']);
    expect(first?.tools?.[0]?.function).toMatchObject({
      description: 'Current temperature of a city, in °C.',
      parameters: { type: 'object', properties: { city: { type: 'string', minLength: 1 } }, required: ['city'] },
    });
    expect(requests[2]?.body?.messages.slice(-2)).toEqual([
      {
        role: 'tool',
        tool_call_id: 'call_oslo',
        content: JSON.stringify({ ok: true, output: { city: 'Oslo', celsius: 4 } }),
      },
      { role: 'tool', tool_call_id: 'call_diff', content: JSON.stringify({ ok: true, output: { value: 17 } }) },
    ]);

    const events = await runEventsOf(runtime, runId);
    expect(events.filter((event) => event.type === 'model.started').map((event) => event.data)).toEqual([
      { agent: 'ai-sdk' },
      { agent: 'ai-sdk' },
      { agent: 'ai-sdk' },
    ]);
    const completed = events.filter((event) => event.type === 'model.completed');
    expect(completed).toHaveLength(3);
    for (const event of completed) {
      expect(deltas.get(`${runId}:${event.step}`)?.join('')).toBe(event.data['text']);
    }
    expect(completed[2]?.data['usage']).toMatchObject({ inputTokens: 40, outputTokens: 9, costUsd: null });
    expect(
      events.filter((event) => event.type === 'tool.completed').map((event) => [event.data['tool'], event.data['ok']]),
    ).toEqual([
      ['get_weather', true],
      ['get_weather', true],
      ['calculator', true],
    ]);
  });

  it('puts an agent tool that needs approval through the approval flow, and answers bad input without executing', async () => {
    server.enqueue(
      { kind: 'reply', toolCalls: [{ id: 'call_bad', name: 'get_weather', arguments: { city: 5 } }] },
      { kind: 'reply', toolCalls: [{ id: 'call_ok', name: 'get_weather', arguments: { city: 'Paris' } }] },
      { kind: 'reply', text: 'Paris: 21 °C.' },
    );
    const runId = await startRun('ai-sdk-approval', {
      kind: 'ai-sdk',
      name: 'weather',
      tools: { get_weather: { requiresApproval: true } },
    });
    // Both calls need approval: the bad one is approved too, and then refused by the tool's schema.
    for (const approvalId of ['1-call_bad', '2-call_ok']) {
      await waitForPendingApproval(runtime, runId, approvalId);
      expect(executions).toHaveLength(0);
      await approveCall(runtime, runId, approvalId);
    }
    expect(await waitForRun(runtime, runId, 60_000)).toMatchObject({
      status: 'succeeded',
      output: { text: 'Paris: 21 °C.' },
    });
    expect(executions.map((execution) => execution.callId)).toEqual(['call_ok']);
    const results = (await runEventsOf(runtime, runId)).filter((event) => event.type === 'tool.completed');
    expect(results.map((event) => event.data)).toEqual([
      expect.objectContaining({
        callId: 'call_bad',
        ok: false,
        error: expect.objectContaining({ code: 'invalid_tool_input' }),
      }),
      expect.objectContaining({ callId: 'call_ok', ok: true, output: { city: 'Paris', celsius: 21 } }),
    ]);
  });

  it("retries a 429 of the agent's model and a tool execute that throws, then records one result", async () => {
    const before = server.requests.length;
    server.enqueue(
      { kind: 'status', status: 429, retryAfter: '0' },
      { kind: 'reply', toolCalls: [{ id: 'call_stock', name: 'stock', arguments: { item: 'bolt' } }] },
      { kind: 'reply', text: '7 bolts left.' },
    );
    const runId = await startRun('ai-sdk-flaky', { kind: 'ai-sdk', name: 'flaky', maxAttempts: 3 });
    expect(await waitForRun(runtime, runId, 60_000)).toMatchObject({
      status: 'succeeded',
      output: { text: '7 bolts left.' },
      usage: { modelCalls: 2, toolCalls: 1 },
    });
    expect(server.requests.length - before).toBe(3);
    expect(stockAttempts).toBe(2);
    const events = await runEventsOf(runtime, runId);
    expect(events.filter((event) => event.type === 'tool.completed').map((event) => event.data)).toEqual([
      expect.objectContaining({ callId: 'call_stock', ok: true, output: { item: 'bolt', units: 7 } }),
    ]);
  });

  it('fails a run of an agent no worker registered with agent_not_registered, without calling any model', async () => {
    const before = server.requests.length;
    const runId = await startRun('ai-sdk-missing', { kind: 'ai-sdk', name: 'nobody' });
    expect(await waitForRun(runtime, runId, 60_000)).toMatchObject({
      status: 'failed',
      error: { code: 'agent_not_registered', message: expect.stringContaining('"nobody"') },
    });
    expect(server.requests.length).toBe(before);
  });

  it('refuses a spec with a bad AI SDK agent name or tool policy with 422', async () => {
    const created = (await (await runtime.request('POST', '/v1/agents', { name: 'ai-sdk-bad' })).json()) as {
      id: string;
    };
    for (const agent of [
      { kind: 'ai-sdk', name: '9 lives' },
      { kind: 'ai-sdk', name: 'weather', tools: { get_weather: { requiresApproval: 'yes' } } },
    ]) {
      const response = await runtime.request('POST', `/v1/agents/${created.id}/versions`, { spec: { agent } });
      expect(response.status).toBe(422);
      expect(await response.json()).toMatchObject({ code: 'validation_failed' });
    }
  });
});
