import type { ConversationMessage } from '../../messages.ts';
import { modelToolsOf } from '../../models/model-call.ts';
import type { AgentAdapter } from '../agent-adapter.ts';
import { registeredEntry } from '../adapter-context.ts';
import { agentKindStarted, frameworkToolPoliciesOf, startingStateOf } from '../adapter-parts.ts';
import { AgentStepError } from '../agent-step-error.ts';
import {
  currentOpenAiAgentName,
  openAiAgentGraphOf,
  openAiAgentNameOf,
  type OpenAiAgent,
} from './openai-agent-graph.ts';
import { openAiAgentOwnTool } from './openai-agent-own-tool.ts';
import { callOpenAiAgent } from './openai-agent-step.ts';

/**
 * The OpenAI agent that answers this step and its model's name. The SDK's `Model` instances
 * keep their model name private, so only a model given by name is known.
 */
function answeringAgentOf(
  root: OpenAiAgent | undefined,
  state: unknown,
  messages: readonly ConversationMessage[],
): { agentName?: string; model?: string } {
  if (!root) return {};
  let agent = root;
  try {
    const graph = openAiAgentGraphOf(root);
    agent = graph.get(currentOpenAiAgentName(graph, root.name, state, messages)) ?? root;
  } catch {
    // A graph the step refuses fails the step itself; its span names the registered agent.
  }
  const model = typeof agent.model === 'string' && agent.model !== '' ? agent.model : undefined;
  return { agentName: agent.name, ...(model === undefined ? {} : { model }) };
}

/**
 * OpenAI Agents SDK agents (`agent: { kind: 'openai-agents', name }`): each step is one call
 * of the current agent's model (the registered agent, or the one a handoff switched to, kept
 * in the step's state); its function tools and handoffs are tool steps of their own, ahead of
 * the spec's tools of the same name.
 */
export const openAiAgentsAdapter: AgentAdapter<'openai-agents'> = {
  kind: 'openai-agents',

  async callStep(spec, step, adapters) {
    const { agent } = spec;
    const tools = modelToolsOf(spec, step.tools);
    const registered = registeredEntry(adapters.openaiAgents, agent.name);
    if (!registered) {
      throw new AgentStepError(
        'agent_not_registered',
        `no OpenAI agent "${agent.name}" is registered on this worker (createWorker({ openaiAgents }))`,
      );
    }
    return callOpenAiAgent(
      {
        name: agent.name,
        agent: registered,
        modelProvider: adapters.openaiAgentsModelProvider,
        instructions: spec.instructions,
        messages: step.messages,
        state: startingStateOf(step),
        specTools: tools,
      },
      step,
    );
  },

  describeStep(spec, step, adapters) {
    const kind = spec.agent.kind;
    const root = registeredEntry(adapters.openaiAgents, spec.agent.name);
    const answering = answeringAgentOf(root, step.state, step.messages);
    return {
      operation: 'chat',
      agentKind: kind,
      provider: kind,
      metricsProvider: kind,
      model: answering.model,
      agentName: answering.agentName ?? spec.agent.name,
      answeringAgentOf: (reply) => openAiAgentNameOf(reply.state),
    };
  },

  maxAttempts: (spec) => spec.agent.maxAttempts,

  // An agent tool or handoff of a name wins over the spec's, in calls as in policies.
  ownToolPolicies: (spec) => frameworkToolPoliciesOf(spec.agent),
  ownTool: (spec, lookup, adapters) => openAiAgentOwnTool(spec, lookup, adapters.openaiAgents),

  modelStartedData: agentKindStarted,

  // Which agent of the handoff graph answered, for readers of the run's events.
  modelCompletedData: (_spec, reply) => ({
    agentName: openAiAgentNameOf('state' in reply ? reply.state : undefined) ?? null,
  }),
};
