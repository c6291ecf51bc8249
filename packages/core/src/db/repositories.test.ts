import { databaseKinds, openTestDatabase } from '@agent-runtime/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentSpecSchema } from '../domain/agent-spec.ts';
import { AppError } from '../errors.ts';
import { newId } from '../ids.ts';
import type { DatabaseHandle } from './connect.ts';
import { migrateToLatest } from './migrate.ts';
import { sqlStateOf, sqlStates } from './pg-errors.ts';
import { createAgent } from './repositories/agents.ts';
import { createAgentVersion, listAgentVersions } from './repositories/agent-versions.ts';
import { findArtifactByDedupeKey, getArtifact, listArtifacts, recordArtifact } from './repositories/artifacts.ts';
import { appendRunEvents, listRunEvents } from './repositories/run-events.ts';
import { createRun, getRun, listRuns, transitionRun } from './repositories/runs.ts';
import { recordedModelStepReply, recordModelStepReply } from './repositories/model-step-replies.ts';
import { claimToolCall, completeToolCall } from './repositories/tool-calls.ts';
import { createTenant } from './repositories/tenants.ts';
import { seedDefaults } from './seed.ts';

const spec = agentSpecSchema.parse({ model: { provider: 'scripted', replies: [{ text: 'hi' }] } });

