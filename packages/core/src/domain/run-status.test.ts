import { describe, expect, it } from 'vitest';
import { canTransition, isTerminal, runStatuses, type RunStatus } from './run-status.ts';

describe('the run state machine', () => {
  const forward: [RunStatus, RunStatus][] = [
    ['queued', 'running'],
    ['running', 'waiting'],
    ['waiting', 'running'],
    ['running', 'succeeded'],
    ['waiting', 'cancelled'],
    ['queued', 'failed'],
  ];

  it.each(forward)('allows %s → %s', (from, to) => {
    expect(canTransition(from, to)).toBe(true);
  });

  it('never leaves a terminal state and never returns to queued', () => {
    for (const from of runStatuses) {
      expect(canTransition(from, 'queued')).toBe(false);
      if (isTerminal(from)) expect(runStatuses.filter((to) => canTransition(from, to))).toEqual([]);
    }
  });
});
