import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AgentStepRequest } from '@agent-runtime/agents';
import {
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

async function jsonBody(request: IncomingMessage): Promise<AgentStepRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as AgentStepRequest;
}

/**
 * A worker process killed with kill -9 while an HTTP agent's step is in flight: the restarted
 * worker calls the same step again (same Idempotency-Key, same state), the completed step
 * before it is not repeated, and its tool call ran once.
 */
describe('an HTTP agent run after kill -9 of its worker', () => {
  let runtime: TestRuntime;
  let worker: ServiceProcess;
  let agentServer: Server;
  let agentUrl: string;
  const seen: { idempotencyKey: string | undefined; body: AgentStepRequest }[] = [];

  beforeAll(async () => {
    ({ runtime, worker } = await startWorkerProcessRuntime('http-agent-restart'));
    // Step 1 asks for the calculator; the first attempt of step 2 never answers (the worker
    // dies waiting); any later attempt answers with the final output.
    agentServer = createServer((request, response) => {
      void (async () => {
        const body = await jsonBody(request);
        seen.push({ idempotencyKey: request.headers['idempotency-key'] as string | undefined, body });
        if (body.step === 1) {
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end(
            JSON.stringify({
              actions: [{ type: 'tool_call', id: 'calc', name: 'calculator', arguments: { expression: '6 * 7' } }],
              state: { asked: true },
            }),
          );
          return;
        }
        if (seen.filter((entry) => entry.body.step === 2).length === 1) return;
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ actions: [{ type: 'final', output: { resumed: true } }] }));
      })();
    });
    await new Promise<void>((resolve) => agentServer.listen(0, '127.0.0.1', resolve));
    agentUrl = `http://127.0.0.1:${(agentServer.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await worker?.stop();
    agentServer?.closeAllConnections();
    await new Promise((resolve) => agentServer?.close(resolve));
    await runtime?.stop();
  });

  it(
    'calls the interrupted step again with the same key and state, and nothing before it',
    { timeout: 120_000 },
    async () => {
      const agentId = await createAgentWithSpec(runtime, 'http-restart', {
        agent: { kind: 'http', url: agentUrl },
        tools: [{ name: 'calculator' }],
      });
      worker.start();
      const runId = await startAgentRun(runtime, agentId, 'go');
      await restartWorkerWhen(
        worker,
        'the first attempt of step 2',
        () => seen.some((entry) => entry.body.step === 2),
        {
          seen: () => `steps seen: ${seen.map((entry) => entry.body.step).join()}`,
        },
      );

      const finished = await waitForRun(runtime, runId, 90_000);
      expect(finished, worker.stderrTail).toMatchObject({ status: 'succeeded', output: { resumed: true } });
      expect(seen.map((entry) => [entry.body.step, entry.idempotencyKey])).toEqual([
        [1, `${runId}:1`],
        [2, `${runId}:2`],
        [2, `${runId}:2`],
      ]);
      const [, interrupted, retried] = seen;
      expect(retried?.body.attempt).toBeGreaterThan(interrupted?.body.attempt ?? 1);
      expect(retried?.body.state).toEqual({ asked: true });
      expect(retried?.body.messages).toEqual(interrupted?.body.messages);
      const events = await runEventsOf(runtime, runId);
      expect(events.filter((event) => event.type === 'model.completed').map((event) => event.step)).toEqual([1, 2]);
      expect(events.filter((event) => event.type === 'tool.completed')).toHaveLength(1);
    },
  );
});
