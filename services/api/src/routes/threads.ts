import {
  AppError,
  createThread,
  deleteThread,
  forkThread,
  getThread,
  listRuns,
  listThreadRunEvents,
  runEventSchema,
  listThreadMessages,
  listThreads,
  metadataSchema,
  multitaskStrategies,
  newThreadSchema,
  pageSchema,
  recordAuditEvent,
  runSchema,
  runStatuses,
  threadMessageSchema,
  threadSchema,
  threadStatuses,
  updateThreadMetadata,
} from '@agent-runtime/core';
import { z } from 'zod';
import type { ApiInstance, RunRouteDependencies } from '../app-types.ts';
import { auditedBy } from '../http/audit.ts';
import { existingId, idempotencyHeaders, integerText, pageQuery, pathId, problemResponses } from '../http/schemas.ts';
import { acceptsEventStream, eventStreamType, formatThreadStreamItem, sendEventStream } from '../live/event-stream.ts';
import { followThreadEvents } from '../live/follow-thread-events.ts';
import { threadLastEventIdHeader, threadStreamPositionOf } from '../live/stream-position.ts';
import { trackWaitingRequests } from '../live/waiting-requests.ts';
import { createRunBody } from './runs.ts';

const threadParams = z.strictObject({ threadId: pathId });

/** `key=value`, as the metadata filter of a thread list takes it. */
const metadataPair = z
  .string()
  .max(600)
  .regex(/^[^=]{1,64}=.{0,512}$/s, 'key=value');

/** The metadata filter of a list: one `key=value` or several; a thread must have them all. */
const metadataFilter = z
  .union([metadataPair, z.array(metadataPair).max(8)])
  .optional()
  .describe('`key=value`, repeatable up to 8 times: threads whose metadata has every pair')
  .transform((pairs) =>
    pairs === undefined
      ? undefined
      : Object.fromEntries(
          [pairs].flat().map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
        ),
  );

const forkMetadata = { metadata: metadataSchema.optional().describe("The fork's metadata; the source's when unset") };

/** Where a fork branches off: after a message, after a run's turn, or (neither) after the last message. */
const forkBody = z.union([
  z.strictObject({
    seq: z.number().int().min(0).max(2_147_483_647).describe('The last message the fork holds'),
    ...forkMetadata,
  }),
  z.strictObject({
    runId: z.uuid().describe("The fork holds the thread up to the end of this run's turn"),
    ...forkMetadata,
  }),
  z.strictObject(forkMetadata),
]);

const threadRunBody = createRunBody.omit({ webhookUrl: true }).extend({
  multitaskStrategy: z
    .enum(multitaskStrategies)
    .default('reject')
    .describe(
      'When a run of the thread has not ended: `reject` (409 `thread_busy`), `enqueue` (run after it), `interrupt` (stop it at its next step boundary, keeping what it did, then run), `rollback` (cancel it, drop its turn, then run)',
    ),
});

/** `<runId>/<seq>`: after that event of that run of the thread. */
const threadEventCursor = z
  .string()
  .max(100)
  .regex(
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\/(?:0|[1-9][0-9]{0,8})$/,
    'must be <runId>/<seq>',
  )
  .transform((text) => {
    const [runId = '', seq = '0'] = text.split('/');
    return { runId, seq: Number(seq) };
  });

const threadEventPageSchema = z.object({
  items: z.array(runEventSchema),
  nextAfter: z.string().nullable().describe('`after` of the next page; null on the last one'),
});

const threadStreamDescription = [
  "The thread's runs' event streams one after another, in the order the runs were created (the",
  'order they run in), each as `GET /v1/runs/{runId}/events` streams it: stored events and',
  '`model.delta` messages, each with an id `<runId>/<run stream id>`. Reconnecting with the last',
  'id as `Last-Event-ID` goes on in that run with nothing lost or repeated, the partial text of a',
  'step in flight first. Without one, the stream starts at the oldest run of the thread that has',
  'not ended, else at its next run. It stays open between runs (a comment line every 15 s) until',
  'the client leaves or the thread is deleted.',
].join(' ');

