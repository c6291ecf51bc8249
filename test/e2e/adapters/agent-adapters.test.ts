import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { agentStepProtocol, type AgentStepContext, type AgentStepRequest, type CodeAgent } from '@agent-runtime/agents';
import {
  runEventsOf,
  startRunOfNewAgent,
  startTestRuntime,
  waitForRun,
  type TestRuntime,
} from '@agent-runtime/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** What a `/step` request carried, as the test agent server saw it. */
interface SeenStep {
  readonly idempotencyKey: string | undefined;
  readonly authorization: string | undefined;
  readonly body: AgentStepRequest;
}

/** The result of the last tool message in a conversation, parsed. */
function lastToolResult(messages: AgentStepContext['messages']): unknown {
  const tool = messages.findLast((message) => message.role === 'tool');
  return tool?.role === 'tool' ? JSON.parse(tool.content) : undefined;
}

/**
 * A code agent that multiplies its way to 2^n: each step calls the calculator on the last
 * result, keeping the count in its state, and ends with a structured final output.
 */
const doubler: CodeAgent = ({ step, input, messages, state }) => {
  const goal = (input as { times: number }).times;
  const done = (state as { done?: number } | undefined)?.done ?? 0;
  const last = lastToolResult(messages) as { ok: true; output: { value: number } } | undefined;
  const value = last?.output.value ?? 1;
  if (done === goal)
    return { final: { value, steps: step }, state: { done }, usage: { inputTokens: 3, outputTokens: 1 } };
  return {
    text: `doubling ${value}`,
    toolCalls: [{ id: `double-${done}`, name: 'calculator', arguments: { expression: `${value} * 2` } }],
    state: { done: done + 1 },
    usage: { inputTokens: 3, outputTokens: 1 },
  };
};

/** Reads a request's JSON body. */
async function jsonBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

/**
 * Code and HTTP agents through the API and a real worker: the agent decides each step, the
 * runtime runs the tools it asks for as durable tool steps (approvals included), carries its
 * state, and maps its failures to clear run errors.
 */
