import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { agentSpecSchema } from '@agent-runtime/core';
import { MemorySaver } from '@langchain/langgraph-checkpoint';
import { Agent } from '@openai/agents';
import { OpenAIChatCompletionsModel } from '@openai/agents-openai';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import type { ConversationMessage } from '../messages.ts';
import type { AdapterContext } from './adapter-context.ts';
import type { AgentReply } from './agent-reply.ts';
import { adapterOf } from './registry.ts';

/** What describing a step reads of a worker: which AI SDK and OpenAI agents it registered. */
type Registries = Pick<AdapterContext, 'aiSdkAgents' | 'openaiAgents'>;

const noAgents: Registries = { aiSdkAgents: {}, openaiAgents: {} };
const targetOf = (spec: unknown, registries = noAgents, state?: unknown, messages: ConversationMessage[] = []) => {
  const parsed = agentSpecSchema.parse(spec);
  const adapters: AdapterContext = {
    agents: {},
    graphs: {},
    openaiAgentsModelProvider: undefined,
    checkpointerOf: () => new MemorySaver(),
    ...registries,
  };
  return adapterOf(parsed).describeStep(parsed, { state, messages }, adapters);
};

describe("each adapter's describeStep (the decision step's span target)", () => {
  it('names the builtin model by its provider and model id, the metric label by the provider', () => {
    const target = targetOf({
      model: { provider: 'openai-compatible', baseUrl: 'http://127.0.0.1:1/v1', model: 'llama3.2' },
    });
    expect(target).toMatchObject({
      operation: 'chat',
      agentKind: 'builtin',
      provider: 'openai-compatible',
      metricsProvider: 'openai-compatible',
      model: 'llama3.2',
    });
    expect(target.agentName).toBeUndefined();
  });

  it("names an AI SDK agent's model by the SDK's provider and model id, the metric label by the kind", () => {
    const model = createOpenAICompatible({ name: 'local', baseURL: 'http://127.0.0.1:1/v1' }).chatModel('qwen3');
    const target = targetOf(
      { agent: { kind: 'ai-sdk', name: 'helper' } },
      { ...noAgents, aiSdkAgents: { helper: { model } } },
    );
    expect(target).toMatchObject({
      operation: 'chat',
      provider: 'local.chat',
      metricsProvider: 'ai-sdk',
      model: 'qwen3',
      agentName: 'helper',
    });
    // Not registered here: the step fails, and its span still names the agent.
    expect(targetOf({ agent: { kind: 'ai-sdk', name: 'other' } })).toMatchObject({
      provider: 'ai-sdk',
      agentName: 'other',
      model: undefined,
    });
  });

  it('names the OpenAI agent that answers after a handoff, and its model when given by name', () => {
    const client = new OpenAI({ apiKey: 'sk-unit', baseURL: 'http://127.0.0.1:1/v1' });
    const billing = new Agent({ name: 'billing', model: 'gpt-billing' });
    const triage = new Agent({
      name: 'triage',
      model: new OpenAIChatCompletionsModel(client, 'gpt-private'),
      handoffs: [billing],
    });
    const registries = { ...noAgents, openaiAgents: { triage } };
    const spec = { agent: { kind: 'openai-agents', name: 'triage' } };

    // A `Model` instance keeps its model name to itself: the span is named by the agent.
    const first = targetOf(spec, registries);
    expect(first).toMatchObject({ operation: 'chat', provider: 'openai-agents', agentName: 'triage' });
    expect(first.model).toBeUndefined();

    const handedOff: ConversationMessage[] = [
      { role: 'user', content: 'refund me' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'h1', name: 'transfer_to_billing', arguments: {} }] },
      {
        role: 'tool',
        toolCallId: 'h1',
        name: 'transfer_to_billing',
        content: JSON.stringify({ ok: true, output: { assistant: 'billing' } }),
      },
    ];
    const second = targetOf(spec, registries, { agent: 'triage' }, handedOff);
    expect(second).toMatchObject({ agentName: 'billing', model: 'gpt-billing' });
    const reply: AgentReply = {
      text: 'refunded',
      toolCalls: [],
      usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2, costUsd: null },
      state: { agent: 'billing' },
    };
    expect(second.answeringAgentOf?.(reply)).toBe('billing');
  });

  it('names code, LangGraph and HTTP agents for invoke_agent spans, an HTTP agent by its host', () => {
    expect(targetOf({ agent: { kind: 'code', name: 'doubler' } })).toMatchObject({
      operation: 'invoke_agent',
      provider: 'code',
      metricsProvider: 'code',
      agentName: 'doubler',
    });
    expect(targetOf({ agent: { kind: 'langgraph', graph: 'planner' } })).toMatchObject({
      operation: 'invoke_agent',
      metricsProvider: 'langgraph',
      agentName: 'planner',
    });
    expect(targetOf({ agent: { kind: 'http', url: 'https://agents.example.test/support' } })).toMatchObject({
      operation: 'invoke_agent',
      metricsProvider: 'http',
      agentName: 'agents.example.test',
      server: { address: 'agents.example.test', port: 443 },
    });
    expect(targetOf({ agent: { kind: 'http', url: 'http://127.0.0.1:8123' } })).toMatchObject({
      agentName: '127.0.0.1:8123',
      server: { address: '127.0.0.1', port: 8123 },
    });
  });
});
