import { jsonValueSchema, messagePolicies, metadataSchema, runSchema } from '@agent-runtime/core';
import { z } from 'zod';
import type { ApiInstance, RunRouteDependencies } from '../app-types.ts';
import { auditedBy } from '../http/audit.ts';
import { existingId, idempotencyHeaders, pathId, problemResponses } from '../http/schemas.ts';

const replayRunBody = z.strictObject({
  fromStep: z
    .number()
    .int()
    .min(1)
    .max(2_147_483_647)
    .describe(
      "The first step run anew; the steps before it answer from the replayed run's recorded replies and tool results. At most the run's last recorded step + 1",
    ),
  input: jsonValueSchema
    .optional()
    .describe("An edited input, as a new run takes it; the model sees it from `fromStep` on. Defaults to the run's"),
  version: z
    .number()
    .int()
    .min(1)
    .max(2_147_483_647)
    .optional()
    .describe("Another version of the same agent, whose spec applies from `fromStep` on. Defaults to the run's"),
  metadata: metadataSchema.optional().describe("Defaults to the run's"),
  messagePolicy: z.enum(messagePolicies).optional().describe("Defaults to the run's"),
});

const replayDescription =
  "Replays a finished run as a new run (`replayOf` names the source): its steps before `fromStep` answer from the run's recorded replies and tool results, so no model is asked and no tool runs for them again (their events say `replayed: true`); from `fromStep` on it runs anew, with the edited `input` and `version` if given. Created, admitted and started as `POST /v1/runs` creates a run; repeats under the same Idempotency-Key answer the same run. 409 `run_not_finished` while the run has not ended; 422 when a step before `fromStep` has no recorded reply, or for a LangGraph agent. See docs/replay.md.";

/** `POST /v1/runs/{id}/replay`: a new run that replays a finished one from a step, through the run service. */
export function registerRunReplayRoute(app: ApiInstance, { runs }: RunRouteDependencies): void {
  app.post(
    '/v1/runs/:runId/replay',
    {
      config: { access: 'write' },
      schema: {
        tags: ['runs'],
        description: replayDescription,
        params: z.strictObject({ runId: pathId }),
        headers: idempotencyHeaders,
        body: replayRunBody,
        response: { 201: runSchema, ...problemResponses(400, 401, 402, 403, 404, 409, 413, 415, 422, 429) },
      },
    },
    async (request, reply) => {
      const { run, created } = await runs.replay(
        {
          ...request.body,
          runId: existingId('run', request.params.runId),
          idempotencyKey: request.headers['idempotency-key'],
        },
        auditedBy(request),
      );
      if (!created) reply.header('idempotent-replayed', 'true');
      return reply.status(201).header('location', `/v1/runs/${run.id}`).send(run);
    },
  );
}
