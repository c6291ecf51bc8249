import { randomUUID } from 'node:crypto';
import {
  admitAndStartRuns,
  announceRunChange,
  AppError,
  applyRunTransition,
  decideApprovalUpdate,
  getRun,
  isTerminal,
  recordAuditEvent,
  runSchema,
  sendMessageUpdate,
  updateRejections,
  type ApprovalDecision,
  type RunMessage,
  type SendMessageResult,
} from '@agent-runtime/core';
import {
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import type { ApiInstance, RunRouteDependencies } from '../app-types.ts';
import { auditedBy } from '../http/audit.ts';
import { existingId, pathId, problemResponses } from '../http/schemas.ts';

/** How long an update may take before the API gives up (the run's worker may be down). */
const updateTimeoutMs = 15_000;

const rejectionCodes = {
  [updateRejections.approvalNotPending]: 'approval_not_pending',
  [updateRejections.runBusy]: 'run_busy',
  [updateRejections.runFinishing]: 'run_finished',
} as const;

/**
 * Sends a Temporal Update to a run's workflow. The workflow's validator decides at once
 * whether the update applies; its refusals, a finished workflow and an unreachable worker
 * become problems with stable codes.
 */
async function updateRun<Result>(temporal: Client, runId: string, name: string, arg: unknown): Promise<Result> {
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

const runParams = z.strictObject({ runId: pathId });

/** Cancellation, approvals and messages: the routes that act on a live run. */
export function registerRunControlRoutes(
  app: ApiInstance,
  { db, temporal, bus, logger, runCache, config: settings }: RunRouteDependencies,
): void {
  const config = { access: 'write' as const };
  const tags = ['runs'];

  async function liveRun(tenantId: string, runId: string) {
    const run = await getRun(db, tenantId, existingId('run', runId));
    if (isTerminal(run.status)) {
      throw new AppError('run_finished', `run ${run.id} has already ended ${run.status}`, {
        runId: run.id,
        status: run.status,
      });
    }
    return run;
  }

  app.post(
    '/v1/runs/:runId/cancel',
    {
      config,
      schema: {
        tags,
        description:
          'Cancels the run: steps in flight are stopped and the run ends `cancelled`. 409 when it has ended.',
        params: runParams,
        response: { 202: runSchema, ...problemResponses(401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const run = await liveRun(request.principal.tenantId, request.params.runId);
      try {
        await temporal.workflow.getHandle(run.id).cancel();
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
        // Never started (still queued): there is nothing to stop, only a row to close.
        const change = await applyRunTransition(db, {
          runId: run.id,
          to: 'cancelled',
          error: { code: 'run_cancelled', message: 'the run was cancelled before it started', step: null },
          events: [{ runId: run.id, type: 'run.cancelled', data: {}, dedupeKey: 'run.finished' }],
        });
        await announceRunChange({ runCache, bus, logger }, change);
        // It may have held a slot (admitted, its workflow not yet started): the next run gets it.
        await admitAndStartRuns({
          db,
          temporal,
          taskQueue: settings.TEMPORAL_TASK_QUEUE,
          tenantId: run.tenantId,
          defaultMaxConcurrentRuns: settings.AR_TENANT_MAX_CONCURRENT_RUNS,
        }).catch((error: unknown) => logger.warn({ err: error }, 'could not admit the next queued runs yet'));
      }
      // Temporal holds the cancellation, not this database: recorded once it has accepted it.
      await recordAuditEvent(db, {
        ...auditedBy(request),
        action: 'run.cancelled',
        target: { type: 'run', id: run.id },
        details: { statusBefore: run.status },
      });
      return reply.status(202).send(await getRun(db, run.tenantId, run.id));
    },
  );

  app.post(
    '/v1/runs/:runId/approvals/:approvalId',
    {
      config,
      schema: {
        tags,
        description: 'Approves or rejects a pending tool call; 409 when that approval is not pending.',
        params: z.strictObject({ runId: pathId, approvalId: z.string().max(200) }),
        body: z.strictObject({ decision: z.enum(['approve', 'reject']), comment: z.string().max(10_000).optional() }),
        response: {
          200: z.object({ approvalId: z.string(), decision: z.enum(['approve', 'reject']) }),
          ...problemResponses(400, 401, 403, 404, 409, 415, 422, 503),
        },
      },
    },
    async (request) => {
      const run = await liveRun(request.principal.tenantId, request.params.runId);
      const decision: ApprovalDecision = {
        approvalId: request.params.approvalId,
        decision: request.body.decision,
        comment: request.body.comment,
        decidedBy: request.principal.subject,
      };
      await updateRun(temporal, run.id, decideApprovalUpdate, decision);
      // The comment is user content: the log says a comment was given, not what it said.
      await recordAuditEvent(db, {
        ...auditedBy(request),
        action: 'approval.decided',
        target: { type: 'run', id: run.id },
        details: { approvalId: decision.approvalId, decision: decision.decision, commented: Boolean(decision.comment) },
      });
      return { approvalId: decision.approvalId, decision: decision.decision };
    },
  );

  app.post(
    '/v1/runs/:runId/messages',
    {
      config,
      schema: {
        tags,
        description:
          "Sends a user message into a running or waiting run. While a step is in flight the run's `messagePolicy` applies: reject (409), enqueue, or interrupt the step.",
        params: runParams,
        body: z.strictObject({ content: z.string().min(1).max(100_000) }),
        response: {
          202: z.object({ messageId: z.string(), disposition: z.enum(['enqueued', 'interrupted']) }),
          ...problemResponses(400, 401, 403, 404, 409, 413, 415, 422, 503),
        },
      },
    },
    async (request, reply) => {
      const run = await liveRun(request.principal.tenantId, request.params.runId);
      const message: RunMessage = {
        messageId: randomUUID(),
        content: request.body.content,
        sentBy: request.principal.subject,
      };
      const result = await updateRun<SendMessageResult>(temporal, run.id, sendMessageUpdate, message);
      // Who steered a run matters; what they wrote is the run's content and stays out of the log.
      await recordAuditEvent(db, {
        ...auditedBy(request),
        action: 'run.message_sent',
        target: { type: 'run', id: run.id },
        details: { messageId: result.messageId, disposition: result.disposition, length: message.content.length },
      });
      return reply.status(202).send(result);
    },
  );
}
