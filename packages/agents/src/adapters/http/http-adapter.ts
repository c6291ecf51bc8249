import { modelToolsOf } from '../../models/model-call.ts';
import type { AgentAdapter } from '../agent-adapter.ts';
import { agentKindStarted, nothingBesidesTheReply, startingStateOf, withoutOwnTools } from '../adapter-parts.ts';
import type { DecisionStepTarget } from '../decision-step-target.ts';
import { agentStepProtocol, callHttpAgent } from './http-agent.ts';

/**
 * An HTTP agent as its span names it: its URL's host, and the host's name and port (the
 * scheme's default when the URL has none) as `server.address` and `server.port`.
 */
function httpAgentOf(url: string): Pick<DecisionStepTarget, 'agentName' | 'server'> {
  const parsed = new URL(url);
  const port = parsed.port === '' ? (parsed.protocol === 'https:' ? 443 : 80) : Number(parsed.port);
  return { agentName: parsed.host, server: { address: parsed.hostname, port } };
}

/**
 * HTTP agents (`agent: { kind: 'http', url }`): each step is one `POST {url}/step` of
 * `agent-runtime.step/v1` (docs/agent-protocol.md).
 */
export const httpAdapter: AgentAdapter<'http'> = {
  kind: 'http',

  async callStep(spec, step) {
    const { agent } = spec;
    const tools = modelToolsOf(spec, step.tools);
    const input = await step.input();
    return callHttpAgent(
      agent,
      {
        protocol: agentStepProtocol,
        runId: step.runId,
        step: step.step,
        attempt: step.attempt,
        input,
        instructions: spec.instructions ?? null,
        threadId: step.thread?.id ?? null,
        messages: step.messages,
        state: startingStateOf(step) ?? null,
        tools,
      },
      { secrets: step.secrets, signal: step.signal, onTextDelta: step.onTextDelta },
    );
  },

  describeStep: (spec) => ({
    operation: 'invoke_agent',
    agentKind: spec.agent.kind,
    provider: spec.agent.kind,
    metricsProvider: spec.agent.kind,
    ...httpAgentOf(spec.agent.url),
  }),

  maxAttempts: (spec) => spec.agent.maxAttempts,
  ...withoutOwnTools,
  modelStartedData: agentKindStarted,
  modelCompletedData: nothingBesidesTheReply,
};
