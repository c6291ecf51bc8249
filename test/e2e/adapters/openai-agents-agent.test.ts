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
import { Agent, handoff, tool } from '@openai/agents';
import { OpenAIChatCompletionsModel } from '@openai/agents-openai';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';

const apiKey = 'sk-e2e-openai-agents-9c2d';

/**
 * Agents written with the OpenAI Agents SDK (`new Agent({ … })` with an
 * `OpenAIChatCompletionsModel` pointing at the harness's model server, function tools made
 * with `tool(…)`, handoffs), registered in the worker by name and run by the runtime through
 * the API: each model call a durable model step, each tool and handoff call a durable tool step.
 */
describe('OpenAI Agents SDK agents end to end', () => {
  let runtime: TestRuntime;
  let server: OpenAiCompatibleServer;
  /** Every execute of `get_weather`, as the tool saw it. */
  const executions: string[] = [];
  const handoffs: string[] = [];
  let deltas: Map<string, string[]>;

  beforeAll(async () => {
    server = await startOpenAiCompatibleServer({ apiKey });
    const model = new OpenAIChatCompletionsModel(
      new OpenAI({ baseURL: server.baseUrl, apiKey, maxRetries: 0 }),
      'local-llama',
    );
    const getWeather = tool({
      name: 'get_weather',
      description: 'Current temperature of a city, in °C.',
      parameters: z.object({ city: z.string() }),
      execute: ({ city }) => {
        executions.push(city);
        return { city, celsius: city === 'Oslo' ? 4 : 21 };
      },
    });
    const weather = new Agent({
      name: 'weather',
      instructions: 'You answer weather questions. Use get_weather.',
      model,
      tools: [getWeather],
    });
    const billing = new Agent({
      name: 'billing',
      instructions: 'You are the billing specialist. Refund politely.',
      model,
      tools: [getWeather],
    });
    const triage = new Agent({
      name: 'triage',
      instructions: 'Route each question to the right specialist.',
      model,
      handoffs: [handoff(billing, { onHandoff: () => void handoffs.push('billing') }), weather],
    });
    runtime = await startTestRuntime({ openaiAgents: { weather, triage } });
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

  it('runs a multi-step tool-using run: one request per model step, one execute per tool call, deltas on the bus', async () => {
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
      'openai-agents-weather',
      { kind: 'openai-agents', name: 'weather' },
      { tools: [{ name: 'calculator' }] },
    );
    const finished = await waitForRun(runtime, runId, 60_000);

    expect(finished).toMatchObject({
      status: 'succeeded',
      output: { text: 'Yes: Paris is 21 °C, 17 degrees warmer than Oslo.' },
      usage: { steps: 3, modelCalls: 3, toolCalls: 3 },
    });
    const requests = server.requests.slice(before);
    expect(requests).toHaveLength(3);
    expect(executions).toEqual(['Paris', 'Oslo']);
    const first = requests[0]?.body;
    expect(first?.messages[0]).toEqual({ role: 'system', content: 'You answer weather questions. Use get_weather.' });
    expect(first?.tools?.map((offered) => offered.function.name)).toEqual(['get_weather', 'calculator']);
    expect(requests[2]?.body?.messages.slice(-2)).toEqual([
      {
        role: 'tool',
        tool_call_id: 'call_oslo',
        content: JSON.stringify({ ok: true, output: { city: 'Oslo', celsius: 4 } }),
      },
      { role: 'tool', tool_call_id: 'call_diff', content: JSON.stringify({ ok: true, output: { value: 17 } }) },
    ]);

    const events = await runEventsOf(runtime, runId);
    const completed = events.filter((event) => event.type === 'model.completed');
    expect(completed.map((event) => event.data['agentName'])).toEqual(['weather', 'weather', 'weather']);
    for (const event of completed) {
      expect(deltas.get(`${runId}:${event.step}`)?.join('')).toBe(event.data['text']);
    }
    expect(completed[2]?.data['usage']).toMatchObject({ inputTokens: 40, outputTokens: 9 });
  });

  it("hands off from a triage agent to a specialist: the specialist's instructions reach the model, state carries it", async () => {
    const before = server.requests.length;
    handoffs.length = 0;
    server.enqueue(
      {
        kind: 'reply',
        toolCalls: [
          { id: 'call_h1', name: 'transfer_to_billing', arguments: {} },
          { id: 'call_h2', name: 'transfer_to_weather', arguments: {} },
        ],
      },
      { kind: 'reply', toolCalls: [{ id: 'call_w', name: 'get_weather', arguments: { city: 'Oslo' } }] },
      { kind: 'reply', text: 'Billing here: refunded, and Oslo is 4 °C.' },
    );
    const runId = await startRun('openai-agents-triage', { kind: 'openai-agents', name: 'triage' });
    expect(await waitForRun(runtime, runId, 60_000)).toMatchObject({
      status: 'succeeded',
      output: { text: 'Billing here: refunded, and Oslo is 4 °C.' },
      usage: { modelCalls: 3, toolCalls: 3 },
    });
    const requests = server.requests.slice(before);
    expect(requests).toHaveLength(3);
    expect(requests[0]?.body?.messages[0]).toEqual({
      role: 'system',
      content: 'Route each question to the right specialist.',
    });
    expect(requests[0]?.body?.tools?.map((offered) => offered.function.name)).toEqual([
      'transfer_to_billing',
      'transfer_to_weather',
    ]);
    for (const request of requests.slice(1)) {
      expect(request.body?.messages[0]).toEqual({
        role: 'system',
        content: 'You are the billing specialist. Refund politely.',
      });
      expect(request.body?.tools?.map((offered) => offered.function.name)).toEqual(['get_weather']);
    }
    expect(handoffs).toEqual(['billing']);
    expect(executions).toEqual(['Oslo']);
    const events = await runEventsOf(runtime, runId);
    expect(events.filter((event) => event.type === 'model.completed').map((event) => event.data['agentName'])).toEqual([
      'triage',
      'billing',
      'billing',
    ]);
    expect(events.filter((event) => event.type === 'tool.completed').map((event) => event.data)).toEqual([
      expect.objectContaining({ callId: 'call_h1', ok: true, output: { assistant: 'billing' } }),
      expect.objectContaining({
        callId: 'call_h2',
        ok: false,
        error: expect.objectContaining({ code: 'handoff_ignored' }),
      }),
      expect.objectContaining({ callId: 'call_w', ok: true, output: { city: 'Oslo', celsius: 4 } }),
    ]);
  });

  it('puts an agent tool that needs approval through the approval flow', async () => {
    server.enqueue(
      { kind: 'reply', toolCalls: [{ id: 'call_ok', name: 'get_weather', arguments: { city: 'Paris' } }] },
      { kind: 'reply', text: 'Paris: 21 °C.' },
    );
    const runId = await startRun('openai-agents-approval', {
      kind: 'openai-agents',
      name: 'weather',
      tools: { get_weather: { requiresApproval: true } },
    });
    await waitForPendingApproval(runtime, runId, '1-call_ok');
    expect(executions).toHaveLength(0);
    await approveCall(runtime, runId, '1-call_ok');
    expect(await waitForRun(runtime, runId, 60_000)).toMatchObject({
      status: 'succeeded',
      output: { text: 'Paris: 21 °C.' },
    });
    expect(executions).toEqual(['Paris']);
  });

  it("retries a 429 of the agent's model after its Retry-After, then finishes", async () => {
    const before = server.requests.length;
    server.enqueue(
      { kind: 'status', status: 429, retryAfter: '0' },
      { kind: 'reply', toolCalls: [{ id: 'call_p', name: 'get_weather', arguments: { city: 'Paris' } }] },
      { kind: 'reply', text: 'Paris: 21 °C.' },
    );
    const runId = await startRun('openai-agents-429', { kind: 'openai-agents', name: 'weather', maxAttempts: 3 });
    expect(await waitForRun(runtime, runId, 60_000)).toMatchObject({
      status: 'succeeded',
      output: { text: 'Paris: 21 °C.' },
      usage: { modelCalls: 2, toolCalls: 1 },
    });
    expect(server.requests.length - before).toBe(3);
    expect(executions).toEqual(['Paris']);
  });

  it('fails a run of an agent no worker registered with agent_not_registered, without calling any model', async () => {
    const before = server.requests.length;
    const runId = await startRun('openai-agents-missing', { kind: 'openai-agents', name: 'nobody' });
    expect(await waitForRun(runtime, runId, 60_000)).toMatchObject({
      status: 'failed',
      error: { code: 'agent_not_registered', message: expect.stringContaining('"nobody"') },
    });
    expect(server.requests.length).toBe(before);
  });

  it('refuses a spec with a bad OpenAI agent name or tool policy with 422', async () => {
    const created = (await (await runtime.request('POST', '/v1/agents', { name: 'openai-agents-bad' })).json()) as {
      id: string;
    };
    for (const agent of [
      { kind: 'openai-agents', name: '9 lives' },
      { kind: 'openai-agents', name: 'weather', tools: { get_weather: { requiresApproval: 'yes' } } },
    ]) {
      const response = await runtime.request('POST', `/v1/agents/${created.id}/versions`, { spec: { agent } });
      expect(response.status).toBe(422);
      expect(await response.json()).toMatchObject({ code: 'validation_failed' });
    }
  });
});