/** Threads: conversations that runs continue turn by turn (docs/threads.md). */
export function registerThreadRoutes(
  app: ApiInstance,
  { db, runs, bus, live, runCache, runEventReads, blobs, logger }: RunRouteDependencies,
): void {
  const keepAliveMs = live?.keepAliveMs ?? 15_000;
  const catchUpMs = live?.catchUpMs ?? 5_000;
  const waitFor = trackWaitingRequests(app);
  const read = { access: 'read' as const };
  const write = { access: 'write' as const };
  const tags = ['threads'];
  const threadIdOf = (request: { params: { threadId: string } }) => existingId('thread', request.params.threadId);

  app.post(
    '/v1/threads',
    {
      config: write,
      schema: {
        tags,
        description: 'Creates an empty thread; its runs (`POST /v1/threads/{threadId}/runs`) are its turns.',
        body: newThreadSchema,
        response: { 201: threadSchema, ...problemResponses(400, 401, 403, 415, 422) },
      },
    },
    async (request, reply) => {
      const thread = await db.transaction().execute(async (trx) => {
        const created = await createThread(trx, { tenantId: request.principal.tenantId, ...request.body });
        await recordAuditEvent(trx, {
          ...auditedBy(request),
          action: 'thread.created',
          target: { type: 'thread', id: created.id },
        });
        return created;
      });
      return reply.status(201).header('location', `/v1/threads/${thread.id}`).send(thread);
    },
  );

  app.get(
    '/v1/threads',
    {
      config: read,
      schema: {
        tags,
        description: "The tenant's threads, newest first, by status and metadata.",
        querystring: z.strictObject({
          ...pageQuery,
          status: z.enum(threadStatuses).optional(),
          metadata: metadataFilter,
        }),
        response: { 200: pageSchema(threadSchema), ...problemResponses(400, 401, 403, 422) },
      },
    },
    async (request) => listThreads(db, request.principal.tenantId, request.query),
  );

  app.get(
    '/v1/threads/:threadId',
    {
      config: read,
      schema: { tags, params: threadParams, response: { 200: threadSchema, ...problemResponses(401, 403, 404) } },
    },
    async (request) => getThread(db, request.principal.tenantId, threadIdOf(request)),
  );

  app.patch(
    '/v1/threads/:threadId',
    {
      config: write,
      schema: {
        tags,
        description: "Merges `metadata` into the thread's (a null value removes its key).",
        params: threadParams,
        body: z.strictObject({
          metadata: z
            .record(z.string().min(1).max(64), z.string().max(512).nullable())
            .refine((value) => Object.keys(value).length <= 32, 'at most 32 metadata keys')
            .meta({ maxProperties: 32 }),
        }),
        response: { 200: threadSchema, ...problemResponses(400, 401, 403, 404, 415, 422) },
      },
    },
    async (request) => {
      const threadId = threadIdOf(request);
      return db.transaction().execute(async (trx) => {
        const thread = await updateThreadMetadata(trx, request.principal.tenantId, threadId, request.body.metadata);
        if (Object.keys(thread.metadata).length > 32) {
          throw new AppError('validation_failed', 'at most 32 metadata keys', {
            errors: [{ path: 'metadata', message: 'at most 32 metadata keys' }],
          });
        }
        await recordAuditEvent(trx, {
          ...auditedBy(request),
          action: 'thread.updated',
          target: { type: 'thread', id: threadId },
        });
        return thread;
      });
    },
  );

  app.delete(
    '/v1/threads/:threadId',
    {
      config: write,
      schema: {
        tags,
        description:
          'Deletes the thread for good: its messages, its LangGraph checkpoints and its runs with everything they own (events, tool calls, artifacts and their blobs, payload blobs); 409 `thread_busy` while one of its runs has not ended.',
        params: threadParams,
        response: { 204: z.null().describe('Deleted'), ...problemResponses(401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await deleteThread(
        { db, blobs, runCache, logger },
        { tenantId: request.principal.tenantId, threadId: threadIdOf(request) },
        auditedBy(request),
      );
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/v1/threads/:threadId/messages',
    {
      config: read,
      schema: {
        tags,
        description:
          "The thread's conversation in order. A turn's messages join the thread when its run ends (a rolled-back turn's never do).",
        params: threadParams,
        querystring: z.strictObject({
          ...pageQuery,
          limit: integerText(1, 1000).default(100),
          order: z.enum(['asc', 'desc']).default('asc').describe('`asc`: oldest first; `desc`: newest first'),
        }),
        response: { 200: pageSchema(threadMessageSchema), ...problemResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request) => {
      const thread = await getThread(db, request.principal.tenantId, threadIdOf(request));
      const { order, ...page } = request.query;
      return listThreadMessages(db, thread.id, { ...page, newestFirst: order === 'desc' });
    },
  );

  app.post(
    '/v1/threads/:threadId/runs',
    {
      config: write,
      schema: {
        tags,
        description:
          "Runs the thread's next turn: the agent sees the thread's earlier turns (within its spec's `history` policy) and the state its adapter ended the last turn with. A run of the thread that has not ended is handled by `multitaskStrategy`; runs of one thread run one at a time, in order.",
        params: threadParams,
        headers: idempotencyHeaders,
        body: threadRunBody,
        response: { 202: runSchema, ...problemResponses(400, 401, 402, 403, 404, 409, 413, 415, 422, 429) },
      },
    },
    async (request, reply) => {
      const { multitaskStrategy, ...body } = request.body;
      const { run, created } = await runs.create(
        {
          ...body,
          thread: { id: threadIdOf(request), multitaskStrategy },
          idempotencyKey: request.headers['idempotency-key'],
        },
        auditedBy(request),
      );
      if (!created) reply.header('idempotent-replayed', 'true');
      return reply.status(202).send(run);
    },
  );

  app.get(
    '/v1/threads/:threadId/runs',
    {
      config: read,
      schema: {
        tags,
        description: "The thread's runs, newest first.",
        params: threadParams,
        querystring: z.strictObject({ ...pageQuery, status: z.enum(runStatuses).optional() }),
        response: { 200: pageSchema(runSchema), ...problemResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request) => {
      const thread = await getThread(db, request.principal.tenantId, threadIdOf(request));
      const page = await listRuns(db, thread.tenantId, { ...request.query, threadId: thread.id });
      return { ...page, items: await runs.describeQueue(page.items) };
    },
  );

  app.get(
    '/v1/threads/:threadId/events',
    {
      config: read,
      // Stored events were checked against the catalog when they were written: sent as read.
      serializerCompiler: () => (data) => JSON.stringify(data),
      schema: {
        tags,
        description: threadStreamDescription,
        params: threadParams,
        headers: z.looseObject({ 'last-event-id': threadLastEventIdHeader.optional() }),
        querystring: z.strictObject({
          after: threadEventCursor.optional().describe('JSON only: `<runId>/<seq>` of the last event seen'),
          limit: integerText(1, 1000).default(100).describe('JSON only'),
        }),
        response: {
          200: {
            description:
              "The stored events of the thread's runs, run after run (JSON), or the thread's live stream (`Accept: text/event-stream`)",
            content: {
              'application/json': { schema: threadEventPageSchema },
              [eventStreamType]: { schema: z.string().describe(threadStreamDescription) },
            },
          },
          ...problemResponses(401, 403, 404, 422),
        },
      },
    },
    async (request, reply) => {
      const thread = await getThread(db, request.principal.tenantId, threadIdOf(request));
      if (!acceptsEventStream(request.headers.accept)) {
        const { after, limit } = request.query;
        const events = await listThreadRunEvents(db, thread.tenantId, thread.id, { after, limit: limit + 1 });
        const items = events.slice(0, limit);
        const last = items.at(-1);
        const nextAfter = events.length > limit && last ? `${last.runId}/${last.seq}` : null;
        return reply.type('application/json').send({ items, nextAfter });
      }
      const waiting = waitFor(reply);
      const events = followThreadEvents({
        db,
        runCache,
        bus,
        tenantId: thread.tenantId,
        threadId: thread.id,
        after: threadStreamPositionOf(request.headers['last-event-id']),
        catchUpMs,
        reads: runEventReads,
        signal: waiting.signal,
      });
      await sendEventStream(request, reply, events, { keepAliveMs, waiting, format: formatThreadStreamItem });
      return reply;
    },
  );

  app.post(
    '/v1/threads/:threadId/fork',
    {
      config: write,
      schema: {
        tags,
        description:
          "Creates a new thread holding this one's conversation up to a message (`seq`), up to a run's turn (`runId`), or all of it (neither), to try another path from there. Messages are shared, not copied; the new thread's first turn starts from the adapter state of the turn it branches after.",
        params: threadParams,
        body: forkBody,
        response: { 201: threadSchema, ...problemResponses(400, 401, 403, 404, 415, 422) },
      },
    },
    async (request, reply) => {
      const { body } = request;
      const fork = await forkThread(
        db,
        { tenantId: request.principal.tenantId, threadId: threadIdOf(request) },
        { seq: 'seq' in body ? body.seq : undefined, runId: 'runId' in body ? body.runId : undefined },
        { metadata: body.metadata, by: auditedBy(request) },
      );
      return reply.status(201).header('location', `/v1/threads/${fork.id}`).send(fork);
    },
  );
}
