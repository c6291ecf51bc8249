import {
  agentSpecSchema,
  appendRunEvents,
  createAgent,
  createAgentVersion,
  createRun,
  createTenant,
  UncachedRunReads,
  type DatabaseHandle,
  type RunCache,
} from '@agent-runtime/core';
import { openTestDatabase } from '@agent-runtime/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SharedRunEventReads } from './shared-event-reads.ts';

const spec = agentSpecSchema.parse({ model: { provider: 'scripted', replies: [{ text: 'hi' }] } });

describe('shared reads of a run’s stored events', () => {
  let database: DatabaseHandle;
  let tenantId: string;
  let runId: string;
  /** Reads of the run's status: one per query the shared reads made. */
  let queries = 0;
  let reads: SharedRunEventReads;

  const append = (messageId: string) =>
    appendRunEvents(database.db, tenantId, [
      {
        runId,
        type: 'message.received',
        step: 1,
        data: { messageId, content: messageId, sentBy: 'tester', interrupted: false },
        dedupeKey: `message.received:${messageId}`,
      },
    ]);

  beforeAll(async () => {
    database = await openTestDatabase('pglite');
    const tenant = await createTenant(database.db, 'shared-reads');
    tenantId = tenant.id;
    const agent = await createAgent(database.db, tenantId, { name: 'shared-reads' });
    await createAgentVersion(database.db, tenantId, agent.id, spec);
    runId = (await createRun(database.db, { tenantId, agentId: agent.id, input: 'go' })).run.id;
    const uncached = new UncachedRunReads(database.db);
    const counting: RunCache = {
      getRun: (tenant, run) => {
        queries += 1;
        return uncached.getRun(tenant, run);
      },
      recordChange: () => uncached.recordChange(),
      forget: () => uncached.forget(),
      close: () => uncached.close(),
    };
    reads = new SharedRunEventReads({ db: database.db, runCache: counting, pageSize: 3 });
    await append('m1');
    await append('m2');
  });
  afterAll(async () => {
    await database.close();
  });

  it('answers the streams that ask for the same read at once with one query', async () => {
    queries = 0;
    const pages = await Promise.all(Array.from({ length: 20 }, () => reads.read(tenantId, runId, 0)));
    expect(queries).toBe(1);
    for (const page of pages) {
      expect(page.events.map((event) => event.seq)).toEqual([1, 2]);
      expect(page.full).toBe(false);
      expect(page.status).toBe('queued');
    }
  });

  it('gives a reader that asks during a read a new read, which sees what was committed before it asked', async () => {
    queries = 0;
    const first = reads.read(tenantId, runId, 0);
    // The first read has gone out; then an event commits, then two more streams ask.
    await new Promise((resolve) => setImmediate(resolve));
    await append('m3');
    const [second, third] = await Promise.all([reads.read(tenantId, runId, 0), reads.read(tenantId, runId, 0)]);
    await first;
    expect(queries).toBe(2);
    expect(second.events.map((event) => event.seq)).toEqual([1, 2, 3]);
    expect(third).toBe(second);
    expect(second.full).toBe(true);
  });

  it('reads separately for streams at different places', async () => {
    queries = 0;
    const [fromStart, fromTwo] = await Promise.all([reads.read(tenantId, runId, 0), reads.read(tenantId, runId, 2)]);
    expect(queries).toBe(2);
    expect(fromStart.events.map((event) => event.seq)).toEqual([1, 2, 3]);
    expect(fromTwo.events.map((event) => event.seq)).toEqual([3]);
  });
});
