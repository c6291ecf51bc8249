import { announceRunChange } from '../cache/run-cache.ts';
import { addWaitpoint } from '../db/repositories/waitpoints.ts';
import { AppError } from '../errors.ts';
import { newId } from '../ids.ts';
import { admitRunsBestEffort } from './admit-runs.ts';
import type { RunServiceResources } from './run-service-resources.ts';

/** A callback tool's call of a tenant's run that waits for an outside system's POST. */
export interface CallbackRequest {
  readonly tenantId: string;
  readonly runId: string;
  readonly step: number;
  readonly callId: string;
  readonly tool: string;
  readonly input: unknown;
  /** ISO time the callback URL expires. */
  readonly expiresAt: string;
}

/**
 * Gives the call a waitpoint with a signed, single-use callback URL and moves the run from
 * `running` to `waiting`, with a `callback.waiting` event holding the URL, atomically; makes
 * the change known. As with approvals, a waiting run's slot goes to the tenant's next queued
 * run. Repeating it answers the same waitpoint and changes nothing.
 */
export async function requestCallback(
  resources: RunServiceResources,
  request: CallbackRequest,
): Promise<{ readonly waitpointId: string }> {
  const links = resources.callbackLinks;
  if (!links) throw new AppError('internal', 'callback URLs cannot be signed: no master key is configured');
  const { tenantId, runId, step, callId, tool, input } = request;
  const expiresAt = new Date(request.expiresAt);
  const { change, waitpoint } = await addWaitpoint(
    resources.db,
    { id: newId(), tenantId, runId, step, callId, tool, expiresAt },
    (row) => ({
      runId,
      type: 'callback.waiting',
      step,
      data: {
        waitpointId: row.id,
        callId,
        tool,
        input,
        url: links.urlOf(links.tokens.sign({ kind: 'callback', waitpointId: row.id, expiresAt })),
        expiresAt: expiresAt.toISOString(),
      },
      dedupeKey: `callback.waiting:${step}-${callId}`,
    }),
  );
  await announceRunChange(resources, change);
  if (change.run.status === 'waiting') await admitRunsBestEffort(resources, change.run.tenantId);
  return { waitpointId: waitpoint.id };
}
