import { awaitWorkflow } from './await-workflow.ts';
import type { BenchRuntime } from './bench-runtime.ts';
import type { Peer } from './peer-contract.ts';
import { createScriptedAgent, postRun } from './scripted-agents.ts';

/** What the table says of the runtime. */
export interface RuntimePeerDescription {
  readonly name: string;
  readonly version: string;
  readonly durability: string;
}

/**
 * The runtime as a peer: an agent of the builtin openai-compatible adapter with the builtin
 * `echo` tool, one agent per step count (the echo model reads the count from the model name),
 * each run POSTed to the API and awaited through Temporal.
 */
export function runtimePeer(runtime: BenchRuntime, modelBaseUrl: string, description: RuntimePeerDescription): Peer {
  const agents = new Map<number, Promise<string>>();
  const agentFor = (steps: number): Promise<string> => {
    let agent = agents.get(steps);
    if (!agent) {
      agent = createScriptedAgent(runtime, `bench-peer-echo-${steps}-${Date.now()}`, {
        model: { provider: 'openai-compatible', baseUrl: modelBaseUrl, model: `echo-${steps}` },
        tools: [{ name: 'echo' }],
        limits: { maxSteps: steps + 1 },
      });
      agents.set(steps, agent);
    }
    return agent;
  };
  return {
    ...description,
    lacks: '—',
    async run(key, steps) {
      const agentId = await agentFor(steps);
      const runId = await postRun(runtime, agentId, `run ${key}`);
      await awaitWorkflow(runtime.temporal, runId, 60_000);
    },
    async stop() {},
  };
}
