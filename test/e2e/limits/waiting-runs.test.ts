import { createApiKey } from '@agent-runtime/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createApiRequest,
  startTestRuntime,
  waitUntil,
  type ApiRequest,
  type TestRuntime,
} from '@agent-runtime/test-harness';

/** The waiting cap of this runtime: above the 20 parked runs of the first test, reached in the last. */
const maxWaitingRuns = 25;

/** One tool call that needs a person's approval, then a final answer. */
const approvalSpec = {
  model: {
    provider: 'scripted',
    replies: [
      { text: 'may I?', toolCalls: [{ id: 'pay', name: 'echo', arguments: { amount: 10 } }] },
      { text: 'paid' },
    ],
  },
  tools: [{ name: 'echo', requiresApproval: true }],
};

/** A final answer at once. */
const quickSpec = { model: { provider: 'scripted', replies: [{ text: 'done' }] } };

/** One step that sleeps, then a final answer: a run that holds its slot for about `seconds`. */
const sleepingSpec = (seconds: number) => ({
  model: {
    provider: 'scripted',
    replies: [{ text: 'napping', toolCalls: [{ id: 'nap', name: 'sleep', arguments: { seconds } }] }, { text: 'done' }],
  },
  tools: [{ name: 'sleep' }],
});

interface RunView {
  id: string;
  status: string;
  createdAt: string;
  startedAt: string | null;
  pendingApprovals: { id: string }[];
  queue?: { position: number; reason: string; limit: number | null };
}

