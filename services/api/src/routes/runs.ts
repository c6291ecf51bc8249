import {
  contentHash,
  createRun,
  getRun,
  jsonValueSchema,
  listRunEvents,
  listRuns,
  messagePolicies,
  metadataSchema,
  pageSchema,
  runEventSchema,
  runSchema,
  runStatuses,
  startRunWorkflow,
} from '@agent-runtime/core';
import { z } from 'zod';
import type { ApiDependencies, ApiInstance } from '../app-types.ts';
import { existingId, pageQuery, pathId, problemResponses } from '../http/schemas.ts';

const createRunBody = z.strictObject({
  agentId: z.uuid(),
  version: z.number().int().min(1).max(2_147_483_647).optional().describe("defaults to the agent's latest"),
  input: jsonValueSchema.describe('A string or any JSON; `{ "message": "…" }` becomes the user message'),
  metadata: metadataSchema.optional(),
  messagePolicy: z
    .enum(messagePolicies)
    .default('enqueue')
    .describe('What a message sent while a step is in flight does: reject (409), enqueue, or interrupt the step'),
});

const idempotencyHeaders = z.looseObject({
  'idempotency-key': z
    .string()
    .regex(/^[\x21-\x7e]{1,255}$/, 'printable ASCII, 1 to 255 characters')
    .optional()
    .describe('Repeating a request with the same key returns the same run'),
});

const runParams = z.strictObject({ runId: pathId });

/** Runs: create (idempotently), read, list, and read their events. */
export function registerRunRoutes(app: ApiInstance, { db, temporal, config, logger }: ApiDependencies): void {
  const read = { access: 'read' as const };
  const tags = ['runs'];

  app.post(
    '/v1/runs',
    {
      config: { access: 'write' },
      schema: {
        tags,
        description:
          'Queues a run and starts its workflow. Answers 202 with the run; repeats under the same Idempotency-Key answer the same run.',
        headers: idempotencyHeaders,
        body: createRunBody,
        response: { 202: runSchema, ...problemResponses(400, 401, 403, 404, 409, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const idempotencyKey = request.headers['idempotency-key'];
      const { run, created } = await createRun(db, {
        tenantId: request.principal.tenantId,
        agentId: request.body.agentId,
        version: request.body.version,
        input: request.body.input,
        metadata: request.body.metadata,
        messagePolicy: request.body.messagePolicy,
        idempotencyKey,
        requestHash: idempotencyKey === undefined ? undefined : contentHash(request.body),
      });
      if (run.status === 'queued') {
        // The row is the promise: if Temporal is down, the reconciler starts the run later.
        await startRunWorkflow(temporal, config.TEMPORAL_TASK_QUEUE, run.id).catch((error: unknown) =>
          logger.warn({ err: error, runId: run.id }, 'could not start the run workflow yet; it stays queued'),
        );
      }
      if (!created) reply.header('idempotent-replayed', 'true');
      return reply.status(202).send(run);
    },
  );

  app.get(
    '/v1/runs',
    {
      config: read,
      schema: {
        tags,
        querystring: z.strictObject({
          ...pageQuery,
          agentId: z.uuid().optional(),
          status: z.enum(runStatuses).optional(),
        }),
        response: { 200: pageSchema(runSchema), ...problemResponses(400, 401, 403, 422) },
      },
    },
    async (request) => listRuns(db, request.principal.tenantId, request.query),
  );

  app.get(
    '/v1/runs/:runId',
    {
      config: read,
      schema: { tags, params: runParams, response: { 200: runSchema, ...problemResponses(401, 403, 404) } },
    },
    async (request) => getRun(db, request.principal.tenantId, existingId('run', request.params.runId)),
  );

  app.get(
    '/v1/runs/:runId/events',
    {
      config: read,
      schema: {
        tags,
        description: 'Events with seq greater than `after`, in order. Poll again with the last seq seen.',
        params: runParams,
        querystring: z.strictObject({
          after: z.coerce.number().int().min(0).default(0),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        }),
        response: {
          200: z.object({ items: z.array(runEventSchema), hasMore: z.boolean() }),
          ...problemResponses(401, 403, 404, 422),
        },
      },
    },
    async (request) => {
      const run = await getRun(db, request.principal.tenantId, existingId('run', request.params.runId));
      const { after, limit } = request.query;
      const events = await listRunEvents(db, run.tenantId, run.id, { after, limit: limit + 1 });
      return { items: events.slice(0, limit), hasMore: events.length > limit };
    },
  );
}
