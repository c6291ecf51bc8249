import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds, openTestDatabase } from '@agent-runtime/test-harness';
import { agentSpecSchema } from '../domain/agent-spec.ts';
import type { DatabaseHandle } from './connect.ts';
import { migrateTo } from './migrate.ts';
import { createAgent } from './repositories/agents.ts';
import { createAgentVersion } from './repositories/agent-versions.ts';
import { recordedModelStepReply, recordModelStepReply } from './repositories/model-step-replies.ts';
import { createRun } from './repositories/runs.ts';
import { createTenant } from './repositories/tenants.ts';
import { claimToolCall, completeToolCall, listToolCalls } from './repositories/tool-calls.ts';

const spec = agentSpecSchema.parse({ model: { provider: 'scripted', replies: [{ text: 'hi' }] } });

/** A tenant with one run, as the execution plane sees it. */
async function tenantWithRun(database: DatabaseHandle, name: string) {
  const tenantId = (await createTenant(database.db, name)).id;
  const agentId = (await createAgent(database.db, tenantId, { name: 'agent' })).id;
  await createAgentVersion(database.db, tenantId, agentId, spec);
  const { run } = await createRun(database.db, { tenantId, agentId, input: name });
  return { tenantId, runId: run.id };
}

/** Tool calls and recorded step replies belong to their run's tenant (migration 0011). */
describe.each(databaseKinds)("a run's tool calls and step replies on %s", (kind) => {
  let database: DatabaseHandle;
  let owner: { tenantId: string; runId: string };
  let other: { tenantId: string; runId: string };

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    owner = await tenantWithRun(database, 'owner');
    other = await tenantWithRun(database, 'other');
  });
  afterAll(() => database.close());

  it("are read and written only under the run's tenant", async () => {
    const call = { idempotencyKey: `${owner.runId}:1:a`, runId: owner.runId, step: 1, callId: 'a', tool: 'echo' };
    await claimToolCall(database.db, { ...call, tenantId: owner.tenantId });
    await completeToolCall(database.db, { ...call, tenantId: owner.tenantId }, { value: 'owner' });
    await recordModelStepReply(database.db, { tenantId: owner.tenantId, runId: owner.runId, step: 1, reply: 'r' });

    expect(await listToolCalls(database.db, other.tenantId, owner.runId)).toEqual([]);
    expect(await recordedModelStepReply(database.db, { tenantId: other.tenantId, runId: owner.runId, step: 1 })).toBe(
      undefined,
    );
    // Another tenant naming the same key meets none of the owner's result: its own call starts afresh.
    expect(await claimToolCall(database.db, { ...call, tenantId: other.tenantId })).toEqual({
      state: 'new',
      attempt: 1,
    });
    expect(await completeToolCall(database.db, { ...call, tenantId: other.tenantId }, { value: 'other' })).toEqual({
      value: 'other',
    });
    expect(await claimToolCall(database.db, { ...call, tenantId: owner.tenantId })).toEqual({
      state: 'completed',
      result: { value: 'owner' },
    });
    expect((await listToolCalls(database.db, owner.tenantId, owner.runId)).map((row) => row.attempts)).toEqual([2]);
    expect(await recordedModelStepReply(database.db, { tenantId: owner.tenantId, runId: owner.runId, step: 1 })).toBe(
      'r',
    );
  });

  it('refuse a row without a tenant', async () => {
    const withoutTenant = sql`insert into model_step_replies (run_id, step, reply) values (${other.runId}, 9, '{}')`;
    await expect(withoutTenant.execute(database.db)).rejects.toThrow(/tenant_id/);
  });
});

/** Migration 0011 gives the rows written before it their run's tenant. */
describe.each(databaseKinds)('migration 0011 on %s', (kind) => {
  let database: DatabaseHandle;

  beforeAll(async () => {
    database = await openTestDatabase(kind, { migrate: false });
  });
  afterAll(() => database.close());

  it("backfills each row's tenant from its run and drops checkpoints of no run", async () => {
    await migrateTo(database.db, '0010-model-step-replies');
    const { tenantId, runId } = await tenantWithRun(database, 'before-0011');
    const bytes = new Uint8Array([1]);
    await sql`insert into tool_calls (idempotency_key, run_id, step, call_id, tool, status)
      values (${`${runId}:1:a`}, ${runId}, 1, 'a', 'echo', 'started')`.execute(database.db);
    await sql`insert into model_step_replies (run_id, step, reply) values (${runId}, 1, '{}')`.execute(database.db);
    for (const thread of [runId, 'no-such-run']) {
      await sql`insert into langgraph_checkpoints (thread_id, checkpoint_id, type, checkpoint, metadata)
        values (${thread}, 'cp-1', 'json', ${bytes}, ${bytes})`.execute(database.db);
      await sql`insert into langgraph_checkpoint_writes (thread_id, checkpoint_id, task_id, idx, channel, type, value)
        values (${thread}, 'cp-1', 'task', 0, 'count', 'json', ${bytes})`.execute(database.db);
    }

    expect(await migrateTo(database.db, '0011-tenant-owned-execution-tables')).toEqual([
      '0011-tenant-owned-execution-tables',
    ]);

    const tenantsOf = async (table: 'tool_calls' | 'model_step_replies') =>
      (await database.db.selectFrom(table).select('tenant_id').execute()).map((row) => row.tenant_id);
    expect(await tenantsOf('tool_calls')).toEqual([tenantId]);
    expect(await tenantsOf('model_step_replies')).toEqual([tenantId]);
    for (const table of ['langgraph_checkpoints', 'langgraph_checkpoint_writes'] as const) {
      const rows = await database.db.selectFrom(table).select(['tenant_id', 'thread_id']).execute();
      expect(rows).toEqual([{ tenant_id: tenantId, thread_id: runId }]);
    }
  });
});
