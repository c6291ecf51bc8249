import {
  AppError,
  getThread,
  isTerminal,
  listRuns,
  multitaskStrategies,
  type Run,
  type RunEvent,
} from '@agent-runtime/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { RunRouteDependencies } from '../../app-types.ts';
import { auditedBy } from '../../http/audit.ts';
import { existingId } from '../../http/schemas.ts';
import { awaitRunEnd, awaitsApproval } from '../../live/await-run-end.ts';
import { sendEventStream } from '../../live/event-stream.ts';
import { followRunEvents, isStoredEvent } from '../../live/follow-run-events.ts';
import type { RunStreamPosition } from '../../live/stream-position.ts';
import type { trackWaitingRequests } from '../../live/waiting-requests.ts';
import { labelsOf } from './langgraph-metadata.ts';
import { eventIdOf, runInputOf, subOf, verdictsOf } from './run-request.ts';
import { langGraphRunOf, runLocationOf } from './langgraph-shapes.ts';
import { langGraphStreamModes, type LangGraphStreamEvent, type LangGraphStreamMode } from './langgraph-stream.ts';
import type { LangGraphScope } from './register-langgraph-routes.ts';
import { resolveAssistant } from './resolve-assistant.ts';
import { threadParams } from './langgraph-threads.ts';
import { replayRun, runsGraph, threadValues } from './thread-values.ts';

const streamMode = z.enum(langGraphStreamModes);

