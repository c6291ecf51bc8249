import { agentAdapterSchema, agentSpecSchema } from '@agent-runtime/core';
import { MemorySaver } from '@langchain/langgraph-checkpoint';
import { tool } from 'ai';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { invokeTool } from '../tools/invoke-tool.ts';
import type { ToolContext } from '../tools/tool.ts';
import type { AdapterContext } from './adapter-context.ts';
import type { AgentReply } from './agent-reply.ts';
import type { AiSdkAgent } from './ai-sdk/ai-sdk-agent.ts';
import { adapterOf, agentAdapters } from './registry.ts';

const specOf = (spec: unknown) => agentSpecSchema.parse(spec);
const scripted = { provider: 'scripted', replies: [{ text: 'hi' }] };
const provider = { provider: 'openai-compatible', baseUrl: 'http://127.0.0.1:1/v1', model: 'm', maxAttempts: 4 };

const toolContext: ToolContext = {
  idempotencyKey: 'run:1:c1',
  signal: new AbortController().signal,
  heartbeat: () => {},
  saveArtifact: () => Promise.reject(new Error('not in this test')),
};

function adaptersWith(aiSdkAgents: Readonly<Record<string, AiSdkAgent>>): AdapterContext {
  return {
    agents: {},
    aiSdkAgents,
    openaiAgents: {},
    openaiAgentsModelProvider: undefined,
    graphs: {},
    checkpointerOf: () => new MemorySaver(),
  };
}

const reply = (state?: unknown): AgentReply => ({
  text: 'done',
  toolCalls: [],
  usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0, costUsd: null },
  ...(state === undefined ? {} : { state }),
});

describe('the adapter registry', () => {
  it('has one adapter for every agent kind a spec can name, under its kind', () => {
    const kinds = agentAdapterSchema.options.map((option) => option.shape.kind.value);
    expect(Object.keys(agentAdapters).sort()).toEqual([...kinds].sort());
    for (const [kind, adapter] of Object.entries(agentAdapters)) expect(adapter.kind).toBe(kind);
  });

  it("bounds a step's attempts by the agent's maxAttempts, the provider model's, or else the workflow's policy", () => {
    const attemptsOf = (spec: unknown) => {
      const parsed = specOf(spec);
      return adapterOf(parsed).maxAttempts(parsed);
    };
    expect(attemptsOf({ model: provider })).toBe(4);
    expect(attemptsOf({ model: scripted })).toBe(Number.POSITIVE_INFINITY);
    expect(attemptsOf({ agent: { kind: 'code', name: 'a' }, model: provider })).toBe(Number.POSITIVE_INFINITY);
    expect(attemptsOf({ agent: { kind: 'http', url: 'http://127.0.0.1:1', maxAttempts: 2 } })).toBe(2);
    expect(attemptsOf({ agent: { kind: 'ai-sdk', name: 'a', maxAttempts: 3 } })).toBe(3);
    expect(attemptsOf({ agent: { kind: 'openai-agents', name: 'a', maxAttempts: 5 } })).toBe(5);
    expect(attemptsOf({ agent: { kind: 'langgraph', graph: 'g' } })).toBe(Number.POSITIVE_INFINITY);
    expect(attemptsOf({ agent: { kind: 'langgraph', graph: 'g' }, model: provider })).toBe(4);
  });

  it("records the builtin model's provider or the agent kind at model.started, the answering OpenAI agent at model.completed", () => {
    const builtin = specOf({ model: scripted });
    expect(adapterOf(builtin).modelStartedData(builtin)).toEqual({ provider: 'scripted' });
    const code = specOf({ agent: { kind: 'code', name: 'a' } });
    expect(adapterOf(code).modelStartedData(code)).toEqual({ agent: 'code' });
    expect(adapterOf(code).modelCompletedData(code, reply({ agent: 'x' }))).toEqual({});

    const openai = specOf({ agent: { kind: 'openai-agents', name: 'triage' } });
    expect(adapterOf(openai).modelStartedData(openai)).toEqual({ agent: 'openai-agents' });
    expect(adapterOf(openai).modelCompletedData(openai, reply({ agent: 'billing' }))).toEqual({ agentName: 'billing' });
    expect(adapterOf(openai).modelCompletedData(openai, reply())).toEqual({ agentName: null });
  });

  it("lists an AI SDK or OpenAI agent's own tool policies, and no other adapter's", () => {
    const tools = { lookup: { requiresApproval: true }, transfer_to_billing: {} };
    for (const kind of ['ai-sdk', 'openai-agents']) {
      const spec = specOf({ agent: { kind, name: 'a', tools } });
      expect(adapterOf(spec).ownToolPolicies(spec)).toEqual([
        { name: 'lookup', requiresApproval: true, onError: 'return', timeoutSeconds: 300 },
        { name: 'transfer_to_billing', requiresApproval: false, onError: 'return', timeoutSeconds: 300 },
      ]);
    }
    const code = specOf({ agent: { kind: 'code', name: 'a' } });
    expect(adapterOf(code).ownToolPolicies(code)).toEqual([]);
  });

  it("resolves a call to the registered AI SDK agent's own tool, and leaves every other call to the spec's tools", async () => {
    const lookup = tool({
      description: 'Finds a word.',
      inputSchema: z.object({ word: z.string() }),
      execute: ({ word }) => `found ${word}`,
    });
    const adapters = adaptersWith({ helper: { model: 'm', tools: { lookup } } });
    const spec = specOf({ agent: { kind: 'ai-sdk', name: 'helper' }, tools: [{ name: 'echo' }] });
    const recordedStep = () => Promise.reject(new Error('an AI SDK agent reads no recorded step'));
    const ownToolOf = (name: string, on = adapters) =>
      adapterOf(spec).ownTool(spec, { call: { id: 'c1', name, arguments: {} }, recordedStep }, on);

    const found = await ownToolOf('lookup');
    expect(await invokeTool(found!, { word: 'x' }, toolContext)).toEqual({ ok: true, output: 'found x' });
    expect(await ownToolOf('echo')).toBeUndefined();
    expect(await ownToolOf('toString')).toBeUndefined();
    expect(await ownToolOf('lookup', adaptersWith({}))).toBeUndefined();
  });
});
