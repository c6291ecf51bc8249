import { modelToolsOf } from '../../models/model-call.ts';
import type { AgentAdapter } from '../agent-adapter.ts';
import { registeredEntry } from '../adapter-context.ts';
import { agentKindStarted, nothingBesidesTheReply, startingStateOf, withoutOwnTools } from '../adapter-parts.ts';
import { AgentStepError } from '../agent-step-error.ts';
import { callCodeAgent } from './code-agent.ts';

/**
 * Code agents (`agent: { kind: 'code', name }`): each step calls the function the worker
 * registered under `name` (`createWorker({ agents })`).
 */
export const codeAdapter: AgentAdapter<'code'> = {
  kind: 'code',

  async callStep(spec, step, adapters) {
    const { agent } = spec;
    const tools = modelToolsOf(spec, step.tools);
    const input = await step.input();
    const registered = registeredEntry(adapters.agents, agent.name);
    if (!registered) {
      throw new AgentStepError(
        'agent_not_registered',
        `no code agent "${agent.name}" is registered on this worker (createWorker({ agents }))`,
      );
    }
    return callCodeAgent(
      agent.name,
      registered,
      {
        runId: step.runId,
        step: step.step,
        attempt: step.attempt,
        input,
        threadId: step.thread?.id ?? null,
        messages: step.messages,
        state: startingStateOf(step),
        tools,
        signal: step.signal,
      },
      step.onTextDelta,
    );
  },

  describeStep: (spec) => ({
    operation: 'invoke_agent',
    agentKind: spec.agent.kind,
    provider: spec.agent.kind,
    metricsProvider: spec.agent.kind,
    agentName: spec.agent.name,
  }),

  // A code agent's spec sets no attempts: the workflow's retry policy alone caps them.
  maxAttempts: () => Number.POSITIVE_INFINITY,
  ...withoutOwnTools,
  modelStartedData: agentKindStarted,
  modelCompletedData: nothingBesidesTheReply,
};
