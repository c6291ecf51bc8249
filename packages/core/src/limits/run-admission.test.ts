import { databaseKinds, openTestDatabase } from '@agent-runtime/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../db/connect.ts';
import { createAgent } from '../db/repositories/agents.ts';
import { createAgentVersion } from '../db/repositories/agent-versions.ts';
import { createRun, transitionRun } from '../db/repositories/runs.ts';
import { createTenant, updateTenantLimits } from '../db/repositories/tenants.ts';
import { agentSpecSchema } from '../domain/agent-spec.ts';
import {
  admitQueuedRuns,
  listAdmittedQueuedRunIds,
  listTenantsWithQueuedRuns,
  readAdmissionState,
} from './run-admission.ts';

const spec = agentSpecSchema.parse({ model: { provider: 'scripted', replies: [{ text: 'hi' }] } });

/** Admission limits with this default concurrent-run limit and no waiting cap. */
const limits = (defaultMaxConcurrentRuns: number) => ({ defaultMaxConcurrentRuns });

describe.each(databaseKinds)('run admission on %s', (kind) => {
  let database: DatabaseHandle;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(() => database.close());

  async function tenantWithAgent(name: string, maxConcurrentRuns: number | null) {
    const tenant = await createTenant(database.db, name, { maxConcurrentRuns });
    const agent = await createAgent(database.db, tenant.id, { name: 'admitted' });
    await createAgentVersion(database.db, tenant.id, agent.id, spec);
    const queue = async (count: number) => {
      const ids: string[] = [];
      for (let index = 0; index < count; index += 1) {
        ids.push((await createRun(database.db, { tenantId: tenant.id, agentId: agent.id, input: index })).run.id);
      }
      return ids;
    };
    return { tenantId: tenant.id, agentId: agent.id, queue };
  }

  it('admits the oldest queued runs into free slots only, and the next ones as runs end', async () => {
    const { tenantId, queue } = await tenantWithAgent(`fifo-${kind}`, 2);
    const runIds = await queue(5);
    expect(await listTenantsWithQueuedRuns(database.db, 100)).toContain(tenantId);
    expect(await admitQueuedRuns(database.db, tenantId, limits(100))).toEqual(runIds.slice(0, 2));
    expect(await admitQueuedRuns(database.db, tenantId, limits(100))).toEqual([]);
    expect(await listAdmittedQueuedRunIds(database.db, tenantId, 10)).toEqual(runIds.slice(0, 2));
    // Running runs still hold their slots; an ended run frees its own.
    await transitionRun(database.db, { tenantId, runId: runIds[0] ?? '', to: 'running' });
    await transitionRun(database.db, { tenantId, runId: runIds[1] ?? '', to: 'running' });
    expect(await admitQueuedRuns(database.db, tenantId, limits(100))).toEqual([]);
    await transitionRun(database.db, { tenantId, runId: runIds[0] ?? '', to: 'succeeded' });
    expect(await admitQueuedRuns(database.db, tenantId, limits(100))).toEqual([runIds[2]]);
    // A queued run cancelled before admission frees nothing and is skipped.
    await transitionRun(database.db, { tenantId, runId: runIds[3] ?? '', to: 'cancelled' });
    await transitionRun(database.db, { tenantId, runId: runIds[1] ?? '', to: 'failed' });
    expect(await admitQueuedRuns(database.db, tenantId, limits(100))).toEqual([runIds[4]]);
  });

  it('frees the slot of a run that waits for an approval, and lets it resume past the limit', async () => {
    const { tenantId, queue } = await tenantWithAgent(`waiting-${kind}`, 1);
    const runIds = await queue(3);
    expect(await admitQueuedRuns(database.db, tenantId, limits(100))).toEqual([runIds[0]]);
    await transitionRun(database.db, { tenantId, runId: runIds[0] ?? '', to: 'running' });
    expect(await admitQueuedRuns(database.db, tenantId, limits(100))).toEqual([]);
    // Waiting uses no worker: the next run gets the slot at once.
    await transitionRun(database.db, { tenantId, runId: runIds[0] ?? '', to: 'waiting' });
    expect(await readAdmissionState(database.db, tenantId, limits(100))).toMatchObject({ occupied: 0, waiting: 1 });
    expect(await admitQueuedRuns(database.db, tenantId, limits(100))).toEqual([runIds[1]]);
    await transitionRun(database.db, { tenantId, runId: runIds[1] ?? '', to: 'running' });
    // The waiting run resumes although the tenant is at its limit: it was admitted and keeps
    // its right to run; admission of new runs waits until both have freed a slot.
    await transitionRun(database.db, { tenantId, runId: runIds[0] ?? '', to: 'running' });
    expect(await readAdmissionState(database.db, tenantId, limits(100))).toMatchObject({
      occupied: 2,
      free: 0,
      hold: 'concurrent_runs',
    });
    await transitionRun(database.db, { tenantId, runId: runIds[1] ?? '', to: 'succeeded' });
    expect(await admitQueuedRuns(database.db, tenantId, limits(100))).toEqual([]);
    await transitionRun(database.db, { tenantId, runId: runIds[0] ?? '', to: 'succeeded' });
    expect(await admitQueuedRuns(database.db, tenantId, limits(100))).toEqual([runIds[2]]);
  });

  it('pauses admission while the tenant has as many runs waiting as the waiting cap', async () => {
    const { tenantId, agentId, queue } = await tenantWithAgent(`waiting-cap-${kind}`, 10);
    const capped = { defaultMaxConcurrentRuns: 100, maxWaitingRuns: 2 };
    const parked = await queue(2);
    expect(await admitQueuedRuns(database.db, tenantId, capped)).toEqual(parked);
    for (const runId of parked) {
      await transitionRun(database.db, { tenantId, runId, to: 'running' });
      await transitionRun(database.db, { tenantId, runId, to: 'waiting' });
    }
    const [next] = await queue(1);
    expect(await readAdmissionState(database.db, tenantId, capped)).toMatchObject({ free: 0, hold: 'waiting_runs' });
    expect(await admitQueuedRuns(database.db, tenantId, capped)).toEqual([]);
    // In reject mode the cap refuses the run instead.
    await expect(
      createRun(database.db, { tenantId, agentId, input: 'x', overflow: { mode: 'reject', ...capped } }),
    ).rejects.toMatchObject({ code: 'rate_limited', details: { maxWaitingRuns: 2 } });
    // One fewer waiting: admission resumes.
    await transitionRun(database.db, { tenantId, runId: parked[0] ?? '', to: 'running' });
    expect(await admitQueuedRuns(database.db, tenantId, capped)).toEqual([next]);
  });

  it('never overfills a tenant under concurrent admissions', async () => {
    const { tenantId, queue } = await tenantWithAgent(`race-${kind}`, 3);
    const runIds = await queue(10);
    const admitted = (
      await Promise.all(Array.from({ length: 8 }, () => admitQueuedRuns(database.db, tenantId, limits(100))))
    ).flat();
    expect(admitted.sort()).toEqual(runIds.slice(0, 3).sort());
  });

  it('follows the default without an override, and 0 means unlimited', async () => {
    const { tenantId, queue } = await tenantWithAgent(`default-${kind}`, null);
    const runIds = await queue(4);
    expect(await admitQueuedRuns(database.db, tenantId, limits(1))).toEqual(runIds.slice(0, 1));
    await updateTenantLimits(database.db, tenantId, { maxConcurrentRuns: 0 });
    expect(await admitQueuedRuns(database.db, tenantId, limits(1))).toEqual(runIds.slice(1));
  });

  it('in reject mode writes a run only into a free slot, admitted at once', async () => {
    const { tenantId, agentId } = await tenantWithAgent(`reject-${kind}`, 2);
    const overflow = { mode: 'reject', defaultMaxConcurrentRuns: 100 } as const;
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, (_, index) => createRun(database.db, { tenantId, agentId, input: index, overflow })),
    );
    const written = results.filter((result) => result.status === 'fulfilled');
    expect(written).toHaveLength(2);
    for (const result of results.filter((result) => result.status === 'rejected')) {
      expect(result.reason).toMatchObject({ code: 'rate_limited', details: { maxConcurrentRuns: 2 } });
    }
    expect(await listAdmittedQueuedRunIds(database.db, tenantId, 10)).toHaveLength(2);
  });
});
