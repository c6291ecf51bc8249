import { payloadsPrefixOf, type BlobStore, type Database } from '@agent-runtime/core';
import {
  createAgentWithSpec,
  createApiRequest,
  waitForRun,
  type ApiRequest,
  type TestRuntime,
} from '@agent-runtime/test-harness';
import { sql, type Kysely } from 'kysely';
import { expect } from 'vitest';

/** Text larger than the tests' offload threshold (`AR_PAYLOAD_OFFLOAD_BYTES=1024`): it goes to the blob store. */
export const largeText = 'retained '.repeat(1000);

/** A spec whose model reply and tool call carry {@link largeText}, so its run writes payload blobs. */
export const largePayloadSpec = {
  model: {
    provider: 'scripted',
    replies: [
      { text: largeText, toolCalls: [{ id: 'big', name: 'echo', arguments: { large: largeText } }] },
      { text: 'echoed' },
    ],
  },
  tools: [{ name: 'echo' }],
};

/** A tenant as the tests call it: its id and its admin's requests. */
export interface TestTenant {
  readonly tenantId: string;
  readonly request: ApiRequest;
  readonly agentId: string;
}

/** The runtime's seeded tenant, with an agent of {@link largePayloadSpec}. */
export async function seededTenant(runtime: TestRuntime, agentName: string): Promise<TestTenant> {
  return {
    tenantId: runtime.tenantId,
    request: runtime.request,
    agentId: await createAgentWithSpec(runtime, agentName, largePayloadSpec),
  };
}

/** A new tenant (created by the seeded platform admin) with its own admin key and agent. */
export async function newTenant(runtime: TestRuntime, name: string): Promise<TestTenant> {
  const created = await runtime.request('POST', '/v1/tenants', { name });
  expect(created.status, await created.clone().text()).toBe(201);
  const { id: tenantId } = (await created.json()) as { id: string };
  const issued = await runtime.request('POST', `/v1/tenants/${tenantId}/api-keys`, { name: 'admin' });
  const { key } = (await issued.json()) as { key: string };
  const request = createApiRequest(runtime.url, key);
  return { tenantId, request, agentId: await createAgentWithSpec({ request }, `${name}-agent`, largePayloadSpec) };
}

/** Starts a run of the tenant's agent (as a turn of `threadId` when given), waits for its end, uploads an artifact to it. */
export async function endedRunWithArtifact(
  runtime: TestRuntime,
  tenant: TestTenant,
  threadId?: string,
): Promise<string> {
  const path = threadId === undefined ? '/v1/runs' : `/v1/threads/${threadId}/runs`;
  const started = await tenant.request('POST', path, { agentId: tenant.agentId, input: 'go' });
  expect(started.status, await started.clone().text()).toBe(202);
  const { id: runId } = (await started.json()) as { id: string };
  expect((await waitForRun({ ...runtime, request: tenant.request }, runId, 60_000)).status).toBe('succeeded');
  const uploaded = await tenant.request('POST', `/v1/runs/${runId}/artifacts?name=notes.txt`, 'kept notes', {
    'content-type': 'text/plain',
  });
  expect(uploaded.status, await uploaded.clone().text()).toBe(201);
  return runId;
}

/** Keys of the run's blobs: its artifacts' and its workflow's payloads'. */
export async function blobsOfRun(blobs: BlobStore, tenantId: string, runId: string) {
  const artifacts = await blobs.list(`artifacts/${tenantId}/${runId}/`);
  const payloads = await blobs.list(payloadsPrefixOf(runId) ?? '');
  return { artifacts: artifacts.blobs.map((blob) => blob.key), payloads: payloads.blobs.map((blob) => blob.key) };
}

/** Rows the run owns in each run-owned table. */
export async function rowsOfRun(db: Kysely<Database>, runId: string): Promise<Record<string, number>> {
  const count = async (table: 'runs' | 'run_events' | 'tool_calls' | 'model_step_replies' | 'artifacts') => {
    const column = table === 'runs' ? 'id' : 'run_id';
    const result = await sql<{
      n: number;
    }>`select count(*)::int as n from ${sql.table(table)} where ${sql.ref(column)} = ${runId}`.execute(db);
    return result.rows[0]?.n ?? 0;
  };
  return {
    runs: await count('runs'),
    run_events: await count('run_events'),
    tool_calls: await count('tool_calls'),
    model_step_replies: await count('model_step_replies'),
    artifacts: await count('artifacts'),
  };
}

/** What a run that is gone for good leaves in the database: nothing. */
export const noRows = { runs: 0, run_events: 0, tool_calls: 0, model_step_replies: 0, artifacts: 0 };
