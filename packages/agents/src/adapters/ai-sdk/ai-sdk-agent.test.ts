import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { jsonSchema, tool } from 'ai';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ModelCallError } from '../../models/model-call-error.ts';
import { ToolError, type ToolContext } from '../../tools/tool.ts';
import { aiSdkAgentToolsOf, aiSdkToolOf, callAiSdkAgent } from './ai-sdk-agent.ts';

const context: ToolContext = {
  idempotencyKey: 'run:1:call',
  signal: new AbortController().signal,
  heartbeat: () => {},
  saveArtifact: () => Promise.reject(new Error('not in this test')),
};

const city = z.object({ city: z.string().min(1) });

describe('AI SDK agent tools as runtime tools', () => {
  it('describes tools from zod and JSON Schema input schemas', async () => {
    const tools = await aiSdkAgentToolsOf({
      model: 'unused',
      tools: {
        zod: tool({ description: 'by zod', inputSchema: city, execute: () => 1 }),
        json: tool({
          inputSchema: jsonSchema<{ n: number }>({ type: 'object', properties: { n: { type: 'number' } } }),
          execute: () => 2,
        }),
      },
    });
    expect(tools).toEqual([
      {
        name: 'zod',
        description: 'by zod',
        inputSchema: expect.objectContaining({ properties: { city: { type: 'string', minLength: 1 } } }),
      },
      { name: 'json', description: '', inputSchema: { type: 'object', properties: { n: { type: 'number' } } } },
    ]);
  });

  it('validates input with the tool schema, passes call id and signal, and records the last streamed value', async () => {
    const seen: unknown[] = [];
    const streaming = aiSdkToolOf(
      'count',
      tool({
        inputSchema: city,
        async *execute(input, options) {
          seen.push(input, options.toolCallId, options.abortSignal === context.signal);
          yield { status: 'working' };
          yield { status: 'done', city: input.city };
        },
      }),
      'call_1',
    );
    expect(await streaming.invoke({ city: 'Oslo' }, context)).toEqual({
      ok: true,
      output: { status: 'done', city: 'Oslo' },
    });
    expect(seen).toEqual([{ city: 'Oslo' }, 'call_1', true]);
    expect(await streaming.invoke({ city: '' }, context)).toMatchObject({
      ok: false,
      error: { code: 'invalid_tool_input', message: expect.stringContaining('tool "count"') },
    });
    expect(seen).toHaveLength(3);
  });

  it('returns ToolErrors to the model, throws other failures for a retry, records undefined as null', async () => {
    const refusing = aiSdkToolOf(
      'refuse',
      tool({
        inputSchema: city,
        execute: (): string => {
          throw new ToolError('closed', 'the office is closed');
        },
      }),
      'c',
    );
    expect(await refusing.invoke({ city: 'Oslo' }, context)).toEqual({
      ok: false,
      error: { code: 'closed', message: 'the office is closed' },
    });
    const crashing = aiSdkToolOf(
      'crash',
      tool({
        inputSchema: city,
        execute: (): Promise<string> => Promise.reject(new Error('connection reset')),
      }),
      'c',
    );
    await expect(crashing.invoke({ city: 'Oslo' }, context)).rejects.toThrow('connection reset');
    const silent = aiSdkToolOf('silent', tool({ inputSchema: city, execute: async () => undefined }), 'c');
    expect(await silent.invoke({ city: 'Oslo' }, context)).toEqual({ ok: true, output: null });
    const noExecute = aiSdkToolOf('client', tool({ inputSchema: city }), 'c');
    expect(await noExecute.invoke({ city: 'Oslo' }, context)).toMatchObject({
      ok: false,
      error: { code: 'unknown_tool' },
    });
  });
});

describe('callAiSdkAgent', () => {
  it('maps an unreachable model to a retryable ModelCallError naming the agent', async () => {
    const model = createOpenAICompatible({ name: 'local', baseURL: 'http://127.0.0.1:9/v1' }).chatModel('m');
    const error: unknown = await callAiSdkAgent(
      { name: 'weather', agent: { model }, messages: [{ role: 'user', content: 'hi' }], specTools: [] },
      {
        step: 1,
        attempt: 1,
        signal: new AbortController().signal,
        timeoutMs: 5000,
        secrets: () => Promise.reject(new Error('no secrets here')),
      },
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelCallError);
    expect(error).toMatchObject({
      code: 'model_unavailable',
      retryable: true,
      message: expect.stringContaining('AI SDK agent "weather" (model local.chat m) is unreachable'),
    });
  });
});
