import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createAgentWithSpec,
  langgraphWorkerMain,
  restartWorkerWhen,
  startWorkerProcessRuntime,
  type ServiceProcess,
  type TestRuntime,
} from '@agent-runtime/test-harness';
import { Client } from '@langchain/langgraph-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Part = { event: string; data: unknown; id?: string | undefined };

/**
 * A client reading a LangGraph run's stream leaves mid-run; the run's worker is killed with
 * kill -9 while the next super-step is in flight; the SDK's `joinStream` with the last event id
 * it had reads the rest once the restarted worker finishes the run. What it read before and
 * after is the whole stream, nothing lost or doubled.
 */
describe('LangGraph API: joinStream with Last-Event-ID across kill -9 of the worker', () => {
  let runtime: TestRuntime;
  let worker: ServiceProcess;
  let server: Server;
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
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    ({ runtime, worker } = await startWorkerProcessRuntime('langgraph-api-join', {
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

  it('completes the stream with nothing lost or doubled', { timeout: 120_000 }, async () => {
    await createAgentWithSpec(runtime, 'lg-join', { agent: { kind: 'langgraph', graph: 'fetcher' } });
    worker.start();
    const client = new Client({ apiUrl: `${runtime.url}/lg`, apiKey: runtime.apiKey });
    const thread = await client.threads.create();
    const streamMode = ['values', 'updates', 'messages-tuple'] as const;
    let runId = '';
    const before: Part[] = [];
    for await (const part of client.runs.stream(thread.thread_id, 'fetcher', {
      input: { topic: 'otters' },
      streamMode: [...streamMode],
      onRunCreated: (run) => (runId = run.run_id),
    })) {
      before.push(part);
      // The plan super-step's values are in: leave while write is (or is about to be) in flight.
      if (part.event === 'values' && (part.data as { outline?: string }).outline !== undefined) break;
    }
    await restartWorkerWhen(worker, 'the first write', () => seen.includes('write'));

    const after: Part[] = [];
    for await (const part of client.runs.joinStream(thread.thread_id, runId, {
      lastEventId: before.at(-1)?.id ?? '',
      streamMode: [...streamMode],
    })) {
      after.push(part);
    }
    const whole: Part[] = [];
    for await (const part of client.runs.joinStream(thread.thread_id, runId, { streamMode: [...streamMode] })) {
      whole.push(part);
    }
    const ids = (parts: Part[]) => parts.map((part) => part.id);
    expect(after.length, worker.stderrTail).toBeGreaterThan(0);
    expect(ids([...before, ...after])).toEqual(ids(whole));
    expect([...before, ...after].map(({ event, data }) => [event, data])).toEqual(
      whole.map(({ event, data }) => [event, data]),
    );
    expect(whole.at(-1)).toMatchObject({
      event: 'values',
      data: { topic: 'otters', outline: 'an outline', draft: 'a draft after an outline' },
    });
    expect(seen).toEqual(['plan', 'write', 'write']);
  });
});