const runBody = z.looseObject({
  assistant_id: z.string().min(1).max(200),
  input: z.unknown().optional(),
  command: z.looseObject({ resume: z.unknown().optional() }).nullish(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
  stream_mode: z.union([streamMode, z.array(streamMode).max(9)]).optional(),
  multitask_strategy: z.enum(multitaskStrategies).default('reject'),
  on_disconnect: z.enum(['cancel', 'continue']).default('continue'),
});
type RunBody = z.output<typeof runBody>;

const runParams = threadParams.extend({ run_id: z.string().max(100) });

/** How long `/runs/wait` and `/join` wait before answering the run's values as they are. */
const longestWaitMs = 10 * 60_000;

/**
 * Runs: a LangGraph run is one of our runs (run id = run id), on a thread or stateless; its
 * stream is our run's events translated (docs/langgraph-api.md).
 */
export function registerLangGraphRunRoutes(
  scope: LangGraphScope,
  dependencies: RunRouteDependencies,
  prefix: string,
  waitFor: ReturnType<typeof trackWaitingRequests>,
): void {
  const { db, runs, runCache, bus, live } = dependencies;
  const keepAliveMs = live?.keepAliveMs ?? 15_000;
  const catchUpMs = live?.catchUpMs ?? 5_000;
  const read = { access: 'read' as const, apiKeyHeader: true };
  const write = { access: 'write' as const, apiKeyHeader: true };

  const threadIdOf = async (tenantId: string, threadId: string) =>
    (await getThread(db, tenantId, existingId('thread', threadId))).id;

  /** The thread's run, or not found (another thread's or tenant's run too). */
  const threadRun = async (tenantId: string, threadId: string | null, runId: string): Promise<Run> => {
    const run = await runCache.getRun(tenantId, existingId('run', runId));
    if (threadId !== null && run.threadId !== threadId) throw new AppError('not_found', `run ${runId} was not found`);
    return run;
  };

  /** Starts the run a request asks for, or (`command.resume`) decides what the thread's waiting run waits for. */
  const startRun = async (
    request: FastifyRequest,
    threadId: string | null,
    body: RunBody,
  ): Promise<{ run: Run; resumedAfter?: number }> => {
    const { tenantId } = request.principal;
    if (body.command?.resume !== undefined) {
      if (threadId === null) throw new AppError('validation_failed', 'command.resume needs a thread');
      const waiting = await listRuns(db, tenantId, { threadId, status: 'waiting', limit: 1 });
      const run = waiting.items[0];
      if (!run || run.pendingApprovals.length === 0) {
        throw new AppError('conflict', 'the thread has no interrupt to resume');
      }
      const last = await db
        .selectFrom('run_events')
        .select((eb) => eb.fn.max('seq').as('seq'))
        .where('tenant_id', '=', tenantId)
        .where('run_id', '=', run.id)
        .executeTakeFirst();
      const verdicts = verdictsOf(
        body.command.resume,
        run.pendingApprovals.map((approval) => approval.id),
      );
      for (const verdict of verdicts)
        await runs.decideApproval({ tenantId, runId: run.id }, verdict, auditedBy(request));
      return { run, resumedAfter: Number(last?.seq ?? 0) };
    }
    if (body.command) throw new AppError('validation_failed', 'only command.resume is supported');
    const { agent, version } = await resolveAssistant(db, tenantId, body.assistant_id);
    if (!version) throw new AppError('validation_failed', `assistant ${body.assistant_id} has no version to run`);
    const graphAgent = version.spec.agent.kind === 'langgraph';
    const { run } = await runs.create(
      {
        agentId: agent.id,
        version: version.version,
        input: runInputOf(graphAgent, body.input) as never,
        metadata: { ...labelsOf(body.metadata), protocol: 'langgraph' },
        ...(threadId === null ? {} : { thread: { id: threadId, multitaskStrategy: body.multitask_strategy } }),
      },
      auditedBy(request),
    );
    return { run };
  };

  /** The LangGraph events of a run from where a client is. */
  async function* eventsOf(
    run: Run,
    options: {
      modes: readonly LangGraphStreamMode[];
      lastEventId?: string;
      resumedAfter?: number;
      signal: AbortSignal;
    },
  ): AsyncGenerator<LangGraphStreamEvent, void, undefined> {
    const graphAgent = await runsGraph(db, run);
    const initialValues =
      run.threadId === null ? {} : (await threadValues(db, run.tenantId, run.threadId, run.id)).values;
    const resume = eventIdOf(options.lastEventId);
    let rebuildTo = options.resumedAfter ?? 0;
    let followAfter: RunStreamPosition = { seq: rebuildTo };
    let skip: { seq: number; sub: number } | undefined;
    if (resume) {
      const { position, sub } = resume;
      if (position.delta || sub === 0 || position.seq === 0) {
        rebuildTo = position.seq;
        followAfter = position;
      } else {
        rebuildTo = position.seq - 1;
        followAfter = { seq: rebuildTo };
        skip = { seq: position.seq, sub };
      }
    }
    let startEvents: readonly LangGraphStreamEvent[] = [];
    const translator = await replayRun(db, run, {
      initialValues,
      streamModes: options.modes,
      upToSeq: rebuildTo,
      graphAgent,
      onStart: (events) => (startEvents = events),
    });
    if (resume?.position.delta) translator.markStreamed(resume.position.delta.step);
    if (!resume && options.resumedAfter === undefined) {
      yield { id: '0', event: 'metadata', data: { run_id: run.id, attempt: 1 } };
      yield* startEvents;
    } else if (resume && resume.position.seq === 0 && !resume.position.delta && resume.sub === 0) {
      yield* startEvents;
    }
    if (translator.ended) return;
    for await (const item of followRunEvents({
      db,
      runCache,
      bus,
      tenantId: run.tenantId,
      runId: run.id,
      after: followAfter,
      catchUpMs,
      signal: options.signal,
    })) {
      for (const event of translator.translate(item)) {
        if (skip && isStoredEvent(item) && item.seq === skip.seq && subOf(event.id) <= skip.sub) continue;
        yield event;
      }
      if (translator.ended) return;
      if (isStoredEvent(item) && item.type === 'approval.requested' && (await stillWaits(run, item))) return;
    }
  }

  /** Whether the run still waits for this approval: a LangGraph stream ends at an interrupt. */
  const stillWaits = async (run: Run, event: Extract<RunEvent, { type: 'approval.requested' }>) => {
    const now = await runCache.getRun(run.tenantId, run.id);
    return now.status === 'waiting' && now.pendingApprovals.some((approval) => approval.id === event.data.approvalId);
  };

  const modesOf = (mode: RunBody['stream_mode']): LangGraphStreamMode[] =>
    mode === undefined ? ['values'] : [mode].flat();

  /** Streams a run as LangGraph's server-sent events, `Content-Location` naming the run. */
  const streamRun = async (
    request: FastifyRequest,
    reply: FastifyReply,
    run: Run,
    options: {
      modes: readonly LangGraphStreamMode[];
      resumedAfter?: number;
      lastEventId?: string;
      onDisconnect: 'cancel' | 'continue';
    },
  ) => {
    const waiting = waitFor(reply);
    reply.raw.setHeader('content-location', runLocationOf(prefix, run));
    reply.raw.setHeader('location', `${runLocationOf(prefix, run)}/stream`);
    const events = eventsOf(run, { ...options, signal: waiting.signal });
    await sendEventStream(request, reply, events, {
      keepAliveMs,
      waiting,
      format: ({ id, event, data }) => `event: ${event}\ndata: ${JSON.stringify(data)}\nid: ${id}\n\n`,
    });
    if (options.onDisconnect === 'cancel' && waiting.signal.reason === 'client-gone') {
      const now = await runCache.getRun(run.tenantId, run.id);
      if (!isTerminal(now.status))
        await runs.cancel({ tenantId: run.tenantId, runId: run.id }, auditedBy(request)).catch(() => undefined);
    }
    return reply;
  };

  /** The values a run ended with (or waits at), as `/runs/wait` and `/join` answer them. */
  const finalValuesOf = async (request: FastifyRequest, reply: FastifyReply, run: Run) => {
    const waiting = waitFor(reply);
    let ended: Run;
    try {
      ended = await awaitRunEnd({
        runCache,
        bus,
        tenantId: run.tenantId,
        runId: run.id,
        timeoutMs: longestWaitMs,
        catchUpMs,
        signal: waiting.signal,
        until: awaitsApproval,
      });
    } finally {
      waiting.release();
    }
    if (ended.status === 'failed' || ended.status === 'timed_out') {
      return { __error__: { error: ended.error?.code ?? ended.status, message: ended.error?.message ?? ended.status } };
    }
    const state =
      ended.threadId === null
        ? await replayRun(db, ended, { initialValues: {} })
        : await threadValues(db, ended.tenantId, ended.threadId);
    void request;
    return state.interrupts.length > 0 ? { ...state.values, __interrupt__: [...state.interrupts] } : state.values;
  };

  for (const stateless of [false, true]) {
    const base = stateless ? '' : '/threads/:thread_id';
    const params = stateless ? undefined : threadParams;
    const threadOfRequest = async (request: FastifyRequest) =>
      stateless ? null : threadIdOf(request.principal.tenantId, (request.params as { thread_id: string }).thread_id);

    scope.post(
      `${base}/runs/stream`,
      { config: write, schema: { hide: true, ...(params ? { params } : {}), body: runBody } },
      async (request, reply) => {
        const body = request.body as RunBody;
        const { run, resumedAfter } = await startRun(request, await threadOfRequest(request), body);
        return streamRun(request, reply, run, {
          modes: modesOf(body.stream_mode),
          ...(resumedAfter === undefined ? {} : { resumedAfter }),
          onDisconnect: body.on_disconnect,
        });
      },
    );

    scope.post(
      `${base}/runs/wait`,
      { config: write, schema: { hide: true, ...(params ? { params } : {}), body: runBody } },
      async (request, reply) => {
        const { run } = await startRun(request, await threadOfRequest(request), request.body as RunBody);
        const values = await finalValuesOf(request, reply, run);
        return reply.header('content-location', runLocationOf(prefix, run)).send(values);
      },
    );

    scope.post(
      `${base}/runs`,
      { config: write, schema: { hide: true, ...(params ? { params } : {}), body: runBody } },
      async (request, reply) => {
        const body = request.body as RunBody;
        const { run } = await startRun(request, await threadOfRequest(request), body);
        return reply
          .header('content-location', runLocationOf(prefix, run))
          .send(langGraphRunOf(await runCache.getRun(run.tenantId, run.id), body.multitask_strategy));
      },
    );
  }

  scope.get(
    '/threads/:thread_id/runs',
    {
      config: read,
      schema: {
        hide: true,
        params: threadParams,
        querystring: z.looseObject({
          limit: z.coerce.number().int().min(1).max(100).default(10),
          offset: z.coerce.number().int().min(0).max(10_000).default(0),
        }),
      },
    },
    async (request) => {
      const { tenantId } = request.principal;
      const threadId = await threadIdOf(tenantId, request.params.thread_id);
      const { limit, offset } = request.query;
      const found: Run[] = [];
      let cursor: string | undefined;
      do {
        const page = await listRuns(db, tenantId, { threadId, limit: 100, cursor });
        found.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor && found.length < offset + limit);
      return found.slice(offset, offset + limit).map((run) => langGraphRunOf(run));
    },
  );

  scope.get(
    '/threads/:thread_id/runs/:run_id',
    { config: read, schema: { hide: true, params: runParams } },
    async (request) => {
      const { tenantId } = request.principal;
      const threadId = await threadIdOf(tenantId, request.params.thread_id);
      return langGraphRunOf(await threadRun(tenantId, threadId, request.params.run_id));
    },
  );

  scope.get(
    '/threads/:thread_id/runs/:run_id/join',
    { config: read, schema: { hide: true, params: runParams } },
    async (request, reply) => {
      const { tenantId } = request.principal;
      const threadId = await threadIdOf(tenantId, request.params.thread_id);
      const run = await threadRun(tenantId, threadId, request.params.run_id);
      return reply.send(await finalValuesOf(request, reply, run));
    },
  );

  const joinQuery = z.looseObject({ stream_mode: z.union([streamMode, z.array(streamMode).max(9)]).optional() });
  for (const stateless of [false, true]) {
    scope.get(
      stateless ? '/runs/:run_id/stream' : '/threads/:thread_id/runs/:run_id/stream',
      {
        config: read,
        schema: {
          hide: true,
          params: stateless ? z.strictObject({ run_id: z.string().max(100) }) : runParams,
          querystring: joinQuery,
        },
      },
      async (request, reply) => {
        const { tenantId } = request.principal;
        const params = request.params as { thread_id?: string; run_id: string };
        const threadId = params.thread_id === undefined ? null : await threadIdOf(tenantId, params.thread_id);
        const run = await threadRun(tenantId, threadId, params.run_id);
        const lastEventId = request.headers['last-event-id'];
        return streamRun(request, reply, run, {
          modes: modesOf(request.query.stream_mode),
          ...(typeof lastEventId === 'string' ? { lastEventId } : {}),
          onDisconnect: 'continue',
        });
      },
    );
  }

  scope.post(
    '/threads/:thread_id/runs/:run_id/cancel',
    {
      config: write,
      schema: {
        hide: true,
        params: runParams,
        querystring: z.looseObject({ wait: z.enum(['0', '1', 'true', 'false']).optional() }),
      },
    },
    async (request, reply) => {
      const { tenantId } = request.principal;
      const threadId = await threadIdOf(tenantId, request.params.thread_id);
      const run = await threadRun(tenantId, threadId, request.params.run_id);
      if (!isTerminal(run.status)) await runs.cancel({ tenantId, runId: run.id }, auditedBy(request));
      if (request.query.wait === '1' || request.query.wait === 'true') await finalValuesOf(request, reply, run);
      return reply.status(202).send(langGraphRunOf(await runCache.getRun(tenantId, run.id)));
    },
  );
}
