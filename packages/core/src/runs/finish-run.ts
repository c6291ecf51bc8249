import { announceRunChange } from '../cache/run-cache.ts';
import { applyRunTransition } from '../db/repositories/runs.ts';
import type { Run, RunUsage } from '../domain/resources.ts';
import { terminalRunEvent, type RunOutcome } from '../events/terminal-run-event.ts';
import { admitRuns, type AdmitRunsOptions } from './admit-runs.ts';
import { recordThreadTurn, type ThreadTurnEnd } from './record-thread-turn.ts';
import type { RunServiceResources } from './run-service-resources.ts';

/** A tenant's run's end: its outcome and what it used. */
export interface RunEnd {
  readonly tenantId: string;
  readonly runId: string;
  readonly outcome: RunOutcome;
  readonly usage: RunUsage;
  /** For a run that is a turn of a thread: what the turn adds to the thread. */
  readonly turn?: ThreadTurnEnd | undefined;
}

/**
 * For a turn of a thread, first adds the turn's messages to the thread (unless a newer run
 * rolled it back). Records the run's terminal state, output or error, and usage, with its
 * final event (`run.succeeded`, `run.failed`, …); makes the change known; then hands the slot it freed
 * to its tenant's oldest queued run. A repeat repeats only the handover (the transition is
 * idempotent); with `restartAdmitted` it also starts the tenant's admitted runs whose start
 * failed. Throws when the handover cannot reach Temporal: the run has ended all the same.
 */
export async function finishRun(
  resources: RunServiceResources,
  { tenantId, runId, outcome, usage, turn }: RunEnd,
  options: AdmitRunsOptions = {},
): Promise<Run> {
  // Before the run ends: the thread's next turn, admitted once it has, reads this one.
  if (turn) await recordThreadTurn(resources.db, tenantId, runId, turn);
  const change = await applyRunTransition(resources.db, {
    tenantId,
    runId,
    to: outcome.status,
    usage,
    ...(outcome.status === 'succeeded' ? { output: outcome.output } : { error: outcome.error }),
    events: [terminalRunEvent(runId, outcome, usage)],
  });
  await announceRunChange(resources, change);
  await admitRuns(resources, change.run.tenantId, options);
  return change.run;
}