describe('runs waiting for a person do not block their tenant', () => {
  let runtime: TestRuntime;

  beforeAll(async () => {
    runtime = await startTestRuntime({ env: { AR_TENANT_MAX_WAITING_RUNS: String(maxWaitingRuns) } });
  });
  afterAll(() => runtime.stop());

  /** A tenant with its own concurrent-run limit, a caller with a key of its own, and its agents by name. */
  async function tenantWithAgents(name: string, maxConcurrentRuns: number | null, specs: Record<string, unknown>) {
    const created = await runtime.request('POST', '/v1/tenants', { name, limits: { maxConcurrentRuns } });
    expect(created.status).toBe(201);
    const tenantId = ((await created.json()) as { id: string }).id;
    const { key } = await createApiKey(runtime.database.db, { tenantId, name, roles: ['developer'] });
    const call = createApiRequest(runtime.url, key);
    const agents: Record<string, string> = {};
    for (const [agentName, spec] of Object.entries(specs)) {
      const agent = (await (await call('POST', '/v1/agents', { name: agentName })).json()) as { id: string };
      expect((await call('POST', `/v1/agents/${agent.id}/versions`, { spec })).status).toBe(201);
      agents[agentName] = agent.id;
    }
    return { call, agents };
  }

  async function postRun(call: ApiRequest, agentId: string, input: unknown): Promise<RunView> {
    const response = await call('POST', '/v1/runs', { agentId, input });
    expect(response.status).toBe(202);
    return (await response.json()) as RunView;
  }

  async function runsOf(call: ApiRequest, status?: string): Promise<RunView[]> {
    const query = status === undefined ? '' : `&status=${status}`;
    return ((await (await call('GET', `/v1/runs?limit=100${query}`)).json()) as { items: RunView[] }).items;
  }

  /** Posts `count` runs that each park on an approval, and waits until all of them wait. */
  async function parkRuns(call: ApiRequest, agentId: string, count: number): Promise<RunView[]> {
    for (let index = 0; index < count; index += 1) await postRun(call, agentId, `parked ${index}`);
    let waiting: RunView[] = [];
    await waitUntil(
      `${count} runs waiting for approval`,
      async () => (waiting = await runsOf(call, 'waiting')).length === count,
      60_000,
    );
    return waiting;
  }

  it('starts and finishes a new run at once with the concurrent-run limit at 5 and 20 runs waiting', async () => {
    const { call, agents } = await tenantWithAgents('waiting-unblocked', 5, {
      approver: approvalSpec,
      quick: quickSpec,
    });
    // Four times the limit get through admission one after another: each frees its slot as it parks.
    const parked = await parkRuns(call, agents['approver'] ?? '', 20);
    expect(parked.every((run) => run.pendingApprovals.length === 1)).toBe(true);
    const posted = await postRun(call, agents['quick'] ?? '', 'next');
    const ended = (await (await call('GET', `/v1/runs/${posted.id}?wait=20`)).json()) as RunView;
    expect(ended.status).toBe('succeeded');
    expect(ended.queue).toBeUndefined();
    // At once: admitted as it was written, not after some waiting run ended (none has).
    expect(Date.parse(ended.startedAt ?? '') - Date.parse(ended.createdAt)).toBeLessThan(5_000);
    expect(await runsOf(call, 'waiting')).toHaveLength(20);
  });

  it('says where a queued run stands and which limit holds it', async () => {
    const { call, agents } = await tenantWithAgents('queue-reasons', 1, { sleeper: sleepingSpec(3) });
    const sleeper = agents['sleeper'] ?? '';
    const first = await postRun(call, sleeper, 'first');
    await waitUntil(
      'the first run to run',
      async () => ((await (await call('GET', `/v1/runs/${first.id}`)).json()) as RunView).status === 'running',
      20_000,
      50,
    );
    const second = await postRun(call, sleeper, 'second');
    const third = await postRun(call, sleeper, 'third');
    expect(second).toMatchObject({ status: 'queued', queue: { position: 1, reason: 'concurrent_runs', limit: 1 } });
    expect(third).toMatchObject({ status: 'queued', queue: { position: 2, reason: 'concurrent_runs', limit: 1 } });
    const read = (await (await call('GET', `/v1/runs/${third.id}`)).json()) as RunView;
    expect(read.queue).toEqual({ position: 2, reason: 'concurrent_runs', limit: 1 });
    const listed = new Map((await runsOf(call)).map((run) => [run.id, run]));
    expect(listed.get(first.id)?.queue).toBeUndefined();
    expect(listed.get(second.id)?.queue).toEqual({ position: 1, reason: 'concurrent_runs', limit: 1 });
    expect(listed.get(third.id)?.queue).toEqual({ position: 2, reason: 'concurrent_runs', limit: 1 });
    // Once the first has ended, the second is admitted and the third moves up.
    const secondRunning = await waitUntilStatus(call, second.id, 'running');
    expect(secondRunning.queue).toBeUndefined();
    expect(((await (await call('GET', `/v1/runs/${third.id}`)).json()) as RunView).queue).toEqual({
      position: 1,
      reason: 'concurrent_runs',
      limit: 1,
    });
  });

  it('pauses admission at the waiting cap and resumes it as soon as fewer runs wait', async () => {
    const { call, agents } = await tenantWithAgents('waiting-capped', null, {
      approver: approvalSpec,
      quick: quickSpec,
    });
    const parked = await parkRuns(call, agents['approver'] ?? '', maxWaitingRuns);
    const held = await postRun(call, agents['quick'] ?? '', 'held');
    expect(held.queue).toEqual({ position: 1, reason: 'waiting_runs', limit: maxWaitingRuns });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(((await (await call('GET', `/v1/runs/${held.id}`)).json()) as RunView).status).toBe('queued');
    const [decided] = parked as [RunView];
    const approval = await call('POST', `/v1/runs/${decided.id}/approvals/${decided.pendingApprovals[0]?.id}`, {
      decision: 'approve',
    });
    expect(approval.status).toBe(200);
    const ended = (await (await call('GET', `/v1/runs/${held.id}?wait=20`)).json()) as RunView;
    expect(ended.status).toBe('succeeded');
  });
});

/** Polls a run until it has `status`, and answers it. */
async function waitUntilStatus(call: ApiRequest, runId: string, status: string): Promise<RunView> {
  let run: RunView | undefined;
  await waitUntil(
    `run ${runId} to be ${status}`,
    async () => (run = (await (await call('GET', `/v1/runs/${runId}`)).json()) as RunView).status === status,
    20_000,
    50,
  );
  return run as RunView;
}
