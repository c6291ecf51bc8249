import { listRunEvents, runEventSchema } from '@agent-runtime/core';
import { z } from 'zod';
import type { ApiInstance, RunRouteDependencies } from '../app-types.ts';
import { existingId, integerText, pathId, problemResponses } from '../http/schemas.ts';
import { acceptsEventStream, eventStreamType, formatRunStreamItem, sendEventStream } from '../live/event-stream.ts';
import { followRunEvents } from '../live/follow-run-events.ts';
import { lastEventIdHeader } from '../live/stream-position.ts';
import { trackWaitingRequests } from '../live/waiting-requests.ts';

const eventPageSchema = z.object({ items: z.array(runEventSchema), hasMore: z.boolean() });

const eventStreamDescription = [
  'Server-sent events: first the stored events after `Last-Event-ID` (else `after`), then live',
  'ones as they are recorded. Each message is `id: <seq>`, `event: <type>`, `data: <RunEvent JSON>`;',
  'a comment line comes every 15 s when nothing happens. The stream ends after the terminal event',
  '(`run.succeeded`, `run.failed`, `run.cancelled`, `run.timed_out`), at once when that was already',
  'sent. A stream cut otherwise is resumed by reconnecting with `Last-Event-ID`: no event is lost',
  'or repeated. While a model step runs, its text also streams as `event: model.delta` messages',
  'with `id: <seq>:<step>:<attempt>:<index>` (`data`: a `ModelDeltaEvent`: runId, step, attempt,',
  'index, text), never stored in the database: a stream opened mid-step first sends the step’s text',
  'so far, and one resumed from a delta’s id sends the step’s text after that delta, so the deltas',
  'of a step join into the text of its stored `model.completed` event. The JSON form never returns',
  'deltas. Every event type and its payload: the `RunEvent` component (one component per type,',
  'e.g. `RunStartedEvent`).',
].join(' ');

/** A run's events: a page of JSON, or a live stream of server-sent events. */
export function registerRunEventRoutes(
  app: ApiInstance,
  { db, bus, live, runCache, runEventReads }: RunRouteDependencies,
): void {
  const keepAliveMs = live?.keepAliveMs ?? 15_000;
  const catchUpMs = live?.catchUpMs ?? 5_000;
  const waitFor = trackWaitingRequests(app);

  app.get(
    '/v1/runs/:runId/events',
    {
      config: { access: 'read' },
      // Typed on read: every stored event was checked against the catalog when it was written,
      // so a page is sent as read rather than parsed again (an event stored before a payload
      // gained a field still reads).
      serializerCompiler: () => (data) => JSON.stringify(data),
      schema: {
        tags: ['runs'],
        description:
          'Events with seq greater than `after`, in order. Poll again with the last seq seen, or send ' +
          '`Accept: text/event-stream` to follow the run live until it ends.',
        params: z.strictObject({ runId: pathId }),
        headers: z.looseObject({
          'last-event-id': lastEventIdHeader.optional(),
        }),
        querystring: z.strictObject({
          after: integerText(0, 2_147_483_647).default(0),
          limit: integerText(1, 1000).default(100).describe('JSON only'),
        }),
        response: {
          200: {
            description: 'A page of events (JSON), or the event stream (`Accept: text/event-stream`)',
            content: {
              'application/json': { schema: eventPageSchema },
              [eventStreamType]: { schema: z.string().describe(eventStreamDescription) },
            },
          },
          ...problemResponses(401, 403, 404, 422),
        },
      },
    },
    async (request, reply) => {
      const run = await runCache.getRun(request.principal.tenantId, existingId('run', request.params.runId));
      if (acceptsEventStream(request.headers.accept)) {
        const waiting = waitFor(reply);
        const events = followRunEvents({
          db,
          runCache,
          bus,
          tenantId: run.tenantId,
          runId: run.id,
          after: request.headers['last-event-id'] ?? { seq: request.query.after },
          catchUpMs,
          reads: runEventReads,
          signal: waiting.signal,
        });
        await sendEventStream(request, reply, events, { keepAliveMs, waiting, format: formatRunStreamItem });
        return reply;
      }
      const { after, limit } = request.query;
      const events = await listRunEvents(db, run.tenantId, run.id, { after, limit: limit + 1 });
      return reply.type('application/json').send({ items: events.slice(0, limit), hasMore: events.length > limit });
    },
  );
}
