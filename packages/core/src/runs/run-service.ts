import type { z } from 'zod';
import type { CreateRunResult } from '../db/repositories/runs.ts';
import type { Run } from '../domain/resources.ts';
import type { SendMessageResult } from '../execution/agent-run-contract.ts';
import { admitRuns, type AdmitRunsOptions } from './admit-runs.ts';
import { cancelRun } from './cancel-run.ts';
import { createRunWithAdmission, type NewRunRequest } from './create-run.ts';
import { decideApproval, type ApprovalVerdict } from './decide-approval.ts';
import { describeCreatedRun, describeQueue } from './describe-queue.ts';
import { finishRun, type RunEnd } from './finish-run.ts';
import { reconcileRuns } from './reconcile-runs.ts';
import type { callbackLinkSchema } from '../domain/waitpoint.ts';
import { describeCallbackLink, postCallback, type CallbackPost, type CallbackPostResult } from './post-callback.ts';
import { replayRun, type ReplayRunRequest } from './replay-run.ts';
import { requestApproval, type ApprovalRequest } from './request-approval.ts';
import { requestCallback, type CallbackRequest } from './request-callback.ts';
import { resolveApproval, type ApprovalResolution } from './resolve-approval.ts';
import { resolveCallback, type CallbackResolution } from './resolve-callback.ts';
import type { RunActor, RunServiceResources, TenantRunRef } from './run-service-resources.ts';
import { sendRunMessage } from './send-run-message.ts';
import { startRun, type StartingRun } from './start-run.ts';

/**
 * The run lifecycle: the only code that creates a run, moves it between states or closes it
 * (`queued → running ⇄ waiting → succeeded | failed | cancelled | timed_out`). API routes,
 * worker activities, and later threads, schedules, webhooks and protocol endpoints all call
 * it. Each state change is one transaction with its events, made known (run cache, then bus)
 * once committed; each change that frees or takes a slot runs admission. Errors are
 * `AppError`s with stable codes (`NotFoundError`, `InvalidStateTransitionError`, 409s).
 *
 * Control-plane operations take the acting caller ({@link RunActor}) and are audited; the
 * execution-plane ones (`start`, `requestApproval`, `resolveApproval`, `finish`) act for the
 * run's own workflow and are idempotent, so activity retries change nothing twice.
 */