describe.each(databaseKinds)('repositories on %s', (kind) => {
  let database: DatabaseHandle;
  let tenantId: string;
  let agentId: string;

  beforeAll(async () => {
    database = await openTestDatabase(kind, { migrate: false });
    expect(await migrateToLatest(database.db)).toEqual([
      '0001-initial-schema',
      '0002-append-run-event-function',
      '0003-approvals-and-message-policy',
      '0004-artifacts',
      '0005-api-keys-and-audit',
      '0006-secrets',
      '0007-tenant-limits',
      '0008-mcp-tools',
      '0009-langgraph-checkpoints',
      '0010-model-step-replies',
      '0011-tenant-owned-execution-tables',
      '0012-tenant-scoped-append-run-event',
      '0013-threads',
      '0014-memory-store',
      '0015-run-replay',
      '0016-retention',
      '0017-schedules',
      '0018-webhooks',
      '0019-callback-waitpoints',
      '0020-budgets-and-usage',
    ]);
    tenantId = (await seedDefaults(database.db, {})).tenant.id;
    agentId = (await createAgent(database.db, tenantId, { name: 'repo-test' })).id;
    await createAgentVersion(database.db, tenantId, agentId, spec);
  });
  afterAll(() => database.close());

  it('migrates once: a second migration run applies nothing', async () => {
    expect(await migrateToLatest(database.db)).toEqual([]);
  });

  it('numbers versions 1, 2, 3… even when created concurrently', async () => {
    const agent = await createAgent(database.db, tenantId, { name: 'numbered' });
    const created = await Promise.all(
      Array.from({ length: 5 }, () => createAgentVersion(database.db, tenantId, agent.id, spec)),
    );
    expect(created.map((version) => version.version).sort()).toEqual([1, 2, 3, 4, 5]);
    const page = await listAgentVersions(database.db, tenantId, agent.id, { limit: 2 });
    expect(page.items.map((version) => version.version)).toEqual([5, 4]);
    const next = await listAgentVersions(database.db, tenantId, agent.id, { limit: 2, cursor: page.nextCursor ?? '' });
    expect(next.items.map((version) => version.version)).toEqual([3, 2]);
  });

  it('keeps agent versions immutable in the database itself', async () => {
    const update = database.db
      .updateTable('agent_versions')
      .set({ spec_hash: 'tampered' })
      .where('agent_id', '=', agentId)
      .execute();
    await expect(update).rejects.toSatisfy((error) => sqlStateOf(error) === sqlStates.versionImmutable);
    const remove = database.db.deleteFrom('agent_versions').where('agent_id', '=', agentId).execute();
    await expect(remove).rejects.toSatisfy((error) => sqlStateOf(error) === sqlStates.versionImmutable);
  });

  it('moves runs forward only, in the repository and in the database', async () => {
    const { run } = await createRun(database.db, { tenantId, agentId, input: 'x' });
    await transitionRun(database.db, { tenantId, runId: run.id, to: 'running' });
    await transitionRun(database.db, { tenantId, runId: run.id, to: 'waiting' });
    await transitionRun(database.db, { tenantId, runId: run.id, to: 'running' });
    // Repeating a transition that already happened is a no-op (activity retries).
    await transitionRun(database.db, { tenantId, runId: run.id, to: 'running' });
    await expect(transitionRun(database.db, { tenantId, runId: run.id, to: 'queued' })).rejects.toMatchObject({
      code: 'invalid_state_transition',
    });
    const finished = await transitionRun(database.db, {
      tenantId,
      runId: run.id,
      to: 'succeeded',
      output: { text: 'ok' },
    });
    expect(finished).toMatchObject({ status: 'succeeded', output: { text: 'ok' } });
    expect(finished.endedAt).not.toBeNull();
    await expect(transitionRun(database.db, { tenantId, runId: run.id, to: 'failed' })).rejects.toBeInstanceOf(
      AppError,
    );
    const direct = database.db.updateTable('runs').set({ status: 'running' }).where('id', '=', run.id).execute();
    await expect(direct).rejects.toSatisfy((error) => sqlStateOf(error) === sqlStates.invalidRunTransition);
    expect((await getRun(database.db, tenantId, run.id)).status).toBe('succeeded');
  });

  it('returns the same run for the same idempotency key and body, and refuses a different body', async () => {
    const request = { tenantId, agentId, input: { message: 'once' }, idempotencyKey: 'key-1', requestHash: 'h1' };
    const first = await createRun(database.db, request);
    const again = await createRun(database.db, request);
    expect(first.created).toBe(true);
    expect(again).toEqual({ run: first.run, created: false });
    await expect(createRun(database.db, { ...request, requestHash: 'h2' })).rejects.toMatchObject({
      code: 'idempotency_key_conflict',
    });
    const concurrent = await Promise.all(
      Array.from({ length: 5 }, () => createRun(database.db, { ...request, idempotencyKey: 'key-2' })),
    );
    expect(new Set(concurrent.map((result) => result.run.id)).size).toBe(1);
    expect(concurrent.filter((result) => result.created)).toHaveLength(1);
  });

  it('appends events gap-free under concurrency and ignores a repeated dedupe key', async () => {
    const { run } = await createRun(database.db, { tenantId, agentId, input: 'events' });
    await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        appendRunEvents(database.db, tenantId, [
          {
            runId: run.id,
            type: 'message.received',
            step: 1,
            data: { messageId: `m${index}`, content: `${index}`, sentBy: 'tester', interrupted: false },
            dedupeKey: `e${index % 10}`,
          },
        ]),
      ),
    );
    const events = await listRunEvents(database.db, tenantId, run.id, { after: 0, limit: 100 });
    expect(events.map((event) => event.seq)).toEqual(Array.from({ length: 10 }, (_, index) => index + 1));
    const appendOnly = database.db.deleteFrom('run_events').where('run_id', '=', run.id).execute();
    await expect(appendOnly).rejects.toSatisfy((error) => sqlStateOf(error) === sqlStates.eventsAppendOnly);
  });

  it('records a tool call result once and hands it to every later attempt', async () => {
    const { run } = await createRun(database.db, { tenantId, agentId, input: 'tools' });
    const call = { tenantId, idempotencyKey: `${run.id}:1:a`, runId: run.id, step: 1, callId: 'a', tool: 'echo' };
    expect(await claimToolCall(database.db, call)).toEqual({ state: 'new', attempt: 1 });
    expect(await claimToolCall(database.db, call)).toEqual({ state: 'new', attempt: 2 });
    expect(await completeToolCall(database.db, call, { value: 1 })).toEqual({ value: 1 });
    expect(await completeToolCall(database.db, call, { value: 2 })).toEqual({ value: 1 });
    expect(await claimToolCall(database.db, call)).toEqual({ state: 'completed', result: { value: 1 } });
  });

  it("records a decision step's reply once and hands it to every later attempt", async () => {
    const { run } = await createRun(database.db, { tenantId, agentId, input: 'replies' });
    const step1 = { tenantId, runId: run.id, step: 1 };
    expect(await recordedModelStepReply(database.db, step1)).toBeUndefined();
    const first = { text: 'first', toolCalls: [], state: { agent: 'triage' } };
    expect(await recordModelStepReply(database.db, { ...step1, reply: first })).toEqual(first);
    const second = { text: 'second', toolCalls: [] };
    expect(await recordModelStepReply(database.db, { ...step1, reply: second })).toEqual(first);
    expect(await recordedModelStepReply(database.db, step1)).toEqual(first);
    expect(await recordedModelStepReply(database.db, { ...step1, step: 2 })).toBeUndefined();
  });

  it('pages runs newest first and scopes them to the tenant', async () => {
    const page = await listRuns(database.db, tenantId, { limit: 2 });
    expect(page.items).toHaveLength(2);
    expect(page.items[0]!.id > page.items[1]!.id).toBe(true);
    const next = await listRuns(database.db, tenantId, { limit: 2, cursor: page.nextCursor ?? '' });
    expect(next.items[0]!.id < page.items[1]!.id).toBe(true);
    const otherTenant = await createTenant(database.db, `other-${kind}`);
    expect((await listRuns(database.db, otherTenant.id, { limit: 10 })).items).toEqual([]);
    await expect(getRun(database.db, otherTenant.id, page.items[0]!.id)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('records an artifact with its artifact.created event once per dedupe key, sizes past 2 GiB intact', async () => {
    const { run } = await createRun(database.db, { tenantId, agentId, input: 'artifacts' });
    const artifact = (id: string) => ({
      id,
      tenantId,
      runId: run.id,
      name: 'report.pdf',
      contentType: 'application/pdf',
      size: 5 * 1024 ** 3,
      sha256: 'ab'.repeat(32),
      blobKey: `artifacts/${tenantId}/${run.id}/${id}`,
      source: 'tool' as const,
      step: 2,
      toolCallId: 'call_0',
      dedupeKey: 'tool:2:call_0:report.pdf',
    });
    const firstId = newId();
    const first = await recordArtifact(database.db, artifact(firstId));
    expect(first).toMatchObject({ created: true, blobKey: artifact(firstId).blobKey });
    expect(first.artifact).toMatchObject({ id: firstId, size: 5 * 1024 ** 3, step: 2, toolCallId: 'call_0' });
    expect(first.events).toEqual([
      expect.objectContaining({
        type: 'artifact.created',
        step: 2,
        data: {
          id: firstId,
          name: 'report.pdf',
          contentType: 'application/pdf',
          size: 5 * 1024 ** 3,
          sha256: 'ab'.repeat(32),
          source: 'tool',
          toolCallId: 'call_0',
        },
      }),
    ]);
    const retried = await recordArtifact(database.db, artifact(newId()));
    expect(retried).toEqual({ artifact: first.artifact, blobKey: first.blobKey, created: false, events: [] });
    expect(await findArtifactByDedupeKey(database.db, tenantId, run.id, 'tool:2:call_0:report.pdf')).toMatchObject({
      artifact: { id: firstId },
    });
    const events = await listRunEvents(database.db, tenantId, run.id, { after: 0, limit: 10 });
    expect(events.filter((event) => event.type === 'artifact.created')).toHaveLength(1);
    expect(await getArtifact(database.db, tenantId, run.id, firstId)).toEqual(first.artifact);
  });

  it("pages a run's artifacts newest first and scopes them to the tenant and run", async () => {
    const { run } = await createRun(database.db, { tenantId, agentId, input: 'artifact pages' });
    const { run: otherRun } = await createRun(database.db, { tenantId, agentId, input: 'other run' });
    const ids: string[] = [];
    for (let index = 0; index < 5; index += 1) {
      const id = newId();
      ids.push(id);
      await recordArtifact(database.db, {
        id,
        tenantId,
        runId: run.id,
        name: `file-${index}.txt`,
        contentType: 'text/plain',
        size: index,
        sha256: '00'.repeat(32),
        blobKey: `artifacts/${tenantId}/${run.id}/${id}`,
        source: 'api',
      });
    }
    const page = await listArtifacts(database.db, tenantId, run.id, { limit: 3 });
    expect(page.items.map((item) => item.id)).toEqual(ids.slice(2).reverse());
    const next = await listArtifacts(database.db, tenantId, run.id, { limit: 3, cursor: page.nextCursor ?? '' });
    expect(next).toEqual({
      items: [expect.objectContaining({ id: ids[1] }), expect.objectContaining({ id: ids[0] })],
      nextCursor: null,
    });
    expect((await listArtifacts(database.db, tenantId, otherRun.id, { limit: 10 })).items).toEqual([]);
    const otherTenant = await createTenant(database.db, `artifact-tenant-${kind}`);
    expect((await listArtifacts(database.db, otherTenant.id, run.id, { limit: 10 })).items).toEqual([]);
    await expect(getArtifact(database.db, otherTenant.id, run.id, ids[0]!)).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(getArtifact(database.db, tenantId, otherRun.id, ids[0]!)).rejects.toMatchObject({ code: 'not_found' });
    await expect(getArtifact(database.db, tenantId, run.id, 'not-a-uuid')).rejects.toMatchObject({ code: 'not_found' });
  });
});
