/**
 * Why a step of a code or HTTP agent failed, as the run's error `code` shows it:
 * `agent_not_registered` (no code agent of that name on the worker), `agent_unavailable`
 * (429, 408, 5xx, network failure or timeout of an HTTP agent: retried),
 * `agent_request_rejected` (another 4xx: not retried), `agent_response_invalid` (an answer
 * that breaks the step contract: not retried, the agent must be fixed), `agent_failed` (a
 * code agent threw), `agent_state_too_large` (state over the limit), and the secret codes of
 * HTTP tools for headers read from secrets.
 */
export type AgentStepErrorCode =
  | 'agent_not_registered'
  | 'agent_unavailable'
  | 'agent_request_rejected'
  | 'agent_response_invalid'
  | 'agent_failed'
  | 'agent_state_too_large'
  | 'secret_not_found'
  | 'secret_unreadable'
  | 'secret_invalid_header';

/** A failed step of a code or HTTP agent. Code agents may throw it to ask for a retry. */
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
