import { startTestRuntime, waitForRun, type TestRuntime } from '@agent-runtime/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('a run over HTTP on PostgreSQL and Temporal', () => {
  let runtime: TestRuntime;
  beforeAll(async () => {
    runtime = await startTestRuntime({ database: 'postgres' });
  });
  afterAll(() => runtime.stop());

  it('creates an agent and a version, runs it to success, and records gap-free ordered events', async () => {
    const agentResponse = await runtime.request('POST', '/v1/agents', { name: 'e2e-agent' });
    expect(agentResponse.status).toBe(201);
    const agent = (await agentResponse.json()) as { id: string };

    const spec = {
      model: {
        provider: 'scripted',
        replies: [
          {
            text: 'calculating',
            toolCalls: [
              { id: 'a', name: 'calculator', arguments: { expression: '(2 + 3) * 4' } },
              { id: 'b', name: 'echo', arguments: { hello: 'world' } },
            ],
          },
          { text: 'done', toolCalls: [{ name: 'calculator', arguments: { expression: '1 +' } }] },
          { text: 'The answer is 20.' },
        ],
      },
      tools: [{ name: 'calculator' }, { name: 'echo' }],
    };
    const versionResponse = await runtime.request('POST', `/v1/agents/${agent.id}/versions`, { spec });
    expect(versionResponse.status).toBe(201);
    expect(await versionResponse.json()).toMatchObject({ version: 1, agentId: agent.id });

    const runResponse = await runtime.request('POST', '/v1/runs', { agentId: agent.id, input: 'go' });
    expect(runResponse.status).toBe(202);
    const created = (await runResponse.json()) as { id: string; status: string; agentVersion: number };
    expect(created).toMatchObject({ status: 'queued', agentVersion: 1 });

    const run = await waitForRun(runtime, created.id);
    expect(run).toMatchObject({
      status: 'succeeded',
      output: { text: 'The answer is 20.' },
      error: null,
      usage: { steps: 3, modelCalls: 3, toolCalls: 3 },
    });

    const eventsResponse = await runtime.request('GET', `/v1/runs/${created.id}/events`);
    const { items: events } = (await eventsResponse.json()) as {
      items: { seq: number; type: string; step: number | null; data: Record<string, unknown> }[];
    };
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
    expect(events.map((event) => `${event.type}${event.step === null ? '' : `@${event.step}`}`)).toEqual([
      'run.started',
      'model.started@1',
      'model.completed@1',
      'tool.started@1',
      'tool.completed@1',
      'tool.started@1',
      'tool.completed@1',
      'model.started@2',
      'model.completed@2',
      'tool.started@2',
      'tool.completed@2',
      'model.started@3',
      'model.completed@3',
      'run.succeeded',
    ]);
    expect(events[4]?.data).toMatchObject({ callId: 'a', ok: true, output: { value: 20 } });
    expect(events[6]?.data).toMatchObject({ callId: 'b', ok: true, output: { hello: 'world' } });
    // A bad expression goes back to the model as an error result; the run carries on.
    expect(events[10]?.data).toMatchObject({ ok: false, error: { code: 'invalid_expression' } });

    const afterResponse = await runtime.request('GET', `/v1/runs/${created.id}/events?after=12`);
    const after = (await afterResponse.json()) as { items: { seq: number }[]; hasMore: boolean };
    expect(after.items.map((event) => event.seq)).toEqual([13, 14]);
    expect(after.hasMore).toBe(false);
  });

  it('fails a run that reaches maxSteps without a final answer', async () => {
    const agent = (await (await runtime.request('POST', '/v1/agents', { name: 'looper' })).json()) as { id: string };
    await runtime.request('POST', `/v1/agents/${agent.id}/versions`, {
      spec: {
        model: { provider: 'scripted', replies: [{ toolCalls: [{ name: 'echo', arguments: {} }] }] },
        tools: [{ name: 'echo' }],
        limits: { maxSteps: 3 },
      },
    });
    const created = (await (await runtime.request('POST', '/v1/runs', { agentId: agent.id, input: {} })).json()) as {
      id: string;
    };
    const run = await waitForRun(runtime, created.id);
    expect(run).toMatchObject({ status: 'failed', error: { code: 'max_steps_exceeded', step: 3 } });
  });

  it('times a run out at its deadline', async () => {
    const agent = (await (await runtime.request('POST', '/v1/agents', { name: 'sleeper' })).json()) as { id: string };
    await runtime.request('POST', `/v1/agents/${agent.id}/versions`, {
      spec: {
        model: { provider: 'scripted', replies: [{ toolCalls: [{ name: 'sleep', arguments: { seconds: 30 } }] }] },
        tools: [{ name: 'sleep' }],
        limits: { timeoutSeconds: 1 },
      },
    });
    const created = (await (await runtime.request('POST', '/v1/runs', { agentId: agent.id, input: {} })).json()) as {
      id: string;
    };
    const run = await waitForRun(runtime, created.id);
    expect(run).toMatchObject({ status: 'timed_out', error: { code: 'run_timed_out' } });
  });
});
