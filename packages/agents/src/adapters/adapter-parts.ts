import type { AgentSpec, AiSdkAgentSpec, OpenAiAgentsSpec } from '@agent-runtime/core';
import type { DecisionStep, ModelStartedData, OwnToolPolicy } from './agent-adapter.ts';

/**
 * The tool parts of an adapter whose agent brings no tools of its own: the spec's tools
 * resolve every call.
 */
export const withoutOwnTools = {
  ownToolPolicies: (): readonly OwnToolPolicy[] => [],
  ownTool: () => Promise.resolve(undefined),
};

/**
 * The state a step of a stateful agent (code, HTTP, OpenAI agents) starts from: what its
 * previous step returned, else, at the first step of a thread's turn, what the thread's last
 * kept turn ended with.
 */
export function startingStateOf(step: Pick<DecisionStep, 'state' | 'thread'>): unknown {
  return step.state ?? step.thread?.carriedState;
}

/** The `model.started` data of every adapter but the builtin loop: its kind. */
export function agentKindStarted(spec: AgentSpec): ModelStartedData {
  return { agent: spec.agent.kind };
}

/** The `model.completed` data of an adapter that records nothing besides the reply. */
export function nothingBesidesTheReply(): Readonly<Record<string, unknown>> {
  return {};
}

/**
 * The attempts a spec's `model` allows one step: the scripted model's failures and a spec
 * without a model leave them to the workflow's policy.
 */
export function modelMaxAttemptsOf(spec: AgentSpec): number {
  if (spec.model === undefined || spec.model.provider === 'scripted') return Number.POSITIVE_INFINITY;
  return spec.model.maxAttempts;
}

/**
 * The policies an agent framework's spec (`ai-sdk`, `openai-agents`) gives its agent's own
 * tools by name (`agent.tools`); tools it does not list run under the defaults.
 */
export function frameworkToolPoliciesOf(agent: AiSdkAgentSpec | OpenAiAgentsSpec): readonly OwnToolPolicy[] {
  return Object.entries(agent.tools).map(([name, policy]) => ({ name, ...policy }));
}
