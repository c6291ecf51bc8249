import type { RunEvent } from '../events/run-event-catalog.ts';
import type { Logger } from '../logger.ts';
import type { ModelTextDelta } from './model-delta.ts';

/**
 * What a subscriber hears about one run. Delivery is best effort: an event can arrive late,
 * twice, out of order or not at all, because the database is the source of truth and the bus
 * only makes it fast. A subscriber orders by `seq`, drops what it has already seen, and
 * re-reads the database when it sees a gap or is told to resync.
 */
export interface RunEventListener {
  /** Events of the run that a publisher has just recorded, in `seq` order within the batch. */
  onEvents(events: readonly RunEvent[]): void;
  /**
   * The bus may have missed events (its connection was lost and is back): re-read the
   * database after the last `seq` seen.
   */
  onResync(): void;
  /**
   * Model text deltas of the run, as they are published (not in the database, not ordered
   * against events by `seq`; like events, one can arrive twice or be lost in transit, and
   * {@link RunEventBus.readDeltas} has every one that was published). Listeners that do not
   * show them omit it.
   */
  onDeltas?(deltas: readonly ModelTextDelta[]): void;
}

/** One listener's subscription to one run. */
export interface RunEventSubscription {
  /** Stops delivery to this listener. Calling it again does nothing. */
  unsubscribe(): void;
}

/**
 * Fan-out of newly recorded run events from the processes that record them (workers, and
 * the API when it closes a queued run) to the processes that stream them (every API
 * instance). Embedded, an {@link InProcessRunEventBus}; across processes, a
 * {@link RedisRunEventBus}. Build one per process in its composition root.
 */
export interface RunEventBus {
  /**
   * Hands events that were just committed to the database to every subscriber of the run,
   * in any process. Resolves once the transport took them; rejects if it could not. Callers
   * never let a rejection fail their work: see {@link publishRunEventsBestEffort}.
   */
  publish(runId: string, events: readonly RunEvent[]): Promise<void>;
  /**
   * Keeps model text deltas for {@link readDeltas}, then hands them to every subscriber of the
   * run, like {@link publish} but for messages that are not in the database. Resolves once
   * they are kept (so a reader that reads after the step's `model.completed` was recorded
   * finds them); rejects if they could not be. A publisher's deltas and events reach a
   * subscriber in the order they were published.
   */
  publishDeltas(runId: string, deltas: readonly ModelTextDelta[]): Promise<void>;
  /**
   * The run's deltas that the bus still keeps: of each recent step its latest attempt, by
   * step and index. Kept for a while and within bounds (per run and, embedded, over all runs):
   * the oldest go first, so a step in flight loses text last. A delta is kept before it is
   * handed to subscribers, so a reader that subscribes first and reads second misses none
   * (and may get one twice: deltas are deduplicated by step, attempt and index).
   */
  readDeltas(runId: string): Promise<readonly ModelTextDelta[]>;
  /**
   * Subscribes `listener` to the run's events. Resolves once every event published from then
   * on will reach it; so a reader that subscribes first and reads the database second misses
   * nothing. When the transport is down it resolves at once, and `onResync` follows when the
   * transport is back.
   */
  subscribe(runId: string, listener: RunEventListener): Promise<RunEventSubscription>;
  /** Ends every subscription and releases the bus's connections. */
  close(): Promise<void>;
}

/**
 * Publishes without waiting and without failing: the events are already in the database,
 * so a lost publish costs a subscriber latency (it finds them when it next reads the
 * database), never data. A failure is logged.
 */
export function publishRunEventsBestEffort(
  bus: RunEventBus,
  runId: string,
  events: readonly RunEvent[],
  logger: Logger,
): void {
  if (events.length === 0) return;
  bus.publish(runId, events).catch((error: unknown) => {
    logger.warn({ err: error, runId, seqs: events.map((event) => event.seq) }, 'could not publish run events');
  });
}
