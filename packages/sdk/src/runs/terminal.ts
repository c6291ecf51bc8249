import type { RunEventType, RunStatus } from '../api-types.ts';

// Exhaustive maps rather than lists: a status or event type added to the API fails to compile
// here until someone says whether it ends a run.
const statusEndsRun = {
  queued: false,
  running: false,
  waiting: false,
  succeeded: true,
  failed: true,
  cancelled: true,
  timed_out: true,
} as const satisfies Record<RunStatus, boolean>;

const eventEndsRun = {
  'run.started': false,
  'model.started': false,
  'model.completed': false,
  'tool.started': false,
  'tool.completed': false,
  'approval.requested': false,
  'approval.decided': false,
  'callback.waiting': false,
  'callback.resolved': false,
  'message.received': false,
  'artifact.created': false,
  'run.succeeded': true,
  'run.failed': true,
  'run.cancelled': true,
  'run.timed_out': true,
} as const satisfies Record<RunEventType, boolean>;

/** Whether a run in `status` has ended (succeeded, failed, cancelled or timed out): it never changes again. */
export function isTerminalStatus(status: RunStatus): boolean {
  return statusEndsRun[status] ?? false;
}

/** Whether an event of `type` is a run's last one. */
export function isTerminalEventType(type: RunEventType): boolean {
  return eventEndsRun[type] ?? false;
}
