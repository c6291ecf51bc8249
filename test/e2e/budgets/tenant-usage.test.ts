import { createApiKey } from '@agent-runtime/core';
import {
  createApiRequest,
  startOpenAiCompatibleServer,
  startTestRuntime,
  type ApiRequest,
  type OpenAiCompatibleServer,
  type ServerAnswer,
  type TestRuntime,
} from '@agent-runtime/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** $1 per million input tokens, $10 per million output tokens. */
const pricing = { inputPerMillionTokens: 1, outputPerMillionTokens: 10 };

/** A step: `prompt` input and `completion` output tokens; a tool call unless `final`. */
function answer(index: number, prompt: number, completion: number, final = false): ServerAnswer {
  return {
    kind: 'reply',
    text: `step ${index}`,
    ...(final ? {} : { toolCalls: [{ id: `call_${index}`, name: 'calculator', arguments: { expression: '1+1' } }] }),
    usage: { prompt, completion },
  };
}

interface UsageGroup {
  key: string;
  steps: number;
  runs: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  costUsd: number;
  [field: string]: unknown;
}

interface UsageReport {
  groupBy: string;
  since: string;
  until: string;
  items: UsageGroup[];
  nextCursor: string | null;
  total: Omit<UsageGroup, 'key'>;
}

/**
 * A tenant's monthly budget (new runs answer 402 `tenant_budget_exceeded`, running ones stop
 * before their next step) and `GET /v1/usage`, whose rollups match the steps the runs
 * recorded and never show another tenant's.
 */
