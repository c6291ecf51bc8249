import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import type { AgentStepRequest, CodeAgent } from '@agent-runtime/agents';
import {
  expectDeltasMatchStoredText,
  openSseConnection,
  startRunOfNewAgent,
  startTestRuntime,
  storedStepTexts,
  waitForRun,
  type SseMessage,
  type StreamedModelDelta,
  type TestRuntime,
} from '@agent-runtime/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Longer than the worker's 30 ms coalescing: each piece goes out as a delta of its own. */
const pieceGapMs = 60;

/**
 * Opens when the test's SSE connection got its first message: deltas are ephemeral, so the
 * agents below stream only once someone listens. Closed by {@link closeListening} before a
 * run starts, so that its first step cannot find an older, open gate.
 */
let listening: Promise<void> = Promise.resolve();

/** Closes the gate for the run about to start; the returned function opens it. */
function closeListening(): () => void {
  let open!: () => void;
  listening = new Promise((resolve) => (open = resolve));
  return open;
}

/** Step 1 streams its thoughts and asks for the calculator; step 2 streams the answer, leaving `text` out. */
const narrator: CodeAgent = async ({ step, messages, emitText }) => {
  const pieces = step === 1 ? ['Let me ', 'multiply ', 'six by seven.'] : ['The product ', 'is ', '42.'];
  if (step === 1) await listening;
  for (const piece of pieces) {
    emitText(piece);
    await delay(pieceGapMs);
  }
  if (step === 1) {
    return {
      text: pieces.join(''),
      toolCalls: [{ id: 'mul', name: 'calculator', arguments: { expression: '6 * 7' } }],
    };
  }
  const tool = messages.findLast((message) => message.role === 'tool');
  return { final: { product: tool?.role === 'tool' ? (JSON.parse(tool.content) as unknown) : null } };
};

/** How the streaming HTTP agent answers a run, by the run input's `script`. */
type Script = 'ok' | 'cut-once' | 'contradicts' | 'bad-delta';

async function jsonBody(request: IncomingMessage): Promise<AgentStepRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as AgentStepRequest;
}

async function sendEvent(response: ServerResponse, event: string, data: unknown, lineEnd = '\n'): Promise<void> {
  response.write(`event: ${event}${lineEnd}data: ${JSON.stringify(data)}${lineEnd}${lineEnd}`);
  await delay(pieceGapMs);
}

/**
 * Code and HTTP agents that stream their text, through the API and a real worker: the pieces
 * reach SSE readers as `model.delta` messages before the step is stored, and join to the
 * stored `model.completed` text.
 */
