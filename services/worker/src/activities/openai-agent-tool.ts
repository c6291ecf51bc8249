import {
  openAiAgentNameOf,
  openAiAgentToolOf,
  type AgentReply,
  type OpenAiAgent,
  type Tool,
  type ToolCall,
} from '@agent-runtime/agents';
import type { AgentSpec } from '@agent-runtime/core';

/** What a step's recorded reply tells an OpenAI agent's tool step: its tool calls, and its state names the agent that answered. */
export type RecordedModelStep = Pick<AgentReply, 'toolCalls' | 'state'>;

/** What {@link openAiAgentToolFor} looks a call up in. */
export interface OpenAiAgentToolSources {
  /** The worker's OpenAI agents by name. */
  readonly agents: Readonly<Record<string, OpenAiAgent>>;
  /** The recorded reply of the call's model step; read only when the spec's agent is registered. */
  readonly recordedStep: () => Promise<RecordedModelStep | undefined>;
}

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
 * that answered the step (as its recorded reply's state names it). Undefined when the
 * spec's agent is not an OpenAI agent, or that agent has no tool of the call's name: the
 * spec's tools resolve the call then. When the spec's agent is not registered on this worker,
 * a tool that fails the call with `agent_not_registered`: which of its tools the call names
 * cannot be known here, and "unknown tool" would blame the model for a worker's configuration.
 */
export async function openAiAgentToolFor(
  spec: AgentSpec,
  call: ToolCall,
  { agents, recordedStep }: OpenAiAgentToolSources,
): Promise<Tool | undefined> {
  if (spec.agent.kind !== 'openai-agents') return undefined;
  const root = Object.hasOwn(agents, spec.agent.name) ? agents[spec.agent.name] : undefined;
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
