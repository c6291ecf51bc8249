import type { RunErrorCodes } from '@agent-runtime/core';

/**
 * Why a step of an agent adapter (every kind but the builtin loop) failed, as the run's error
 * `code` shows it: `agent_not_registered` (no agent or graph of that name on the worker),
 * `agent_unavailable` (429, 408, 5xx, network failure or timeout of an HTTP agent: retried),
 * `agent_request_rejected` (another 4xx: not retried), `agent_response_invalid` (an answer
 * that breaks the step contract, such as a text that contradicts what streamed: not retried,
 * the agent must be fixed), `agent_failed` (the agent's own code threw, or it is configured
 * in a way the runtime cannot run, such as an OpenAI agent with guardrails or without a
 * model provider: not retried unless the agent threw a retryable AgentStepError),
 * `agent_state_too_large` (state over the limit), and the secret codes of HTTP tools for an
 * HTTP agent's headers read from secrets. Model failures of adapters that call a model
 * (ai-sdk, openai-agents) are ModelCallErrors instead, as for the builtin loop. Each code is
 * catalogued in core's `runErrorCodes`.
 */
export type AgentStepErrorCode = RunErrorCodes<
  | 'agent_not_registered'
  | 'agent_unavailable'
  | 'agent_request_rejected'
  | 'agent_response_invalid'
  | 'agent_failed'
  | 'agent_state_too_large'
  | 'secret_not_found'
  | 'secret_unreadable'
  | 'secret_invalid_header'
>;

/** A failed step of an agent adapter. Code agents may throw it to ask for a retry. */
export class AgentStepError extends Error {
  override readonly name = 'AgentStepError';
  readonly code: AgentStepErrorCode;
  /** Whether another attempt of the step can succeed. */
  readonly retryable: boolean;
  /** How long the agent asked us to wait (Retry-After), in milliseconds. */
  readonly retryAfterMs: number | undefined;

  constructor(code: AgentStepErrorCode, message: string, options: { retryable?: boolean; retryAfterMs?: number } = {}) {
    super(message);
    this.code = code;
    this.retryable = options.retryable ?? code === 'agent_unavailable';
    this.retryAfterMs = options.retryAfterMs;
  }
}

/**
 * What agent code threw (a code agent, a LangGraph node), as the step's failure: an
 * AgentStepError it threw passes through (so it can ask for a retry), anything else becomes
 * `agent_failed` with its message.
 */
export function agentCodeFailure(who: string, error: unknown): AgentStepError {
  if (error instanceof AgentStepError) return error;
  return new AgentStepError('agent_failed', `${who} failed: ${error instanceof Error ? error.message : String(error)}`);
}
