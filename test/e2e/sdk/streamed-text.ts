import type { ModelDelta, RunStreamEvent } from '@agent-runtime/sdk';
import { expect } from 'vitest';

/**
 * Checks the text deltas a client received of one run against its stored events: each step's
 * deltas come before its `model.completed`, numbered 0, 1, 2, … with none lost or repeated,
 * and join into the step's stored text, whatever connections broke on the way.
 */
export function expectEveryStepStreamedWhole(items: readonly RunStreamEvent[]): void {
  const byStep = new Map<number, ModelDelta[]>();
  for (const [position, item] of items.entries()) {
    if (item.type !== 'model.delta') continue;
    const completed = items.findIndex((other) => other.type === 'model.completed' && other.step === item.step);
    expect(completed, `a delta of step ${item.step} after its completion`).toBeGreaterThan(position);
    byStep.set(item.step, [...(byStep.get(item.step) ?? []), item]);
  }
  expect(byStep.size).toBeGreaterThan(0);
  for (const [step, deltas] of byStep) {
    expect(deltas.map((delta) => delta.index)).toEqual(deltas.map((_, index) => index));
    const completed = items.find((item) => item.type === 'model.completed' && item.step === step);
    expect(deltas.map((delta) => delta.text).join('')).toBe(
      completed?.type === 'model.completed' && completed.data.text,
    );
  }
}
