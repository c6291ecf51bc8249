import {
  createAgentWithSpec,
  startAgentRun,
  startWorkerProcessRuntime,
  waitForRun,
  waitUntil,
  type ServiceProcess,
  type TestRuntime,
} from '@agent-runtime/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface EventView {
  type: string;
  data: Record<string, unknown>;
}

/**
 * A run waits at a callback URL while its worker dies (kill -9): the POST arrives with no
 * worker running (the database takes it, Temporal keeps the wake-up signal), and the run
 * resumes with the posted JSON on the restarted worker.
 */
describe('a callback while the worker is down', () => {
  let runtime: TestRuntime;
  let worker: ServiceProcess;

  beforeAll(async () => {
    ({ runtime, worker } = await startWorkerProcessRuntime('callback-restart'));
    worker.start();
  });

  afterAll(async () => {
    await worker?.stop();
    await runtime?.stop();
  });

  async function events(runId: string): Promise<EventView[]> {
    const page = (await (await runtime.request('GET', `/v1/runs/${runId}/events?limit=1000`)).json()) as {
      items: EventView[];
    };
    return page.items;
  }

  it('resumes the run on the restarted worker', { timeout: 240_000 }, async () => {
    const agentId = await createAgentWithSpec(runtime, 'callback-restart', {
      model: {
        provider: 'scripted',
        replies: [
          { text: 'waiting', toolCalls: [{ id: 'job', name: 'await_job', arguments: { job: 'render' } }] },
          { text: 'rendered' },
        ],
      },
      tools: [{ kind: 'callback', name: 'await_job', timeoutSeconds: 600 }],
    });
    const runId = await startAgentRun(runtime, agentId, 'go');
    let url = '';
    // The first run waits for the worker process to be up.
    await waitUntil(
      'the callback URL',
      async () => {
        const waiting = (await events(runId)).find((event) => event.type === 'callback.waiting');
        url = String(waiting?.data['url'] ?? '');
        return waiting !== undefined;
      },
      90_000,
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${worker.stderrTail}`);
    });

    await worker.kill();
    const posted = await fetch(`${runtime.url}${url}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ frames: 240 }),
    });
    expect(posted.status, await posted.clone().text()).toBe(202);
    worker.start();

    expect((await waitForRun(runtime, runId, 90_000)).status, worker.stderrTail).toBe('succeeded');
    const completed = (await events(runId)).find((event) => event.type === 'tool.completed');
    expect(completed?.data).toMatchObject({ ok: true, output: { frames: 240 } });
  });
});
