import type { ModelTextDelta, RunEvent } from '@agent-runtime/core';
import type { DeltaPosition } from './stream-position.ts';

/** What one stream knows of one step's deltas (of the step's latest attempt it has seen). */
interface StepState {
  attempt: number;
  /** The index of the next delta to send: every earlier one was sent (or the client had it). */
  next: number;
  /** Received, not yet sent (they wait for an earlier index, or for their turn). */
  readonly pending: Map<number, ModelTextDelta>;
  /** The client has some of this step's text (sent here, or before it resumed). */
  started: boolean;
  /** A delta of this attempt is lost for good (evicted from the buffer): send no more of it. */
  broken: boolean;
  /** The buffer was read for the step's last deltas before its `model.completed`. */
  completionChecked: boolean;
}

/** The first index missing before a pending delta (a gap), or undefined when there is none. */
function firstMissing(state: StepState): number | undefined {
  let index = state.next;
  while (state.pending.has(index)) index += 1;
  return state.pending.size > index - state.next ? index : undefined;
}

/** Deltas a stream holds at most before it drops them and reads the bus's buffer instead. */
const maxPendingDeltas = 1_000;

/**
 * Which model text deltas one stream of a run sends, so that the deltas a client receives
 * of each step, over all its connections, are 0, 1, 2, … of one attempt and join into the
 * step's stored text: none twice, none skipped.
 *
 * Deltas come from two sources, live from the bus and read from its buffer, in any order and
 * with repeats; they are merged by step, attempt and index. A step's deltas are sent while
 * the step runs (`ready`); once its `model.completed` is about to be sent, its remaining
 * deltas go first (`before`), but only when the client has some of the step's text already:
 * a client that reads a finished step gets its text from the stored event alone.
 *
 * Steps are sequential within a run, so a step whose successor started, or that completed,
 * or that is at or below the settled floor, is done: its deltas are dropped.
 */
export class StepDeltaTracker {
  readonly #steps = new Map<number, StepState>();
  /** Steps whose `model.completed` was sent: a late or repeated delta must not open them again. */
  readonly #completed = new Set<number>();
  /** Every step at or below this one is done. */
  #floor = 0;
  #pendingCount = 0;
  #wantsBuffer = false;

