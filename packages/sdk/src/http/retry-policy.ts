/** How the client retries requests the API refused for now (429, 503) and connections that failed. */
export interface RetryOptions {
  /** Retries after the first attempt; 0 turns retries off. @default 3 */
  readonly maxRetries?: number;
  /** The first pause when the API gives no `Retry-After`; it doubles with each retry (with jitter). @default 500 */
  readonly initialDelayMs?: number;
  /**
   * The longest pause before a retry. A `Retry-After` longer than this is not waited for: the
   * error is thrown at once, carrying `retryAfterSeconds`, for the caller to decide. @default 30000
   */
  readonly maxDelayMs?: number;
}

/** {@link RetryOptions} with every default filled in. */
export type RetryPolicy = Required<RetryOptions>;

/** The statuses that mean "not now": the request was not carried out and may be sent again. */
export const retryableStatuses: ReadonlySet<number> = new Set([429, 503]);

/** The policy of `options`, with defaults. */
export function retryPolicyOf(options: RetryOptions = {}): RetryPolicy {
  return { maxRetries: 3, initialDelayMs: 500, maxDelayMs: 30_000, ...options };
}

/**
 * Seconds to wait, from a `Retry-After` header: delay-seconds or an HTTP date (RFC 9110).
 * @returns undefined when the header is absent or unreadable
 */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  if (/^\s*\d+\s*$/.test(header)) return Number(header);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/**
 * How long to wait before retry number `retry` (0 for the first), or undefined when the
 * request should not be retried: retries used up, or a `Retry-After` beyond `maxDelayMs`.
 * Without `Retry-After`, exponential backoff with full jitter over its upper half, so that
 * clients refused together do not come back together.
 */
export function retryDelayMs(
  policy: RetryPolicy,
  retry: number,
  retryAfterSeconds: number | undefined,
  random: () => number = Math.random,
): number | undefined {
  if (retry >= policy.maxRetries) return undefined;
  if (retryAfterSeconds !== undefined) {
    const asked = retryAfterSeconds * 1000;
    return asked > policy.maxDelayMs ? undefined : asked;
  }
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** retry);
  return Math.round(ceiling * (0.5 + random() / 2));
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
