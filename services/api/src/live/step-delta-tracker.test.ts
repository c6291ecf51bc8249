import type { ModelTextDelta, RunEvent } from '@agent-runtime/core';
import { describe, expect, it } from 'vitest';
import { StepDeltaTracker } from './step-delta-tracker.ts';

const runId = '00000000-0000-4000-8000-000000000001';
const usage = { inputTokens: 1, outputTokens: 1, totalTokens: 2, cachedInputTokens: 0, costUsd: 0 };

const delta = (step: number, index: number, attempt = 1): ModelTextDelta => ({
  runId,
  step,
  attempt,
  index,
  text: `${step}.${attempt}.${index} `,
});

/** Deltas 0…count-1 of a step's attempt. */
const deltas = (step: number, count: number, attempt = 1) =>
  Array.from({ length: count }, (_, index) => delta(step, index, attempt));

const started = (seq: number, step: number): RunEvent => ({
  runId,
  seq,
  type: 'model.started',
  step,
  data: { provider: 'scripted' },
  createdAt: new Date().toISOString(),
});

const completed = (seq: number, step: number): RunEvent => ({
  runId,
  seq,
  type: 'model.completed',
  step,
  data: { text: 'the stored text', toolCalls: [], usage },
  createdAt: new Date().toISOString(),
});

const names = (sent: readonly ModelTextDelta[]) => sent.map((one) => `${one.step}.${one.attempt}.${one.index}`);

