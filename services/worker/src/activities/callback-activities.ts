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
        .catch(nonRetryable);
    },

    /** Settles the waitpoint (`callback.resolved`): completed by its POST, or expired; the run runs again. */
    async resolveCallback({ ref, step, waitpointId }: ResolveCallbackInput): Promise<ResolvedCallback> {
      return runs.resolveCallback({ tenantId: ref.tenantId, runId: ref.runId, step, waitpointId }).catch(nonRetryable);
    },
  };
}
