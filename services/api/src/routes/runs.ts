import {
  admitAndStartRuns,
  contentHash,
  createRun,
  isTerminal,
  jsonValueSchema,
  listRuns,
  messagePolicies,
  metadataSchema,
  pageSchema,
  recordAuditEvent,
  runSchema,
  runStatuses,
  startRunWorkflow,
} from '@agent-runtime/core';
import { z } from 'zod';
import type { ApiInstance, RunRouteDependencies } from '../app-types.ts';
import { auditedBy } from '../http/audit.ts';
import { existingId, integerText, pageQuery, pathId, problemResponses } from '../http/schemas.ts';
import { awaitRunEnd } from '../live/await-run-end.ts';
import { trackWaitingRequests } from '../live/waiting-requests.ts';

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

/** Runs: create (idempotently), read (or wait for the end), list. */
export function registerRunRoutes(
  app: ApiInstance,
  { db, temporal, config, logger, bus, live, runCache }: RunRouteDependencies,
): void {
  const read = { access: 'read' as const };
  const tags = ['runs'];
  const waitFor = trackWaitingRequests(app);
  const rejectOverLimit = config.AR_TENANT_RUN_OVERFLOW === 'reject';

  app.post(
    '/v1/runs',
    {
      config: { access: 'write' },
      schema: {
        tags,
        description:
          "Queues a run and starts its workflow once the tenant has a free concurrent-run slot (oldest runs first). Answers 202 with the run; repeats under the same Idempotency-Key answer the same run. With `AR_TENANT_RUN_OVERFLOW=reject`, a run over the tenant's limit answers 429 instead.",
        headers: idempotencyHeaders,
        body: createRunBody,
        response: { 202: runSchema, ...problemResponses(400, 401, 403, 404, 409, 413, 415, 422, 429) },
      },
    },
    async (request, reply) => {
      const idempotencyKey = request.headers['idempotency-key'];
      const { run, created } = await db.transaction().execute(async (trx) => {
        const result = await createRun(trx, {
          tenantId: request.principal.tenantId,
          agentId: request.body.agentId,
          version: request.body.version,
          input: request.body.input,
          metadata: request.body.metadata,
          messagePolicy: request.body.messagePolicy,
          idempotencyKey,
          requestHash: idempotencyKey === undefined ? undefined : contentHash(request.body),
          overflow: rejectOverLimit
            ? { mode: 'reject', defaultMaxConcurrentRuns: config.AR_TENANT_MAX_CONCURRENT_RUNS }
            : undefined,
        });
        if (result.created) {
          await recordAuditEvent(trx, {
            ...auditedBy(request),
            action: 'run.created',
            target: { type: 'run', id: result.run.id },
            details: { agentId: result.run.agentId, agentVersion: result.run.agentVersion },
          });
        }
        return result;
      });
      if (run.status === 'queued') {
        // The row is the promise: if Temporal is down, the reconciler starts the run later.
        // Rejecting over the limit admits a run as it is written; queueing waits its turn.
        await (
          rejectOverLimit
            ? startRunWorkflow(temporal, config.TEMPORAL_TASK_QUEUE, run.id)
            : admitAndStartRuns({
                db,
                temporal,
                taskQueue: config.TEMPORAL_TASK_QUEUE,
                tenantId: run.tenantId,
                defaultMaxConcurrentRuns: config.AR_TENANT_MAX_CONCURRENT_RUNS,
              })
        ).catch((error: unknown) =>
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
      schema: {
        tags,
        description:
          'The run. With `wait`, a long poll: answers as soon as the run has ended, or after `wait` seconds as it is then.',
        params: runParams,
        querystring: z.strictObject({
          wait: integerText(0, 60).default(0).describe('Seconds to wait for the run to end (at most 60)'),
        }),
        response: { 200: runSchema, ...problemResponses(401, 403, 404, 422) },
      },
    },
    async (request, reply) => {
      const run = await runCache.getRun(request.principal.tenantId, existingId('run', request.params.runId));
      if (request.query.wait === 0 || isTerminal(run.status)) return run;
      const waiting = waitFor(reply);
      try {
        return await awaitRunEnd({
          runCache,
          bus,
          tenantId: run.tenantId,
          runId: run.id,
          timeoutMs: request.query.wait * 1000,
          catchUpMs: live?.catchUpMs ?? 5_000,
          signal: waiting.signal,
        });
      } finally {
        // Answered early because the server closes: the client's next request goes elsewhere.
        if (waiting.signal.reason === 'server-closing') reply.header('connection', 'close');
        waiting.release();
      }
    },
  );
}
