import {
  createAgentWithSpec,
  restartWorkerWhen,
  startOpenAiCompatibleServer,
  startWorkerProcessRuntime,
  waitForRun,
  type OpenAiCompatibleServer,
  type ServiceProcess,
  type TestRuntime,
} from '@agent-runtime/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * A thread whose worker is killed with kill -9 in the middle of its second turn: the turn
 * finishes on the restarted worker and the thread goes on, with no message lost or
 * duplicated, and the third turn still sees the first.
 */
describe('a thread after kill -9 of its worker mid-turn', () => {
  let runtime: TestRuntime;
  let worker: ServiceProcess;
  let server: OpenAiCompatibleServer;

  beforeAll(async () => {
    server = await startOpenAiCompatibleServer();
    ({ runtime, worker } = await startWorkerProcessRuntime('thread-restart'));
    worker.start();
  });

  afterAll(async () => {
    await worker?.stop();
    await runtime?.stop();
    await server?.close();
  });

  it('continues the thread with every message once, in order', { timeout: 240_000 }, async () => {
    const agentId = await createAgentWithSpec(runtime, 'thread-restart', {
      model: { provider: 'openai-compatible', baseUrl: server.baseUrl, model: 'llama' },
    });
    const threadId = ((await (await runtime.request('POST', '/v1/threads', {})).json()) as { id: string }).id;
    const turn = async (input: string) => {
      const created = await runtime.request('POST', `/v1/threads/${threadId}/runs`, { agentId, input });
      expect(created.status).toBe(202);
      return ((await created.json()) as { id: string }).id;
    };

    server.enqueue({ kind: 'reply', text: 'hello Ada' });
    // The first run waits for the worker process to be up.
    const first = await waitForRun(runtime, await turn('my name is Ada'), 90_000);
    expect(first.status, worker.stderrTail).toBe('succeeded');

    // The second turn's model call hangs; the worker dies with it in flight.
    server.enqueue({ kind: 'hang' }, { kind: 'reply', text: 'tea it is' });
    const second = await turn('I like tea');
    await restartWorkerWhen(worker, 'the second turn is in flight', () => server.pending === 1);
    expect((await waitForRun(runtime, second, 60_000)).status).toBe('succeeded');

    server.enqueue({ kind: 'reply', text: 'your name is Ada' });
    expect((await waitForRun(runtime, await turn('what is my name?'))).status).toBe('succeeded');
    const seen = (server.requests.at(-1)?.body?.messages ?? []).map((message) => String(message.content));
    expect(seen).toEqual(['my name is Ada', 'hello Ada', 'I like tea', 'tea it is', 'what is my name?']);

    const page = (await (await runtime.request('GET', `/v1/threads/${threadId}/messages`)).json()) as {
      items: { seq: number; message: { content: string } }[];
    };
    expect(page.items.map((item) => `${item.seq}:${item.message.content}`)).toEqual([
      '1:my name is Ada',
      '2:hello Ada',
      '3:I like tea',
      '4:tea it is',
      '5:what is my name?',
      '6:your name is Ada',
    ]);
  });
});
