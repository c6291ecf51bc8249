import {
  isTerminal,
  isTerminalRunEventType,
  lastCompletedModelStep,
  type Database,
  type ModelTextDelta,
  type RunCache,
  type RunEvent,
  type RunEventBus,
} from '@agent-runtime/core';
import type { Kysely } from 'kysely';
import { SharedRunEventReads } from './shared-event-reads.ts';
import { StepDeltaTracker } from './step-delta-tracker.ts';
import type { RunStreamPosition } from './stream-position.ts';

/** What {@link followRunEvents} follows, and for how long. */
export interface FollowRunEventsOptions {
  readonly db: Kysely<Database>;
  /** Where the run's status is read: a cached copy is never ahead of the database. */
  readonly runCache: RunCache;
  readonly bus: RunEventBus;
  /** The caller's tenant: the run must be one of its runs. */
  readonly tenantId: string;
  readonly runId: string;
  /**
   * Where the client is: events with a greater `seq` follow and, when it was mid-step, the
   * step's deltas after the one named (the client's `Last-Event-ID`, or `{ seq: 0 }`).
   */
  readonly after: RunStreamPosition;
  /**
   * After this long waiting without a live event the database is read again, in case the bus
   * lost one. Only waiting counts: a stream busy reading the database is not silent.
   */
  readonly catchUpMs: number;
  /**
   * Where the run's stored events are read: one {@link SharedRunEventReads} per process lets
   * the streams of a run that read at the same time share one query.
   * @default reads of this stream's own
   */
  readonly reads?: SharedRunEventReads;
  /** Ends the iteration early: the client went away or the server is closing. */
  readonly signal: AbortSignal;
}

/** A model text delta on a run's stream, with the position a client that received it resumes from. */
export interface StreamedDelta {
  readonly delta: ModelTextDelta;
  readonly position: RunStreamPosition;
}

/** What a run's stream carries: stored events (with `seq`) and model text deltas. */
export type RunStreamItem = RunEvent | StreamedDelta;

/** Whether a stream item is a stored event (else a model text delta). */
export function isStoredEvent(item: RunStreamItem): item is RunEvent {
  return 'seq' in item;
}

/**
 * A run's stream from a client's position: the stored events after it, each exactly once and
 * in order, with the model text of each step in flight as deltas, so that the deltas a client
 * receives of a step, over all its connections, join into the step's stored `model.completed`
 * text. Ends after the run's terminal event (at once when that is at or before the position),
 * or when `signal` aborts. Every item says where a client that received it resumes
 * ({@link StreamedDelta.position}, or the event's `seq`).
 *
 * In order: the stored events after the position; if the client was mid-step, that step's
 * deltas after the one it had, before the step's `model.completed` (or, while the step runs,
 * after the stored events); the deltas of the step in flight so far, from the bus's buffer;
 * then live events and deltas as the bus brings them.
 *
 * Nothing is lost between these phases because the subscription comes first: an event
 * committed before the database read is in the read, and any later one is published after
 * the subscription began; likewise a delta kept in the buffer before it was read is in the
 * read, any later one comes live. Deltas are merged by step, attempt and index
 * ({@link StepDeltaTracker}); the worker has every delta of a step kept before it records the
 * step's `model.completed`, so reading the buffer before sending a `model.completed` read from
 * the database finds the step's last deltas. Live events are merged by `seq`: those already
 * sent are dropped, and a gap (a live event ahead of the next `seq`) is filled from the
 * database, where every earlier event is already committed (`seq` is taken under the run row's
 * lock). A gap in a step's live deltas is filled from the buffer. A resync from the bus, or
 * `catchUpMs` of silence, reads the database (and the buffer) again: that is how a stream
 * finishes when the bus lost the last events.
 */
