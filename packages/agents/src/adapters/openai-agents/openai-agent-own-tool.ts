import type { ToolCall } from '../../messages.ts';
import type { Tool } from '../../tools/tool.ts';
import type { AgentSpecOf, OwnToolLookup } from '../agent-adapter.ts';
import { registeredEntry } from '../adapter-context.ts';
import { openAiAgentNameOf, type OpenAiAgent } from './openai-agent-graph.ts';
import { openAiAgentToolOf } from './openai-agent-tools.ts';

/** A tool that answers every call with `agent_not_registered`, running nothing. */
function unregisteredAgentTool(call: ToolCall, agentName: string): Tool {
  const message =
    `no OpenAI agent "${agentName}" is registered on this worker (createWorker({ openaiAgents })), ` +
    `so its tool "${call.name}" cannot run here; every worker of the task queue must register the same agents`;
  return {
    name: call.name,
    description: message,
    inputSchema: {},
    invoke: async () => ({ ok: false, error: { code: 'agent_not_registered', message } }),
  };
}

/**
 * The tool a call of an OpenAI agent's step runs: the function tool or handoff of the agent
 * that answered the step (as its recorded reply's state names it). Undefined when that agent
 * has no tool of the call's name: the spec's tools resolve the call then. When the spec's
 * agent is not registered on this worker (`agents`), a tool that fails the call with
 * `agent_not_registered`: which of its tools the call names cannot be known here, and
 * "unknown tool" would blame the model for a worker's configuration.
 */
export async function openAiAgentOwnTool(
  spec: AgentSpecOf<'openai-agents'>,
  { call, recordedStep }: OwnToolLookup,
  agents: Readonly<Record<string, OpenAiAgent>>,
): Promise<Tool | undefined> {
  const root = registeredEntry(agents, spec.agent.name);
  if (!root) return unregisteredAgentTool(call, spec.agent.name);
  const recorded = await recordedStep();
  const agentName = openAiAgentNameOf(recorded?.state);
  if (!recorded || !agentName) return undefined;
  return openAiAgentToolOf({
    root,
    agentName,
    call,
    stepToolCalls: recorded.toolCalls,
    approvedByPolicy: spec.agent.tools[call.name]?.requiresApproval === true,
  });
}
