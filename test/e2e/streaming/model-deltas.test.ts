import { listRunEvents, type ModelTextDelta } from '@agent-runtime/core';
import {
  approveCall,
  expectDeltasMatchStoredText,
  openSseConnection,
  readRunEventStream,
  seededRandom,
  startTestRuntime,
  storedStepTexts,
  streamingSpec,
  type SseMessage,
  type StreamedModelDelta,
  type TestRuntime,
  waitForPendingApproval,
  waitForRun,
} from '@agent-runtime/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('model text deltas over SSE (one API, in-process bus)', () => {
  let runtime: TestRuntime;
  let agentId: string;

  async function startRun(): Promise<string> {
    const response = await runtime.request('POST', '/v1/runs', { agentId, input: 'go' });
    expect(response.status).toBe(202);
    return ((await response.json()) as { id: string }).id;
  }

  beforeAll(async () => {
    runtime = await startTestRuntime({ database: 'postgres' });
    const agent = (await (await runtime.request('POST', '/v1/agents', { name: 'streamer' })).json()) as { id: string };
    expect((await runtime.request('POST', `/v1/agents/${agent.id}/versions`, { spec: streamingSpec })).status).toBe(
      201,
    );
    agentId = agent.id;
  });
  afterAll(() => runtime.stop());

  it('streams deltas with resumable ids before each step is stored, adding up to the stored text', async () => {
    const runId = await startRun();
    const messages: SseMessage[] = [];
    const end = await openSseConnection(`${runtime.url}/v1/runs/${runId}/events`, {
      headers: { authorization: `Bearer ${runtime.apiKey}` },
      onMessage: (message) => messages.push(message),
    });
    expect(end).toMatchObject({ status: 200, end: 'ended' });
    const texts = await storedStepTexts(runtime, runId);
    expect(texts.size).toBe(3);
    expectDeltasMatchStoredText(messages, texts);
    // Every step streamed, coalesced: fewer messages than pieces.
    const deltas = messages.filter((message) => message.event === 'model.delta');
    expect(new Set(deltas.map((message) => (JSON.parse(message.data) as StreamedModelDelta).step))).toEqual(
      new Set([1, 2, 3]),
    );
    // The stored events stream exactly as stored; JSON never returns deltas.
    const stored = await listRunEvents(runtime.database.db, runtime.tenantId, runId, { after: 0, limit: 1000 });
    expect(messages.filter((message) => message.event !== 'model.delta')).toEqual(
      stored.map((event) => ({ id: String(event.seq), event: event.type, data: JSON.stringify(event) })),
    );
    const page = (await (await runtime.request('GET', `/v1/runs/${runId}/events?limit=1000`)).json()) as {
      items: { type: string }[];
    };
    expect(page.items.map((event) => event.type)).not.toContain('model.delta');
    expect(page.items).toHaveLength(stored.length);
  });

  it('sends a delta published between the subscription and the read of the buffer once, and one published after the read too', async () => {
    // A run that waits for approval after step 1: step 2 is the next step, and nothing else streams.
    const gated = (await (await runtime.request('POST', '/v1/agents', { name: 'gated' })).json()) as { id: string };
    const spec = {
      model: {
        provider: 'scripted',
        replies: [{ toolCalls: [{ id: 'gate', name: 'sleep', arguments: { seconds: 0 } }] }, { text: 'done' }],
      },
      tools: [{ name: 'sleep', requiresApproval: true }],
    };
    expect((await runtime.request('POST', `/v1/agents/${gated.id}/versions`, { spec })).status).toBe(201);
    const response = await runtime.request('POST', '/v1/runs', { agentId: gated.id, input: 'go' });
    const runId = ((await response.json()) as { id: string }).id;
    await waitForPendingApproval(runtime, runId, '1-gate');
    const delta = (index: number): ModelTextDelta => ({ runId, step: 2, attempt: 1, index, text: `<${index}>` });
    await runtime.bus.publishDeltas(runId, [delta(0), delta(1)]);
    // The stream has subscribed when it reads the buffer: delta 2 goes out just before the
    // read (live and in the read), delta 3 just after it (live only).
    const readDeltas = runtime.bus.readDeltas.bind(runtime.bus);
    runtime.bus.readDeltas = async (id) => {
      runtime.bus.readDeltas = readDeltas;
      await runtime.bus.publishDeltas(runId, [delta(2)]);
      const kept = await readDeltas(id);
      await runtime.bus.publishDeltas(runId, [delta(3)]);
      return kept;
    };
    const received: SseMessage[] = [];
    const controller = new AbortController();
    await openSseConnection(`${runtime.url}/v1/runs/${runId}/events`, {
      headers: { authorization: `Bearer ${runtime.apiKey}` },
      signal: controller.signal,
      onMessage(message) {
        received.push(message);
        if (message.event === 'model.delta' && (JSON.parse(message.data) as StreamedModelDelta).index === 3) {
          controller.abort();
        }
      },
    });
    runtime.bus.readDeltas = readDeltas;
    const deltas = received.filter((message) => message.event === 'model.delta');
    expect(deltas.map((message) => (JSON.parse(message.data) as StreamedModelDelta).text)).toEqual([
      '<0>',
      '<1>',
      '<2>',
      '<3>',
    ]);
    expect(received.at(-5)?.event).toBe('approval.requested');
    await approveCall(runtime, runId, '1-gate');
    expect(await waitForRun(runtime, runId)).toMatchObject({ status: 'succeeded' });
  });

  it('keeps Last-Event-ID resumes exact while deltas flow between the stored events', async () => {
    const runIds = await Promise.all([1, 2, 3].map(() => startRun()));
    const streams = await Promise.all(
      runIds.map((runId, index) =>
        readRunEventStream(runId, {
          apiKey: runtime.apiKey,
          baseUrls: [runtime.url],
          drops: 6,
          dropAfterMessages: 6,
          random: seededRandom(7_000 + index),
        }),
      ),
    );
    let deltasSeen = 0;
    for (const [index, runId] of runIds.entries()) {
      const stored = await listRunEvents(runtime.database.db, runtime.tenantId, runId, { after: 0, limit: 1000 });
      expect(stored.at(-1)?.type).toBe('run.succeeded');
      expect(streams[index]?.events).toEqual(stored.map((event) => JSON.parse(JSON.stringify(event)) as unknown));
      expect(streams[index]?.drops).toBe(6);
      deltasSeen += streams[index]?.deltas.length ?? 0;
    }
    expect(deltasSeen).toBeGreaterThan(0);
  });
});
