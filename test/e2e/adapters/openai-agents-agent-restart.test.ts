import {
  createAgentWithSpec,
  openaiAgentsWorkerMain,
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
 * A worker process killed with kill -9 while an OpenAI agent's third model call streams,
 * after a handoff and a tool call: the restarted worker makes that call again, as the agent
 * handed off to, and no completed model call or tool call is repeated (counted at the model
 * server and in the run's events).
 */
describe('an OpenAI Agents SDK agent run after kill -9 of its worker', () => {
  let runtime: TestRuntime;
  let server: OpenAiCompatibleServer;
  let worker: ServiceProcess;

  beforeAll(async () => {
    server = await startOpenAiCompatibleServer();
    ({ runtime, worker } = await startWorkerProcessRuntime('openai-agents-restart', {
      workerMain: openaiAgentsWorkerMain,
      env: { OPENAI_AGENTS_TEST_URL: server.baseUrl },
    }));
  });

  afterAll(async () => {
    await worker?.stop();
    await server?.close();
    await runtime?.stop();
  });

  it('resumes as the handed-off agent without repeating a completed model call', { timeout: 120_000 }, async () => {
    const slowAnswer = 'Oslo is at 4 °C right now; bring a warm coat and gloves.';
    server.enqueue(
      { kind: 'reply', toolCalls: [{ id: 'call_h', name: 'transfer_to_specialist', arguments: {} }] },
      { kind: 'reply', toolCalls: [{ id: 'call_w', name: 'get_weather', arguments: { city: 'Oslo' } }] },
      // Streamed slowly, so the worker dies in the middle of it.
      { kind: 'reply', text: slowAnswer, chunkSize: 2, chunkDelayMs: 250 },
      { kind: 'reply', text: slowAnswer },
    );
    const agentId = await createAgentWithSpec(runtime, 'oai-restart', {
      agent: { kind: 'openai-agents', name: 'triage' },
    });
    worker.start();
    const runId = await startAgentRun(runtime, agentId, 'How cold is Oslo?');
    // Mid-stream of step 3: its request arrived and a few chunks went out.
    await restartWorkerWhen(worker, 'the third model request', () => server.requests.length >= 3, { afterMs: 1_000 });

    const finished = await waitForRun(runtime, runId, 90_000);
    expect(finished, worker.stderrTail).toMatchObject({
      status: 'succeeded',
      output: { text: slowAnswer },
      usage: { modelCalls: 3, toolCalls: 2 },
    });
    // Steps 1 and 2 once; step 3 twice (the interrupted attempt, then the one that completed).
    expect(server.requests).toHaveLength(4);
    expect(server.requests.map((request) => request.body?.messages.length)).toEqual([2, 4, 6, 6]);
    expect(server.requests.map((request) => request.body?.messages[0]?.content)).toEqual([
      'Route the question.',
      'You are the weather specialist.',
      'You are the weather specialist.',
      'You are the weather specialist.',
    ]);
    const events = await runEventsOf(runtime, runId);
    const completed = events.filter((event) => event.type === 'model.completed');
    expect(completed.map((event) => [event.step, event.data['agentName']])).toEqual([
      [1, 'triage'],
      [2, 'specialist'],
      [3, 'specialist'],
    ]);
    expect(events.filter((event) => event.type === 'tool.completed').map((event) => event.data['callId'])).toEqual([
      'call_h',
      'call_w',
    ]);
  });
});
