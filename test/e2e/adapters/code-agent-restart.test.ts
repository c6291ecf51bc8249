import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  agentsWorkerMain,
  createAgentWithSpec,
  restartWorkerWhen,
  runEventsOf,
  startAgentRun,
  startWorkerProcessRuntime,
  waitForRun,
  type ServiceProcess,
  type TestRuntime,
} from '@agent-runtime/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

async function jsonBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

/** A decision step of the code agent, as it reported itself before deciding. */
interface SeenDecision {
  readonly step: number;
  readonly attempt: number;
  readonly state: unknown;
}

/**
 * A worker process killed with kill -9 while a code agent's decision step is in flight: the
 * restarted worker runs that step again with the state the step before it returned, and
 * neither that step nor its tool call runs again.
 */
describe('a code agent run after kill -9 of its worker', () => {
  let runtime: TestRuntime;
  let worker: ServiceProcess;
  let server: Server;
  let url: string;
  const decisions: SeenDecision[] = [];
  /** Each call of the `double` HTTP tool: its input and Idempotency-Key. */
  const doublings: { value: number; idempotencyKey: string | undefined }[] = [];

  beforeAll(async () => {
    // `/decide` of step 2 never answers the first time: its worker dies waiting.
    server = createServer((request, response) => {
      void (async () => {
        const body = await jsonBody(request);
        if (request.url === '/double') {
          const { value } = body as { value: number };
          doublings.push({ value, idempotencyKey: request.headers['idempotency-key'] as string | undefined });
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ value: value * 2 }));
          return;
        }
        const decision = body as SeenDecision;
        decisions.push(decision);
        if (decision.step === 2 && decisions.filter((seen) => seen.step === 2).length === 1) return;
        response.writeHead(204).end();
      })();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    ({ runtime, worker } = await startWorkerProcessRuntime('code-agent-restart', {
      workerMain: agentsWorkerMain,
      env: { AGENTS_TEST_URL: url },
    }));
  });

  afterAll(async () => {
    await worker?.stop();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await runtime?.stop();
  });

  it(
    'runs the interrupted decision step again with the state before it, repeating no completed step or tool call',
    { timeout: 120_000 },
    async () => {
      const agentId = await createAgentWithSpec(runtime, 'code-restart', {
        agent: { kind: 'code', name: 'doubler' },
        tools: [
          {
            kind: 'http',
            name: 'double',
            url: `${url}/double`,
            input: { type: 'object', properties: { value: { type: 'number' } }, required: ['value'] },
          },
        ],
      });
      worker.start();
      const runId = await startAgentRun(runtime, agentId, { times: 2 });
      await restartWorkerWhen(worker, 'the first attempt of step 2', () => decisions.some((seen) => seen.step === 2), {
        seen: () => `steps seen: ${decisions.map((seen) => seen.step).join()}`,
      });

      const finished = await waitForRun(runtime, runId, 90_000);
      expect(finished, worker.stderrTail).toMatchObject({
        status: 'succeeded',
        output: { value: 4, doublings: 2 },
        usage: { steps: 3, toolCalls: 2 },
      });
      // Step 1 once, step 2 twice (the interrupted attempt, then the retry), step 3 once.
      expect(decisions.map((seen) => seen.step)).toEqual([1, 2, 2, 3]);
      const [first, interrupted, retried, last] = decisions;
      expect(first?.state).toBeNull();
      expect(retried?.attempt).toBeGreaterThan(interrupted?.attempt ?? 1);
      expect(interrupted?.state).toEqual({ done: 1 });
      expect(retried?.state).toEqual({ done: 1 });
      expect(last?.state).toEqual({ done: 2 });
      // Each tool call ran once, under its own idempotency key.
      expect(doublings).toEqual([
        { value: 1, idempotencyKey: `${runId}:1:double-0` },
        { value: 2, idempotencyKey: `${runId}:2:double-1` },
      ]);
      const events = await runEventsOf(runtime, runId);
      expect(events.filter((event) => event.type === 'model.completed').map((event) => event.step)).toEqual([1, 2, 3]);
      expect(events.filter((event) => event.type === 'tool.completed').map((event) => event.step)).toEqual([1, 2]);
    },
  );
});
