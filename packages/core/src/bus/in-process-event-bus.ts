import type { RunEvent } from '../events/run-event-catalog.ts';
import type { Logger } from '../logger.ts';
import type { ModelTextDelta } from './model-delta.ts';
import { ModelDeltaBuffer, type ModelDeltaBufferOptions } from './model-delta-buffer.ts';
import type { RunEventBus, RunEventListener, RunEventSubscription } from './event-bus.ts';

/** Options of {@link InProcessRunEventBus}. */
export interface InProcessRunEventBusOptions {
  /** Where a listener's exception is reported (it never reaches the publisher). */
  readonly logger?: Logger;
  /** Bounds of the memory of model text deltas (per run, over all runs, in time). */
  readonly deltaBuffer?: ModelDeltaBufferOptions;
}

/**
 * The embedded runtime's bus: the API and the worker share one instance in one process,
 * and publishing calls each of the run's listeners synchronously. Nothing is ever lost in
 * transit, so `onResync` is never called. Model text deltas are kept in a bounded
 * {@link ModelDeltaBuffer} in memory.
 */
export class InProcessRunEventBus implements RunEventBus {
  readonly #listeners = new Map<string, Set<RunEventListener>>();
  readonly #logger: Logger | undefined;
  readonly #deltas: ModelDeltaBuffer;
  #closed = false;

  constructor(options: InProcessRunEventBusOptions = {}) {
    this.#logger = options.logger;
    this.#deltas = new ModelDeltaBuffer(options.deltaBuffer);
  }

  async publish(runId: string, events: readonly RunEvent[]): Promise<void> {
    const listeners = this.#listeners.get(runId);
    if (!listeners || events.length === 0) return;
    for (const listener of [...listeners]) {
      try {
        listener.onEvents(events);
      } catch (error) {
        this.#logger?.error({ err: error, runId }, 'a run event listener failed');
      }
    }
  }

  async publishDeltas(runId: string, deltas: readonly ModelTextDelta[]): Promise<void> {
    if (this.#closed) return;
    this.#deltas.append(runId, deltas);
    const listeners = this.#listeners.get(runId);
    if (!listeners || deltas.length === 0) return;
    for (const listener of [...listeners]) {
      try {
        listener.onDeltas?.(deltas);
      } catch (error) {
        this.#logger?.error({ err: error, runId }, 'a run event listener failed');
      }
    }
  }

  async readDeltas(runId: string): Promise<readonly ModelTextDelta[]> {
    return this.#deltas.read(runId);
  }

  async subscribe(runId: string, listener: RunEventListener): Promise<RunEventSubscription> {
    if (this.#closed) throw new Error('the run event bus is closed');
    let listeners = this.#listeners.get(runId);
    if (!listeners) {
      listeners = new Set();
      this.#listeners.set(runId, listeners);
    }
    listeners.add(listener);
    return {
      unsubscribe: () => {
        const current = this.#listeners.get(runId);
        if (!current?.delete(listener) || current.size > 0) return;
        this.#listeners.delete(runId);
      },
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#listeners.clear();
    this.#deltas.clear();
  }

  /** Runs with at least one listener (for tests: every subscription must end). */
  get subscribedRunCount(): number {
    return this.#listeners.size;
  }

  /** Runs whose model text deltas are kept (for tests: the buffer is bounded). */
  get bufferedRunCount(): number {
    return this.#deltas.runCount;
  }
}
