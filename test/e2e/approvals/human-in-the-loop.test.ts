import { setTimeout as delay } from 'node:timers/promises';
import { listToolCalls } from '@agent-runtime/core';
import { startTestRuntime, waitForRun, type TestRuntime } from '@agent-runtime/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface RunView {
  id: string;
  status: string;
  pendingApprovals: { id: string; tool: string; callId: string; step: number; expiresAt: string | null }[];
  error: { code: string; step: number | null } | null;
}
interface EventView {
  seq: number;
  type: string;
  step: number | null;
  data: Record<string, unknown>;
}

describe('human in the loop and cancellation, over HTTP', () => {
  let runtime: TestRuntime;

  beforeAll(async () => {
    runtime = await startTestRuntime();
  });
  afterAll(() => runtime.stop());

  async function createAgent(name: string, spec: unknown): Promise<string> {
    const agent = (await (await runtime.request('POST', '/v1/agents', { name })).json()) as { id: string };
    const version = await runtime.request('POST', `/v1/agents/${agent.id}/versions`, { spec });
    expect(version.status).toBe(201);
    return agent.id;
  }

  async function startRun(agentId: string, extra: Record<string, unknown> = {}): Promise<string> {
    const response = await runtime.request('POST', '/v1/runs', { agentId, input: 'go', ...extra });
    expect(response.status).toBe(202);
    return ((await response.json()) as { id: string }).id;
  }

  async function getRun(runId: string): Promise<RunView> {
    return (await (await runtime.request('GET', `/v1/runs/${runId}`)).json()) as RunView;
  }

  async function events(runId: string): Promise<EventView[]> {
    const page = (await (await runtime.request('GET', `/v1/runs/${runId}/events?limit=1000`)).json()) as {
      items: EventView[];
    };
    return page.items;
  }

  async function waitUntil<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
    for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await delay(100)) {
      const value = await probe();
      if (value !== undefined) return value;
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  const waitForApproval = (runId: string) =>
    waitUntil('a pending approval', async () => {
      const run = await getRun(runId);
      return run.status === 'waiting' && run.pendingApprovals[0] ? run : undefined;
    });

  const waitForToolStart = (runId: string) =>
    waitUntil('the tool to start', async () =>
      (await events(runId)).some((event) => event.type === 'tool.started') ? true : undefined,
    );

  const approvalSpec = (approvals: Record<string, unknown> = {}) => ({
    model: {
      provider: 'scripted',
      replies: [
        { text: 'may I?', toolCalls: [{ id: 'pay', name: 'echo', arguments: { amount: 10 } }] },
        { text: 'done' },
      ],
    },
    tools: [{ name: 'echo', requiresApproval: true }],
    approvals,
  });

  it('waits for approval, shows it on the run, and resumes when approved', async () => {
    const runId = await startRun(await createAgent('approve-me', approvalSpec()));
    const waiting = await waitForApproval(runId);
    expect(waiting.pendingApprovals).toEqual([
      expect.objectContaining({ id: '1-pay', tool: 'echo', callId: 'pay', step: 1, expiresAt: null }),
    ]);
    const wrong = await runtime.request('POST', `/v1/runs/${runId}/approvals/9-nope`, { decision: 'approve' });
    expect(wrong.status).toBe(409);
    expect(await wrong.json()).toMatchObject({ code: 'approval_not_pending' });

    const approved = await runtime.request('POST', `/v1/runs/${runId}/approvals/1-pay`, {
      decision: 'approve',
      comment: 'fine',
    });
    expect(approved.status).toBe(200);
    expect(await approved.json()).toEqual({ approvalId: '1-pay', decision: 'approve' });
    const again = await runtime.request('POST', `/v1/runs/${runId}/approvals/1-pay`, { decision: 'reject' });
    expect(again.status).toBe(409);

    expect(await waitForRun(runtime, runId)).toMatchObject({ status: 'succeeded' });
    const log = await events(runId);
    expect(log.map((event) => event.type)).toEqual([
      'run.started',
      'model.started',
      'model.completed',
      'approval.requested',
      'approval.decided',
      'tool.started',
      'tool.completed',
      'model.started',
      'model.completed',
      'run.succeeded',
    ]);
    expect(log[4]?.data).toMatchObject({ approvalId: '1-pay', decision: 'approve', comment: 'fine' });
    expect((await getRun(runId)).pendingApprovals).toEqual([]);
  });

  it('gives a rejection back to the model instead of running the tool', async () => {
    const runId = await startRun(await createAgent('reject-me', approvalSpec()));
    await waitForApproval(runId);
    const rejected = await runtime.request('POST', `/v1/runs/${runId}/approvals/1-pay`, {
      decision: 'reject',
      comment: 'too much',
    });
    expect(rejected.status).toBe(200);
    expect(await waitForRun(runtime, runId)).toMatchObject({ status: 'succeeded' });
    const log = await events(runId);
    expect(log.some((event) => event.type === 'tool.started')).toBe(false);
    expect(await listToolCalls(runtime.database.db, runtime.tenantId, runId)).toEqual([]);
  });

  it('applies the approval deadline: reject by default, or fail the run', async () => {
    const rejectRun = await startRun(await createAgent('expire-reject', approvalSpec({ timeoutSeconds: 1 })));
    const failRun = await startRun(
      await createAgent('expire-fail', approvalSpec({ timeoutSeconds: 1, onTimeout: 'fail' })),
    );
    expect(await waitForRun(runtime, rejectRun)).toMatchObject({ status: 'succeeded' });
    const decided = (await events(rejectRun)).find((event) => event.type === 'approval.decided');
    expect(decided?.data).toMatchObject({ decision: 'expire', decidedBy: 'deadline' });
    expect(await waitForRun(runtime, failRun)).toMatchObject({
      status: 'failed',
      error: { code: 'approval_expired', step: 1 },
    });
  });

  it('delivers a message sent while waiting at the next model step', async () => {
    const runId = await startRun(await createAgent('chatty', approvalSpec()));
    await waitForApproval(runId);
    const sent = await runtime.request('POST', `/v1/runs/${runId}/messages`, { content: 'also check the date' });
    expect(sent.status).toBe(202);
    expect(await sent.json()).toMatchObject({ disposition: 'enqueued' });
    await runtime.request('POST', `/v1/runs/${runId}/approvals/1-pay`, { decision: 'approve' });
    expect(await waitForRun(runtime, runId)).toMatchObject({ status: 'succeeded' });
    const received = (await events(runId)).find((event) => event.type === 'message.received');
    expect(received).toMatchObject({ step: 2, data: { content: 'also check the date', interrupted: false } });
  });

  const napSpec = {
    model: {
      provider: 'scripted',
      replies: [
        { text: 'napping', toolCalls: [{ id: 'nap', name: 'sleep', arguments: { seconds: 30 } }] },
        { text: 'up' },
      ],
    },
    tools: [{ name: 'sleep' }],
  };

  it('refuses a message to a busy run whose policy is reject', async () => {
    const runId = await startRun(await createAgent('busy', napSpec), { messagePolicy: 'reject' });
    await waitForToolStart(runId);
    const refused = await runtime.request('POST', `/v1/runs/${runId}/messages`, { content: 'hello?' });
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ code: 'run_busy' });
    await runtime.request('POST', `/v1/runs/${runId}/cancel`);
    expect(await waitForRun(runtime, runId)).toMatchObject({ status: 'cancelled' });
  });

  it('interrupts the step in flight for a message when the policy says so', async () => {
    const runId = await startRun(await createAgent('interruptible', napSpec), { messagePolicy: 'interrupt' });
    await waitForToolStart(runId);
    const started = Date.now();
    const sent = await runtime.request('POST', `/v1/runs/${runId}/messages`, { content: 'wake up' });
    expect(await sent.json()).toMatchObject({ disposition: 'interrupted' });
    expect(await waitForRun(runtime, runId)).toMatchObject({ status: 'succeeded' });
    expect(Date.now() - started).toBeLessThan(15_000);
    const received = (await events(runId)).find((event) => event.type === 'message.received');
    expect(received).toMatchObject({ step: 2, data: { content: 'wake up', interrupted: true } });
  });

  it('cancels a run: the tool in flight stops and the run ends cancelled; cancelling again is 409', async () => {
    const runId = await startRun(await createAgent('cancel-me', napSpec));
    await waitForToolStart(runId);
    const cancelled = await runtime.request('POST', `/v1/runs/${runId}/cancel`);
    expect(cancelled.status).toBe(202);
    expect(await waitForRun(runtime, runId, 15_000)).toMatchObject({
      status: 'cancelled',
      error: { code: 'run_cancelled' },
    });
    const log = await events(runId);
    expect(log.at(-1)?.type).toBe('run.cancelled');
    expect(log.some((event) => event.type === 'tool.completed')).toBe(false);
    expect((await listToolCalls(runtime.database.db, runtime.tenantId, runId))[0]?.status).toBe('started');
    const again = await runtime.request('POST', `/v1/runs/${runId}/cancel`);
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: 'run_finished' });
    const message = await runtime.request('POST', `/v1/runs/${runId}/messages`, { content: 'late' });
    expect(message.status).toBe(409);
  });

  it('fails the run on a tool error when the tool says so, and returns it to the model otherwise', async () => {
    const spec = (onError: string) => ({
      model: {
        provider: 'scripted',
        replies: [{ toolCalls: [{ id: 'bad', name: 'calculator', arguments: { expression: '1 +' } }] }, { text: 'ok' }],
      },
      tools: [{ name: 'calculator', onError }],
    });
    const failing = await startRun(await createAgent('strict-tool', spec('fail')));
    const lenient = await startRun(await createAgent('lenient-tool', spec('return')));
    expect(await waitForRun(runtime, failing)).toMatchObject({
      status: 'failed',
      error: { code: 'invalid_expression', step: 1 },
    });
    expect(await waitForRun(runtime, lenient)).toMatchObject({ status: 'succeeded' });
  });

  it('retries model 429 and 5xx (honouring Retry-After) but not other 4xx', async () => {
    const flaky = await startRun(
      await createAgent('flaky-model', {
        model: {
          provider: 'scripted',
          replies: [{ text: 'finally', failures: [{ status: 429, retryAfterSeconds: 1 }, { status: 503 }] }],
        },
      }),
    );
    const rejected = await startRun(
      await createAgent('rejected-model', {
        model: { provider: 'scripted', replies: [{ text: 'never', failures: [{ status: 400 }] }] },
      }),
    );
    const started = Date.now();
    expect(await waitForRun(runtime, flaky)).toMatchObject({ status: 'succeeded', output: { text: 'finally' } });
    // Retry-After asked for a second before attempt 2; the default backoff adds two more before attempt 3.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect((await events(flaky)).filter((event) => event.type === 'model.started')).toHaveLength(1);
    expect(await waitForRun(runtime, rejected)).toMatchObject({
      status: 'failed',
      error: { code: 'model_request_rejected', step: 1 },
    });
  });
});
