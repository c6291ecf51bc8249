import { getHandoff, type Agent, type Handoff } from '@openai/agents-core';
import type { ConversationMessage } from '../../messages.ts';
import { AgentStepError } from '../agent-step-error.ts';

/**
 * An agent of the OpenAI Agents SDK (`new Agent({ … })` from `@openai/agents`), whatever its
 * context and output types.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the SDK's own default for "any agent"
export type OpenAiAgent = Agent<any, any>;

/** What an OpenAI agent's step carries to the next: the agent that answers (after handoffs). */
export interface OpenAiAgentState {
  /** Name of the current agent in the registered agent's handoff graph. */
  readonly agent: string;
}

/** A configuration failure no retry can fix: the agent must be changed. */
export function agentConfigError(message: string): AgentStepError {
  return new AgentStepError('agent_failed', message, { retryable: false });
}

/** The agents a handoff leads to, from an agent or a `handoff(…)` object. */
function handoffsOf(agent: OpenAiAgent): Handoff[] {
  return agent.handoffs.map((entry) => getHandoff(entry));
}

/**
 * Every agent reachable from `root` through handoffs, by name, root first.
 * @throws AgentStepError `agent_failed` when two different agents of the graph share a name:
 *   the current agent is kept by name, so names must be unique
 */
export function openAiAgentGraphOf(root: OpenAiAgent): Map<string, OpenAiAgent> {
  const byName = new Map<string, OpenAiAgent>();
  const queue: OpenAiAgent[] = [root];
  for (let agent = queue.shift(); agent; agent = queue.shift()) {
    const known = byName.get(agent.name);
    if (known === agent) continue;
    if (known) {
      throw agentConfigError(
        `two different agents are named "${agent.name}" in the handoff graph of "${root.name}"; the runtime keeps the current agent by name`,
      );
    }
    byName.set(agent.name, agent);
    for (const handoff of handoffsOf(agent)) queue.push(handoff.agent);
  }
  return byName;
}

/** The agent of a graph named `name`. @throws AgentStepError `agent_failed` when there is none */
export function openAiAgentNamed(graph: ReadonlyMap<string, OpenAiAgent>, name: string): OpenAiAgent {
  const agent = graph.get(name);
  if (!agent) throw agentConfigError(`no agent "${name}" is reachable through handoffs of the registered agent`);
  return agent;
}

/** The handoff of `agent` a model calls under `toolName`, if any (enabled or not). */
export function handoffNamed(agent: OpenAiAgent, toolName: string): Handoff | undefined {
  return handoffsOf(agent).find((handoff) => handoff.toolName === toolName);
}

/** The current agent's name kept in a step's state, if the state is one of ours. */
export function openAiAgentNameOf(state: unknown): string | undefined {
  if (state === null || typeof state !== 'object' || !('agent' in state)) return undefined;
  return typeof state.agent === 'string' ? state.agent : undefined;
}

/** The agent a recorded handoff result names: `{ ok: true, output: { assistant } }`. */
function handedOffTo(content: string): string | undefined {
  try {
    const outcome = JSON.parse(content) as { ok?: unknown; output?: { assistant?: unknown } };
    return outcome.ok === true && typeof outcome.output?.assistant === 'string' ? outcome.output.assistant : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The agent that answers this step: the one the previous step's state names (the registered
 * agent at first), or the agent its first handoff call handed over to, if that call's
 * recorded result says it succeeded (a refused or failed handoff changes nothing).
 */
export function currentOpenAiAgentName(
  graph: ReadonlyMap<string, OpenAiAgent>,
  rootName: string,
  state: unknown,
  messages: readonly ConversationMessage[],
): string {
  const previous = openAiAgentNameOf(state) ?? rootName;
  const agent = graph.get(previous);
  const lastReply = messages.findLastIndex((message) => message.role === 'assistant');
  const reply = messages[lastReply];
  if (!agent || reply?.role !== 'assistant') return previous;
  const handoffCall = reply.toolCalls.find((call) => handoffNamed(agent, call.name) !== undefined);
  if (!handoffCall) return previous;
  const result = messages
    .slice(lastReply + 1)
    .find((message) => message.role === 'tool' && message.toolCallId === handoffCall.id);
  return result?.role === 'tool' ? (handedOffTo(result.content) ?? previous) : previous;
}

/**
 * Refuses what the runtime cannot run durably where it would change the agent's behaviour:
 * guardrails, a `toolUseBehavior` other than `run_llm_again`, prompt templates, MCP servers,
 * hosted or computer tools, tool guardrails, and handoff input filters.
 * @throws AgentStepError `agent_failed`, not retried, naming what to remove
 */
export function assertSupportedOpenAiAgent(agent: OpenAiAgent): void {
  const who = `OpenAI agent "${agent.name}"`;
  const unsupported = (what: string) =>
    agentConfigError(`${who} uses ${what}, which the runtime does not support (docs/agents.md)`);
  if (agent.inputGuardrails.length > 0 || agent.outputGuardrails.length > 0) throw unsupported('guardrails');
  if (agent.toolUseBehavior !== 'run_llm_again') throw unsupported(`toolUseBehavior other than "run_llm_again"`);
  if (agent.prompt !== undefined) throw unsupported('a prompt template');
  if (agent.mcpServers.length > 0) throw unsupported('MCP servers (declare them in the spec instead)');
  for (const tool of agent.tools) {
    if (tool.type !== 'function') throw unsupported(`the ${tool.type} tool "${tool.name}"`);
    if ((tool.inputGuardrails?.length ?? 0) > 0 || (tool.outputGuardrails?.length ?? 0) > 0) {
      throw unsupported(`guardrails on tool "${tool.name}"`);
    }
  }
  for (const handoff of handoffsOf(agent)) {
    if (handoff.inputFilter !== undefined) throw unsupported(`an input filter on handoff "${handoff.toolName}"`);
  }
}