  /** @param resumedAt the last delta the client received before it reconnected, if any. */
  constructor(resumedAt?: DeltaPosition) {
    if (!resumedAt) return;
    this.#floor = resumedAt.step - 1;
    this.#steps.set(resumedAt.step, {
      attempt: resumedAt.attempt,
      next: resumedAt.index + 1,
      pending: new Map(),
      started: true,
      broken: false,
      completionChecked: false,
    });
  }

  /**
   * Takes deltas in. From the `buffer` (everything the bus kept, read after these deltas could
   * have been published): a gap it cannot fill is final. From `live`: a gap asks for a read
   * of the buffer ({@link takeBufferRequest}).
   */
  receive(deltas: readonly ModelTextDelta[], source: 'live' | 'buffer'): void {
    const seenInBuffer = new Map<number, number>();
    for (const delta of deltas) {
      const state = this.#stateFor(delta);
      if (!state || delta.index < state.next || state.broken) continue;
      if (source === 'buffer') seenInBuffer.set(delta.step, Math.max(seenInBuffer.get(delta.step) ?? -1, delta.index));
      if (state.pending.has(delta.index)) continue;
      state.pending.set(delta.index, delta);
      this.#pendingCount += 1;
    }
    for (const [step, state] of this.#steps) {
      const missing = state.broken ? undefined : firstMissing(state);
      if (missing === undefined) continue;
      if (source === 'live') this.#wantsBuffer = true;
      // The buffer holds later deltas of the attempt but not the missing one: it was evicted.
      else if ((seenInBuffer.get(step) ?? -1) > missing) this.#breakStep(state);
    }
    if (source === 'live' && this.#pendingCount > maxPendingDeltas) {
      // A client slower than the model: drop what waits, and read it again from the buffer.
      for (const state of this.#steps.values()) state.pending.clear();
      this.#pendingCount = 0;
      this.#wantsBuffer = true;
    }
  }

  /** Whether a live gap or an overflow asked for a read of the buffer (asked once). */
  takeBufferRequest(): boolean {
    const wanted = this.#wantsBuffer;
    this.#wantsBuffer = false;
    return wanted;
  }

  /**
   * Whether the buffer must be read before `event` (read from the database, not live) is sent:
   * it completes a step the client has part of, and the step's last deltas may not have come
   * live yet (the database answered first). Asked once per step.
   */
  needsBufferBefore(event: RunEvent): boolean {
    if (event.type !== 'model.completed' || event.step === null) return false;
    const state = this.#steps.get(event.step);
    if (!state?.started || state.broken || state.completionChecked) return false;
    state.completionChecked = true;
    return true;
  }

  /** The deltas to send before `event`: the rest of the step it completes, if the client has part of it. */
  before(event: RunEvent): ModelTextDelta[] {
    if (event.type !== 'model.completed' || event.step === null) return [];
    const state = this.#steps.get(event.step);
    return state?.started ? this.#contiguous(state) : [];
  }

  /** Learns from a stored event that is being sent: which steps are done. */
  observe(event: RunEvent): void {
    if (event.step === null) return;
    if (event.type === 'model.started') this.settleFloor(event.step - 1);
    else if (event.type === 'model.completed') this.#done(event.step);
  }

  /** Every step at or below `step` is done (e.g. it completed before the client's cursor). */
  settleFloor(step: number): void {
    if (step <= this.#floor) return;
    this.#floor = step;
    for (const done of this.#steps.keys()) if (done <= step) this.#done(done);
  }

  /** The deltas to send now, by step: each step's next ones in order, up to its first gap. */
  ready(): ModelTextDelta[] {
    const ready: ModelTextDelta[] = [];
    for (const step of [...this.#steps.keys()].sort((a, b) => a - b)) {
      const state = this.#steps.get(step);
      if (!state) continue;
      const sent = this.#contiguous(state);
      if (sent.length > 0) state.started = true;
      ready.push(...sent);
    }
    return ready;
  }

  /** Whether {@link ready} has something to send. */
  get hasReady(): boolean {
    for (const state of this.#steps.values()) if (!state.broken && state.pending.has(state.next)) return true;
    return false;
  }

  /** The state a delta counts against, or undefined when it is of no use (done step, stale attempt). */
  #stateFor(delta: ModelTextDelta): StepState | undefined {
    if (delta.step <= this.#floor || this.#completed.has(delta.step)) return undefined;
    const state = this.#steps.get(delta.step);
    if (state?.attempt === delta.attempt) return state;
    if (state && state.attempt > delta.attempt) return undefined;
    // A first delta of the step, or of a newer attempt: the client starts the step's text over.
    if (state) this.#pendingCount -= state.pending.size;
    const fresh: StepState = {
      attempt: delta.attempt,
      next: 0,
      pending: new Map(),
      started: state?.started ?? false,
      broken: false,
      completionChecked: false,
    };
    this.#steps.set(delta.step, fresh);
    return fresh;
  }

  /** The state's pending deltas from `next` on, without a gap; they count as sent. */
  #contiguous(state: StepState): ModelTextDelta[] {
    const sent: ModelTextDelta[] = [];
    if (state.broken) return sent;
    for (let delta = state.pending.get(state.next); delta; delta = state.pending.get(state.next)) {
      state.pending.delete(state.next);
      this.#pendingCount -= 1;
      state.next += 1;
      sent.push(delta);
    }
    return sent;
  }

  #breakStep(state: StepState): void {
    this.#pendingCount -= state.pending.size;
    state.pending.clear();
    state.broken = true;
  }

  #done(step: number): void {
    const state = this.#steps.get(step);
    if (state) this.#pendingCount -= state.pending.size;
    this.#steps.delete(step);
    this.#completed.add(step);
  }
}
