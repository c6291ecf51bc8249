import {
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { AppError } from '../errors.ts';
import { updateRejections } from '../execution/agent-run-contract.ts';

/** How long an update may take before the caller gives up (the run's worker may be down). */
const updateTimeoutMs = 15_000;

const rejectionCodes = {
  [updateRejections.approvalNotPending]: 'approval_not_pending',
  [updateRejections.runBusy]: 'run_busy',
  [updateRejections.runFinishing]: 'run_finished',
} as const;

/**
 * Sends a Temporal Update to a run's workflow. The workflow's validator decides at once
 * whether the update applies; its refusals, a finished workflow and an unreachable worker
 * become `AppError`s with stable codes (409s, and 503 `dependency_unavailable`).
 */
export async function updateRunWorkflow<Result>(
  temporal: Client,
  runId: string,
  name: string,
  arg: unknown,
): Promise<Result> {
  try {
    return await temporal.withAbortSignal(AbortSignal.timeout(updateTimeoutMs), () =>
      temporal.workflow.getHandle(runId).executeUpdate<Result, [unknown]>(name, { args: [arg] }),
    );
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
      const code = rejectionCodes[error.cause.type as keyof typeof rejectionCodes];
      if (code) throw new AppError(code, error.cause.message, { runId });
      throw new AppError('conflict', error.cause.message, { runId });
    }
    if (error instanceof WorkflowNotFoundError)
      throw new AppError('run_finished', `run ${runId} has finished`, { runId });
    if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError || (error as Error).name === 'AbortError') {
      throw new AppError('dependency_unavailable', 'the run did not answer in time; try again', { runId });
    }
    throw error;
  }
}
