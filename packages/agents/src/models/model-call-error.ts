/** A model provider's failure, as seen over HTTP (status 0: no answer at all). */
export class ModelCallError extends Error {
  override readonly name = 'ModelCallError';
  readonly status: number;
  /** How long the provider asked us to wait (Retry-After), in milliseconds. */
  readonly retryAfterMs: number | undefined;

  constructor(status: number, message: string, retryAfterMs?: number) {
    super(message);
    this.status = status;
    this.retryAfterMs = retryAfterMs;
  }

  /**
   * Whether another attempt can succeed: rate limits (429), timeouts (408), server errors
   * (5xx) and network failures can; any other 4xx is the request's fault and cannot.
   */
  get retryable(): boolean {
    return this.status === 0 || this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

/** Milliseconds from a Retry-After header (seconds or an HTTP date), if it makes sense. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
