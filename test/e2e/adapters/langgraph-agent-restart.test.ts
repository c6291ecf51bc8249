import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createAgentWithSpec,
  langgraphWorkerMain,
  restartWorkerWhen,
  runEventsOf,
  startAgentRun,
  startWorkerProcessRuntime,
  waitForRun,
  type ServiceProcess,
  type TestRuntime,
} from '@agent-runtime/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * A worker process killed with kill -9 while a LangGraph agent's second super-step is in
 * flight: the restarted worker runs that super-step again from the checkpoint the first one
 * wrote to PostgreSQL, and the first one (its node) does not run again.
 */
describe('a LangGraph agent run after kill -9 of its worker', () => {
  let runtime: TestRuntime;
  let worker: ServiceProcess;
  let server: Server;
  let url: string;
  /** The node requests the graph made, in order: `plan` or `write`. */
  const seen: string[] = [];

  beforeAll(async () => {
    // The first `write` never gets an answer: its worker dies waiting.
    server = createServer((request, response) => {
      const node = new URL(request.url ?? '/', 'http://localhost').pathname.slice(1);
      seen.push(node);
      if (node === 'write' && seen.filter((entry) => entry === 'write').length === 1) return;
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end(node === 'plan' ? 'an outline' : 'a draft');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    ({ runtime, worker } = await startWorkerProcessRuntime('langgraph-restart', {
      workerMain: langgraphWorkerMain,
      env: { LANGGRAPH_TEST_URL: url },
    }));
  });

  afterAll(async () => {
    await worker?.stop();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await runtime?.stop();
  });

  it(
    'runs the interrupted super-step again from its checkpoint, and not the one before',
    { timeout: 120_000 },
    async () => {
      const agentId = await createAgentWithSpec(runtime, 'lg-restart', {
        agent: { kind: 'langgraph', graph: 'fetcher', output: 'draft' },
      });
      worker.start();
      const runId = await startAgentRun(runtime, agentId, { topic: 'otters' });
      await restartWorkerWhen(worker, 'the first write', () => seen.includes('write'), {
        seen: () => `seen: ${seen.join()}`,
      });

      const finished = await waitForRun(runtime, runId, 90_000);
      expect(finished, worker.stderrTail).toMatchObject({ status: 'succeeded', output: 'a draft after an outline' });
      expect(seen).toEqual(['plan', 'write', 'write']);
      const events = await runEventsOf(runtime, runId);
      expect(events.filter((event) => event.type === 'model.completed').map((event) => event.step)).toEqual([1, 2]);
      const checkpoints = await runtime.database.db
        .selectFrom('langgraph_checkpoints')
        .select('checkpoint_id')
        .where('thread_id', '=', runId)
        .execute();
      expect(checkpoints.length).toBeGreaterThanOrEqual(3);
    },
  );
});
