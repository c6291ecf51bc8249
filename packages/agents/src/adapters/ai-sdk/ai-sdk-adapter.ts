import { modelToolsOf } from '../../models/model-call.ts';
import type { AgentAdapter } from '../agent-adapter.ts';
import { registeredEntry } from '../adapter-context.ts';
import { agentKindStarted, frameworkToolPoliciesOf, nothingBesidesTheReply } from '../adapter-parts.ts';
import { AgentStepError } from '../agent-step-error.ts';
import { aiSdkToolOf, callAiSdkAgent, type AiSdkAgent } from './ai-sdk-agent.ts';

/** The AI SDK model's provider and id; a model given as a string id names no provider. */
function aiSdkModelOf(agent: AiSdkAgent | undefined): { provider?: string; model?: string } {
  if (!agent) return {};
  const { model } = agent;
  return typeof model === 'string' ? { model } : { provider: model.provider, model: model.modelId };
}

/**
 * Vercel AI SDK agents (`agent: { kind: 'ai-sdk', name }`): each step is one call of the
 * registered agent's model (`createWorker({ aiSdkAgents })`); each `execute` of its tools is a
 * tool step of its own, ahead of the spec's tools of the same name.
 */
export const aiSdkAdapter: AgentAdapter<'ai-sdk'> = {
  kind: 'ai-sdk',

  async callStep(spec, step, adapters) {
    const { agent } = spec;
    const tools = modelToolsOf(spec, step.tools);
    const registered = registeredEntry(adapters.aiSdkAgents, agent.name);
    if (!registered) {
      throw new AgentStepError(
        'agent_not_registered',
        `no AI SDK agent "${agent.name}" is registered on this worker (createWorker({ aiSdkAgents }))`,
      );
    }
    return callAiSdkAgent(
      {
        name: agent.name,
        agent: registered,
        instructions: spec.instructions,
        messages: step.messages,
        specTools: tools,
      },
      step,
    );
  },

  describeStep(spec, _step, adapters) {
    const kind = spec.agent.kind;
    const { provider, model } = aiSdkModelOf(registeredEntry(adapters.aiSdkAgents, spec.agent.name));
    return {
      operation: 'chat',
      agentKind: kind,
      provider: provider ?? kind,
      metricsProvider: kind,
      model,
      agentName: spec.agent.name,
    };
  },

  maxAttempts: (spec) => spec.agent.maxAttempts,

  // An agent tool of a name wins over the spec's, in calls as in policies.
  ownToolPolicies: (spec) => frameworkToolPoliciesOf(spec.agent),

  async ownTool(spec, { call }, adapters) {
    const tools = registeredEntry(adapters.aiSdkAgents, spec.agent.name)?.tools ?? {};
    const tool = registeredEntry(tools, call.name);
    return tool ? aiSdkToolOf(call.name, tool, call.id) : undefined;
  },

  modelStartedData: agentKindStarted,
  modelCompletedData: nothingBesidesTheReply,
};
