import type { RunErrorCodes } from '@agent-runtime/core';

/**
 * Why a model step failed, as the run's error `code` shows it: `model_unavailable` (429,
 * 408, 5xx, network failure or timeout: retried), `model_request_rejected` (another 4xx: the
 * request is wrong, not retried), `model_response_invalid` (an answer that does not parse as
 * the protocol: retried, since a truncated stream does not repeat), and `secret_not_found`,
 * `secret_unreadable` or `secret_invalid_header` (a credential the spec names cannot be
 * used, as for HTTP tools: not retried, a person must fix it). Each is catalogued in core's
 * `runErrorCodes`.
 */
export type ModelCallErrorCode = RunErrorCodes<
  | 'model_unavailable'
  | 'model_request_rejected'
  | 'model_response_invalid'
  | 'secret_not_found'
  | 'secret_unreadable'
  | 'secret_invalid_header'
>;

/** A model provider's failure, as seen over HTTP (status 0: no answer at all). */
export class ModelCallError extends Error {
  override readonly name = 'ModelCallError';
  readonly status: number;
  /** How long the provider asked us to wait (Retry-After), in milliseconds. */
  readonly retryAfterMs: number | undefined;
  /** Stable code; derived from `status` unless given. */
  readonly code: ModelCallErrorCode;

  constructor(status: number, message: string, retryAfterMs?: number, code?: ModelCallErrorCode) {
    super(message);
    this.status = status;
    this.retryAfterMs = retryAfterMs;
    this.code = code ?? (isRetryableStatus(status) ? 'model_unavailable' : 'model_request_rejected');
  }

  /**
   * Whether another attempt can succeed: rate limits (429), timeouts (408), server errors
   * (5xx), network failures and malformed answers can; any other 4xx is the request's fault
   * and a missing secret needs a person, so they cannot.
   */
  get retryable(): boolean {
    if (this.code === 'model_response_invalid') return true;
    if (this.code.startsWith('secret_')) return false;
    return isRetryableStatus(this.status);
  }
}

function isRetryableStatus(status: number): boolean {
  return status === 0 || status === 408 || status === 429 || status >= 500;
}

/** Milliseconds from a Retry-After header (seconds or an HTTP date), if it makes sense. */
export function parseRetryAfter(header: string | null | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
