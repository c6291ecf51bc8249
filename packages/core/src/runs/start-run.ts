import { announceRunChange } from '../cache/run-cache.ts';
import { applyRunTransition } from '../db/repositories/runs.ts';
import type { Run } from '../domain/resources.ts';
import type { RunServiceResources } from './run-service-resources.ts';

/** A run about to start, as its caller (the workflow's first activity) has just read it. */
export type StartingRun = Pick<Run, 'id' | 'tenantId' | 'agentId' | 'agentVersion' | 'replayOf'>;

/**
 * Moves an admitted run from `queued` to `running` (marking it admitted if its workflow was
 * started directly, so it holds a slot too), with its `run.started` event, and makes the
 * change known. Repeating it changes nothing; a run that has ended is an
 * `InvalidStateTransitionError`.
 */
export async function startRun(resources: RunServiceResources, run: StartingRun): Promise<Run> {
  const change = await applyRunTransition(resources.db, {
    tenantId: run.tenantId,
    runId: run.id,
    to: 'running',
    events: [
      {
        runId: run.id,
        type: 'run.started',
        data: {
          agentId: run.agentId,
          agentVersion: run.agentVersion,
          ...(run.replayOf === undefined ? {} : { replayOf: run.replayOf }),
        },
        dedupeKey: 'run.started',
      },
    ],
  });
  await announceRunChange(resources, change);
  return change.run;
}
