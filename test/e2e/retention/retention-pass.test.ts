import { utimes } from 'node:fs/promises';
import path from 'node:path';
import {
  createDataConverter,
  ensureRetentionSchedule,
  retentionScheduleId,
  type RetentionPassSummary,
  type RetentionScheduleOptions,
} from '@agent-runtime/core';
import { connectTemporalClient } from '@agent-runtime/embedded';
import { startTestRuntime, type TestRuntime } from '@agent-runtime/test-harness';
import type { Client } from '@temporalio/client';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  blobsOfRun,
  endedRunWithArtifact,
  newTenant,
  noRows,
  rowsOfRun,
  seededTenant,
  type TestTenant,
} from './retention-fixtures.ts';

/** Runs one pass now through the schedule, as its interval would, and answers what it did. */
async function triggerPass(client: Client, scheduleId: string): Promise<RetentionPassSummary> {
  const handle = client.schedule.getHandle(scheduleId);
  const before = (await handle.describe()).info.recentActions.length;
  await handle.trigger();
  for (let waited = 0; waited < 30_000; waited += 200) {
    const actions = (await handle.describe()).info.recentActions;
    const started = actions[before];
    if (started) {
      return (await client.workflow.getHandle(started.action.workflow.workflowId).result()) as RetentionPassSummary;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('the triggered retention pass did not start');
}

/**
 * The retention schedule, created as the API does at start, prunes each tenant's objects by
 * its own settings over the deployment's defaults: expired runs and idle threads with all
 * they own, old artifacts, the payload blobs of ended runs, orphan blobs. Audited; another
 * tenant's data follows its own settings.
 */
describe.each(['filesystem', 's3'] as const)('a retention pass on PostgreSQL with the %s blob store', (blobStore) => {
  let runtime: TestRuntime;
  let mine: TestTenant;
  let theirs: TestTenant;
  let schedule: RetentionScheduleOptions;
  beforeAll(async () => {
    runtime = await startTestRuntime({
      database: 'postgres',
      blobStore,
      // Deployment defaults: runs and threads for ever, payload blobs of ended runs for 7 days.
      env: { AR_PAYLOAD_OFFLOAD_BYTES: '1024', AR_RETENTION_BATCH_SIZE: '2' },
    });
    mine = await seededTenant(runtime, 'retention-pass');
    theirs = await newTenant(runtime, `retention-pass-other-${blobStore}`);
    schedule = { taskQueue: runtime.config.TEMPORAL_TASK_QUEUE, intervalMinutes: 60 };
  }, 120_000);
  afterAll(async () => {
    await ensureRetentionSchedule(runtime.temporal, { ...schedule, intervalMinutes: 0 });
    await runtime.stop();
  });

  const backdate = (table: 'runs' | 'threads' | 'artifacts', column: string, id: string, days: number) =>
    sql`update ${sql.table(table)} set ${sql.ref(column)} = now() - make_interval(days => ${days}) where ${sql.ref(
      table === 'artifacts' ? 'run_id' : 'id',
    )} = ${id}`.execute(runtime.database.db);

  it("is created once, whatever restarts, and prunes by each tenant's settings", async () => {
    expect(await ensureRetentionSchedule(runtime.temporal, schedule)).toBe('created');
    // A restarted API (a new connection) finds the same schedule and updates it: never a second one.
    const restarted = await connectTemporalClient(inject('temporalAddress'), runtime.config.TEMPORAL_NAMESPACE, {
      dataConverter: createDataConverter({ blobs: runtime.blobs }),
    });
    try {
      expect(await ensureRetentionSchedule(restarted, schedule)).toBe('updated');
    } finally {
      await restarted.connection.close();
    }
    const scheduleId = retentionScheduleId(schedule.taskQueue);
    const described = await runtime.temporal.schedule.getHandle(scheduleId).describe();
    expect(described.spec.intervals?.[0]?.every).toBe(60 * 60 * 1000);

    // Mine keeps runs and idle threads 1 day; theirs follows the defaults but keeps artifacts 1 day.
    const put = await mine.request('PUT', '/v1/retention', { runsDays: 1, threadsDays: 1 });
    expect(await put.json()).toEqual({
      settings: { runsDays: 1, threadsDays: 1, artifactsDays: null, payloadsDays: null },
      effective: { runsDays: 1, threadsDays: 1, artifactsDays: null, payloadsDays: 7 },
    });
    const patched = await runtime.request('PATCH', `/v1/tenants/${theirs.tenantId}`, {
      retention: { artifactsDays: 1 },
    });
    expect(((await patched.json()) as { retention: unknown }).retention).toEqual({
      runsDays: null,
      threadsDays: null,
      artifactsDays: 1,
      payloadsDays: null,
    });

    const expired = await endedRunWithArtifact(runtime, mine);
    const expiredToo = await endedRunWithArtifact(runtime, mine);
    const recent = await endedRunWithArtifact(runtime, mine);
    const idleThread = ((await (await mine.request('POST', '/v1/threads', {})).json()) as { id: string }).id;
    const idleTurn = await endedRunWithArtifact(runtime, mine, idleThread);
    const theirOld = await endedRunWithArtifact(runtime, theirs);
    const theirRecent = await endedRunWithArtifact(runtime, theirs);
    for (const runId of [expired, expiredToo, idleTurn]) await backdate('runs', 'ended_at', runId, 2);
    await backdate('threads', 'updated_at', idleThread, 2);
    await backdate('runs', 'ended_at', theirOld, 8);
    await backdate('artifacts', 'created_at', theirOld, 2);
    const theirOldRows = await rowsOfRun(runtime.database.db, theirOld);
    const theirRecentBlobs = await blobsOfRun(runtime.blobs, theirs.tenantId, theirRecent);
    // An orphan: a payload blob of a workflow that is no run, written long ago.
    const orphanKey = 'payloads/workflows/mcp-tool-listing-gone/0123';
    await runtime.blobs.put(orphanKey, new Uint8Array([1]));
    if (blobStore === 'filesystem') {
      const longAgo = new Date(Date.now() - 8 * 24 * 60 * 60 * 1000);
      await utimes(path.join(runtime.config.blobDir, ...orphanKey.split('/')), longAgo, longAgo);
    }

    const summary = await triggerPass(runtime.temporal, scheduleId);
    // Batches of two: the three expired runs of mine took two batches; the thread took its turn along.
    expect(summary).toMatchObject({ threads: 1, runs: 2, artifacts: 1, payloads: 1 });
    expect(summary.orphans).toBe(blobStore === 'filesystem' ? 1 : 0);
    expect(await runtime.blobs.has(orphanKey)).toBe(blobStore !== 'filesystem');

    for (const runId of [expired, expiredToo, idleTurn]) {
      expect((await mine.request('GET', `/v1/runs/${runId}`)).status).toBe(404);
      expect(await rowsOfRun(runtime.database.db, runId)).toEqual(noRows);
      expect(await blobsOfRun(runtime.blobs, mine.tenantId, runId)).toEqual({ artifacts: [], payloads: [] });
    }
    expect((await mine.request('GET', `/v1/threads/${idleThread}`)).status).toBe(404);
    expect((await mine.request('GET', `/v1/runs/${recent}`)).status).toBe(200);
    expect((await blobsOfRun(runtime.blobs, mine.tenantId, recent)).payloads.length).toBeGreaterThan(0);

    // Theirs: the old run stays, without its artifact (1 day) and payload blobs (7 days by default).
    expect(await rowsOfRun(runtime.database.db, theirOld)).toEqual({ ...theirOldRows, artifacts: 0 });
    expect(await blobsOfRun(runtime.blobs, theirs.tenantId, theirOld)).toEqual({ artifacts: [], payloads: [] });
    expect((await theirs.request('GET', `/v1/runs/${theirOld}`)).status).toBe(200);
    expect(await blobsOfRun(runtime.blobs, theirs.tenantId, theirRecent)).toEqual(theirRecentBlobs);

    const auditOf = async (tenant: TestTenant, action: string) =>
      (
        (await (await tenant.request('GET', `/v1/audit?action=${action}`)).json()) as {
          items: { actor: { subject: string; kind: string }; details: Record<string, string[]> }[];
        }
      ).items;
    const prunedRuns = (await auditOf(mine, 'tenant.runs_pruned')).flatMap((event) => event.details['runIds'] ?? []);
    expect(prunedRuns.sort()).toEqual([expired, expiredToo].sort());
    const threadDeleted = await auditOf(mine, 'thread.deleted');
    expect(threadDeleted[0]).toMatchObject({
      actor: { subject: 'retention', kind: 'system' },
      details: { runIds: [idleTurn] },
    });
    expect((await auditOf(theirs, 'tenant.artifacts_pruned')).length).toBe(1);
    expect((await auditOf(theirs, 'tenant.payloads_pruned'))[0]?.details['runIds']).toEqual([theirOld]);
    expect(await auditOf(theirs, 'tenant.runs_pruned')).toEqual([]);

    // A second pass finds nothing left to do.
    expect(await triggerPass(runtime.temporal, scheduleId)).toEqual({
      threads: 0,
      runs: 0,
      artifacts: 0,
      payloads: 0,
      orphans: 0,
    });
  });
});