describe('tenant budgets and usage', () => {
  let runtime: TestRuntime;
  let server: OpenAiCompatibleServer;

  beforeAll(async () => {
    runtime = await startTestRuntime();
    server = await startOpenAiCompatibleServer();
  });
  afterAll(async () => {
    await server.close();
    await runtime.stop();
  });

  /** A new tenant with the limits, and a caller holding its developer key. */
  async function tenant(name: string, limits: Record<string, unknown> = {}) {
    const created = await runtime.request('POST', '/v1/tenants', { name, limits });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const { key } = await createApiKey(runtime.database.db, { tenantId: id, name, roles: ['developer'] });
    return { tenantId: id, call: createApiRequest(runtime.url, key) };
  }

  async function agent(call: ApiRequest, name: string, model: string) {
    const created = (await (await call('POST', '/v1/agents', { name })).json()) as { id: string };
    const version = await call('POST', `/v1/agents/${created.id}/versions`, {
      spec: {
        model: { provider: 'openai-compatible', baseUrl: server.baseUrl, model, pricing },
        tools: [{ name: 'calculator' }],
      },
    });
    expect(version.status).toBe(201);
    return created.id;
  }

  async function runToEnd(call: ApiRequest, agentId: string) {
    const created = await call('POST', '/v1/runs', { agentId, input: 'go' });
    expect(created.status, await created.clone().text()).toBe(202);
    const { id } = (await created.json()) as { id: string };
    // The tenant's own key: the harness's waitForRun reads with the default tenant's.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const run = (await (await call('GET', `/v1/runs/${id}`)).json()) as {
        status: string;
        error: unknown;
        usage: Record<string, number>;
      };
      if (['succeeded', 'failed', 'cancelled', 'timed_out'].includes(run.status)) return { id, ...run };
      if (Date.now() > deadline) throw new Error(`run ${id} still ${run.status}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function usage(call: ApiRequest, query: string): Promise<UsageReport> {
    const response = await call('GET', `/v1/usage?${query}`);
    expect(response.status, await response.clone().text()).toBe(200);
    return (await response.json()) as UsageReport;
  }

  it('refuses new runs with 402 tenant_budget_exceeded once the month is spent; a running run stops before its next step', async () => {
    const { tenantId, call } = await tenant('budgeted', { monthlyCostUsd: 0.003 });
    const agentId = await agent(call, 'spender', 'local-llama');
    const before = server.requests.length;
    // $0.002 a step: after step 2 the tenant has spent $0.004 of $0.003; step 3 never begins.
    server.enqueue(answer(1, 1000, 100), answer(2, 1000, 100));
    const run = await runToEnd(call, agentId);
    expect(server.requests.length - before).toBe(2);
    expect(server.pending).toBe(0);
    expect(run).toMatchObject({
      status: 'failed',
      error: { code: 'tenant_budget_exceeded', step: 3 },
      usage: { modelCalls: 2, costUsd: 0.004 },
    });

    const refused = await call('POST', '/v1/runs', { agentId, input: 'again' });
    expect(refused.status).toBe(402);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(await refused.json()).toMatchObject({
      status: 402,
      code: 'tenant_budget_exceeded',
      monthlyCostUsd: 0.003,
      spentCostUsd: 0.004,
      monthlyTokens: null,
    });
    const tenantView = (await (await runtime.request('GET', `/v1/tenants/${tenantId}`)).json()) as {
      limits: Record<string, unknown>;
    };
    expect(tenantView.limits).toMatchObject({ monthlyCostUsd: 0.003, monthlyTokens: null });

    // A platform admin raises the budget: runs start again at once.
    const raised = await runtime.request('PATCH', `/v1/tenants/${tenantId}`, { limits: { monthlyCostUsd: 1 } });
    expect(raised.status).toBe(200);
    const audit = (await (
      await runtime.request('GET', `/v1/audit?action=tenant.limits_changed&targetId=${tenantId}`)
    ).json()) as { items: { details: unknown }[] };
    expect(audit.items.map((event) => event.details)).toEqual([{ limits: { monthlyCostUsd: 1 } }]);
    server.enqueue(answer(3, 1, 1, true));
    const again = await runToEnd(call, agentId);
    expect(again.status).toBe('succeeded');

    // A token budget refuses the same way.
    await runtime.request('PATCH', `/v1/tenants/${tenantId}`, { limits: { monthlyCostUsd: null, monthlyTokens: 100 } });
    const byTokens = await call('POST', '/v1/runs', { agentId, input: 'more' });
    expect(byTokens.status).toBe(402);
    expect(await byTokens.json()).toMatchObject({ code: 'tenant_budget_exceeded', monthlyTokens: 100 });
  });

  it('rolls usage up by agent, day and model, as the steps recorded it; another tenant sees none of it', async () => {
    const { call } = await tenant('usage-owner');
    const first = await agent(call, 'first', 'model-a');
    const second = await agent(call, 'second', 'model-b');
    server.enqueue(answer(1, 1000, 100), answer(2, 2000, 200, true));
    const runA = await runToEnd(call, first);
    server.enqueue(answer(1, 300, 30, true));
    const runB = await runToEnd(call, second);
    server.enqueue(answer(1, 500, 50, true));
    const runC = await runToEnd(call, first);
    expect([runA.status, runB.status, runC.status]).toEqual(['succeeded', 'succeeded', 'succeeded']);

    // The steps as their model.completed events recorded them, per agent.
    const stepsOf = async (runId: string) => {
      const page = (await (await call('GET', `/v1/runs/${runId}/events?limit=1000`)).json()) as {
        items: { type: string; data: { usage?: { inputTokens: number; outputTokens: number; costUsd: number } } }[];
      };
      return page.items.filter((event) => event.type === 'model.completed').map((event) => event.data.usage!);
    };
    const sum = (steps: { inputTokens: number; outputTokens: number; costUsd: number }[]) => ({
      steps: steps.length,
      inputTokens: steps.reduce((total, step) => total + step.inputTokens, 0),
      outputTokens: steps.reduce((total, step) => total + step.outputTokens, 0),
      costUsd: Math.round(steps.reduce((total, step) => total + step.costUsd, 0) * 1e10) / 1e10,
    });
    const firstSteps = [...(await stepsOf(runA.id)), ...(await stepsOf(runC.id))];
    const secondSteps = await stepsOf(runB.id);

    const byAgent = await usage(call, 'groupBy=agent');
    expect(byAgent.items).toHaveLength(2);
    expect(byAgent.items.find((item) => item.agentId === first)).toMatchObject({
      agentName: 'first',
      runs: 2,
      ...sum(firstSteps),
    });
    expect(byAgent.items.find((item) => item.agentId === second)).toMatchObject({
      agentName: 'second',
      runs: 1,
      ...sum(secondSteps),
    });
    expect(byAgent.total).toMatchObject({ runs: 3, ...sum([...firstSteps, ...secondSteps]) });
    expect(byAgent.total).toMatchObject({ steps: 4, inputTokens: 3800, outputTokens: 380, costUsd: 0.0076 });

    const byModel = await usage(call, 'groupBy=model');
    expect(byModel.items.map(({ key, provider, model, steps }) => ({ key, provider, model, steps }))).toEqual([
      { key: 'openai-compatible/model-a', provider: 'openai-compatible', model: 'model-a', steps: 3 },
      { key: 'openai-compatible/model-b', provider: 'openai-compatible', model: 'model-b', steps: 1 },
    ]);

    const today = new Date().toISOString().slice(0, 10);
    const byDay = await usage(call, 'groupBy=day');
    expect(byDay.items).toEqual([
      expect.objectContaining({ key: today, day: today, ...sum([...firstSteps, ...secondSteps]) }),
    ]);

    // Pages of groups, in key order.
    const page1 = await usage(call, 'groupBy=model&limit=1');
    expect(page1.items.map((item) => item.key)).toEqual(['openai-compatible/model-a']);
    const page2 = await usage(call, `groupBy=model&limit=1&cursor=${page1.nextCursor}`);
    expect(page2.items.map((item) => item.key)).toEqual(['openai-compatible/model-b']);
    expect(page2.nextCursor).toBeNull();

    // A period before the steps holds none of them.
    const past = await usage(call, 'groupBy=agent&since=2020-01-01T00:00:00Z&until=2020-02-01T00:00:00Z');
    expect(past.items).toEqual([]);
    expect(past.total).toMatchObject({ steps: 0, costUsd: 0 });

    // Another tenant (with its own steps) sees only its own.
    const other = await tenant('usage-other');
    const otherAgent = await agent(other.call, 'first', 'model-a');
    server.enqueue(answer(1, 7, 3, true));
    expect((await runToEnd(other.call, otherAgent)).status).toBe('succeeded');
    const otherUsage = await usage(other.call, 'groupBy=agent');
    expect(otherUsage.items.map((item) => item.agentId)).toEqual([otherAgent]);
    expect(otherUsage.total).toMatchObject({ steps: 1, inputTokens: 7, outputTokens: 3 });
    expect((await usage(call, 'groupBy=agent')).total).toEqual(byAgent.total);
  });

  it('validates the query', async () => {
    const { call } = await tenant('usage-validation');
    const status = async (query: string) => (await call('GET', `/v1/usage?${query}`)).status;
    expect(await status('')).toBe(422);
    expect(await status('groupBy=week')).toBe(422);
    expect(await status('groupBy=day&since=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z')).toBe(422);
    expect(await status('groupBy=day&since=2024-01-01T00:00:00Z&until=2026-01-01T00:00:00Z')).toBe(422);
    expect(await status('groupBy=day&since=yesterday')).toBe(422);
    expect(await status('groupBy=day&limit=0')).toBe(422);
    const problem = await (
      await call('GET', '/v1/usage?groupBy=day&since=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z')
    ).json();
    expect(problem).toMatchObject({ code: 'validation_failed', errors: [{ path: 'querystring.since' }] });
  });
});