export async function* followRunEvents(
  options: FollowRunEventsOptions,
): AsyncGenerator<RunStreamItem, void, undefined> {
  const { db, runCache, bus, tenantId, runId, signal } = options;
  let cursor = options.after.seq;
  const live = new Map<number, RunEvent>();
  const deltas = new StepDeltaTracker(options.after.delta);
  // A client that resumes after a stored event, not at the start: a step in the buffer may
  // have completed at or before its cursor, which the database says once it matters.
  let floorUnknown = cursor > 0 && options.after.delta === undefined;
  let readDatabase = true;
  let readBuffer = true;
  let wake: (() => void) | undefined;
  const poke = () => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  const reads = options.reads ?? new SharedRunEventReads({ db, runCache });
  // Armed again by every live event and after every read of the database: a catch-up that
  // came due during a read would only read again what that read just found.
  let catchUpDue = false;
  const catchUp = setTimeout(() => {
    catchUpDue = true;
    poke();
  }, options.catchUpMs);
  signal.addEventListener('abort', poke);

  /** Reads the bus's buffer into the tracker; a bus that is down is read again at its resync. */
  const readDeltaBuffer = async (): Promise<void> => {
    const buffered = await bus.readDeltas(runId).catch(() => undefined);
    if (!buffered || buffered.length === 0) return;
    deltas.receive(buffered, 'buffer');
    if (floorUnknown) {
      floorUnknown = false;
      deltas.settleFloor(await lastCompletedModelStep(db, tenantId, runId, { upTo: options.after.seq }));
    }
  };
  const positioned = (delta: ModelTextDelta): StreamedDelta => ({
    delta,
    position: { seq: cursor, delta: { step: delta.step, attempt: delta.attempt, index: delta.index } },
  });
  /** A stored event, after the rest of the step it completes if the client has part of it. */
  async function* send(event: RunEvent, fromDatabase: boolean): AsyncGenerator<RunStreamItem, void, undefined> {
    if (fromDatabase && deltas.needsBufferBefore(event)) await readDeltaBuffer();
    for (const delta of deltas.before(event)) yield positioned(delta);
    deltas.observe(event);
    cursor = event.seq;
    yield event;
  }

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
        readBuffer = true;
        poke();
      },
      onDeltas(received) {
        deltas.receive(received, 'live');
        if (deltas.takeBufferRequest()) readBuffer = true;
        poke();
      },
    });
    // The cursor at the last read that was meant to fill a gap: a gap the database cannot fill
    // (an event from elsewhere) must wait for the catch-up instead of spinning on reads.
    let gapReadAt: number | undefined;
    while (!signal.aborted) {
      if (readDatabase || catchUpDue) {
        readDatabase = false;
        catchUpDue = false;
        // The status first (each page reads it before its events): if the run had ended by
        // then, its terminal event is in the pages.
        let page = await reads.read(tenantId, runId, cursor);
        const { status } = page;
        for (;;) {
          for (const event of page.events) {
            yield* send(event, true);
            if (isTerminalRunEventType(event.type) || signal.aborted) return;
          }
          if (!page.full || signal.aborted) break;
          page = await reads.read(tenantId, runId, cursor);
        }
        if (isTerminal(status)) return;
        catchUpDue = false;
        catchUp.refresh();
      }
      // After the database: deltas of a step that completed in the read are no use any more.
      if (readBuffer) {
        readBuffer = false;
        await readDeltaBuffer();
      }
      for (let next = live.get(cursor + 1); next !== undefined; next = live.get(cursor + 1)) {
        live.delete(next.seq);
        yield* send(next, false);
        if (isTerminalRunEventType(next.type) || signal.aborted) return;
      }
      for (const seq of live.keys()) if (seq <= cursor) live.delete(seq);
      if (live.size > 0 && gapReadAt !== cursor) {
        gapReadAt = cursor;
        readDatabase = true;
        continue;
      }
      for (const delta of deltas.ready()) {
        yield positioned(delta);
        if (signal.aborted) return;
      }
      // Whatever came while deltas were being sent is handled before waiting (its poke is gone).
      if (!readDatabase && !catchUpDue && !readBuffer && !signal.aborted && !live.has(cursor + 1) && !deltas.hasReady) {
        await new Promise<void>((resolve) => (wake = resolve));
      }
    }
  } finally {
    clearTimeout(catchUp);
    subscription?.unsubscribe();
    signal.removeEventListener('abort', poke);
  }
}
