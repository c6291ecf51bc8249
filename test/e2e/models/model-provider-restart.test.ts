import {
  createAgentWithSpec,
  restartWorkerWhen,
  runEventsOf,
  startAgentRun,
  startOpenAiCompatibleServer,
  startWorkerProcessRuntime,
  waitForRun,
  type OpenAiCompatibleServer,
  type ServiceProcess,
  type TestRuntime,
} from '@agent-runtime/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const apiKey = 'sk-restart-model-key-90a1';

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
    const agentId = await createAgentWithSpec(runtime, 'napper', {
      model: { provider: 'openai-compatible', baseUrl: server.baseUrl, model: 'local', apiKeySecret: 'MODEL_KEY' },
      tools: [{ name: 'sleep' }],
    });

    worker.start();
    const runId = await startAgentRun(runtime, agentId, 'nap, then talk');
    // Mid-stream of step 2: its request arrived and a few chunks went out.
    await restartWorkerWhen(worker, 'the second model request', () => server.requests.length >= 2, { afterMs: 1_000 });

    const finished = await waitForRun(runtime, runId, 90_000);
    expect(finished, worker.stderrTail).toMatchObject({ status: 'succeeded', output: { text: slowAnswer } });

    // Step 1 once; step 2 twice (the interrupted attempt, then the one that completed).
    expect(server.requests).toHaveLength(3);
    const conversationLengths = server.requests.map((request) => request.body?.messages.length);
    expect(conversationLengths).toEqual([1, 3, 3]);
    const events = await runEventsOf(runtime, runId);
    expect(events.filter((event) => event.type === 'model.completed').map((event) => event.step)).toEqual([1, 2]);
    expect(events.filter((event) => event.type === 'tool.completed')).toHaveLength(1);
  });
});
