import { runSchema } from '@agent-runtime/core';
import { z } from 'zod';
import type { ApiInstance, RunRouteDependencies } from '../app-types.ts';
import { auditedBy } from '../http/audit.ts';
import { existingId, pathId, problemResponses } from '../http/schemas.ts';

const runParams = z.strictObject({ runId: pathId });

/** Cancellation, approvals and messages: the routes that act on a live run, through the run service. */
export function registerRunControlRoutes(app: ApiInstance, { runs }: RunRouteDependencies): void {
  const config = { access: 'write' as const };
  const tags = ['runs'];
  const targetOf = (request: { principal: { tenantId: string }; params: { runId: string } }) => ({
    tenantId: request.principal.tenantId,
    runId: existingId('run', request.params.runId),
  });

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
    async (request, reply) => reply.status(202).send(await runs.cancel(targetOf(request), auditedBy(request))),
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
    async (request) =>
      runs.decideApproval(
        targetOf(request),
        { approvalId: request.params.approvalId, decision: request.body.decision, comment: request.body.comment },
        auditedBy(request),
      ),
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
    async (request, reply) =>
      reply.status(202).send(await runs.sendMessage(targetOf(request), request.body.content, auditedBy(request))),
  );
}
