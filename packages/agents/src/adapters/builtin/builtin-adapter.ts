import type { AgentAdapter } from '../agent-adapter.ts';
import { modelMaxAttemptsOf, nothingBesidesTheReply, withoutOwnTools } from '../adapter-parts.ts';
import { callModel } from './call-model.ts';

/**
 * The builtin loop (`agent: { kind: 'builtin' }`): each step is one call of `spec.model`
 * (or the scripted model's next reply), offered every tool the spec declares.
 */
export const builtinAdapter: AgentAdapter<'builtin'> = {
  kind: 'builtin',

  callStep: (spec, step) => callModel(spec, step.messages, step.tools, step),

  describeStep(spec) {
    const kind = spec.agent.kind;
    const provider = spec.model?.provider ?? kind;
    // The provider's model name; the scripted model has none, and is named by its provider.
    const model = spec.model && 'model' in spec.model ? spec.model.model : provider;
    return { operation: 'chat', agentKind: kind, provider, metricsProvider: provider, model };
  },

  maxAttempts: modelMaxAttemptsOf,
  ...withoutOwnTools,
  modelStartedData: (spec) => (spec.model ? { provider: spec.model.provider } : { agent: spec.agent.kind }),
  modelCompletedData: nothingBesidesTheReply,
};
