import type { Logger } from '../logger.ts';
import type { MemoryStore } from './memory-store.ts';

/**
 * Deletes expired memory items every `intervalMs` (`AR_MEMORY_SWEEP_INTERVAL_SECONDS`), the
 * first pass at once. Readers stop seeing an item the moment it expires; the sweep only frees
 * its row, so a missed pass costs space, never correctness, and several processes sweeping
 * at once is harmless. Returns a stop function that waits for a pass in flight.
 */
export function startMemorySweeper(options: {
  readonly store: Pick<MemoryStore, 'sweepExpired'>;
  readonly logger: Logger;
  readonly intervalMs: number;
}): () => Promise<void> {
  const { store, logger } = options;

  async function sweep(): Promise<void> {
    try {
      const deleted = await store.sweepExpired();
      if (deleted > 0) logger.debug({ count: deleted }, 'expired memory items deleted');
    } catch (error) {
      logger.warn({ err: error }, 'the sweep of expired memory items failed; will retry');
    }
  }

  let pass = sweep();
  const timer = setInterval(() => {
    pass = pass.then(sweep);
  }, options.intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await pass;
  };
}
