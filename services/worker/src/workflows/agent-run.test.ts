import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  agentSpecSchema,
  claimToolCall,
  completeToolCall,
  createAgent,
  createAgentVersion,
  createDataConverter,
  createRun,
  getRun,
  InProcessRunEventBus,
  listRunEvents,
  listToolCalls,
  loadConfig,
  openBlobStore,
  seedDefaults,
  startRunWorkflow,
  type DatabaseHandle,
} from '@agent-runtime/core';
import { builtinTools, defineTool } from '@agent-runtime/agents';
import { connectTemporalClient } from '@agent-runtime/embedded';
import { openTestDatabase, testLogger } from '@agent-runtime/test-harness';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { z } from 'zod';
import { createWorker, type CreatedWorker } from '../create-worker.ts';

describe('the agentRun workflow', () => {
  const config = loadConfig({
    TEMPORAL_TASK_QUEUE: `workflow-test-${Date.now()}`,
    AR_BLOB_DIR: path.join(tmpdir(), `workflow-test-blobs-${Date.now()}`),
  });
  const blobs = openBlobStore(config);
  const echoCalls: unknown[] = [];
  let database: DatabaseHandle;
  let temporal: Client;
  let created: CreatedWorker;
  let workerDone: Promise<void>;
  let tenantId: string;
  let agentId: string;

  // An echo that fails its first attempt the way a flaky dependency would.
  const flakyEcho = defineTool({
    name: 'echo',
    description: 'echo that fails once',
    input: z.record(z.string(), z.unknown()),
    async execute(input) {
      echoCalls.push(input);
      if (echoCalls.length === 1) throw new Error('transient failure');
      return input;
    },
  });

  beforeAll(async () => {
    database = await openTestDatabase('pglite');
    tenantId = (await seedDefaults(database.db, {})).tenant.id;
    agentId = (await createAgent(database.db, tenantId, { name: 'workflow-test' })).id;
    await createAgentVersion(
      database.db,
      tenantId,
      agentId,
      agentSpecSchema.parse({
        model: {
          provider: 'scripted',
          replies: [
            { toolCalls: [{ id: 'a', name: 'echo', arguments: { n: 1 } }] },
            { toolCalls: [{ id: 'b', name: 'calculator', arguments: { expression: '1 + 1' } }] },
            { text: 'finished' },
          ],
        },
        tools: [{ name: 'echo' }, { name: 'calculator' }],
      }),
    );
    const address = inject('temporalAddress');
    temporal = await connectTemporalClient(address, config.TEMPORAL_NAMESPACE, {
      dataConverter: createDataConverter({ blobs, offloadThresholdBytes: config.AR_PAYLOAD_OFFLOAD_BYTES }),
    });
    created = await createWorker({
      config,
      db: database.db,
      logger: testLogger('workflow-test'),
      blobs,
      bus: new InProcessRunEventBus(),
      temporalAddress: address,
      tools: { ...builtinTools, echo: flakyEcho },
    });
    workerDone = created.worker.run();
  });

  afterAll(async () => {
    created.worker.shutdown();
    await workerDone;
    await created.connection.close();
    await temporal.connection.close();
    await database.close();
  });

  async function runToEnd(runId: string) {
    await startRunWorkflow(temporal, config.TEMPORAL_TASK_QUEUE, runId);
    // A second start of the same run is a no-op, not a second execution.
    await startRunWorkflow(temporal, config.TEMPORAL_TASK_QUEUE, runId);
    await temporal.workflow.getHandle(runId).result();
    return getRun(database.db, tenantId, runId);
  }

  it('retries a failed tool attempt and records its result once', async () => {
    const { run } = await createRun(database.db, { tenantId, agentId, input: 'go' });
    const finished = await runToEnd(run.id);
    expect(finished).toMatchObject({ status: 'succeeded', output: { text: 'finished' } });
    expect(echoCalls).toHaveLength(2);
    const calls = await listToolCalls(database.db, tenantId, run.id);
    expect(calls.map((call) => [call.call_id, call.status, call.attempts])).toEqual([
      ['a', 'completed', 2],
      ['b', 'completed', 1],
    ]);
    const events = await listRunEvents(database.db, tenantId, run.id, { after: 0, limit: 100 });
    expect(events.filter((event) => event.type === 'tool.completed')).toHaveLength(2);
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
  });

  it('never re-executes a tool call whose result was already recorded', async () => {
    echoCalls.length = 0;
    const { run } = await createRun(database.db, { tenantId, agentId, input: 'again' });
    // As if an earlier attempt ran the tool and recorded its result, then its worker died.
    const key = `${run.id}:1:a`;
    await claimToolCall(database.db, {
      tenantId,
      idempotencyKey: key,
      runId: run.id,
      step: 1,
      callId: 'a',
      tool: 'echo',
    });
    await completeToolCall(database.db, { tenantId, idempotencyKey: key }, { ok: true, output: { recorded: true } });
    const finished = await runToEnd(run.id);
    expect(finished.status).toBe('succeeded');
    expect(echoCalls).toEqual([]);
    const events = await listRunEvents(database.db, tenantId, run.id, { after: 0, limit: 100 });
    const completed = events.find((event) => event.type === 'tool.completed' && event.step === 1);
    expect(completed?.data).toMatchObject({ callId: 'a', ok: true, output: { recorded: true } });
  });
});
