/** Every state a run can be in. */
export const runStatuses = ['queued', 'running', 'waiting', 'succeeded', 'failed', 'cancelled', 'timed_out'] as const;

/** The state of a run. */
export type RunStatus = (typeof runStatuses)[number];

/** States a run never leaves. */
export const terminalRunStatuses: ReadonlySet<RunStatus> = new Set(['succeeded', 'failed', 'cancelled', 'timed_out']);

const allowedTransitions: Readonly<Record<RunStatus, readonly RunStatus[]>> = {
  queued: ['running', 'failed', 'cancelled', 'timed_out'],
  running: ['waiting', 'succeeded', 'failed', 'cancelled', 'timed_out'],
  waiting: ['running', 'failed', 'cancelled', 'timed_out'],
  succeeded: [],
  failed: [],
  cancelled: [],
  timed_out: [],
};

/** Whether a run may move from `from` to `to`: `queued → running ⇄ waiting → terminal`. */
export function canTransition(from: RunStatus, to: RunStatus): boolean {
  return allowedTransitions[from].includes(to);
}

/** The states a run may be in just before it moves to `to`. */
export function predecessorsOf(to: RunStatus): RunStatus[] {
  return runStatuses.filter((from) => canTransition(from, to));
}

/** Whether a run in this state is finished for good. */
export function isTerminal(status: RunStatus): boolean {
  return terminalRunStatuses.has(status);
}

/** Types of the event that ends a run (`run.succeeded`, …): always the run's last event. */
export const terminalRunEventTypes: ReadonlySet<string> = new Set(
  [...terminalRunStatuses].map((status) => `run.${status}`),
);

/** Whether an event of this type ends its run. */
export function isTerminalRunEventType(type: string): boolean {
  return terminalRunEventTypes.has(type);
}
