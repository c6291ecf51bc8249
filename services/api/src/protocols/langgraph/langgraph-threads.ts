import {
  AppError,
  createThread,
  deleteThread,
  forkThread,
  getThread,
  listThreads,
  recordAuditEvent,
  updateThreadMetadata,
  type Thread,
} from '@agent-runtime/core';
import { z } from 'zod';
import type { RunRouteDependencies } from '../../app-types.ts';
import { auditedBy } from '../../http/audit.ts';
import { existingId } from '../../http/schemas.ts';
import { unsupported } from './langgraph-errors.ts';
import { labelsOf } from './langgraph-metadata.ts';
import { langGraphThreadOf } from './langgraph-shapes.ts';
import type { LangGraphScope } from './register-langgraph-routes.ts';
import { replayRun, threadValues, type ThreadValues } from './thread-values.ts';

export const threadParams = z.strictObject({ thread_id: z.string().max(100) });

const metadataBody = z.record(z.string(), z.unknown()).nullish();

const threadStatusOfLangGraph = { idle: 'idle', busy: 'busy', interrupted: 'waiting', error: 'error' } as const;

/** The interrupts of a thread's state, by task (one task: the thread's waiting run). */
function interruptsByTask(state: ThreadValues): Record<string, unknown[]> {
  return state.interrupts.length > 0 && state.lastRun ? { [state.lastRun.id]: [...state.interrupts] } : {};
}

/** A thread's state (`GET /threads/{id}/state`) from its values. */
function stateOf(thread: Thread, state: ThreadValues) {
  const waiting = state.interrupts.length > 0;
  return {
    values: state.values,
    next: waiting ? ['agent'] : [],
    tasks:
      waiting && state.lastRun
        ? [{ id: state.lastRun.id, name: 'agent', interrupts: state.interrupts, state: null, error: null }]
        : [],
    metadata: { thread_id: thread.id, ...(state.lastRun ? { run_id: state.lastRun.id } : {}) },
    created_at: state.lastRun?.endedAt ?? state.lastRun?.createdAt ?? thread.createdAt,
    checkpoint: { thread_id: thread.id, checkpoint_ns: '', checkpoint_id: state.lastRun?.id ?? null },
    parent_checkpoint: null,
    interrupts: [...state.interrupts],
  };
}

/**
 * Threads are our threads (thread id = thread id); their values are replayed from their runs'
 * events (docs/langgraph-api.md).
 */
