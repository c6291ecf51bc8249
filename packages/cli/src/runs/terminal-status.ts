import type { RunEvent, RunStatus } from '@agent-runtime/sdk';

/** The run status a terminal event ends the run in; undefined for any other event. */
export function terminalStatusOf(event: RunEvent): RunStatus | undefined {
  switch (event.type) {
    case 'run.succeeded':
      return 'succeeded';
    case 'run.failed':
      return 'failed';
    case 'run.cancelled':
      return 'cancelled';
    case 'run.timed_out':
      return 'timed_out';
    default:
      return undefined;
  }
}
