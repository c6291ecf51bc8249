import type { RunError, RunUsage } from '../domain/resources.ts';
import type { NewRunEvent } from './new-run-event.ts';

/** How a run ended: what its workflow reports and its terminal event records. */
export type RunOutcome =
  | { readonly status: 'succeeded'; readonly output: unknown }
  | { readonly status: 'failed' | 'timed_out' | 'cancelled'; readonly error: RunError };

/**
 * The event that ends a run (`run.succeeded`, `run.failed`, `run.timed_out`,
 * `run.cancelled`), with its output or error and the run's usage. Its dedupe key is the same
 * for every ending, so a run records only one.
 */
export function terminalRunEvent(runId: string, ending: RunOutcome, usage: RunUsage): NewRunEvent {
  const dedupeKey = 'run.finished';
  if (ending.status === 'succeeded') {
    return { runId, type: 'run.succeeded', data: { output: ending.output, usage }, dedupeKey };
  }
  return { runId, type: `run.${ending.status}`, data: { error: ending.error, usage }, dedupeKey };
}
