import { startOpenAiCompatibleServer, type OpenAiCompatibleServer } from '@agent-runtime/test-harness';
import { Agent, handoff, tool, type Model, type StreamEvent } from '@openai/agents-core';
import { OpenAIChatCompletionsModel, OpenAIProvider } from '@openai/agents-openai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ConversationMessage } from '../../messages.ts';
import { ModelCallError } from '../../models/model-call-error.ts';
import type { ModelCallContext } from '../../models/model-call.ts';
import type { ToolContext } from '../../tools/tool.ts';
import { invokeTool } from '../../tools/invoke-tool.ts';
import { AgentStepError } from '../agent-step-error.ts';
import { maxAgentTextChars } from '../agent-text-stream.ts';
import { currentOpenAiAgentName, openAiAgentGraphOf } from './openai-agent-graph.ts';
import { callOpenAiAgent } from './openai-agent-step.ts';
import { ignoredHandoffMessage, openAiAgentToolOf } from './openai-agent-tools.ts';

const toolContext: ToolContext = {
  idempotencyKey: 'run:1:call',
  signal: new AbortController().signal,
  heartbeat: () => {},
  saveArtifact: () => Promise.reject(new Error('not in this test')),
};

function stepContext(deltas: string[] = []): ModelCallContext {
  return {
    step: 1,
    attempt: 1,
    signal: new AbortController().signal,
    timeoutMs: 5000,
    secrets: () => Promise.reject(new Error('no secrets here')),
    onTextDelta: (text) => deltas.push(text),
  };
}

const question: ConversationMessage[] = [{ role: 'user', content: 'Weather in Oslo?' }];

/**
 * A `Model` of the agent's own (the SDK's interface) that streams `deltas` and completes with
 * `texts` and `refusals` as one assistant message: what the SDK's models stream differently.
 */
function modelStreaming(deltas: readonly string[], content: { texts?: string[]; refusals?: string[] }): Model {
  return {
    getResponse: () => Promise.reject(new Error('the runtime streams')),
    async *getStreamedResponse(): AsyncIterable<StreamEvent> {
      for (const delta of deltas) yield { type: 'output_text_delta', delta };
      yield {
        type: 'response_done',
        response: {
          id: 'r1',
          usage: { requests: 1, inputTokens: 1, outputTokens: 1, totalTokens: 2 },
          output: [
            {
              type: 'message',
              role: 'assistant',
              status: 'completed',
              content: [
                ...(content.texts ?? []).map((text) => ({ type: 'output_text' as const, text })),
                ...(content.refusals ?? []).map((refusal) => ({ type: 'refusal' as const, refusal })),
              ],
            },
          ],
        },
      };
    },
  };
}