export function registerLangGraphThreadRoutes(scope: LangGraphScope, dependencies: RunRouteDependencies): void {
  const { db, blobs, runCache, logger } = dependencies;
  const read = { access: 'read' as const, apiKeyHeader: true };
  const write = { access: 'write' as const, apiKeyHeader: true };
  const threadOf = async (tenantId: string, threadId: string) =>
    getThread(db, tenantId, existingId('thread', threadId));
  const withValues = async (thread: Thread) => {
    const state = await threadValues(db, thread.tenantId, thread.id);
    return langGraphThreadOf(thread, state.values, interruptsByTask(state));
  };

  scope.post(
    '/threads',
    {
      config: write,
      schema: {
        hide: true,
        body: z
          .looseObject({
            thread_id: z.string().max(100).optional(),
            metadata: metadataBody,
            if_exists: z.enum(['raise', 'do_nothing']).default('raise'),
          })
          .default({ if_exists: 'raise' }),
      },
    },
    async (request) => {
      const { tenantId } = request.principal;
      const { thread_id: threadId, if_exists: ifExists } = request.body;
      if (threadId !== undefined) {
        const existing = await threadOf(tenantId, threadId).catch(() => undefined);
        if (!existing) throw unsupported('a client-chosen thread_id (omit it)');
        if (ifExists === 'raise') throw new AppError('conflict', `thread ${threadId} exists`);
        return withValues(existing);
      }
      const thread = await db.transaction().execute(async (trx) => {
        const created = await createThread(trx, { tenantId, metadata: labelsOf(request.body.metadata) });
        await recordAuditEvent(trx, {
          ...auditedBy(request),
          action: 'thread.created',
          target: { type: 'thread', id: created.id },
        });
        return created;
      });
      return langGraphThreadOf(thread, {});
    },
  );

  scope.post(
    '/threads/search',
    {
      config: read,
      schema: {
        hide: true,
        body: z
          .looseObject({
            metadata: metadataBody,
            status: z.enum(['idle', 'busy', 'interrupted', 'error']).optional(),
            limit: z.number().int().min(1).max(1000).default(10),
            offset: z.number().int().min(0).max(100_000).default(0),
          })
          .default({ limit: 10, offset: 0 }),
      },
    },
    async (request) => {
      const { metadata, status, limit, offset } = request.body;
      const found: Thread[] = [];
      let cursor: string | undefined;
      do {
        const page = await listThreads(db, request.principal.tenantId, {
          limit: 100,
          cursor,
          metadata: labelsOf(metadata),
          status: status === undefined ? undefined : threadStatusOfLangGraph[status],
        });
        found.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor && found.length < offset + limit);
      return Promise.all(found.slice(offset, offset + limit).map(withValues));
    },
  );

  scope.get('/threads/:thread_id', { config: read, schema: { hide: true, params: threadParams } }, async (request) =>
    withValues(await threadOf(request.principal.tenantId, request.params.thread_id)),
  );

  scope.patch(
    '/threads/:thread_id',
    { config: write, schema: { hide: true, params: threadParams, body: z.looseObject({ metadata: metadataBody }) } },
    async (request) => {
      const { tenantId } = request.principal;
      const thread = await threadOf(tenantId, request.params.thread_id);
      const updated = await db.transaction().execute(async (trx) => {
        const changed = await updateThreadMetadata(trx, tenantId, thread.id, labelsOf(request.body.metadata));
        if (Object.keys(changed.metadata).length > 32) labelsOf(changed.metadata);
        await recordAuditEvent(trx, {
          ...auditedBy(request),
          action: 'thread.updated',
          target: { type: 'thread', id: thread.id },
        });
        return changed;
      });
      return withValues(updated);
    },
  );

  scope.delete(
    '/threads/:thread_id',
    { config: write, schema: { hide: true, params: threadParams } },
    async (request, reply) => {
      const { tenantId } = request.principal;
      const thread = await threadOf(tenantId, request.params.thread_id);
      await deleteThread({ db, blobs, runCache, logger }, { tenantId, threadId: thread.id }, auditedBy(request));
      return reply.status(204).send();
    },
  );

  scope.get(
    '/threads/:thread_id/state',
    { config: read, schema: { hide: true, params: threadParams } },
    async (request) => {
      const thread = await threadOf(request.principal.tenantId, request.params.thread_id);
      return stateOf(thread, await threadValues(db, thread.tenantId, thread.id));
    },
  );

  const stateUnsupported = async (request: { principal: { tenantId: string }; params: { thread_id: string } }) => {
    await threadOf(request.principal.tenantId, request.params.thread_id);
    throw unsupported("updating a thread's state, or reading it at a checkpoint (its state changes through its runs)");
  };
  scope.post(
    '/threads/:thread_id/state',
    { config: write, schema: { hide: true, params: threadParams } },
    stateUnsupported,
  );
  scope.get(
    '/threads/:thread_id/state/:checkpoint_id',
    { config: read, schema: { hide: true, params: threadParams.extend({ checkpoint_id: z.string().max(200) }) } },
    stateUnsupported,
  );

  scope.post(
    '/threads/:thread_id/history',
    {
      config: read,
      schema: {
        hide: true,
        params: threadParams,
        body: z.looseObject({ limit: z.number().int().min(1).max(1000).default(10) }).default({ limit: 10 }),
      },
    },
    async (request) => {
      const thread = await threadOf(request.principal.tenantId, request.params.thread_id);
      const all = await threadValues(db, thread.tenantId, thread.id);
      // One state per turn, newest first: the values each run left.
      const states = [];
      let values: Record<string, unknown> = {};
      for (const run of all.runs) {
        const translator = await replayRun(db, run, { initialValues: values });
        values = translator.values;
        states.push(stateOf(thread, { values, interrupts: translator.interrupts, lastRun: run, runs: [] }));
      }
      return states.reverse().slice(0, request.body.limit);
    },
  );

  scope.post(
    '/threads/:thread_id/copy',
    { config: write, schema: { hide: true, params: threadParams } },
    async (request) => {
      const thread = await threadOf(request.principal.tenantId, request.params.thread_id);
      const copy = await forkThread(
        db,
        { tenantId: thread.tenantId, threadId: thread.id },
        { seq: undefined, runId: undefined },
        { metadata: undefined, by: auditedBy(request) },
      );
      // The copy's values are the source's: its turns are the source's turns.
      const state = await threadValues(db, thread.tenantId, thread.id);
      return langGraphThreadOf(copy, state.values);
    },
  );
}
