import type { BenchRuntime } from './bench-runtime.ts';

/** An agent whose first model step is its final answer: a run is one model call. */
export const oneStepAgentSpec = {
  model: { provider: 'scripted', replies: [{ text: 'done' }] },
  limits: { maxSteps: 1 },
};

/**
 * An agent that asks for one `echo` call in each of its first `toolSteps` model steps and
 * answers in step `toolSteps + 1`: the same activity sequence as the baseline loop.
 */
export function toolLoopAgentSpec(toolSteps: number) {
  const toolReplies = Array.from({ length: toolSteps }, (_, index) => ({
    toolCalls: [{ id: 'call_0', name: 'echo', arguments: { step: index + 1 } }],
  }));
  return {
    model: { provider: 'scripted', replies: [...toolReplies, { text: 'done' }] },
    tools: [{ name: 'echo' }],
    limits: { maxSteps: toolSteps + 1 },
  };
}

async function expectStatus(response: Response, status: number, what: string): Promise<unknown> {
  const body: unknown = await response.json();
  if (response.status !== status) throw new Error(`${what}: HTTP ${response.status} ${JSON.stringify(body)}`);
  return body;
}

/** Creates an agent with one version of `spec` through the API; returns the agent id. */
export async function createScriptedAgent(runtime: BenchRuntime, name: string, spec: unknown): Promise<string> {
  const agent = (await expectStatus(await runtime.request('POST', '/v1/agents', { name }), 201, 'create agent')) as {
    id: string;
  };
  await expectStatus(
    await runtime.request('POST', `/v1/agents/${agent.id}/versions`, { spec }),
    201,
    'create agent version',
  );
  return agent.id;
}

/** POSTs a run of `agentId` with `input`; returns its id once the API answered 202. */
export async function postRun(runtime: BenchRuntime, agentId: string, input: unknown = 'go'): Promise<string> {
  const run = (await expectStatus(await runtime.request('POST', '/v1/runs', { agentId, input }), 202, 'start run')) as {
    id: string;
  };
  return run.id;
}
