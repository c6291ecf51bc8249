import { agentSpecSchema, SecretUnavailableError, type AgentSpec } from '@agent-runtime/core';
import { startOpenAiCompatibleServer, type OpenAiCompatibleServer } from '@agent-runtime/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinTools } from '../tools/builtin-tools.ts';
import { callModel } from '../adapters/builtin/call-model.ts';
import type { ModelCallContext, ModelToolSources } from './model-call.ts';
import { ModelCallError } from './model-call-error.ts';

const apiKey = 'sk-local-test-0123456789';
const toolSources: ModelToolSources = { builtins: builtinTools, mcpTools: [] };

describe('AI SDK provider models against an OpenAI-compatible server', () => {
  let server: OpenAiCompatibleServer;

  beforeAll(async () => {
    server = await startOpenAiCompatibleServer({ apiKey });
  });
  afterAll(async () => {
    await server.close();
  });

  function specFor(model: Record<string, unknown> = {}): AgentSpec {
    return agentSpecSchema.parse({
      instructions: 'You are terse.',
      model: {
        provider: 'openai-compatible',
        baseUrl: server.baseUrl,
        model: 'local-llama',
        apiKeySecret: 'LOCAL_KEY',
        pricing: { inputPerMillionTokens: 2, outputPerMillionTokens: 10, cachedInputPerMillionTokens: 1 },
        ...model,
      },
      tools: [{ name: 'calculator' }],
    });
  }

  function contextFor(overrides: Partial<ModelCallContext> = {}): ModelCallContext & { deltas: string[] } {
    const deltas: string[] = [];
    return {
      step: 1,
      attempt: 1,
      signal: new AbortController().signal,
      timeoutMs: 10_000,
      secrets: async (name) => {
        if (name === 'LOCAL_KEY') return apiKey;
        throw new SecretUnavailableError('not_found', name, `secret "${name}" does not exist in this tenant`);
      },
      onTextDelta: (text) => deltas.push(text),
      ...overrides,
      deltas,
    };
  }

  async function failureOf(promise: Promise<unknown>): Promise<ModelCallError> {
    const error = await promise.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ModelCallError);
    return error as ModelCallError;
  }

  it('streams text, returns tool calls without running them, and prices the usage', async () => {
    server.enqueue({
      kind: 'reply',
      text: 'Let me compute that.',
      toolCalls: [{ id: 'call_sum', name: 'calculator', arguments: { expression: '6*7' } }],
      usage: { prompt: 1000, completion: 200, cached: 400 },
    });
    const context = contextFor();
    const seen = server.requests.length;
    const reply = await callModel(specFor(), [{ role: 'user', content: 'what is 6*7?' }], toolSources, context);

    expect(reply.text).toBe('Let me compute that.');
    expect(context.deltas.length).toBeGreaterThan(1);
    expect(context.deltas.join('')).toBe(reply.text);
    expect(reply.toolCalls).toEqual([{ id: 'call_sum', name: 'calculator', arguments: { expression: '6*7' } }]);
    // (600 × 2 + 400 × 1 + 200 × 10) / 1e6
    expect(reply.usage).toEqual({
      inputTokens: 1000,
      outputTokens: 200,
      totalTokens: 1200,
      cachedInputTokens: 400,
      costUsd: 0.0036,
    });

    const request = server.requests[seen];
    expect(request?.authorization).toBe(`Bearer ${apiKey}`);
    expect(request?.body).toMatchObject({
      model: 'local-llama',
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(request?.body?.messages).toEqual([
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'what is 6*7?' },
    ]);
    expect(request?.body?.tools).toEqual([
      expect.objectContaining({
        type: 'function',
        function: expect.objectContaining({
          name: 'calculator',
          parameters: expect.objectContaining({ required: ['expression'] }),
        }),
      }),
    ]);
  });

  it('sends earlier tool calls and results back in the protocol shape', async () => {
    server.enqueue({ kind: 'reply', text: '42', usage: { prompt: 30, completion: 1 } });
    const seen = server.requests.length;
    const reply = await callModel(
      specFor({ pricing: undefined }),
      [
        { role: 'user', content: 'what is 6*7?' },
        {
          role: 'assistant',
          content: '',
          toolCalls: [{ id: 'c1', name: 'calculator', arguments: { expression: '6*7' } }],
        },
        { role: 'tool', toolCallId: 'c1', name: 'calculator', content: '{"ok":true,"output":{"value":42}}' },
      ],
      toolSources,
      contextFor(),
    );
    expect(reply).toMatchObject({
      text: '42',
      toolCalls: [],
      usage: { inputTokens: 30, outputTokens: 1, costUsd: null },
    });
    expect(server.requests[seen]?.body?.messages.slice(2)).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'c1', type: 'function', function: { name: 'calculator', arguments: '{"expression":"6*7"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'c1', content: '{"ok":true,"output":{"value":42}}' },
    ]);
  });

  it('offers MCP and allowTools tools under provider-safe names and maps calls back to declared names', async () => {
    const spec = agentSpecSchema.parse({
      model: {
        provider: 'openai-compatible',
        baseUrl: server.baseUrl,
        model: 'local-llama',
        apiKeySecret: 'LOCAL_KEY',
      },
      tools: [{ name: 'calculator' }, { kind: 'mcp', name: 'remote.add' }],
      mcpServers: [
        { name: 'remote', transport: { type: 'streamable-http', url: 'http://127.0.0.1:9/mcp' }, allowTools: ['echo'] },
      ],
    });
    const addSchema = { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } } };
    const sources: ModelToolSources = {
      builtins: builtinTools,
      mcpTools: [
        { name: 'remote.add', description: 'Adds two numbers.', inputSchema: addSchema },
        { name: 'remote.echo', description: 'Returns its text.', inputSchema: { type: 'object' } },
      ],
    };
    server.enqueue({
      kind: 'reply',
      toolCalls: [{ id: 'again', name: 'remote_add', arguments: { a: 1, b: 2 } }],
    });
    const seen = server.requests.length;
    const reply = await callModel(
      spec,
      [
        { role: 'user', content: 'add things' },
        {
          role: 'assistant',
          content: '',
          toolCalls: [{ id: 'first', name: 'remote.add', arguments: { a: 2, b: 40 } }],
        },
        { role: 'tool', toolCallId: 'first', name: 'remote.add', content: '{"ok":true,"output":42}' },
      ],
      sources,
      contextFor(),
    );

    expect(reply.toolCalls).toEqual([{ id: 'again', name: 'remote.add', arguments: { a: 1, b: 2 } }]);
    const body = server.requests[seen]?.body;
    expect(body?.tools?.map((offered) => offered.function.name)).toEqual(['calculator', 'remote_add', 'remote_echo']);
    expect(body?.tools?.[1]?.function).toMatchObject({ description: 'Adds two numbers.', parameters: addSchema });
    expect(body?.messages[1]).toMatchObject({
      tool_calls: [{ id: 'first', function: { name: 'remote_add', arguments: '{"a":2,"b":40}' } }],
    });
  });

  it('maps 429 with Retry-After, 500, 400 and malformed answers to retryable or final errors', async () => {
    const messages = [{ role: 'user' as const, content: 'hi' }];
    server.enqueue({ kind: 'status', status: 429, retryAfter: '2', message: 'slow down' });
    const limited = await failureOf(callModel(specFor(), messages, toolSources, contextFor()));
    expect(limited).toMatchObject({ status: 429, retryAfterMs: 2000, code: 'model_unavailable', retryable: true });
    expect(limited.message).toMatch(/answered 429: slow down/);

    server.enqueue({ kind: 'status', status: 500 });
    expect(await failureOf(callModel(specFor(), messages, toolSources, contextFor()))).toMatchObject({
      status: 500,
      retryable: true,
    });

    server.enqueue({ kind: 'status', status: 400, message: 'unknown model' });
    expect(await failureOf(callModel(specFor(), messages, toolSources, contextFor()))).toMatchObject({
      status: 400,
      code: 'model_request_rejected',
      retryable: false,
    });

    server.enqueue({ kind: 'malformed' });
    const malformed = await failureOf(callModel(specFor(), messages, toolSources, contextFor()));
    expect(malformed).toMatchObject({ code: 'model_response_invalid', retryable: true });
  });

  it('fails with 401 as a final error when the key is wrong, without quoting the key', async () => {
    const wrongKey = 'sk-wrong-key-abcdef';
    const error = await failureOf(
      callModel(
        specFor(),
        [{ role: 'user', content: 'hi' }],
        toolSources,
        contextFor({ secrets: async () => wrongKey }),
      ),
    );
    expect(error).toMatchObject({ status: 401, retryable: false });
    expect(error.message).not.toContain(wrongKey);
  });

  it('names a missing secret and does not call the model', async () => {
    const seen = server.requests.length;
    const error = await failureOf(
      callModel(specFor({ apiKeySecret: 'GONE' }), [{ role: 'user', content: 'hi' }], toolSources, contextFor()),
    );
    expect(error).toMatchObject({ code: 'secret_not_found', retryable: false });
    expect(error.message).toMatch(/GONE/);
    expect(server.requests.length).toBe(seen);
  });

  it('reports an unreachable server as retryable, and a hung one as a timeout', async () => {
    const unreachable = await failureOf(
      callModel(
        specFor({ baseUrl: 'http://127.0.0.1:9/v1' }),
        [{ role: 'user', content: 'hi' }],
        toolSources,
        contextFor(),
      ),
    );
    expect(unreachable).toMatchObject({ status: 0, code: 'model_unavailable', retryable: true });
    expect(unreachable.message).toMatch(/unreachable/);

    server.enqueue({ kind: 'hang' });
    const started = Date.now();
    const hung = await failureOf(
      callModel(specFor(), [{ role: 'user', content: 'hi' }], toolSources, contextFor({ timeoutMs: 500 })),
    );
    expect(hung).toMatchObject({ status: 408, retryable: true });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('stops when the run is cancelled', async () => {
    server.enqueue({ kind: 'hang' });
    const cancel = new AbortController();
    const reason = new Error('cancelled by test');
    setTimeout(() => cancel.abort(reason), 200);
    const outcome = await callModel(
      specFor(),
      [{ role: 'user', content: 'hi' }],
      toolSources,
      contextFor({ signal: cancel.signal }),
    ).catch((error: unknown) => error);
    expect(outcome).toBe(reason);
  });
});
