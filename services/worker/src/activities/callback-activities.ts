import { AppError } from '@agent-runtime/core';
import { ApplicationFailure } from '@temporalio/activity';
import { nonRetryable, type ActivityDependencies } from './activity-support.ts';
import type {
  RequestCallbackInput,
  RequestedCallback,
  ResolveCallbackInput,
  ResolvedCallback,
} from './activity-types.ts';

/** The activities that make a callback tool's call wait for an outside system, through the run service. */
export function createCallbackActivities({ runs }: ActivityDependencies) {
  return {
    /** Gives the call its waitpoint and callback URL (`callback.waiting`); the run is `waiting`. */
    async requestCallback({ ref, step, call, expiresAt }: RequestCallbackInput): Promise<RequestedCallback> {
      return runs
        .requestCallback({
          tenantId: ref.tenantId,
          runId: ref.runId,
          step,
          callId: call.id,
          tool: call.name,
          input: call.arguments,
          expiresAt,
        })
        .catch((error: unknown) => {
          // No key to sign the URL with: a retry cannot help, a configuration change can.
          if (error instanceof AppError && error.code === 'internal') {
            throw ApplicationFailure.nonRetryable(error.message, 'internal');
          }
          return nonRetryable(error);
        });
    },

    /** Settles the waitpoint (`callback.resolved`): completed by its POST, or expired; the run runs again. */
    async resolveCallback({ ref, step, waitpointId }: ResolveCallbackInput): Promise<ResolvedCallback> {
      return runs.resolveCallback({ tenantId: ref.tenantId, runId: ref.runId, step, waitpointId }).catch(nonRetryable);
    },
  };
}
