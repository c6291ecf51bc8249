import type { AgentRuntimeClient, AgentSpecInput } from '@agent-runtime/sdk';
import type { CliUser } from './cli-process.ts';
import { uniqueName, type CliStack } from './cli-stack.ts';

/** What each CLI feature suite gets: the runtime, and a CLI user logged in to it with the admin key. */
export interface CliContext {
  readonly stack: CliStack;
  readonly user: CliUser;
}

/** Creates an agent with one version of `spec` through the SDK; answers its name. */
export async function agentNamed(client: AgentRuntimeClient, prefix: string, spec: unknown): Promise<string> {
  const agent = await client.agents.create({ name: uniqueName(prefix) });
  await client.versions.create(agent.id, spec as AgentSpecInput);
  return agent.name;
}

/** A builtin agent over the test model server: whatever the server is told to answer. */
export function modelSpec(stack: CliStack, tools: readonly Record<string, unknown>[] = []): unknown {
  return { model: { provider: 'openai-compatible', baseUrl: stack.model.baseUrl, model: 'test-model' }, tools };
}
