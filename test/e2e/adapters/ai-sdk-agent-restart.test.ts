import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  agentsWorkerMain,
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

/**
 * A worker process killed with kill -9 while an AI SDK agent's model call is in flight (the
 * model server holds its answer): the restarted worker makes that call again, the completed
 * calls before it are not repeated (counted at the model server), and each tool `execute` ran
 * once (counted at the weather service it calls).
 */
describe('an AI SDK agent run after kill -9 of its worker', () => {
  let runtime: TestRuntime;
  let worker: ServiceProcess;
  let model: OpenAiCompatibleServer;
  let weatherService: Server;
  /** The cities `get_weather` asked the weather service for, in order. */
  const asked: string[] = [];

  beforeAll(async () => {
    model = await startOpenAiCompatibleServer();
    weatherService = createServer((request, response) => {
      const city = new URL(request.url ?? '/', 'http://localhost').searchParams.get('city') ?? '';
      asked.push(city);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ city, celsius: city === 'Oslo' ? 4 : 21 }));
    });
    await new Promise<void>((resolve) => weatherService.listen(0, '127.0.0.1', resolve));
    const weatherUrl = `http://127.0.0.1:${(weatherService.address() as AddressInfo).port}`;
    ({ runtime, worker } = await startWorkerProcessRuntime('ai-sdk-agent-restart', {
      workerMain: agentsWorkerMain,
      env: { AGENTS_TEST_URL: weatherUrl, AGENTS_TEST_MODEL_URL: model.baseUrl },
    }));
  });

  afterAll(async () => {
    await worker?.stop();
    await model?.close();
    weatherService?.closeAllConnections();
    await new Promise((resolve) => weatherService?.close(resolve));
    await runtime?.stop();
  });

  it(
    'makes the interrupted model call again, repeating no completed model call or tool execute',
    { timeout: 120_000 },
    async () => {
      const answer = 'Paris is 21 °C, 17 degrees warmer than Oslo.';
      model.enqueue(
        { kind: 'reply', toolCalls: [{ id: 'call_paris', name: 'get_weather', arguments: { city: 'Paris' } }] },
        {
          kind: 'reply',
          toolCalls: [
            { id: 'call_oslo', name: 'get_weather', arguments: { city: 'Oslo' } },
            { id: 'call_diff', name: 'calculator', arguments: { expression: '21 - 4' } },
          ],
        },
        // Step 3's first call: headers, then nothing; its worker dies waiting.
        { kind: 'hang' },
        { kind: 'reply', text: answer },
      );
      const agentId = await createAgentWithSpec(runtime, 'ai-sdk-restart', {
        agent: { kind: 'ai-sdk', name: 'weather' },
        tools: [{ name: 'calculator' }],
      });
      worker.start();
      const runId = await startAgentRun(runtime, agentId, 'Is Paris warmer than Oslo?');
      await restartWorkerWhen(worker, 'the model call of step 3', () => model.requests.length >= 3, {
        seen: () => `model requests: ${model.requests.length}`,
      });

      const finished = await waitForRun(runtime, runId, 90_000);
      expect(finished, worker.stderrTail).toMatchObject({
        status: 'succeeded',
        output: { text: answer },
        usage: { steps: 3, modelCalls: 3, toolCalls: 3 },
      });
      // Steps 1 and 2 once each; step 3 twice (the held call, then the one that answered),
      // with the same conversation both times.
      expect(model.requests.map((request) => request.answer?.kind)).toEqual(['reply', 'reply', 'hang', 'reply']);
      expect(model.requests.map((request) => request.body?.messages.length)).toEqual([2, 4, 7, 7]);
      expect(model.requests[3]?.body?.messages).toEqual(model.requests[2]?.body?.messages);
      expect(asked).toEqual(['Paris', 'Oslo']);
      const events = await runEventsOf(runtime, runId);
      expect(events.filter((event) => event.type === 'model.completed').map((event) => event.step)).toEqual([1, 2, 3]);
      expect(
        events.filter((event) => event.type === 'tool.completed').map((event) => [event.data['callId'], event.step]),
      ).toEqual([
        ['call_paris', 1],
        ['call_oslo', 2],
        ['call_diff', 2],
      ]);
    },
  );
});