describe('streaming code and HTTP agents end to end', () => {
  let runtime: TestRuntime;
  let agentServer: Server;
  let agentUrl: string;
  /** Every `/step` request: its run, step, attempt and Accept header. */
  const seen: { runId: string; step: number; attempt: number; accept: string | undefined }[] = [];

  beforeAll(async () => {
    runtime = await startTestRuntime({ agents: { narrator } });
    agentServer = createServer((request, response) => {
      void (async () => {
        const body = await jsonBody(request);
        seen.push({ runId: body.runId, step: body.step, attempt: body.attempt, accept: request.headers.accept });
        const script = (body.input as { script: Script }).script;
        const lineEnd = script === 'cut-once' ? '\r\n' : '\n';
        response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store' });
        if (body.step === 1) await listening;
        response.write(': the agent is thinking\n\n');
        if (script === 'bad-delta') {
          response.end('event: delta\ndata: {"text": unquoted}\n\n');
          return;
        }
        if (script === 'cut-once' && body.step === 1 && body.attempt === 1) {
          await sendEvent(response, 'delta', { text: 'half a tho' }, lineEnd);
          response.end();
          return;
        }
        if (body.step === 1) {
          for (const text of ['Checking ', 'with the ', 'calculator ✓'])
            await sendEvent(response, 'delta', { text }, lineEnd);
          await sendEvent(
            response,
            'result',
            {
              actions: [
                { type: 'text', text: script === 'contradicts' ? 'Something else' : 'Checking with the calculator ✓' },
                { type: 'tool_call', id: 'calc-1', name: 'calculator', arguments: { expression: '6 * 7' } },
              ],
              state: { asked: true },
            },
            lineEnd,
          );
        } else {
          for (const text of ['6 × 7 ', '= 42']) await sendEvent(response, 'delta', { text }, lineEnd);
          // No text action: the streamed text is the step's text.
          await sendEvent(response, 'result', { actions: [{ type: 'final', output: { answer: 42 } }] }, lineEnd);
        }
        response.end();
      })();
    });
    await new Promise<void>((resolve) => agentServer.listen(0, '127.0.0.1', resolve));
    agentUrl = `http://127.0.0.1:${(agentServer.address() as AddressInfo).port}/agent`;
  });

  afterAll(async () => {
    await new Promise((resolve) => agentServer.close(resolve));
    await runtime.stop();
  });

  /**
   * Follows a run's SSE stream to its end, calling `open` (from {@link closeListening}, called
   * before the run started) at the first message, so the agents start streaming.
   */
  async function followRun(runId: string, open: () => void): Promise<SseMessage[]> {
    const messages: SseMessage[] = [];
    const end = await openSseConnection(`${runtime.url}/v1/runs/${runId}/events`, {
      headers: { authorization: `Bearer ${runtime.apiKey}` },
      onMessage: (message) => {
        messages.push(message);
        open();
      },
    });
    expect(end).toMatchObject({ status: 200, end: 'ended' });
    return messages;
  }

  /** The deltas each step streamed, in order. */
  function deltasByStep(messages: readonly SseMessage[]): Map<number, string[]> {
    const byStep = new Map<number, string[]>();
    for (const message of messages) {
      if (message.event !== 'model.delta') continue;
      const delta = JSON.parse(message.data) as StreamedModelDelta;
      byStep.set(delta.step, [...(byStep.get(delta.step) ?? []), delta.text]);
    }
    return byStep;
  }

  it("streams a code agent's emitText pieces over SSE, joined equal to each step's stored text", async () => {
    const open = closeListening();
    const runId = await startRunOfNewAgent(
      runtime,
      'streaming-code',
      { agent: { kind: 'code', name: 'narrator' }, tools: [{ name: 'calculator' }] },
      'go',
    );
    const messages = await followRun(runId, open);
    const run = await waitForRun(runtime, runId);
    expect(run, JSON.stringify(run.error)).toMatchObject({
      status: 'succeeded',
      output: { product: { ok: true, output: { value: 42 } } },
    });
    const texts = await storedStepTexts(runtime, runId);
    expect(texts).toEqual(
      new Map([
        [1, 'Let me multiply six by seven.'],
        [2, 'The product is 42.'],
      ]),
    );
    expectDeltasMatchStoredText(messages, texts);
    const deltas = deltasByStep(messages);
    expect(deltas.get(1)?.length).toBeGreaterThanOrEqual(2);
    expect(deltas.get(2)?.length).toBeGreaterThanOrEqual(2);
  });

  it("streams an HTTP agent's text/event-stream deltas over SSE, joined equal to each step's stored text", async () => {
    const open = closeListening();
    const runId = await startRunOfNewAgent(
      runtime,
      'streaming-http',
      { agent: { kind: 'http', url: agentUrl }, tools: [{ name: 'calculator' }] },
      { script: 'ok' },
    );
    const messages = await followRun(runId, open);
    const run = await waitForRun(runtime, runId);
    expect(run, JSON.stringify(run.error)).toMatchObject({ status: 'succeeded', output: { answer: 42 } });
    const texts = await storedStepTexts(runtime, runId);
    expect(texts).toEqual(
      new Map([
        [1, 'Checking with the calculator ✓'],
        [2, '6 × 7 = 42'],
      ]),
    );
    expectDeltasMatchStoredText(messages, texts);
    const deltas = deltasByStep(messages);
    expect(deltas.get(1)?.length).toBeGreaterThanOrEqual(2);
    expect(deltas.get(2)?.length).toBeGreaterThanOrEqual(2);
    // The runtime offers both answers; the agent picked the stream.
    const accepts = seen.filter((request) => request.runId === runId).map((request) => request.accept);
    expect(accepts).toEqual(['application/json, text/event-stream', 'application/json, text/event-stream']);
  });

  it('retries a cut HTTP agent stream, and fails a malformed or contradicting one at once', async () => {
    // Nobody follows these runs: the gate stays open.
    listening = Promise.resolve();
    const cut = await startRunOfNewAgent(
      runtime,
      'streaming-http-cut',
      { agent: { kind: 'http', url: agentUrl }, tools: [{ name: 'calculator' }] },
      { script: 'cut-once' },
    );
    expect(await waitForRun(runtime, cut)).toMatchObject({ status: 'succeeded', output: { answer: 42 } });
    expect(seen.filter((request) => request.runId === cut).map(({ step, attempt }) => [step, attempt])).toEqual([
      [1, 1],
      [1, 2],
      [2, 1],
    ]);
    expect((await storedStepTexts(runtime, cut)).get(1)).toBe('Checking with the calculator ✓');

    for (const [script, message] of [
      ['contradicts', 'returned a different text'],
      ['bad-delta', '"delta" event whose data is not JSON'],
    ] as const) {
      const runId = await startRunOfNewAgent(
        runtime,
        `streaming-http-${script}`,
        { agent: { kind: 'http', url: agentUrl } },
        { script },
      );
      const run = await waitForRun(runtime, runId);
      expect(run).toMatchObject({ status: 'failed', error: { code: 'agent_response_invalid', step: 1 } });
      expect((run.error as { message: string }).message).toContain(message);
      expect(seen.filter((request) => request.runId === runId)).toHaveLength(1);
    }
  });
});
