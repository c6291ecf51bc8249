import { listRunEvents } from '@agent-runtime/core';
import {
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
