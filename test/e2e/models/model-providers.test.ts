import {
  recordPublishedDeltas,
  startMcpTestHttpServer,
  startOpenAiCompatibleServer,
  startTestRuntime,
  waitForRun,
  type OpenAiCompatibleServer,
  type ServerAnswer,
  type TestRuntime,
} from '@agent-runtime/test-harness';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

interface RunEvent {
  seq: number;
  type: string;
  step: number | null;
  data: Record<string, unknown>;
}

const apiKey = 'sk-e2e-model-key-5d1c9a7e';

/**
 * Runs of agents whose model is an OpenAI-compatible server (the harness's, over real HTTP
 * with SSE streaming), through the API and a worker: tool use, usage and cost, retries after
 * 429 and malformed answers, and the failures that must end a run with a clear error.
 */
describe('model providers end to end', () => {
  let runtime: TestRuntime;
  let deltas: Map<string, string[]>;
  const servers: OpenAiCompatibleServer[] = [];

  beforeAll(async () => {
    runtime = await startTestRuntime();
    deltas = recordPublishedDeltas(runtime.bus);
    expect((await runtime.request('POST', '/v1/secrets', { name: 'LOCAL_MODEL_KEY', value: apiKey })).status).toBe(201);
  });

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  afterAll(async () => {
    await runtime.stop();
  });

  async function modelServer(...answers: ServerAnswer[]): Promise<OpenAiCompatibleServer> {
    const server = await startOpenAiCompatibleServer({ apiKey });
    servers.push(server);
    server.enqueue(...answers);
    return server;
  }

  async function createVersion(name: string, model: Record<string, unknown>, extra: Record<string, unknown> = {}) {
    const agent = (await (await runtime.request('POST', '/v1/agents', { name })).json()) as { id: string };
    const response = await runtime.request('POST', `/v1/agents/${agent.id}/versions`, {
      spec: { model: { provider: 'openai-compatible', model: 'local-llama', ...model }, ...extra },
    });
    return { agentId: agent.id, response };
  }

  async function runAgent(name: string, model: Record<string, unknown>, extra: Record<string, unknown> = {}) {
    const { agentId, response } = await createVersion(name, model, extra);
    expect(response.status, await response.clone().text()).toBe(201);
    const run = (await (await runtime.request('POST', '/v1/runs', { agentId, input: 'what is 6*7?' })).json()) as {
      id: string;
    };
    return { runId: run.id, finished: await waitForRun(runtime, run.id, 60_000) };
  }

  async function eventsOf(runId: string): Promise<RunEvent[]> {
    const response = await runtime.request('GET', `/v1/runs/${runId}/events?limit=1000`);
    return ((await response.json()) as { items: RunEvent[] }).items;
  }

  it('runs a tool-using agent: calculator, answer, usage and cost, streamed text equal to the stored text', async () => {
    const server = await modelServer(
      {
        kind: 'reply',
        text: 'Computing.',
        toolCalls: [{ id: 'call_mul', name: 'calculator', arguments: { expression: '6*7' } }],
        usage: { prompt: 1200, completion: 30, cached: 200 },
      },
      { kind: 'reply', text: 'Six times seven is 42.', usage: { prompt: 1300, completion: 12 } },
    );
    const { runId, finished } = await runAgent(
      'local-math',
      {
        baseUrl: server.baseUrl,
        apiKeySecret: 'LOCAL_MODEL_KEY',
        pricing: { inputPerMillionTokens: 1, outputPerMillionTokens: 4, cachedInputPerMillionTokens: 0.5 },
      },
      { instructions: 'Use the calculator.', tools: [{ name: 'calculator' }] },
    );

    expect(finished).toMatchObject({
      status: 'succeeded',
      output: { text: 'Six times seven is 42.' },
      usage: {
        steps: 2,
        modelCalls: 2,
        toolCalls: 1,
        inputTokens: 2500,
        outputTokens: 42,
        totalTokens: 2542,
        cachedInputTokens: 200,
        // (1000 × 1 + 200 × 0.5 + 30 × 4 + 1300 × 1 + 12 × 4) / 1e6
        costUsd: 0.002568,
      },
    });
    expect(server.requests.map((request) => request.authorization)).toEqual([`Bearer ${apiKey}`, `Bearer ${apiKey}`]);
    expect(server.requests[1]?.body?.messages.slice(-2)).toEqual([
      expect.objectContaining({ role: 'assistant', tool_calls: [expect.objectContaining({ id: 'call_mul' })] }),
      { role: 'tool', tool_call_id: 'call_mul', content: JSON.stringify({ ok: true, output: { value: 42 } }) },
    ]);

    const events = await eventsOf(runId);
    const completed = events.filter((event) => event.type === 'model.completed');
    expect(completed.map((event) => event.data['usage'])).toEqual([
      { inputTokens: 1200, outputTokens: 30, totalTokens: 1230, cachedInputTokens: 200, costUsd: 0.00122 },
      { inputTokens: 1300, outputTokens: 12, totalTokens: 1312, cachedInputTokens: 0, costUsd: 0.001348 },
    ]);
    for (const event of completed) {
      expect(deltas.get(`${runId}:${event.step}`)?.join('')).toBe(event.data['text']);
    }
    expect(events.find((event) => event.type === 'tool.completed')?.data).toMatchObject({
      ok: true,
      output: { value: 42 },
    });
    expect(JSON.stringify(events)).not.toContain(apiKey);
  });

  it('offers an MCP tool under a provider-safe name, runs the call, and records the declared name', async () => {
    const mcp = await startMcpTestHttpServer();
    try {
      const server = await modelServer(
        {
          kind: 'reply',
          toolCalls: [{ id: 'call_add', name: 'remote_add', arguments: { a: 2, b: 40 } }],
        },
        { kind: 'reply', text: 'The sum is 42.' },
      );
      const { runId, finished } = await runAgent(
        'local-mcp',
        { baseUrl: server.baseUrl, apiKeySecret: 'LOCAL_MODEL_KEY' },
        {
          tools: [{ name: 'calculator' }],
          mcpServers: [{ name: 'remote', transport: { type: 'streamable-http', url: mcp.url }, allowTools: ['add'] }],
        },
      );

      expect(finished).toMatchObject({ status: 'succeeded', output: { text: 'The sum is 42.' } });
      expect(mcp.calls.get('add')).toBe(1);
      expect(server.requests).toHaveLength(2);
      const offered = server.requests[0]?.body?.tools?.map((tool) => tool.function);
      expect(offered?.map((tool) => tool.name)).toEqual(['calculator', 'remote_add']);
      expect(offered?.[1]).toEqual({
        name: 'remote_add',
        description: 'Adds two numbers.',
        parameters: {
          type: 'object',
          properties: { a: { type: 'number' }, b: { type: 'number' } },
          required: ['a', 'b'],
          additionalProperties: false,
        },
      });
      expect(server.requests[1]?.body?.tools?.map((tool) => tool.function.name)).toEqual(['calculator', 'remote_add']);
      expect(server.requests[1]?.body?.messages.slice(-2)).toEqual([
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_add', type: 'function', function: { name: 'remote_add', arguments: '{"a":2,"b":40}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_add', content: JSON.stringify({ ok: true, output: { sum: 42 } }) },
      ]);

      const events = await eventsOf(runId);
      expect(events.find((event) => event.type === 'model.completed')?.data['toolCalls']).toEqual([
        { id: 'call_add', name: 'remote.add', arguments: { a: 2, b: 40 } },
      ]);
      expect(events.find((event) => event.type === 'tool.started')?.data).toMatchObject({
        callId: 'call_add',
        tool: 'remote.add',
      });
      expect(events.find((event) => event.type === 'tool.completed')?.data).toMatchObject({
        tool: 'remote.add',
        ok: true,
        output: { sum: 42 },
      });
      expect(JSON.stringify(events)).not.toContain('remote_add');
    } finally {
      await mcp.close();
    }
  });

  it('retries a 429 after its Retry-After, and a malformed answer, then succeeds', async () => {
    const server = await modelServer(
      { kind: 'status', status: 429, retryAfter: '2', message: 'rate limited' },
      { kind: 'malformed' },
      { kind: 'reply', text: 'fine' },
    );
    const { finished } = await runAgent('retrying', { baseUrl: server.baseUrl, apiKeySecret: 'LOCAL_MODEL_KEY' });
    expect(finished).toMatchObject({ status: 'succeeded', output: { text: 'fine' }, usage: { costUsd: 0 } });
    expect(server.requests).toHaveLength(3);
    const [limited, malformed] = server.requests;
    expect((malformed?.receivedAt ?? 0) - (limited?.receivedAt ?? 0)).toBeGreaterThanOrEqual(1900);
  });

  it('fails the run with model_response_invalid when malformed answers use up maxAttempts', async () => {
    const server = await modelServer({ kind: 'malformed' }, { kind: 'malformed' });
    const { finished } = await runAgent('garbled', {
      baseUrl: server.baseUrl,
      apiKeySecret: 'LOCAL_MODEL_KEY',
      maxAttempts: 2,
    });
    expect(finished).toMatchObject({
      status: 'failed',
      error: { code: 'model_response_invalid', step: 1, message: expect.stringMatching(/not valid.*attempt 2 of 2/s) },
    });
    expect(server.requests).toHaveLength(2);
  });

  it('fails the run with model_request_rejected at once on a 401 (a wrong key)', async () => {
    const server = await startOpenAiCompatibleServer({ apiKey: 'sk-a-different-key' });
    servers.push(server);
    const { finished } = await runAgent('wrong-key', { baseUrl: server.baseUrl, apiKeySecret: 'LOCAL_MODEL_KEY' });
    expect(finished).toMatchObject({
      status: 'failed',
      error: { code: 'model_request_rejected', message: expect.stringMatching(/answered 401/) },
    });
    expect(server.requests).toHaveLength(1);
    expect(JSON.stringify(finished)).not.toContain(apiKey);
  });

  it('fails the run with model_unavailable when the model server is unreachable, within its attempts', async () => {
    const started = Date.now();
    const { finished } = await runAgent('unreachable', { baseUrl: 'http://127.0.0.1:9/v1', maxAttempts: 2 });
    expect(finished).toMatchObject({
      status: 'failed',
      error: { code: 'model_unavailable', message: expect.stringMatching(/unreachable/) },
    });
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('fails the run with secret_not_found when the key secret was deleted after the version', async () => {
    expect(
      (await runtime.request('POST', '/v1/secrets', { name: 'SHORT_LIVED', value: 'sk-short-lived' })).status,
    ).toBe(201);
    const server = await modelServer({ kind: 'reply', text: 'never' });
    const { agentId, response } = await createVersion('deleted-key', {
      baseUrl: server.baseUrl,
      apiKeySecret: 'SHORT_LIVED',
    });
    expect(response.status).toBe(201);
    expect((await runtime.request('DELETE', '/v1/secrets/SHORT_LIVED')).status).toBe(204);
    const run = (await (await runtime.request('POST', '/v1/runs', { agentId, input: 'hi' })).json()) as { id: string };
    expect(await waitForRun(runtime, run.id)).toMatchObject({
      status: 'failed',
      error: { code: 'secret_not_found', message: expect.stringMatching(/SHORT_LIVED/) },
    });
    expect(server.requests).toHaveLength(0);
  });

  it('rejects at version creation a missing key secret, a bad base URL and an unknown provider (422)', async () => {
    const missing = await createVersion('missing-key', { baseUrl: 'http://127.0.0.1:9/v1', apiKeySecret: 'NOPE' });
    expect(missing.response.status).toBe(422);
    expect(await missing.response.json()).toMatchObject({
      code: 'validation_failed',
      missingSecrets: ['NOPE'],
      errors: [{ path: 'body.spec.model.apiKeySecret', message: expect.stringMatching(/NOPE/) }],
    });

    const badUrl = await createVersion('bad-url', { baseUrl: 'localhost:11434' });
    expect(badUrl.response.status).toBe(422);
    expect(await badUrl.response.json()).toMatchObject({
      errors: [expect.objectContaining({ path: 'body.spec.model.baseUrl' })],
    });

    const unknown = await createVersion('unknown-provider', { provider: 'llamas' });
    expect(unknown.response.status).toBe(422);
  });
});
