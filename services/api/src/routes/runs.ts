import {
  isTerminal,
  jsonValueSchema,
  listRuns,
  messagePolicies,
  metadataSchema,
  pageSchema,
  runSchema,
  runStatuses,
  webhookUrlSchema,
  type Run,
} from '@agent-runtime/core';
import { z } from 'zod';
import type { ApiInstance, RunRouteDependencies } from '../app-types.ts';
import { auditedBy } from '../http/audit.ts';
import { existingId, idempotencyHeaders, integerText, pageQuery, pathId, problemResponses } from '../http/schemas.ts';
import { awaitRunEnd } from '../live/await-run-end.ts';
import { trackWaitingRequests } from '../live/waiting-requests.ts';

/** The body of `POST /v1/runs`; a thread's run adds its `multitaskStrategy`. */
export const createRunBody = z.strictObject({
  agentId: z.uuid(),
  version: z.number().int().min(1).max(2_147_483_647).optional().describe("defaults to the agent's latest"),
  input: jsonValueSchema.describe('A string or any JSON; `{ "message": "…" }` becomes the user message'),
  metadata: metadataSchema.optional(),
  messagePolicy: z
    .enum(messagePolicies)
    .default('enqueue')
    .describe('What a message sent while a step is in flight does: reject (409), enqueue, or interrupt the step'),
  webhookUrl: webhookUrlSchema
    .optional()
    .describe(
      "A one-off endpoint for this run's webhook events, signed with the tenant's run secret (POST /v1/run-webhook-secret); see docs/webhooks.md",
    ),
});

const runParams = z.strictObject({ runId: pathId });

/** Runs: create (idempotently), read (or wait for the end), list. */
export function registerRunRoutes(
  app: ApiInstance,
  { db, bus, live, runCache, runs, webhooks }: RunRouteDependencies,
): void {
  const read = { access: 'read' as const };
  const tags = ['runs'];
  const waitFor = trackWaitingRequests(app);
  const withQueue = async (run: Run): Promise<Run> => (await runs.describeQueue([run]))[0] ?? run;

  app.post(
    '/v1/runs',
    {
      config: { access: 'write' },
      schema: {
        tags,
        description:
          "Queues a run and starts its workflow once the tenant may admit it (oldest runs first): a free concurrent-run slot, and fewer runs waiting for approvals than the waiting cap. Answers 202 with the run; a run still queued says why in `queue`. Repeats under the same Idempotency-Key answer the same run. With `AR_TENANT_RUN_OVERFLOW=reject`, a run over the tenant's limits answers 429 instead.",
        headers: idempotencyHeaders,
        body: createRunBody,
        response: { 202: runSchema, ...problemResponses(400, 401, 402, 403, 404, 409, 413, 415, 422, 429) },
      },
    },
    async (request, reply) => {
      if (request.body.webhookUrl !== undefined) {
        await webhooks.checkRunWebhookUrl(request.principal.tenantId, request.body.webhookUrl);
      }
      const { run, created } = await runs.create(
        { ...request.body, idempotencyKey: request.headers['idempotency-key'] },
        auditedBy(request),
      );
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
    async (request) => {
      const page = await listRuns(db, request.principal.tenantId, request.query);
      return { ...page, items: await runs.describeQueue(page.items) };
    },
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
      if (request.query.wait === 0 || isTerminal(run.status)) return withQueue(run);
      const waiting = waitFor(reply);
      try {
        return await withQueue(
          await awaitRunEnd({
            runCache,
            bus,
            tenantId: run.tenantId,
            runId: run.id,
            timeoutMs: request.query.wait * 1000,
            catchUpMs: live?.catchUpMs ?? 5_000,
            signal: waiting.signal,
          }),
        );
      } finally {
        // Answered early because the server closes: the client's next request goes elsewhere.
        if (waiting.signal.reason === 'server-closing') reply.header('connection', 'close');
        waiting.release();
      }
    },
  );
}