describe('StepDeltaTracker', () => {
  it('merges live deltas and the buffer by index: each once, in order, the buffer first where it is ahead', () => {
    const tracker = new StepDeltaTracker();
    tracker.observe(started(1, 1));
    // Heard live after subscribing, then found in the buffer read after that too.
    tracker.receive([delta(1, 3), delta(1, 4)], 'live');
    expect(tracker.takeBufferRequest()).toBe(true);
    expect(tracker.takeBufferRequest()).toBe(false);
    expect(tracker.hasReady).toBe(false);
    tracker.receive(deltas(1, 4), 'buffer');
    expect(names(tracker.ready())).toEqual(['1.1.0', '1.1.1', '1.1.2', '1.1.3', '1.1.4']);
    tracker.receive([delta(1, 4), delta(1, 5), delta(1, 2)], 'live');
    expect(tracker.takeBufferRequest()).toBe(false);
    expect(names(tracker.ready())).toEqual(['1.1.5']);
    expect(tracker.ready()).toEqual([]);
    // The step completes: the rest goes before its model.completed, nothing of it after.
    tracker.receive([delta(1, 6)], 'live');
    expect(names(tracker.before(completed(2, 1)))).toEqual(['1.1.6']);
    tracker.observe(completed(2, 1));
    tracker.receive([delta(1, 7)], 'live');
    tracker.receive(deltas(1, 8), 'buffer');
    expect(tracker.ready()).toEqual([]);
    expect(tracker.hasReady).toBe(false);
  });

  it("resumes after the client's last delta, and sends the step's rest before its completion once the buffer was read", () => {
    const tracker = new StepDeltaTracker({ step: 2, attempt: 1, index: 1 });
    // Steps before the client's are done.
    tracker.receive(deltas(1, 3), 'buffer');
    const completion = completed(7, 2);
    expect(tracker.needsBufferBefore(completion)).toBe(true);
    expect(tracker.needsBufferBefore(completion)).toBe(false);
    tracker.receive([...deltas(1, 3), ...deltas(2, 5), ...deltas(3, 2)], 'buffer');
    expect(names(tracker.before(completion))).toEqual(['2.1.2', '2.1.3', '2.1.4']);
    tracker.observe(completion);
    tracker.observe(started(8, 3));
    // Step 3 started after the client left: all of it so far.
    expect(names(tracker.ready())).toEqual(['3.1.0', '3.1.1']);
  });

  it('sends no deltas of a step the client had none of once its completion is sent (the stored text has it)', () => {
    const tracker = new StepDeltaTracker();
    tracker.receive([...deltas(1, 3), ...deltas(2, 2)], 'buffer');
    tracker.observe(started(1, 1));
    expect(tracker.needsBufferBefore(completed(2, 1))).toBe(false);
    expect(tracker.before(completed(2, 1))).toEqual([]);
    tracker.observe(completed(2, 1));
    tracker.observe(started(3, 2));
    expect(names(tracker.ready())).toEqual(['2.1.0', '2.1.1']);
  });

  it('starts a retried step over from its new attempt, and takes no more of the old one', () => {
    const tracker = new StepDeltaTracker({ step: 1, attempt: 1, index: 2 });
    tracker.receive([...deltas(1, 5), ...deltas(1, 2, 2)], 'buffer');
    // The first attempt's rest is superseded: the client starts the step over.
    expect(names(tracker.ready())).toEqual(['1.2.0', '1.2.1']);
    tracker.receive([delta(1, 5, 1), delta(1, 2, 2)], 'live');
    expect(names(tracker.ready())).toEqual(['1.2.2']);
    // The client had part of the step: the new attempt's rest precedes the completion.
    tracker.receive([delta(1, 3, 2)], 'live');
    expect(names(tracker.before(completed(4, 1)))).toEqual(['1.2.3']);
  });

  it('stops a step whose next delta the buffer no longer has, until a new attempt', () => {
    const tracker = new StepDeltaTracker({ step: 1, attempt: 1, index: 0 });
    // Evicted: the buffer starts at index 3.
    tracker.receive([delta(1, 5)], 'live');
    expect(tracker.takeBufferRequest()).toBe(true);
    tracker.receive([delta(1, 3), delta(1, 4), delta(1, 5)], 'buffer');
    tracker.receive([delta(1, 6)], 'live');
    expect(tracker.ready()).toEqual([]);
    expect(tracker.before(completed(3, 1))).toEqual([]);
    tracker.receive([delta(1, 0, 2)], 'live');
    expect(names(tracker.ready())).toEqual(['1.2.0']);
  });

  it('waits when the buffer was read before the missing delta was kept, rather than giving up', () => {
    const tracker = new StepDeltaTracker();
    tracker.receive([delta(1, 0), delta(1, 2)], 'live');
    expect(tracker.takeBufferRequest()).toBe(true);
    // The read reflects an older moment: nothing past the gap, so nothing proves a loss.
    tracker.receive([delta(1, 0)], 'buffer');
    expect(names(tracker.ready())).toEqual(['1.1.0']);
    tracker.receive([delta(1, 3)], 'live');
    expect(tracker.takeBufferRequest()).toBe(true);
    tracker.receive(deltas(1, 4), 'buffer');
    expect(names(tracker.ready())).toEqual(['1.1.1', '1.1.2', '1.1.3']);
  });

  it('drops steps at or below a settled floor (completed before the cursor of a client resuming after an event)', () => {
    const tracker = new StepDeltaTracker();
    tracker.receive([...deltas(1, 2), ...deltas(2, 2)], 'buffer');
    tracker.settleFloor(1);
    expect(names(tracker.ready())).toEqual(['2.1.0', '2.1.1']);
    tracker.settleFloor(0);
    tracker.receive([delta(1, 2)], 'live');
    expect(tracker.ready()).toEqual([]);
  });

  it('drops what a slow client left waiting past 1,000 deltas, and asks for the buffer instead', () => {
    const tracker = new StepDeltaTracker();
    tracker.receive(deltas(1, 1_001).slice(1), 'live');
    expect(tracker.takeBufferRequest()).toBe(true);
    expect(tracker.hasReady).toBe(false);
    tracker.receive(deltas(1, 1_001), 'buffer');
    expect(tracker.ready()).toHaveLength(1_001);
  });
});