describe('OpenAI agents against a real chat-completions server', () => {
  let server: OpenAiCompatibleServer;
  let model: OpenAIChatCompletionsModel;
  const weather = tool({
    name: 'get_weather',
    description: 'Current temperature of a city, in °C.',
    parameters: z.object({ city: z.string() }),
    execute: ({ city }) => ({ city, celsius: 4 }),
  });

  beforeAll(async () => {
    server = await startOpenAiCompatibleServer();
    model = new OpenAIChatCompletionsModel(new OpenAI({ baseURL: server.baseUrl, apiKey: 'k', maxRetries: 0 }), 'm');
  });
  afterAll(async () => {
    await server.close();
  });

  it('makes one streamed request with instructions, tools and handoffs, and returns tool calls and state', async () => {
    const specialist = new Agent({ name: 'specialist', instructions: 'You are the specialist.', model });
    const triage = new Agent({
      name: 'triage',
      instructions: () => 'Route the question.',
      model,
      tools: [weather],
      handoffs: [specialist],
    });
    server.enqueue({
      kind: 'reply',
      text: 'Checking.',
      toolCalls: [{ id: 'call_w', name: 'get_weather', arguments: { city: 'Oslo' } }],
      usage: { prompt: 12, completion: 3, cached: 2 },
    });
    const before = server.requests.length;
    const deltas: string[] = [];
    const reply = await callOpenAiAgent(
      {
        name: 'triage',
        agent: triage,
        messages: question,
        state: undefined,
        specTools: [{ name: 'calculator', description: 'math', inputSchema: { type: 'object' } }],
      },
      stepContext(deltas),
    );
    expect(reply).toMatchObject({
      text: 'Checking.',
      toolCalls: [{ id: 'call_w', name: 'get_weather', arguments: { city: 'Oslo' } }],
      state: { agent: 'triage' },
      usage: { inputTokens: 12, outputTokens: 3, cachedInputTokens: 2 },
    });
    expect(deltas.join('')).toBe('Checking.');
    expect(server.requests.length - before).toBe(1);
    const body = server.requests.at(-1)?.body;
    expect(body?.stream).toBe(true);
    expect(body?.messages[0]).toEqual({ role: 'system', content: 'Route the question.' });
    expect(body?.tools?.map((offered) => offered.function.name)).toEqual([
      'get_weather',
      'calculator',
      'transfer_to_specialist',
    ]);
  });

  it("switches to the handed-off agent after a recorded handoff result, with that agent's instructions", async () => {
    const specialist = new Agent({ name: 'specialist', instructions: 'You are the specialist.', model });
    const triage = new Agent({ name: 'triage', instructions: 'Route.', model, handoffs: [specialist] });
    const messages: ConversationMessage[] = [
      ...question,
      {
        role: 'assistant',
        content: '',
        toolCalls: [{ id: 'h1', name: 'transfer_to_specialist', arguments: {} }],
      },
      {
        role: 'tool',
        toolCallId: 'h1',
        name: 'transfer_to_specialist',
        content: JSON.stringify({ ok: true, output: { assistant: 'specialist' } }),
      },
    ];
    server.enqueue({ kind: 'reply', text: 'Specialist here: 4 °C.' });
    const reply = await callOpenAiAgent(
      { name: 'triage', agent: triage, messages, state: { agent: 'triage' }, specTools: [] },
      stepContext(),
    );
    expect(reply).toMatchObject({ text: 'Specialist here: 4 °C.', toolCalls: [], state: { agent: 'specialist' } });
    const body = server.requests.at(-1)?.body;
    expect(body?.messages[0]).toEqual({ role: 'system', content: 'You are the specialist.' });
    expect(body?.messages.slice(-2)).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'h1', type: 'function', function: { name: 'transfer_to_specialist', arguments: '{}' } }],
      },
      {
        role: 'tool',
        tool_call_id: 'h1',
        content: JSON.stringify({ ok: true, output: { assistant: 'specialist' } }),
      },
    ]);
    // A refused handoff changes nothing.
    const refused = messages.with(2, {
      role: 'tool',
      toolCallId: 'h1',
      name: 'transfer_to_specialist',
      content: JSON.stringify({ ok: false, error: { code: 'approval_rejected', message: 'no' } }),
    });
    const graph = openAiAgentGraphOf(triage);
    expect(currentOpenAiAgentName(graph, 'triage', { agent: 'triage' }, refused)).toBe('triage');
  });

  it('parses a structured outputType into the final output', async () => {
    const extractor = new Agent({
      name: 'extractor',
      model,
      outputType: z.object({ city: z.string(), celsius: z.number() }),
    });
    server.enqueue({ kind: 'reply', text: '{"city":"Oslo","celsius":4}' });
    const reply = await callOpenAiAgent(
      { name: 'extractor', agent: extractor, messages: question, state: undefined, specTools: [] },
      stepContext(),
    );
    expect(reply.final).toEqual({ city: 'Oslo', celsius: 4 });
    expect(server.requests.at(-1)?.body).toMatchObject({ response_format: { type: 'json_schema' } });
  });

  it('maps a 429 with Retry-After to a retryable ModelCallError, and a 400 to a rejected one', async () => {
    const agent = new Agent({ name: 'plain', model });
    server.enqueue({ kind: 'status', status: 429, retryAfter: '2' }, { kind: 'status', status: 400 });
    const call = () =>
      callOpenAiAgent(
        { name: 'plain', agent, messages: question, state: undefined, specTools: [] },
        stepContext(),
      ).catch((caught: unknown) => caught);
    const limited = await call();
    expect(limited).toBeInstanceOf(ModelCallError);
    expect(limited).toMatchObject({ code: 'model_unavailable', status: 429, retryAfterMs: 2000, retryable: true });
    expect(await call()).toMatchObject({ code: 'model_request_rejected', status: 400, retryable: false });
    // One request each: the client's own retries are off.
    expect(server.pending).toBe(0);
  });

  it('maps an unreachable model to a retryable ModelCallError', async () => {
    const unreachable = new OpenAIChatCompletionsModel(
      new OpenAI({ baseURL: 'http://127.0.0.1:9/v1', apiKey: 'k', maxRetries: 0 }),
      'm',
    );
    const agent = new Agent({ name: 'offline', model: unreachable });
    const error = await callOpenAiAgent(
      { name: 'offline', agent, messages: question, state: undefined, specTools: [] },
      stepContext(),
    ).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'model_unavailable', status: 0, retryable: true });
  });

  it('resolves a model name through the provider, and fails clearly without one', async () => {
    const named = new Agent({ name: 'named', model: 'm' });
    const missing = await callOpenAiAgent(
      { name: 'named', agent: named, messages: question, state: undefined, specTools: [] },
      stepContext(),
    ).catch((caught: unknown) => caught);
    expect(missing).toBeInstanceOf(AgentStepError);
    expect(missing).toMatchObject({
      code: 'agent_failed',
      retryable: false,
      message: expect.stringContaining('openaiAgentsModelProvider'),
    });
    server.enqueue({ kind: 'reply', text: 'hi' });
    const provider = new OpenAIProvider({
      openAIClient: new OpenAI({ baseURL: server.baseUrl, apiKey: 'k', maxRetries: 0 }),
      useResponses: false,
    });
    const reply = await callOpenAiAgent(
      { name: 'named', agent: named, modelProvider: provider, messages: question, state: undefined, specTools: [] },
      stepContext(),
    );
    expect(reply.text).toBe('hi');
    expect(server.requests.at(-1)?.body?.model).toBe('m');
  });

  it('offers a handoff once when a spec tool cleans up to its name, and maps its call to the handoff', async () => {
    const x = new Agent({ name: 'x', model });
    const triage = new Agent({ name: 'triage', model, tools: [weather], handoffs: [x] });
    server.enqueue({ kind: 'reply', text: '', toolCalls: [{ id: 'h1', name: 'transfer_to_x', arguments: {} }] });
    const reply = await callOpenAiAgent(
      {
        name: 'triage',
        agent: triage,
        messages: question,
        state: undefined,
        specTools: [
          { name: 'transfer.to.x', description: 'an MCP tool', inputSchema: { type: 'object' } },
          { name: 'get.weather', description: 'another', inputSchema: { type: 'object' } },
          { name: 'remote.add', description: 'math', inputSchema: { type: 'object' } },
        ],
      },
      stepContext(),
    );
    expect(reply.toolCalls).toEqual([{ id: 'h1', name: 'transfer_to_x', arguments: {} }]);
    const offered = server.requests.at(-1)?.body?.tools?.map((tool) => tool.function.name);
    expect(offered).toEqual(['get_weather', 'remote_add', 'transfer_to_x']);
  });

  it('stores the streamed text, adds refusals that never streamed, and writes unstreamed text as one delta', async () => {
    const call = (model: Model, deltas: string[]) =>
      callOpenAiAgent(
        { name: 'own', agent: new Agent({ name: 'own', model }), messages: question, state: undefined, specTools: [] },
        stepContext(deltas),
      ).catch((caught: unknown) => caught);
    const streamed: string[] = [];
    expect(await call(modelStreaming(['4 ', '°C'], { texts: ['4 °C'] }), streamed)).toMatchObject({ text: '4 °C' });
    expect(streamed).toEqual(['4 ', '°C']);

    const refused: string[] = [];
    expect(await call(modelStreaming([], { refusals: ['I cannot help.'] }), refused)).toMatchObject({
      text: 'I cannot help.',
    });
    expect(refused).toEqual(['I cannot help.']);

    const both: string[] = [];
    expect(
      await call(modelStreaming(['Partly.'], { texts: ['Partly.'], refusals: [' No more.'] }), both),
    ).toMatchObject({ text: 'Partly. No more.' });
    expect(both.join('')).toBe('Partly. No more.');

    const unstreamed: string[] = [];
    expect(await call(modelStreaming([], { texts: ['quiet ', 'model'] }), unstreamed)).toMatchObject({
      text: 'quiet model',
    });
    expect(unstreamed).toEqual(['quiet model']);
  });

  it("stores a chat-completions refusal as the reply's text, sent as one delta after the stream", async () => {
    const agent = new Agent({ name: 'careful', model });
    server.enqueue({
      kind: 'refusal',
      refusal: "I'm sorry, I can't help with that.",
      usage: { prompt: 9, completion: 8 },
    });
    const deltas: string[] = [];
    const reply = await callOpenAiAgent(
      { name: 'careful', agent, messages: question, state: undefined, specTools: [] },
      stepContext(deltas),
    );
    expect(reply).toMatchObject({
      text: "I'm sorry, I can't help with that.",
      toolCalls: [],
      state: { agent: 'careful' },
      usage: { inputTokens: 9, outputTokens: 8 },
    });
    // The SDK's chat-completions model streams no refusal deltas: the refusal arrives whole.
    expect(deltas).toEqual([reply.text]);
    expect(server.requests.at(-1)?.answer?.kind).toBe('refusal');
  });

  it('fails a step whose response contradicts what streamed, or that streams past the text limit', async () => {
    const call = (model: Model) =>
      callOpenAiAgent(
        { name: 'own', agent: new Agent({ name: 'own', model }), messages: question, state: undefined, specTools: [] },
        stepContext(),
      ).catch((caught: unknown) => caught);
    const contradicted = await call(modelStreaming(['4 °C'], { texts: ['5 °C'] }));
    expect(contradicted).toBeInstanceOf(AgentStepError);
    expect(contradicted).toMatchObject({ code: 'agent_response_invalid', retryable: false });
    const long = 'x'.repeat(maxAgentTextChars / 2 + 1);
    const deltas: string[] = [];
    const overflowed = await callOpenAiAgent(
      {
        name: 'own',
        agent: new Agent({ name: 'own', model: modelStreaming([long, long], { texts: [long + long] }) }),
        messages: question,
        state: undefined,
        specTools: [],
      },
      stepContext(deltas),
    ).catch((caught: unknown) => caught);
    expect(overflowed).toMatchObject({ code: 'agent_response_invalid', message: expect.stringContaining('more than') });
    expect(deltas.join('').length).toBeLessThanOrEqual(maxAgentTextChars);
  });

  it("fails the step as agent_failed, not retried, when the agent's callbacks or model provider throw", async () => {
    const call = (agent: Agent, modelProvider?: OpenAIProvider) =>
      callOpenAiAgent(
        { name: agent.name, agent, modelProvider, messages: question, state: undefined, specTools: [] },
        stepContext(),
      ).catch((caught: unknown) => caught);
    const before = server.requests.length;
    const instructions = await call(
      new Agent({
        name: 'prompted',
        model,
        instructions: () => {
          throw new Error('prompt store is down');
        },
      }),
    );
    expect(instructions).toBeInstanceOf(AgentStepError);
    expect(instructions).toMatchObject({
      code: 'agent_failed',
      retryable: false,
      message: expect.stringMatching(/getSystemPrompt.*prompt store is down/),
    });
    const disabledTool = tool({
      name: 'flaky',
      description: 'enabled by a callback that throws',
      parameters: z.object({}),
      isEnabled: () => {
        throw new Error('flag service is down');
      },
      execute: () => 'never',
    });
    expect(await call(new Agent({ name: 'tooled', model, tools: [disabledTool] }))).toMatchObject({
      code: 'agent_failed',
      retryable: false,
      message: expect.stringContaining('flag service is down'),
    });
    const gated = handoff(new Agent({ name: 'gated' }), {
      isEnabled: () => {
        throw new Error('handoff flag is down');
      },
    });
    expect(await call(new Agent({ name: 'routing', model, handoffs: [gated] }))).toMatchObject({
      code: 'agent_failed',
      retryable: false,
      message: expect.stringContaining('handoff flag is down'),
    });
    const provider = new OpenAIProvider({ apiKey: 'k' });
    provider.getModel = () => {
      throw new Error('no such model family');
    };
    expect(await call(new Agent({ name: 'named', model: 'm' }), provider)).toMatchObject({
      code: 'agent_failed',
      retryable: false,
      message: expect.stringContaining('no such model family'),
    });
    expect(server.requests.length).toBe(before);
  });

  it('refuses guardrails and hosted tools as configuration errors, before any request', async () => {
    const before = server.requests.length;
    const guarded = new Agent({
      name: 'guarded',
      model,
      inputGuardrails: [{ name: 'g', execute: async () => ({ tripwireTriggered: false, outputInfo: null }) }],
    });
    const error = await callOpenAiAgent(
      { name: 'guarded', agent: guarded, messages: question, state: undefined, specTools: [] },
      stepContext(),
    ).catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      code: 'agent_failed',
      retryable: false,
      message: expect.stringContaining('guardrails'),
    });
    expect(server.requests.length).toBe(before);
  });
});

