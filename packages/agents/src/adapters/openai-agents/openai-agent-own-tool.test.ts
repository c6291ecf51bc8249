import { agentSpecSchema } from '@agent-runtime/core';
import { MemorySaver } from '@langchain/langgraph-checkpoint';
import { Agent, tool } from '@openai/agents-core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ToolCall } from '../../messages.ts';
import { invokeTool } from '../../tools/invoke-tool.ts';
import type { ToolContext } from '../../tools/tool.ts';
import type { AgentSpec } from '@agent-runtime/core';
import type { RecordedModelStep } from '../agent-adapter.ts';
import type { OpenAiAgent } from './openai-agent-graph.ts';
import { adapterOf } from '../registry.ts';

/** The own tool the spec's adapter finds for a call, on a worker that registered `openaiAgents`. */
function ownToolOf(
  spec: AgentSpec,
  call: ToolCall,
  openaiAgents: Readonly<Record<string, OpenAiAgent>>,
  recordedStep: () => Promise<RecordedModelStep | undefined>,
) {
  const adapters = {
    agents: {},
    aiSdkAgents: {},
    openaiAgents,
    openaiAgentsModelProvider: undefined,
    graphs: {},
    checkpointerOf: () => new MemorySaver(),
  };
  return adapterOf(spec).ownTool(spec, { call, recordedStep }, adapters);
}

const toolContext: ToolContext = {
  idempotencyKey: 'run:1:c1',
  signal: new AbortController().signal,
  heartbeat: () => {},
  saveArtifact: () => Promise.reject(new Error('not in this test')),
};

describe("the OpenAI agents adapter's own tools", () => {
  const executed: string[] = [];
  const weather = tool({
    name: 'get_weather',
    description: 'Current temperature of a city.',
    parameters: z.object({ city: z.string() }),
    execute: ({ city }) => {
      executed.push(city);
      return `4 °C in ${city}`;
    },
  });
  const triage = new Agent({ name: 'triage', tools: [weather] });
  const spec = agentSpecSchema.parse({
    agent: { kind: 'openai-agents', name: 'triage' },
    tools: [{ name: 'calculator' }],
  });
  const call = { id: 'c1', name: 'get_weather', arguments: { city: 'Oslo' } };
  const recordedStep = () => Promise.resolve({ toolCalls: [call], state: { agent: 'triage' } });

  it("runs the answering agent's tool, and leaves other calls to the spec's tools", async () => {
    const found = await ownToolOf(spec, call, { triage }, recordedStep);
    expect(await invokeTool(found!, call.arguments, toolContext)).toEqual({ ok: true, output: '4 °C in Oslo' });
    const calculator = { id: 'c2', name: 'calculator', arguments: { expression: '1+1' } };
    expect(await ownToolOf(spec, calculator, { triage }, recordedStep)).toBeUndefined();
    const builtin = agentSpecSchema.parse({ model: { provider: 'scripted', replies: [{ text: 'hi' }] } });
    expect(await ownToolOf(builtin, call, { triage }, recordedStep)).toBeUndefined();
  });

  it('fails every call with agent_not_registered when the spec agent is not on this worker, running nothing', async () => {
    let read = false;
    const found = await ownToolOf(spec, call, {}, () => {
      read = true;
      return recordedStep();
    });
    expect(await invokeTool(found!, call.arguments, toolContext)).toMatchObject({
      ok: false,
      error: { code: 'agent_not_registered', message: expect.stringContaining('no OpenAI agent "triage"') },
    });
    expect(read).toBe(false);
    expect(executed).toEqual(['Oslo']);
  });
});
