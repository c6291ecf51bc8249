import type { RunMessage, RunUsage } from '@agent-runtime/core';
import type { AgentRunWorkflowInput } from '@agent-runtime/core/agent-run-contract';
import { CancellationScope, workflowInfo } from '@temporalio/workflow';
import type { StartedRun } from '../activities/activity-types.ts';

/** History length at which a run continues as new, unless Temporal suggests it sooner. */
export const defaultContinueAsNewAfterEvents = 2000;

/**
 * Where a run left off when it continued as new: everything its agent loop keeps between
 * steps. Large conversations travel through the claim-check codec like any other payload.
 */
export interface RunContinuation {
  /** What `startRun` gave the first execution, with the conversation so far as `messages`. */
  readonly run: Extract<StartedRun, { state: 'running' }>;
  /** The step to run next: step numbers keep counting, so event and idempotency keys stay unique. */
  readonly nextStep: number;
  readonly usage: RunUsage;
  /** User messages accepted but not yet delivered to a model step. */
  readonly inbox: readonly RunMessage[];
  /** Whether the first of those messages stopped a step in flight. */
  readonly interruptedForMessage: boolean;
  /** The run's deadline in epoch milliseconds (workflow time), or null without one. */
  readonly deadlineAt: number | null;
  /** The `state` a code or HTTP agent's last step returned; absent for builtin agents. */
  readonly agentState?: unknown;
}

/** The input of the `agentRun` workflow as the worker sees it. */
export interface AgentRunInput extends AgentRunWorkflowInput {
  /**
   * Continue as new at the top of the next step once the history has this many events (or
   * when Temporal suggests it), so no run reaches Temporal's history limits.
   * @default 2000
   */
  readonly continueAsNewAfterEvents?: number;
  /** Set by the run itself when it continues as new; a continued run skips `startRun`. */
  readonly continued?: RunContinuation;
}

/**
 * Whether the run should continue as new before its next step. Never while the run is being
 * cancelled: a cancellation request does not carry over to the next execution.
 */
export function timeToContinueAsNew(afterEvents = defaultContinueAsNewAfterEvents): boolean {
  if (CancellationScope.current().consideredCancelled) return false;
  const info = workflowInfo();
  return info.continueAsNewSuggested || info.historyLength >= afterEvents;
}

/** Seconds left until `deadlineAt` (0 once it has passed), or undefined without a deadline. */
export function secondsUntil(deadlineAt: number | null): number | undefined {
  return deadlineAt === null ? undefined : Math.max(deadlineAt - Date.now(), 0) / 1000;
}
