import type { AgentAdapter } from '../agent-adapter.ts';
import { registeredEntry } from '../adapter-context.ts';
import { agentKindStarted, modelMaxAttemptsOf, nothingBesidesTheReply, withoutOwnTools } from '../adapter-parts.ts';
import { AgentStepError } from '../agent-step-error.ts';
import { callLangGraphAgent } from './langgraph-agent.ts';

/**
 * LangGraph.js graphs (`agent: { kind: 'langgraph', graph }`): each step is one super-step
 * of the graph the worker registered under `graph` (`createWorker({ graphs })`), checkpointed
 * in the runtime's database. Its nodes ask for tools through `callRuntimeTools`, which the
 * spec's tools resolve.
 */
export const langGraphAdapter: AgentAdapter<'langgraph'> = {
  kind: 'langgraph',

  async callStep(spec, step, adapters) {
    const { agent } = spec;
    const input = await step.input();
    const graph = registeredEntry(adapters.graphs, agent.graph);
    if (!graph) {
      throw new AgentStepError(
        'agent_not_registered',
        `no LangGraph graph "${agent.graph}" is registered on this worker (createWorker({ graphs }))`,
      );
    }
    return callLangGraphAgent(agent, graph, {
      runId: step.runId,
      step: step.step,
      input,
      messages: step.messages,
      state: step.state,
      thread: step.thread,
      checkpointer: adapters.checkpointerOf(step.tenantId),
      signal: step.signal,
      onTextDelta: step.onTextDelta,
    });
  },

  describeStep: (spec) => ({
    operation: 'invoke_agent',
    agentKind: spec.agent.kind,
    provider: spec.agent.kind,
    metricsProvider: spec.agent.kind,
    agentName: spec.agent.graph,
  }),

  // A spec's `model` is not called by a graph, but its attempts have always bounded the step's.
  maxAttempts: modelMaxAttemptsOf,
  ...withoutOwnTools,
  modelStartedData: agentKindStarted,
  modelCompletedData: nothingBesidesTheReply,
};
