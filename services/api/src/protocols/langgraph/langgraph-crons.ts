import {
  AppError,
  getThread,
  multitaskStrategies,
  newScheduleSchema,
  scheduleChangeSchema,
  type RunActor,
  type Schedule,
  type ScheduleService,
} from '@agent-runtime/core';
import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { z, type ZodType } from 'zod';
import type { Database } from '@agent-runtime/core';
import { auditedBy } from '../../http/audit.ts';
import { existingId } from '../../http/schemas.ts';
import { labelsOf } from './langgraph-metadata.ts';
import { runInputOf } from './run-request.ts';
import type { LangGraphScope } from './register-langgraph-routes.ts';
import { resolveAssistant } from './resolve-assistant.ts';

/** A schedule as LangGraph shows a cron. */
function cronOf(schedule: Schedule) {
  return {
    cron_id: schedule.id,
    assistant_id: schedule.agentId,
    thread_id: schedule.threadId,
    schedule: schedule.spec.cron[0] ?? null,
    timezone: schedule.spec.timeZone,
    end_time: schedule.spec.endAt ?? null,
    payload: { input: schedule.input },
    metadata: schedule.metadata,
    enabled: !schedule.paused,
    next_run_date: schedule.nextFireTimes?.[0] ?? null,
    user_id: null,
    created_at: schedule.createdAt,
    updated_at: schedule.updatedAt,
  };
}

/** Validates with a schedule schema, answering 422 `validation_failed` as `/v1/schedules` does. */
function parsed<T>(schema: ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors = result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
  throw new AppError('validation_failed', errors.map((error) => `${error.path}: ${error.message}`).join('; '), {
    errors,
  });
}

const newCron = z.looseObject({
  assistant_id: z.string().min(1).max(200),
  schedule: z.string().min(1).max(200),
  input: z.unknown().optional(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
  multitask_strategy: z.enum(multitaskStrategies).optional(),
  enabled: z.boolean().optional(),
  timezone: z.string().max(64).optional(),
  end_time: z.string().max(64).nullish(),
});

const cronParams = z.strictObject({ cron_id: z.string().max(100) });

const cronSearch = z.looseObject({
  assistant_id: z.string().max(200).optional(),
  thread_id: z.string().max(100).optional(),
  enabled: z.boolean().optional(),
  limit: z.number().int().min(1).max(1000).default(10),
  offset: z.number().int().min(0).max(100_000).default(0),
});

/**
 * Crons are schedules (docs/schedules.md): `cron_id` = schedule id, `schedule` its cron
 * expression, `enabled` = not paused; each fire starts a run of the assistant (on the thread).
 */
export function registerLangGraphCronRoutes(
  scope: LangGraphScope,
  { db, schedules }: { readonly db: Kysely<Database>; readonly schedules: ScheduleService },
): void {
  const read = { access: 'read' as const, apiKeyHeader: true };
  const write = { access: 'write' as const, apiKeyHeader: true };

  const create = async (request: FastifyRequest, threadId: string | null, body: z.output<typeof newCron>) => {
    const { tenantId } = request.principal;
    const { agent, version } = await resolveAssistant(db, tenantId, body.assistant_id);
    const graphAgent = version?.spec.agent.kind === 'langgraph';
    const schedule = await schedules.create(
      parsed(newScheduleSchema, {
        agentId: agent.id,
        input: runInputOf(graphAgent, body.input),
        metadata: { ...labelsOf(body.metadata), protocol: 'langgraph' },
        threadId,
        ...(body.multitask_strategy ? { multitaskStrategy: body.multitask_strategy } : {}),
        spec: {
          cron: [body.schedule],
          ...(body.timezone ? { timeZone: body.timezone } : {}),
          ...(body.end_time ? { endAt: body.end_time } : {}),
        },
        paused: body.enabled === false,
      }),
      auditedBy(request),
    );
    return cronOf(await schedules.get({ tenantId, scheduleId: schedule.id }, 1));
  };

  scope.post('/runs/crons', { config: write, schema: { hide: true, body: newCron } }, async (request) =>
    create(request, null, request.body),
  );

  scope.post(
    '/threads/:thread_id/runs/crons',
    {
      config: write,
      schema: { hide: true, params: z.strictObject({ thread_id: z.string().max(100) }), body: newCron },
    },
    async (request) => {
      const thread = await getThread(db, request.principal.tenantId, existingId('thread', request.params.thread_id));
      return create(request, thread.id, request.body);
    },
  );

  const scheduleRef = (request: FastifyRequest, cronId: string) => ({
    tenantId: request.principal.tenantId,
    scheduleId: existingId('schedule', cronId),
  });

  scope.patch(
    '/runs/crons/:cron_id',
    {
      config: write,
      schema: {
        hide: true,
        params: cronParams,
        body: z.looseObject({
          schedule: z.string().min(1).max(200).optional(),
          timezone: z.string().max(64).optional(),
          end_time: z.string().max(64).nullish(),
          input: z.unknown().optional(),
          metadata: z.record(z.string(), z.unknown()).nullish(),
          enabled: z.boolean().optional(),
        }),
      },
    },
    async (request) => {
      const ref = scheduleRef(request, request.params.cron_id);
      const by: RunActor = auditedBy(request);
      const current = await schedules.get(ref, 1);
      const { schedule, timezone, end_time: endTime, input, metadata, enabled } = request.body;
      const spec =
        schedule !== undefined || timezone !== undefined || endTime !== undefined
          ? {
              ...current.spec,
              ...(schedule !== undefined ? { cron: [schedule] } : {}),
              ...(timezone !== undefined ? { timeZone: timezone } : {}),
              ...(endTime ? { endAt: endTime } : {}),
            }
          : undefined;
      const change = parsed(scheduleChangeSchema, {
        ...(spec ? { spec } : {}),
        ...(input !== undefined ? { input } : {}),
        ...(metadata ? { metadata: { ...labelsOf(metadata), protocol: 'langgraph' } } : {}),
      });
      if (Object.keys(change).length > 0) await schedules.update(ref, change, by);
      if (enabled !== undefined && enabled === current.paused) await schedules.setPaused(ref, !enabled, null, by);
      return cronOf(await schedules.get(ref, 1));
    },
  );

  scope.delete(
    '/runs/crons/:cron_id',
    { config: write, schema: { hide: true, params: cronParams } },
    async (request, reply) => {
      await schedules.delete(scheduleRef(request, request.params.cron_id), auditedBy(request));
      return reply.status(204).send();
    },
  );

  const search = async (request: FastifyRequest, filter: z.output<typeof cronSearch>) => {
    const { tenantId } = request.principal;
    const agentId =
      filter.assistant_id === undefined
        ? undefined
        : (await resolveAssistant(db, tenantId, filter.assistant_id)).agent.id;
    const found: Schedule[] = [];
    let cursor: string | undefined;
    do {
      const page = await schedules.list(tenantId, { limit: 100, cursor, agentId });
      found.push(
        ...page.items.filter(
          (schedule) =>
            (filter.thread_id === undefined || schedule.threadId === filter.thread_id) &&
            (filter.enabled === undefined || schedule.paused !== filter.enabled),
        ),
      );
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return found;
  };

  scope.post('/runs/crons/search', { config: read, schema: { hide: true, body: cronSearch } }, async (request) => {
    const found = await search(request, request.body);
    return found.slice(request.body.offset, request.body.offset + request.body.limit).map(cronOf);
  });

  scope.post(
    '/runs/crons/count',
    { config: read, schema: { hide: true, body: cronSearch } },
    async (request) => (await search(request, request.body)).length,
  );
}
