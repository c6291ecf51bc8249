import {
  isTerminal,
  isTerminalRunEventType,
  listRunEvents,
  type Database,
  type ModelTextDelta,
  type RunCache,
  type RunEvent,
  type RunEventBus,
} from '@agent-runtime/core';
import type { Kysely } from 'kysely';

/** What {@link followRunEvents} follows, and for how long. */
export interface FollowRunEventsOptions {
  readonly db: Kysely<Database>;
  /** Where the run's status is read: a cached copy is never ahead of the database. */
  readonly runCache: RunCache;
  readonly bus: RunEventBus;
  /** The caller's tenant: the run must be one of its runs. */
  readonly tenantId: string;
  readonly runId: string;
  /** Only events with a greater `seq` (the client's `Last-Event-ID`). */
  readonly after: number;
  /** After this long without a live event the database is read again, in case the bus lost one. */
  readonly catchUpMs: number;
  /** Ends the iteration early: the client went away or the server is closing. */
  readonly signal: AbortSignal;
}

/** Events read from the database per query. */
const pageSize = 500;

/** Deltas held for a stream that is busy (a slow client): past this, the oldest are dropped. */
const maxQueuedDeltas = 1_000;

/** What a run's stream carries: stored events (with `seq`) and ephemeral model text deltas. */
export type RunStreamItem = RunEvent | ModelTextDelta;

/** Whether a stream item is a stored event (else a model text delta). */
export function isStoredEvent(item: RunStreamItem): item is RunEvent {
  return 'seq' in item;
}

/**
 * A run's events with `seq` greater than `after`, each exactly once and in order: first those
 * already recorded, then live ones as the bus brings them. Ends after the run's terminal event
 * (at once when that is at or before `after`), or when `signal` aborts.
 *
 * Nothing is lost between the two phases because the subscription comes first: an event
 * committed before the database read is in the read, and any later one is published after
 * the subscription began. The bus is only fast, not reliable, so live events are merged by
 * `seq`: those already sent are dropped, and a gap (a live event ahead of the next `seq`) is
 * filled from the database, where every earlier event is already committed (`seq` is taken
 * under the run row's lock). A resync from the bus, or `catchUpMs` of silence, reads the
 * database too: that is how a stream finishes when the bus lost the last events.
 *
 * Model text deltas from the bus are passed on as they come once the stored events are caught
 * up, except those of a step whose `model.completed` was already sent. They are best effort:
 * a reconnecting client gets the complete text from the stored event instead.
 */
export async function* followRunEvents(
  options: FollowRunEventsOptions,
): AsyncGenerator<RunStreamItem, void, undefined> {
  const { db, runCache, bus, tenantId, runId, signal } = options;
  let cursor = options.after;
  const live = new Map<number, RunEvent>();
  // Deltas go out only between stored events that are caught up, and only for steps whose
  // complete text (`model.completed`) this stream has not sent yet.
  let deltas: ModelTextDelta[] = [];
  let completedStep = 0;
  const sent = (event: RunEvent) => {
    cursor = event.seq;
    if (event.type === 'model.completed' && event.step !== null) completedStep = Math.max(completedStep, event.step);
  };
  // The worker publishes a step's last deltas before its `model.completed`, but both can
  // arrive in one wake-up: the step's queued deltas go out first, so none is dropped.
  const deltasBefore = (event: RunEvent): ModelTextDelta[] => {
    if (event.type !== 'model.completed' || event.step === null || event.step <= completedStep) return [];
    const step = event.step;
    const ofStep = deltas.filter((delta) => delta.step === step);
    deltas = deltas.filter((delta) => delta.step !== step);
    return ofStep;
  };
  let readDatabase = true;
  let wake: (() => void) | undefined;
  const poke = () => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  const catchUp = setTimeout(function fire() {
    readDatabase = true;
    poke();
    catchUp.refresh();
  }, options.catchUpMs);
  signal.addEventListener('abort', poke);
  let subscription: { unsubscribe(): void } | undefined;
  try {
    subscription = await bus.subscribe(runId, {
      onEvents(events) {
        catchUp.refresh();
        for (const event of events) if (event.seq > cursor) live.set(event.seq, event);
        poke();
      },
      onResync() {
        readDatabase = true;
        poke();
      },
      onDeltas(received) {
        deltas.push(...received);
        if (deltas.length > maxQueuedDeltas) deltas = deltas.slice(-maxQueuedDeltas);
        poke();
      },
    });
    // The cursor at the last read that was meant to fill a gap: a gap the database cannot fill
    // (an event from elsewhere) must wait for the catch-up instead of spinning on reads.
    let gapReadAt: number | undefined;
    while (!signal.aborted) {
      if (readDatabase) {
        readDatabase = false;
        // The status first: if the run had ended by then, its terminal event is in the read below.
        const { status } = await runCache.getRun(tenantId, runId);
        for (let page = pageSize; page === pageSize && !signal.aborted;) {
          const events = await listRunEvents(db, tenantId, runId, { after: cursor, limit: pageSize });
          page = events.length;
          for (const event of events) {
            yield* deltasBefore(event);
            sent(event);
            yield event;
            if (isTerminalRunEventType(event.type) || signal.aborted) return;
          }
        }
        if (isTerminal(status)) return;
      }
      for (let next = live.get(cursor + 1); next !== undefined; next = live.get(cursor + 1)) {
        live.delete(next.seq);
        yield* deltasBefore(next);
        sent(next);
        yield next;
        if (isTerminalRunEventType(next.type) || signal.aborted) return;
      }
      for (const seq of live.keys()) if (seq <= cursor) live.delete(seq);
      if (live.size > 0 && gapReadAt !== cursor) {
        gapReadAt = cursor;
        readDatabase = true;
        continue;
      }
      const pending = deltas;
      deltas = [];
      for (const delta of pending) {
        if (delta.step <= completedStep) continue;
        yield delta;
        if (signal.aborted) return;
      }
      // Whatever came while deltas were being sent is handled before waiting (its poke is gone).
      if (!readDatabase && !signal.aborted && !live.has(cursor + 1) && deltas.length === 0) {
        await new Promise<void>((resolve) => (wake = resolve));
      }
    }
  } finally {
    clearTimeout(catchUp);
    subscription?.unsubscribe();
    signal.removeEventListener('abort', poke);
  }
}
