import type { AgentSpec } from '@agent-runtime/core';
import type { AgentReply } from './agent-reply.ts';

/**
 * What a decision step's span says it called (OpenTelemetry GenAI semantic conventions):
 * `chat` when the runtime itself makes the step's one model call (builtin, ai-sdk,
 * openai-agents), `invoke_agent` when an agent decides by its own means (code, http,
 * langgraph), making model calls of its own, if any.
 */
export interface DecisionStepTarget {
  /** `gen_ai.operation.name`. */
  readonly operation: 'chat' | 'invoke_agent';
  /** The spec's adapter, as `agent_runtime.agent_kind`. */
  readonly agentKind: AgentSpec['agent']['kind'];
  /** `gen_ai.provider.name`: the model's provider where it is known, else the agent kind. */
  readonly provider: string;
  /**
   * The `provider` label of `agent_runtime_model_tokens_total`: the builtin model's provider
   * (as it always was), else the agent kind, so a dashboard tells the adapters apart.
   */
  readonly metricsProvider: string;
  /** `gen_ai.request.model`, where the agent's model names itself. */
  readonly model?: string | undefined;
  /** `gen_ai.agent.name`: the registered name (for OpenAI agents, the answering agent). */
  readonly agentName?: string | undefined;
  /** `server.address` and `server.port` of an HTTP agent. */
  readonly server?: { readonly address: string; readonly port: number } | undefined;
  /** The agent that answered, read from the reply, where it can differ from `agentName`. */
  readonly answeringAgentOf?: ((reply: AgentReply) => string | undefined) | undefined;
}
