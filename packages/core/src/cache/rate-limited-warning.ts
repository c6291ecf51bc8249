import type { Logger } from '../logger.ts';

/**
 * A warning logged at most once per `intervalMs`, with the number of times it was
 * suppressed since: a dependency that fails on every request must not flood the logs.
 */
export function rateLimitedWarning(logger: Logger, message: string, intervalMs = 30_000): (error: unknown) => void {
  let lastAt = Number.NEGATIVE_INFINITY;
  let suppressed = 0;
  return (error) => {
    const now = Date.now();
    if (now - lastAt < intervalMs) {
      suppressed += 1;
      return;
    }
    logger.warn({ err: error, suppressed }, message);
    lastAt = now;
    suppressed = 0;
  };
}
