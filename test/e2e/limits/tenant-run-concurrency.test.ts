import { startRunReconciler } from '@agent-runtime/api';
import { createApiKey, createRun, createRunService, runServiceLimitsOf, UncachedRunReads } from '@agent-runtime/core';
import {
  createApiRequest,
  startTestRuntime,
  testLogger,
  type ApiRequest,
  type TestRuntime,
} from '@agent-runtime/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** One step that sleeps, then a final answer: a run that holds its slot for about `seconds`. */
function sleepingSpec(seconds: number) {
  return {
    model: {
      provider: 'scripted',
      replies: [
        { text: 'napping', toolCalls: [{ id: 'nap', name: 'sleep', arguments: { seconds } }] },
        { text: 'done' },
      ],
    },
    tools: [{ name: 'sleep' }],
  };
}

interface RunView {
  id: string;
  status: string;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
}

const inProgress = new Set(['running', 'waiting']);

describe('per-tenant concurrent-run limits over HTTP (two API instances)', () => {
  let runtime: TestRuntime;

  /** A tenant limited to `maxConcurrentRuns`, a sleeping agent of its own, callers on each URL. */
  async function tenantWithAgent(name: string, maxConcurrentRuns: number, seconds: number, urls: string[]) {
    const created = await runtime.request('POST', '/v1/tenants', { name, limits: { maxConcurrentRuns } });
    const tenantId = ((await created.json()) as { id: string }).id;
    const { key } = await createApiKey(runtime.database.db, { tenantId, name, roles: ['developer'] });
    const callers = urls.map((url) => createApiRequest(url, key));
    const [first] = callers as [ApiRequest];
    const agent = (await (await first('POST', '/v1/agents', { name: 'sleeper' })).json()) as { id: string };
    expect((await first('POST', `/v1/agents/${agent.id}/versions`, { spec: sleepingSpec(seconds) })).status).toBe(201);
    return { callers, first, agentId: agent.id };
  }

  async function listRuns(caller: ApiRequest): Promise<RunView[]> {
    const page = (await (await caller('GET', '/v1/runs?limit=100')).json()) as { items: RunView[] };
    return page.items;
  }

  beforeAll(async () => {
    runtime = await startTestRuntime({ database: 'postgres' });
  });
  afterAll(async () => {
    await runtime.stop();
  });

  it('queues runs over the limit and starts them oldest first as slots free, never more than the limit at once', async () => {
    const second = await runtime.startExtraApi(runtime.config);
    const { callers, first, agentId } = await tenantWithAgent('concurrency-queue', 2, 0.6, [runtime.url, second]);
    const runIds: string[] = [];
    for (let index = 0; index < 6; index += 1) {
      const caller = callers[index % 2] as ApiRequest;
      const response = await caller('POST', '/v1/runs', { agentId, input: `run ${index}` });
      expect(response.status).toBe(202);
      runIds.push(((await response.json()) as RunView).id);
    }
    // Watch through the API while they run: at most 2 in progress, and the runs that have
    // left the queue are always the oldest ones.
    const deadline = Date.now() + 60_000;
    let runs: RunView[] = [];
    let samples = 0;
    let sawQueued = false;
    while (Date.now() < deadline) {
      runs = await listRuns(first);
      samples += 1;
      const byId = new Map(runs.map((run) => [run.id, run]));
      const statuses = runIds.map((runId) => byId.get(runId)?.status ?? 'missing');
      expect(statuses.filter((status) => inProgress.has(status)).length).toBeLessThanOrEqual(2);
      const firstQueued = statuses.indexOf('queued');
      if (firstQueued >= 0) {
        sawQueued ||= firstQueued >= 2;
        // Runs further back may be admitted and starting, but never ahead of an older queued run
        // by more than the two slots allow.
        expect(statuses.slice(firstQueued + 2).every((status) => status === 'queued')).toBe(true);
      }
      if (statuses.every((status) => status === 'succeeded')) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(samples).toBeGreaterThan(5);
    expect(sawQueued).toBe(true);
    const ordered = runIds.map((runId) => runs.find((run) => run.id === runId) as RunView);
    expect(ordered.map((run) => run.status)).toEqual(Array(6).fill('succeeded'));
    // From the recorded times: the i-th run (0-based) started only once i - 1 earlier runs had
    // ended (FIFO, 2 slots), and no moment had 3 runs in progress.
    ordered.forEach((run, index) => {
      const startedAt = Date.parse(run.startedAt ?? '');
      const endedBefore = ordered.filter((other) => Date.parse(other.endedAt ?? '') <= startedAt).length;
      expect(endedBefore).toBeGreaterThanOrEqual(Math.max(0, index - 1));
      const overlapping = ordered.filter(
        (other) => Date.parse(other.startedAt ?? '') <= startedAt && Date.parse(other.endedAt ?? '') > startedAt,
      );
      expect(overlapping.length).toBeLessThanOrEqual(2);
    });
  });

  it('answers 429 rate_limited over the limit in reject mode, even for concurrent requests on two instances', async () => {
    const rejecting = { ...runtime.config, AR_TENANT_RUN_OVERFLOW: 'reject' as const };
    const urls = [await runtime.startExtraApi(rejecting), await runtime.startExtraApi(rejecting)];
    const { callers, first, agentId } = await tenantWithAgent('concurrency-reject', 2, 1, urls);
    const responses = await Promise.all(
      Array.from({ length: 6 }, (_, index) =>
        (callers[index % 2] as ApiRequest)('POST', '/v1/runs', { agentId, input: `run ${index}` }),
      ),
    );
    const accepted = responses.filter((response) => response.status === 202);
    const refused = responses.filter((response) => response.status === 429);
    expect(accepted).toHaveLength(2);
    expect(refused).toHaveLength(4);
    for (const response of refused) {
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await response.json()).toMatchObject({ code: 'rate_limited', maxConcurrentRuns: 2 });
    }
    expect(await listRuns(first)).toHaveLength(2);
    // Once they have ended the tenant has its slots back.
    const deadline = Date.now() + 30_000;
    while ((await listRuns(first)).some((run) => run.status !== 'succeeded') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect((await first('POST', '/v1/runs', { agentId, input: 'later' })).status).toBe(202);
  });

  it("has the reconciler admit and start runs nobody admitted (a crash between a run's end and the handover)", async () => {
    const { first, agentId } = await tenantWithAgent('concurrency-reconciled', 2, 0.2, [runtime.url]);
    const tenantId = ((await (await first('GET', `/v1/agents/${agentId}`)).json()) as { tenantId: string }).tenantId;
    // Written as the API writes them, but with no admission after: as if the API died at once.
    const runIds: string[] = [];
    for (let index = 0; index < 4; index += 1) {
      runIds.push((await createRun(runtime.database.db, { tenantId, agentId, input: index })).run.id);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await listRuns(first)).map((run) => run.status)).toEqual(Array(4).fill('queued'));
    const logger = testLogger('test');
    const runs = createRunService({
      db: runtime.database.db,
      temporal: runtime.temporal,
      taskQueue: runtime.config.TEMPORAL_TASK_QUEUE,
      runCache: new UncachedRunReads(runtime.database.db),
      bus: runtime.bus,
      logger,
      limits: runServiceLimitsOf(runtime.config),
    });
    const stop = startRunReconciler({ runs, logger, intervalMs: 200 });
    try {
      const deadline = Date.now() + 30_000;
      let runs: RunView[] = [];
      while (Date.now() < deadline) {
        runs = await listRuns(first);
        expect(runs.filter((run) => inProgress.has(run.status)).length).toBeLessThanOrEqual(2);
        if (runs.every((run) => run.status === 'succeeded')) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(runs.map((run) => run.status)).toEqual(Array(4).fill('succeeded'));
    } finally {
      await stop();
    }
  });

  it('admits waiting runs at once when a platform admin raises the limit', async () => {
    const { first, agentId } = await tenantWithAgent('concurrency-raise', 1, 2, [runtime.url]);
    const runIds: string[] = [];
    for (let index = 0; index < 3; index += 1) {
      runIds.push(((await (await first('POST', '/v1/runs', { agentId, input: index })).json()) as RunView).id);
    }
    const tenantId = ((await (await first('GET', `/v1/runs/${runIds[0]}`)).json()) as { tenantId: string }).tenantId;
    const raised = await runtime.request('PATCH', `/v1/tenants/${tenantId}`, { limits: { maxConcurrentRuns: 3 } });
    expect(raised.status).toBe(200);
    const deadline = Date.now() + 10_000;
    let statuses: string[] = [];
    while (Date.now() < deadline) {
      const runs = await listRuns(first);
      statuses = runIds.map((runId) => runs.find((run) => run.id === runId)?.status ?? 'missing');
      if (statuses.every((status) => status !== 'queued')) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // All three started well before the first (2 s) could have ended.
    expect(statuses).toEqual(['running', 'running', 'running']);
  });
});
