import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { databaseKinds, openTestDatabase } from '@agent-runtime/test-harness';
import { InProcessRunEventBus } from '../bus/in-process-event-bus.ts';
import { UncachedRunReads } from '../cache/run-cache.ts';
import type { DatabaseHandle } from '../db/connect.ts';
import { createAgent } from '../db/repositories/agents.ts';
import { createAgentVersion } from '../db/repositories/agent-versions.ts';
import { createRun, getRun, transitionRun } from '../db/repositories/runs.ts';
import { createTenant } from '../db/repositories/tenants.ts';
import { agentSpecSchema } from '../domain/agent-spec.ts';
import { admitQueuedRuns } from '../limits/run-admission.ts';
import { createLogger } from '../logger.ts';
import { createRunService, type RunService } from './run-service.ts';
import type { RunServiceResources } from './run-service-resources.ts';

const spec = agentSpecSchema.parse({ model: { provider: 'scripted', replies: [{ text: 'hi' }] } });

describe.each(databaseKinds)('why a queued run waits (describeQueue) on %s', (kind) => {
  let database: DatabaseHandle;
  let connection: Connection;
  let resources: RunServiceResources;
  let runs: RunService;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    connection = await Connection.connect({ address: inject('temporalAddress') });
    const logger = createLogger('silent', 'test');
    resources = {
      db: database.db,
      temporal: new Client({ connection }),
      taskQueue: 'describe-queue-test',
      runCache: new UncachedRunReads(database.db),
      bus: new InProcessRunEventBus({ logger }),
      logger,
      limits: { defaultMaxConcurrentRuns: 100, maxWaitingRuns: 1, overflow: 'queue' },
    };
    runs = createRunService(resources);
  });
  afterAll(async () => {
    await connection.close();
    await database.close();
  });

  it('gives each queued run its position and the limit that holds it, and nothing to other runs', async () => {
    const tenant = await createTenant(database.db, 'queue-described', { maxConcurrentRuns: 1 });
    const agent = await createAgent(database.db, tenant.id, { name: 'queued' });
    await createAgentVersion(database.db, tenant.id, agent.id, spec);
    const queued = [];
    for (let index = 0; index < 3; index += 1) {
      queued.push((await createRun(database.db, { tenantId: tenant.id, agentId: agent.id, input: index })).run);
    }
    // Nobody admitted yet: the first has a free slot waiting for it, the others wait behind it.
    expect((await runs.describeQueue(queued)).map((run) => run.queue)).toEqual([
      { position: 1, reason: 'admission_pending', limit: null },
      { position: 2, reason: 'concurrent_runs', limit: 1 },
      { position: 3, reason: 'concurrent_runs', limit: 1 },
    ]);
    expect(await admitQueuedRuns(database.db, tenant.id, resources.limits)).toEqual([queued[0]?.id]);
    expect((await runs.describeQueue(queued)).map((run) => run.queue)).toEqual([
      { position: 0, reason: 'starting', limit: null },
      { position: 1, reason: 'concurrent_runs', limit: 1 },
      { position: 2, reason: 'concurrent_runs', limit: 1 },
    ]);
    // Waiting frees the slot, but one waiting run is this deployment's waiting cap.
    const [first] = queued as [(typeof queued)[number]];
    await transitionRun(database.db, { tenantId: tenant.id, runId: first.id, to: 'running' });
    await transitionRun(database.db, { tenantId: tenant.id, runId: first.id, to: 'waiting' });
    const described = await runs.describeQueue(queued);
    // A run read as queued that has moved on is answered as it is now.
    expect(described[0]).toEqual(await getRun(database.db, tenant.id, first.id));
    expect(described[0]?.queue).toBeUndefined();
    expect(described.slice(1).map((run) => run.queue)).toEqual([
      { position: 1, reason: 'waiting_runs', limit: 1 },
      { position: 2, reason: 'waiting_runs', limit: 1 },
    ]);
  });
});
