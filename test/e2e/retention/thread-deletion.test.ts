import { startTestRuntime, type TestRuntime } from '@agent-runtime/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  blobsOfRun,
  endedRunWithArtifact,
  newTenant,
  noRows,
  rowsOfRun,
  seededTenant,
  type TestTenant,
} from './retention-fixtures.ts';

/**
 * `DELETE /v1/threads/{id}` deletes the thread's runs for good: every row they own, their
 * artifact and payload blobs in the real store, their cached copies; another tenant's data
 * stays, and the deletion is audited.
 */
describe.each([
  { database: 'postgres', blobStore: 'filesystem' },
  { database: 'postgres', blobStore: 's3' },
  { database: 'pglite', blobStore: 'filesystem' },
] as const)('deleting a thread on $database with the $blobStore blob store', ({ database, blobStore }) => {
  let runtime: TestRuntime;
  let mine: TestTenant;
  let theirs: TestTenant;
  beforeAll(async () => {
    runtime = await startTestRuntime({ database, blobStore, env: { AR_PAYLOAD_OFFLOAD_BYTES: '1024' } });
    mine = await seededTenant(runtime, 'thread-deletion');
    theirs = await newTenant(runtime, `thread-deletion-other-${database}-${blobStore}`);
  }, 120_000);
  afterAll(() => runtime.stop());

  it('removes its runs, events, tool calls, replies, artifacts and blobs; leaves the other tenant alone', async () => {
    const newThread = async (tenant: TestTenant) =>
      ((await (await tenant.request('POST', '/v1/threads', {})).json()) as { id: string }).id;
    const threadId = await newThread(mine);
    const turns = [
      await endedRunWithArtifact(runtime, mine, threadId),
      await endedRunWithArtifact(runtime, mine, threadId),
    ];
    const otherThreadId = await newThread(theirs);
    const otherRunId = await endedRunWithArtifact(runtime, theirs, otherThreadId);
    for (const [tenant, runId] of [...turns.map((turn) => [mine, turn] as const), [theirs, otherRunId] as const]) {
      const blobs = await blobsOfRun(runtime.blobs, tenant.tenantId, runId);
      expect(blobs.artifacts).toHaveLength(1);
      expect(blobs.payloads.length).toBeGreaterThan(0);
    }
    const otherRowsBefore = await rowsOfRun(runtime.database.db, otherRunId);
    const otherBlobsBefore = await blobsOfRun(runtime.blobs, theirs.tenantId, otherRunId);

    // Another tenant cannot delete it: 404, and nothing changes.
    expect((await theirs.request('DELETE', `/v1/threads/${threadId}`)).status).toBe(404);
    expect((await mine.request('DELETE', `/v1/threads/${threadId}`)).status).toBe(204);

    expect((await mine.request('GET', `/v1/threads/${threadId}`)).status).toBe(404);
    for (const runId of turns) {
      expect((await mine.request('GET', `/v1/runs/${runId}`)).status).toBe(404);
      expect((await mine.request('GET', `/v1/runs/${runId}/events`)).status).toBe(404);
      expect(await rowsOfRun(runtime.database.db, runId)).toEqual(noRows);
      expect(await blobsOfRun(runtime.blobs, mine.tenantId, runId)).toEqual({ artifacts: [], payloads: [] });
    }
    expect(await rowsOfRun(runtime.database.db, otherRunId)).toEqual(otherRowsBefore);
    expect(await blobsOfRun(runtime.blobs, theirs.tenantId, otherRunId)).toEqual(otherBlobsBefore);
    expect((await theirs.request('GET', `/v1/runs/${otherRunId}`)).status).toBe(200);

    const audit = (await (
      await mine.request('GET', `/v1/audit?action=thread.deleted&targetId=${threadId}`)
    ).json()) as { items: { actor: { kind: string }; details: { runIds: string[] } }[] };
    expect(audit.items).toHaveLength(1);
    expect(audit.items[0]?.actor.kind).toBe('api_key');
    expect([...(audit.items[0]?.details.runIds ?? [])].sort()).toEqual([...turns].sort());
  });
});