export interface RunService {
  /**
   * Creates a `queued` run of an agent version for the caller's tenant, audited, then admits
   * it under the tenant's limits and starts its workflow (workflow id = run id); a run that
   * must wait its turn stays `queued`, with its `queue`. With an idempotency key a repeat
   * answers the same run (`created: false`). In reject mode a run over the limits is 429
   * `rate_limited` and not written. An unreachable Temporal leaves the run queued for the
   * reconciler: the row is the promise.
   */
  create(request: NewRunRequest, by: RunActor): Promise<CreateRunResult>;
  /**
   * Creates a replay of a finished run of the caller's tenant, as {@link create} creates a run
   * (audited, admitted, idempotent under its key): a new run recording `replayOf`, whose steps
   * before `fromStep` the worker answers from the source run's recorded replies and tool
   * results, and which runs anew from `fromStep` under its own input and version. 409
   * `run_not_finished` while the source runs; 422 when a step before `fromStep` has no
   * recorded reply or the agent is a LangGraph agent.
   */
  replay(request: ReplayRunRequest, by: RunActor): Promise<CreateRunResult>;
  /**
   * `queued → running`, with `run.started`: called by the run's workflow as it begins, with
   * the run it has just read. Marks a run whose workflow was started directly admitted.
   */
  start(run: StartingRun): Promise<Run>;
  /**
   * Cancels a run that has not ended (409 `run_finished` otherwise): Temporal cancellation
   * of its workflow, which closes it `cancelled`; a run whose workflow never started is
   * closed at once. Audited. Answers the run as it is now.
   */
  cancel(target: TenantRunRef, by: RunActor): Promise<Run>;
  /**
   * Sends a user message into a running or waiting run (Temporal Update): answers whether it
   * was enqueued or interrupted the step in flight, or 409 `run_busy` under the `reject`
   * policy. Audited without the content.
   */
  sendMessage(target: TenantRunRef, content: string, by: RunActor): Promise<SendMessageResult>;
  /**
   * Approves or rejects a pending tool call (Temporal Update); 409 `approval_not_pending`
   * when it is not pending. Audited without the comment.
   */
  decideApproval(target: TenantRunRef, verdict: ApprovalVerdict, by: RunActor): Promise<ApprovalVerdict>;
  /**
   * `running → waiting` with an approval to decide (`approval.requested`). A waiting run uses
   * no worker: its slot goes to the tenant's next queued run at once.
   */
  requestApproval(request: ApprovalRequest): Promise<Run>;
  /**
   * Takes a decided or expired approval off the run (`approval.decided`); `waiting →
   * running` when none is left, even at the tenant's limit (an admitted run keeps its right
   * to run).
   */
  resolveApproval(resolution: ApprovalResolution): Promise<Run>;
  /**
   * `running → waiting` at a callback tool's waitpoint, with its signed single-use URL in
   * `callback.waiting` (docs/callbacks.md). Answers the waitpoint's id.
   */
  requestCallback(request: CallbackRequest): Promise<{ readonly waitpointId: string }>;
  /**
   * Settles a waitpoint whose wait is over (completed by its POST, or now expired) with
   * `callback.resolved`; `waiting → running`. Answers how it ended.
   */
  resolveCallback(resolution: CallbackResolution): Promise<{ readonly outcome: 'completed' | 'expired' }>;
  /**
   * Takes a POST to a callback or approval link, the token its credential: completes the
   * waitpoint and wakes the run, or decides the approval. 401 `callback_token_invalid`, 410
   * `callback_used` or `callback_expired`, changing nothing. Audited.
   */
  postCallback(post: CallbackPost): Promise<CallbackPostResult>;
  /** What a link would do and whether a POST would be taken; reads only (401/410 as for a POST). */
  describeCallbackLink(token: string): Promise<z.infer<typeof callbackLinkSchema>>;
  /**
   * Closes the run with its outcome and usage (`run.succeeded`, `run.failed`, …), then admits
   * the tenant's next queued runs. Throws when that handover cannot reach Temporal (retry
   * with `restartAdmitted`); the run has ended all the same.
   */
  finish(end: RunEnd, options?: AdmitRunsOptions): Promise<Run>;
  /**
   * Admits the tenant's oldest queued runs into its free slots and starts their workflows;
   * for callers that changed what admission depends on (a tenant's limit). Throws when
   * Temporal cannot be reached; the runs stay admitted for a retry or the reconciler.
   */
  admit(tenantId: string, options?: AdmitRunsOptions): Promise<void>;
  /**
   * One pass of the safety net (the API's reconciler calls it every 15 s): admits every
   * tenant's queued runs and starts admitted runs whose workflows never started. Answers how
   * many runs it handed to Temporal.
   */
  reconcile(batchSize: number): Promise<number>;
  /**
   * The runs, each `queued` one with its `queue` (position and the limit that holds it), read
   * now; a queued run that has started meanwhile is answered as it is now.
   */
  describeQueue(runs: readonly Run[]): Promise<Run[]>;
}

/** Builds the run service over one resources bag, once per process (its composition root). */
export function createRunService(resources: RunServiceResources): RunService {
  return {
    create: async (request, by) => {
      const result = await createRunWithAdmission(resources, request, by);
      return { ...result, run: await describeCreatedRun(resources, result.run) };
    },
    replay: async (request, by) => {
      const result = await replayRun(resources, request, by);
      return { ...result, run: await describeCreatedRun(resources, result.run) };
    },
    start: (run) => startRun(resources, run),
    cancel: (target, by) => cancelRun(resources, target, by),
    sendMessage: (target, content, by) => sendRunMessage(resources, target, content, by),
    decideApproval: (target, verdict, by) => decideApproval(resources, target, verdict, by),
    requestApproval: (request) => requestApproval(resources, request),
    resolveApproval: (resolution) => resolveApproval(resources, resolution),
    requestCallback: (request) => requestCallback(resources, request),
    resolveCallback: (resolution) => resolveCallback(resources, resolution),
    postCallback: (post) => postCallback(resources, post),
    describeCallbackLink: (token) => describeCallbackLink(resources, token),
    finish: (end, options) => finishRun(resources, end, options),
    admit: (tenantId, options) => admitRuns(resources, tenantId, options),
    reconcile: (batchSize) => reconcileRuns(resources, batchSize),
    describeQueue: (runs) => describeQueue(resources, runs),
  };
}