describe('OpenAI agent tools as runtime tools', () => {
  const calls: string[] = [];
  const onHandoffCalls: string[] = [];
  const sensitive = tool({
    name: 'delete_file',
    description: 'Deletes a file.',
    parameters: z.object({ path: z.string() }),
    needsApproval: true,
    execute: ({ path }) => {
      calls.push(path);
      return `deleted ${path}`;
    },
  });
  const specialist = new Agent({ name: 'specialist', tools: [sensitive] });
  const other = new Agent({ name: 'other' });
  const triage = new Agent({
    name: 'triage',
    handoffs: [handoff(specialist, { onHandoff: () => void onHandoffCalls.push('specialist') }), other],
  });

  it("runs the answering agent's function tool, validating input first and honouring needsApproval", async () => {
    const call = { id: 'c1', name: 'delete_file', arguments: { path: '/tmp/x' } };
    const of = (approvedByPolicy: boolean, args: Record<string, unknown> = call.arguments) =>
      openAiAgentToolOf({
        root: triage,
        agentName: 'specialist',
        call: { ...call, arguments: args },
        stepToolCalls: [call],
        approvedByPolicy,
      });
    expect(
      openAiAgentToolOf({ root: triage, agentName: 'triage', call, stepToolCalls: [call], approvedByPolicy: true }),
    ).toBeUndefined();
    const unapproved = of(false);
    expect(await invokeTool(unapproved!, call.arguments, toolContext)).toMatchObject({
      ok: false,
      error: { code: 'approval_required' },
    });
    expect(await invokeTool(of(true)!, { path: 5 }, toolContext)).toMatchObject({
      ok: false,
      error: { code: 'invalid_tool_input' },
    });
    expect(calls).toEqual([]);
    expect(await invokeTool(of(true)!, call.arguments, toolContext)).toEqual({ ok: true, output: 'deleted /tmp/x' });
    expect(calls).toEqual(['/tmp/x']);
  });

  it('hands off with the first handoff call only, running onHandoff once', async () => {
    const first = { id: 'h1', name: 'transfer_to_specialist', arguments: {} };
    const second = { id: 'h2', name: 'transfer_to_other', arguments: {} };
    const stepToolCalls = [first, second];
    const firstTool = openAiAgentToolOf({
      root: triage,
      agentName: 'triage',
      call: first,
      stepToolCalls,
      approvedByPolicy: false,
    });
    const secondTool = openAiAgentToolOf({
      root: triage,
      agentName: 'triage',
      call: second,
      stepToolCalls,
      approvedByPolicy: false,
    });
    expect(await invokeTool(firstTool!, {}, toolContext)).toEqual({ ok: true, output: { assistant: 'specialist' } });
    expect(await invokeTool(secondTool!, {}, toolContext)).toEqual({
      ok: false,
      error: { code: 'handoff_ignored', message: ignoredHandoffMessage },
    });
    expect(onHandoffCalls).toEqual(['specialist']);
  });

  it('refuses a handoff graph where two different agents share a name', () => {
    const twin = new Agent({ name: 'other' });
    const root = new Agent({ name: 'root', handoffs: [other, twin] });
    expect(() => openAiAgentGraphOf(root)).toThrow(/two different agents are named "other"/);
  });
});
