import type { Agent, AgentRuntimeClient } from '@agent-runtime/sdk';
import { CliError } from '../errors/cli-error.ts';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The tenant's agent named `name` (archived ones too), if there is one. */
export async function findAgentByName(client: AgentRuntimeClient, name: string): Promise<Agent | undefined> {
  for await (const agent of client.agents.list({ includeArchived: 'true', limit: 100 })) {
    if (agent.name === name) return agent;
  }
  return undefined;
}

/**
 * The agent `reference` names: an id, or a name (people remember names).
 * @throws CliError when the tenant has no such agent
 */
export async function resolveAgent(client: AgentRuntimeClient, reference: string): Promise<Agent> {
  if (uuidPattern.test(reference)) return client.agents.get(reference);
  const agent = await findAgentByName(client, reference);
  if (!agent) throw new CliError(`no agent named ${reference}`, { hint: 'list them with: agent-runtime agents ls' });
  return agent;
}
