import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAiCompatibleServer, type OpenAiCompatibleServer } from '../harness/openai-compatible-server.ts';
import { waitForRun, type TestRuntime } from '../harness/runtime.ts';
import type { ServiceProcess } from '../harness/service-process.ts';
import { startWorkerProcessRuntime } from '../harness/worker-process-runtime.ts';
import { waitUntil } from '../harness/wait-until.ts';

const apiKey = 'sk-restart-model-key-90a1';

interface RunEvent {
  type: string;
  step: number | null;
}

/**
 * A worker process killed with kill -9 while it streams a model answer: the run resumes on
 * the restarted worker, the interrupted model call is made again, and the completed one
 * before it is not (counted at the model server).
 */
describe('a provider-model run after kill -9 of its worker', () => {
  let runtime: TestRuntime;
  let server: OpenAiCompatibleServer;
  let worker: ServiceProcess;

  beforeAll(async () => {
    ({ runtime, worker } = await startWorkerProcessRuntime('model-provider-restart'));
    server = await startOpenAiCompatibleServer({ apiKey });
  });

  afterAll(async () => {
    await worker?.stop();
    await server?.close();
    await runtime?.stop();
  });

  it('resumes without repeating the completed model call', { timeout: 120_000 }, async () => {
    const slowAnswer = 'I rested for a moment and am ready to continue with the task.';
    server.enqueue(
      { kind: 'reply', text: 'Resting first.', toolCalls: [{ id: 'nap', name: 'sleep', arguments: { seconds: 1 } }] },
      // Streamed slowly, so the worker dies in the middle of it.
      { kind: 'reply', text: slowAnswer, chunkSize: 2, chunkDelayMs: 250 },
      { kind: 'reply', text: slowAnswer },
    );
    expect((await runtime.request('POST', '/v1/secrets', { name: 'MODEL_KEY', value: apiKey })).status).toBe(201);
    const agent = (await (await runtime.request('POST', '/v1/agents', { name: 'napper' })).json()) as { id: string };
    const version = await runtime.request('POST', `/v1/agents/${agent.id}/versions`, {
      spec: {
        model: { provider: 'openai-compatible', baseUrl: server.baseUrl, model: 'local', apiKeySecret: 'MODEL_KEY' },
        tools: [{ name: 'sleep' }],
      },
    });
    expect(version.status).toBe(201);

    worker.start();
    const run = (await (
      await runtime.request('POST', '/v1/runs', { agentId: agent.id, input: 'nap, then talk' })
    ).json()) as {
      id: string;
    };
    // Mid-stream of step 2: its request arrived and a few chunks went out.
    await waitUntil('the second model request', () => server.requests.length >= 2, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await worker.kill();
    worker.start();

    const finished = await waitForRun(runtime, run.id, 90_000);
    expect(finished, worker.stderrTail).toMatchObject({ status: 'succeeded', output: { text: slowAnswer } });

    // Step 1 once; step 2 twice (the interrupted attempt, then the one that completed).
    expect(server.requests).toHaveLength(3);
    const conversationLengths = server.requests.map((request) => request.body?.messages.length);
    expect(conversationLengths).toEqual([1, 3, 3]);
    const events = (
      (await (await runtime.request('GET', `/v1/runs/${run.id}/events?limit=1000`)).json()) as {
        items: RunEvent[];
      }
    ).items;
    expect(events.filter((event) => event.type === 'model.completed').map((event) => event.step)).toEqual([1, 2]);
    expect(events.filter((event) => event.type === 'tool.completed')).toHaveLength(1);
  });
});