describe('agent adapters end to end', () => {
  let runtime: TestRuntime;
  let agentServer: Server;
  let agentUrl: string;
  const seen: SeenStep[] = [];
  /** Answers the next `/step` requests get before the scripted agent logic, in order. */
  const failures: { status: number; body: string; headers?: Record<string, string> }[] = [];

  beforeAll(async () => {
    runtime = await startTestRuntime({ agents: { doubler } });
    expect((await runtime.request('POST', '/v1/secrets', { name: 'AGENT_TOKEN', value: 'tok-7f3e' })).status).toBe(201);
    // An HTTP agent over agent-runtime.step/v1: asks for one calculator call, then answers with its result.
    agentServer = createServer((request, response) => {
      void (async () => {
        const body = (await jsonBody(request)) as AgentStepRequest;
        seen.push({
          idempotencyKey: request.headers['idempotency-key'] as string | undefined,
          authorization: request.headers.authorization,
          body,
        });
        const failure = failures.shift();
        if (failure) {
          response.writeHead(failure.status, { 'content-type': 'application/json', ...failure.headers });
          response.end(failure.body);
          return;
        }
        const phase = (body.state as { phase?: string } | null)?.phase;
        const answer =
          phase === 'asked'
            ? {
                actions: [
                  { type: 'text', text: 'the answer is ' },
                  { type: 'final', output: { answer: lastToolResult(body.messages) } },
                ],
                state: { phase: 'done' },
              }
            : {
                actions: [{ type: 'tool_call', id: 'calc-1', name: 'calculator', arguments: { expression: '6 * 7' } }],
                state: { phase: 'asked' },
                usage: { inputTokens: 10, outputTokens: 5 },
              };
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify(answer));
      })();
    });
    await new Promise<void>((resolve) => agentServer.listen(0, '127.0.0.1', resolve));
    agentUrl = `http://127.0.0.1:${(agentServer.address() as AddressInfo).port}/agent`;
  });

  afterAll(async () => {
    await new Promise((resolve) => agentServer.close(resolve));
    await runtime.stop();
  });

  const httpSpec = (extra: Record<string, unknown> = {}) => ({
    agent: { kind: 'http', url: agentUrl, headers: { Authorization: { secret: 'AGENT_TOKEN', prefix: 'Bearer ' } } },
    tools: [{ name: 'calculator' }],
    ...extra,
  });

  it('runs a code agent: its tool calls run as runtime tool steps and its state reaches the next step', async () => {
    const runId = await startRunOfNewAgent(
      runtime,
      'code-doubler',
      { agent: { kind: 'code', name: 'doubler' }, tools: [{ name: 'calculator' }] },
      { times: 3 },
    );
    const run = await waitForRun(runtime, runId);
    expect(run).toMatchObject({
      status: 'succeeded',
      output: { value: 8, steps: 4 },
      usage: { steps: 4, modelCalls: 4, toolCalls: 3, inputTokens: 12, outputTokens: 4 },
    });
    const events = await runEventsOf(runtime, runId);
    expect(events.filter((event) => event.type === 'tool.completed').map((event) => event.step)).toEqual([1, 2, 3]);
    expect(events.find((event) => event.type === 'model.started')?.data).toEqual({ agent: 'code' });
  });

  it('fails a run whose code agent no worker registered, with a clear error', async () => {
    const runId = await startRunOfNewAgent(
      runtime,
      'code-missing',
      { agent: { kind: 'code', name: 'nobody' } },
      'hello',
    );
    const run = await waitForRun(runtime, runId);
    expect(run).toMatchObject({ status: 'failed', error: { code: 'agent_not_registered', step: 1 } });
    expect((run.error as { message: string }).message).toContain('no code agent "nobody" is registered on this worker');
  });

  it('runs an HTTP agent over agent-runtime.step/v1: tool call, state, final output, retried 503', async () => {
    seen.length = 0;
    failures.push({ status: 503, body: '{"error":"warming up"}', headers: { 'retry-after': '0' } });
    const runId = await startRunOfNewAgent(
      runtime,
      'http-calc',
      httpSpec({ instructions: 'be brief' }),
      'what is 6*7?',
    );
    const run = await waitForRun(runtime, runId);
    expect(run, JSON.stringify(run.error)).toMatchObject({
      status: 'succeeded',
      output: { answer: { ok: true, output: { value: 42 } } },
      usage: { steps: 2, toolCalls: 1, inputTokens: 10, outputTokens: 5 },
    });
    // Step 1 twice (the 503, then its retry, same idempotency key), then step 2 with the state of step 1.
    expect(seen.map((request) => [request.idempotencyKey, request.body.step, request.body.attempt])).toEqual([
      [`${runId}:1`, 1, 1],
      [`${runId}:1`, 1, 2],
      [`${runId}:2`, 2, 1],
    ]);
    const [first, , second] = seen;
    expect(first?.authorization).toBe('Bearer tok-7f3e');
    expect(first?.body).toMatchObject({
      protocol: agentStepProtocol,
      runId,
      input: 'what is 6*7?',
      instructions: 'be brief',
      state: null,
      messages: [{ role: 'user', content: 'what is 6*7?' }],
      tools: [expect.objectContaining({ name: 'calculator' })],
    });
    expect(second?.body.state).toEqual({ phase: 'asked' });
    expect(second?.body.messages.map((message) => message.role)).toEqual(['user', 'assistant', 'tool']);
    const events = await runEventsOf(runtime, runId);
    expect(events.filter((event) => event.type === 'tool.completed')).toHaveLength(1);
  });

  /** Waits until the run waits for `approvalId`, approves it, and waits for the run's end. */
  async function approveAndFinish(runId: string, approvalId: string) {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const run = (await (await runtime.request('GET', `/v1/runs/${runId}`)).json()) as {
        status: string;
        pendingApprovals: { id: string }[];
      };
      if (run.status === 'waiting' && run.pendingApprovals[0]) {
        expect(run.pendingApprovals[0].id).toBe(approvalId);
        break;
      }
      if (Date.now() > deadline) throw new Error(`no pending approval; run is ${run.status}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const approved = await runtime.request('POST', `/v1/runs/${runId}/approvals/${approvalId}`, {
      decision: 'approve',
    });
    expect(approved.status).toBe(200);
    return waitForRun(runtime, runId);
  }

  it('puts an HTTP agent tool call that needs approval through the approval flow', async () => {
    const runId = await startRunOfNewAgent(
      runtime,
      'http-approval',
      httpSpec({ tools: [{ name: 'calculator', requiresApproval: true }] }),
      'what is 6*7?',
    );
    expect(await approveAndFinish(runId, '1-calc-1')).toMatchObject({
      status: 'succeeded',
      output: { answer: { ok: true, output: { value: 42 } } },
    });
  });

  it('puts a code agent tool call that needs approval through the approval flow', async () => {
    const runId = await startRunOfNewAgent(
      runtime,
      'code-approval',
      { agent: { kind: 'code', name: 'doubler' }, tools: [{ name: 'calculator', requiresApproval: true }] },
      { times: 1 },
    );
    expect(await approveAndFinish(runId, '1-double-0')).toMatchObject({
      status: 'succeeded',
      output: { value: 2, steps: 2 },
    });
  });

  it('fails at once on a 4xx or an answer outside the protocol, naming the problem', async () => {
    seen.length = 0;
    failures.push({ status: 400, body: '{"error":"unknown field"}' });
    const rejectedRun = await startRunOfNewAgent(runtime, 'http-rejected', httpSpec(), 'hi');
    expect(await waitForRun(runtime, rejectedRun)).toMatchObject({
      status: 'failed',
      error: { code: 'agent_request_rejected', step: 1 },
    });
    failures.push({ status: 200, body: '{"actions":[{"type":"shout","text":"hi"}]}' });
    const invalidRun = await startRunOfNewAgent(runtime, 'http-invalid', httpSpec(), 'hi');
    const invalid = await waitForRun(runtime, invalidRun);
    expect(invalid).toMatchObject({ status: 'failed', error: { code: 'agent_response_invalid', step: 1 } });
    expect(JSON.stringify(invalid.error)).toContain(agentStepProtocol);
    // Neither was retried: one request each.
    expect(seen).toHaveLength(2);
  });
});
