import {
  newScheduleSchema,
  pageSchema,
  scheduleChangeSchema,
  scheduleSchema,
  type ScheduleService,
} from '@agent-runtime/core';
import { z } from 'zod';
import type { ApiInstance } from '../app-types.ts';
import { auditedBy } from '../http/audit.ts';
import { existingId, integerText, pageQuery, pathId, problemResponses } from '../http/schemas.ts';

const scheduleParams = z.strictObject({ scheduleId: pathId });

const noteBody = z.strictObject({ note: z.string().max(500).optional().describe('Why; shown on the schedule') });

/** Schedules: timetables that start runs, on Temporal Schedules (docs/schedules.md). */
export function registerScheduleRoutes(app: ApiInstance, schedules: ScheduleService): void {
  const read = { access: 'read' as const };
  const write = { access: 'write' as const };
  const tags = ['schedules'];
  const refOf = (request: { params: { scheduleId: string }; principal: { tenantId: string } }) => ({
    tenantId: request.principal.tenantId,
    scheduleId: existingId('schedule', request.params.scheduleId),
  });

  app.post(
    '/v1/schedules',
    {
      config: write,
      schema: {
        tags,
        description:
          'Creates a schedule: each fire of its timetable (cron expressions and intervals in a time zone, between optional dates, with jitter) creates one run of the agent, at most one per fire time.',
        body: newScheduleSchema,
        response: { 201: scheduleSchema, ...problemResponses(400, 401, 403, 404, 409, 415, 422) },
      },
    },
    async (request, reply) => {
      const schedule = await schedules.create(request.body, auditedBy(request));
      return reply.status(201).header('location', `/v1/schedules/${schedule.id}`).send(schedule);
    },
  );

  app.get(
    '/v1/schedules',
    {
      config: read,
      schema: {
        tags,
        description: "The tenant's schedules, newest first (without their next fire times).",
        querystring: z.strictObject({ ...pageQuery, agentId: z.uuid().optional() }),
        response: { 200: pageSchema(scheduleSchema), ...problemResponses(400, 401, 403, 422) },
      },
    },
    async (request) => schedules.list(request.principal.tenantId, request.query),
  );

  app.get(
    '/v1/schedules/:scheduleId',
    {
      config: read,
      schema: {
        tags,
        description: 'The schedule, with its next fire times as Temporal computes them (none while paused).',
        params: scheduleParams,
        querystring: z.strictObject({
          nextFireTimes: integerText(0, 10).default(5).describe('How many next fire times to answer'),
        }),
        response: { 200: scheduleSchema, ...problemResponses(401, 403, 404, 422) },
      },
    },
    async (request) => schedules.get(refOf(request), request.query.nextFireTimes),
  );

  app.patch(
    '/v1/schedules/:scheduleId',
    {
      config: write,
      schema: {
        tags,
        description:
          "Replaces the fields given. Temporal drops the fires missed before a schedule's last change, so a change ends any catch-up.",
        params: scheduleParams,
        body: scheduleChangeSchema,
        response: { 200: scheduleSchema, ...problemResponses(400, 401, 403, 404, 409, 415, 422) },
      },
    },
    async (request) => schedules.update(refOf(request), request.body, auditedBy(request)),
  );

  app.delete(
    '/v1/schedules/:scheduleId',
    {
      config: write,
      schema: {
        tags,
        description: 'Deletes the schedule; the runs it made stay.',
        params: scheduleParams,
        response: { 204: z.null().describe('Deleted'), ...problemResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await schedules.delete(refOf(request), auditedBy(request));
      return reply.status(204).send(null);
    },
  );

  for (const [action, paused] of [
    ['pause', true],
    ['unpause', false],
  ] as const) {
    app.post(
      `/v1/schedules/:scheduleId/${action}`,
      {
        config: write,
        schema: {
          tags,
          description: paused
            ? 'Pauses the schedule: no fires until it is unpaused (fires missed meanwhile are not made).'
            : 'Unpauses the schedule (also one that paused itself); its `pausedReason` is cleared.',
          params: scheduleParams,
          body: noteBody.optional(),
          response: { 200: scheduleSchema, ...problemResponses(400, 401, 403, 404, 415, 422) },
        },
      },
      async (request) => schedules.setPaused(refOf(request), paused, request.body?.note ?? null, auditedBy(request)),
    );
  }

  app.post(
    '/v1/schedules/:scheduleId/trigger',
    {
      config: write,
      schema: {
        tags,
        description:
          'Fires the schedule now, paused or not and whatever its overlap policy: one more run, its fire time now.',
        params: scheduleParams,
        response: { 202: z.null().describe('Fired'), ...problemResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await schedules.trigger(refOf(request), auditedBy(request));
      return reply.status(202).send(null);
    },
  );
}
