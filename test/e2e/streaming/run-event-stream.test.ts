import { buildApp } from '@agent-runtime/api';
import { createApiKey, createLogger, createRun, createTenant, listRunEvents } from '@agent-runtime/core';
import {
  eventually,
  openSseConnection,
  readRunEventStream,
  seededRandom,
  startTestRuntime,
  waitForRun,
  waitUntil,
  type SseMessage,
  type TestRuntime,
} from '@agent-runtime/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Several steps with short sleeps, so that most events are recorded while a client streams. */
const steppingSpec = {
  model: {
    provider: 'scripted',
    replies: [
      {
        text: 'one',
        toolCalls: [
          { id: 'a', name: 'sleep', arguments: { seconds: 0.1 } },
          { id: 'b', name: 'echo', arguments: { n: 1 } },
        ],
      },
      { text: 'two', toolCalls: [{ id: 'c', name: 'sleep', arguments: { seconds: 0.15 } }] },
      { text: 'three', toolCalls: [{ id: 'd', name: 'echo', arguments: { n: 3 } }] },
      { text: 'four', toolCalls: [{ id: 'e', name: 'sleep', arguments: { seconds: 0.1 } }] },
      { text: 'five', toolCalls: [{ id: 'f', name: 'sleep', arguments: { seconds: 0.05 } }] },
      { text: 'done' },
    ],
  },
  tools: [{ name: 'sleep' }, { name: 'echo' }],
};

describe('run events over SSE and long polls (one API, in-process bus)', () => {
  let runtime: TestRuntime;
  let agentId: string;

  async function createAgent(name: string, spec: unknown): Promise<string> {
    const agent = (await (await runtime.request('POST', '/v1/agents', { name })).json()) as { id: string };
    expect((await runtime.request('POST', `/v1/agents/${agent.id}/versions`, { spec })).status).toBe(201);
    return agent.id;
  }

  async function startRun(forAgent = agentId): Promise<string> {
    const response = await runtime.request('POST', '/v1/runs', { agentId: forAgent, input: 'go' });
    expect(response.status).toBe(202);
    return ((await response.json()) as { id: string }).id;
  }

  async function storedEvents(runId: string) {
    return listRunEvents(runtime.database.db, runtime.tenantId, runId, { after: 0, limit: 10_000 });
  }

  beforeAll(async () => {
    runtime = await startTestRuntime({ database: 'postgres', live: { keepAliveMs: 200 } });
    agentId = await createAgent('stepper', steppingSpec);
  });
  afterAll(() => runtime.stop());

  it('streams id, event and data of every event, live, and ends after the terminal event', async () => {
    const runId = await startRun();
    const received: { message: SseMessage; at: number }[] = [];
    const end = await openSseConnection(`${runtime.url}/v1/runs/${runId}/events`, {
      headers: { authorization: `Bearer ${runtime.apiKey}` },
      onMessage: (message) => received.push({ message, at: Date.now() }),
    });
    expect(end).toMatchObject({ status: 200, end: 'ended' });
    expect(end.contentType).toMatch(/^text\/event-stream/);
    const stored = await storedEvents(runId);
    expect(stored.at(-1)?.type).toBe('run.succeeded');
    expect(received.map(({ message }) => message)).toEqual(
      stored.map((event) => ({ id: String(event.seq), event: event.type, data: JSON.stringify(event) })),
    );
    // Tailed, not replayed: the first events reached the client before the run had ended.
    const endedAt = Date.parse(stored.at(-1)?.createdAt ?? '');
    expect(received[0]?.at).toBeLessThan(endedAt);
    // Keep-alive comments while steps sleep (every 200 ms in this test).
    expect(end.comments).toBeGreaterThan(0);
    expect(runtime.bus).toBeDefined();
  });

  it('loses and repeats nothing when the client drops the connection at random points and resumes with Last-Event-ID', async () => {
    const runIds = await Promise.all([1, 2, 3, 4].map(() => startRun()));
    const streams = await Promise.all(
      runIds.map((runId, index) =>
        readRunEventStream(runId, {
          apiKey: runtime.apiKey,
          baseUrls: [runtime.url],
          drops: 10,
          random: seededRandom(1_000 + index),
        }),
      ),
    );
    for (const [index, runId] of runIds.entries()) {
      const stream = streams[index];
      const stored = await storedEvents(runId);
      expect(stored.length).toBeGreaterThan(20);
      // Most drops happen while the run is live; a run may end before the last ones are due.
      expect(stream?.drops).toBeGreaterThanOrEqual(5);
      expect(stream?.connections).toBe((stream?.drops ?? 0) + 1);
      expect(stream?.events).toEqual(stored);
      expect(stream?.messages.map((message) => Number(message.id))).toEqual(stored.map((event) => event.seq));
    }
    // Every stream, dropped or ended, gave its subscription back.
    await eventually(() => runtime.bus.subscribedRunCount === 0);
  });

  it('releases the stream of every client that leaves, even before its stream began', async () => {
    const slow = await createAgent('left-behind', {
      model: { provider: 'scripted', replies: [{ toolCalls: [{ name: 'sleep', arguments: { seconds: 30 } }] }, {}] },
      tools: [{ name: 'sleep' }],
    });
    const runId = await startRun(slow);
    const random = seededRandom(7);
    await Promise.all(
      Array.from({ length: 60 }, () => {
        const controller = new AbortController();
        setTimeout(() => controller.abort(), Math.floor(random() * 60));
        return openSseConnection(`${runtime.url}/v1/runs/${runId}/events`, {
          headers: { authorization: `Bearer ${runtime.apiKey}` },
          signal: controller.signal,
          onMessage: () => undefined,
        });
      }),
    );
    await eventually(() => runtime.bus.subscribedRunCount === 0);
    await runtime.request('POST', `/v1/runs/${runId}/cancel`);
  });

  it('replays a finished run from ?after= and ends at once when Last-Event-ID is its last event', async () => {
    const runId = await startRun();
    await waitForRun(runtime, runId);
    const stored = await storedEvents(runId);
    const replayed: SseMessage[] = [];
    const fromAfter = await openSseConnection(`${runtime.url}/v1/runs/${runId}/events?after=5`, {
      headers: { authorization: `Bearer ${runtime.apiKey}` },
      onMessage: (message) => replayed.push(message),
    });
    expect(fromAfter.end).toBe('ended');
    expect(replayed.map((message) => Number(message.id))).toEqual(stored.slice(5).map((event) => event.seq));

    const none: SseMessage[] = [];
    const atEnd = await openSseConnection(`${runtime.url}/v1/runs/${runId}/events?after=1`, {
      headers: { authorization: `Bearer ${runtime.apiKey}`, 'last-event-id': String(stored.length) },
      onMessage: (message) => none.push(message),
    });
    expect(atEnd).toMatchObject({ status: 200, end: 'ended' });
    expect(none).toEqual([]);

    // The JSON form is unchanged.
    const page = (await (await runtime.request('GET', `/v1/runs/${runId}/events?after=5&limit=2`)).json()) as {
      items: { seq: number }[];
      hasMore: boolean;
    };
    expect(page).toMatchObject({ items: [{ seq: 6 }, { seq: 7 }], hasMore: true });
  });

  it("answers 404 for another tenant's run, and 422 for a malformed Last-Event-ID", async () => {
    const runId = await startRun();
    const other = await createTenant(runtime.database.db, 'sse-other-tenant');
    const { key } = await createApiKey(runtime.database.db, { tenantId: other.id, name: 'other', roles: ['viewer'] });
    const headers = { authorization: `Bearer ${key}` };
    const foreign = await openSseConnection(`${runtime.url}/v1/runs/${runId}/events`, {
      headers,
      onMessage: () => undefined,
    });
    expect(foreign.status).toBe(404);
    expect(foreign.contentType).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(foreign.body)).toMatchObject({ code: 'not_found' });
    const waited = await fetch(`${runtime.url}/v1/runs/${runId}?wait=5`, { headers });
    expect(waited.status).toBe(404);

    const unauthenticated = await openSseConnection(`${runtime.url}/v1/runs/${runId}/events`, {
      onMessage: () => undefined,
    });
    expect(unauthenticated.status).toBe(401);
    const malformed = await openSseConnection(`${runtime.url}/v1/runs/${runId}/events`, {
      headers: { authorization: `Bearer ${runtime.apiKey}`, 'last-event-id': 'abc' },
      onMessage: () => undefined,
    });
    expect(malformed.status).toBe(422);
    await waitForRun(runtime, runId);
  });

  it('answers ?wait= as soon as the run ends, and after the timeout as it is when it does not', async () => {
    const sleeper = await createAgent('sleeper', {
      model: { provider: 'scripted', replies: [{ toolCalls: [{ name: 'sleep', arguments: { seconds: 1 } }] }, {}] },
      tools: [{ name: 'sleep' }],
    });
    const runId = await startRun(sleeper);
    const started = Date.now();
    const response = await runtime.request('GET', `/v1/runs/${runId}?wait=30`);
    const answeredAt = Date.now();
    expect(response.status).toBe(200);
    const run = (await response.json()) as { status: string; endedAt: string };
    expect(run.status).toBe('succeeded');
    expect(answeredAt - started).toBeGreaterThanOrEqual(1_000);
    // The terminal event woke the poll: far sooner than the 5 s database catch-up.
    expect(answeredAt - Date.parse(run.endedAt)).toBeLessThan(1_000);

    // A finished run answers at once.
    const again = Date.now();
    expect((await (await runtime.request('GET', `/v1/runs/${runId}?wait=30`)).json()) as object).toMatchObject({
      status: 'succeeded',
    });
    expect(Date.now() - again).toBeLessThan(1_000);

    const slow = await createAgent('slow', {
      model: { provider: 'scripted', replies: [{ toolCalls: [{ name: 'sleep', arguments: { seconds: 30 } }] }, {}] },
      tools: [{ name: 'sleep' }],
    });
    const slowRunId = await startRun(slow);
    const pollStarted = Date.now();
    const timedOut = (await (await runtime.request('GET', `/v1/runs/${slowRunId}?wait=1`)).json()) as {
      status: string;
    };
    expect(Date.now() - pollStarted).toBeGreaterThanOrEqual(1_000);
    expect(Date.now() - pollStarted).toBeLessThan(3_000);
    expect(['queued', 'running']).toContain(timedOut.status);

    const [waitedForCancel] = await Promise.all([
      runtime.request('GET', `/v1/runs/${slowRunId}?wait=30`).then((r) => r.json() as Promise<{ status: string }>),
      new Promise((resolve) => setTimeout(resolve, 200)).then(() =>
        runtime.request('POST', `/v1/runs/${slowRunId}/cancel`),
      ),
    ]);
    expect(waitedForCancel.status).toBe('cancelled');

    const tooLong = await runtime.request('GET', `/v1/runs/${runId}?wait=61`);
    expect(tooLong.status).toBe(422);
  });

  it('ends the stream and the long poll of a queued run that the API itself cancels', async () => {
    // Written without starting its workflow, as when Temporal was down: cancelling it is the
    // API's own write, published on the API's bus. Once the earlier tests' runs have ended:
    // an ending run admits the tenant's queued runs, which would start this one.
    await waitUntil(
      "the earlier tests' runs to end",
      async () => {
        const page = (await (await runtime.request('GET', '/v1/runs?limit=100')).json()) as {
          items: { status: string }[];
        };
        return page.items.every((item) => ['succeeded', 'failed', 'cancelled', 'timed_out'].includes(item.status));
      },
      20_000,
    );
    const { run } = await createRun(runtime.database.db, { tenantId: runtime.tenantId, agentId, input: 'hi' });
    const messages: SseMessage[] = [];
    const [stream, polled] = await Promise.all([
      openSseConnection(`${runtime.url}/v1/runs/${run.id}/events`, {
        headers: { authorization: `Bearer ${runtime.apiKey}` },
        onMessage: (message) => messages.push(message),
      }),
      runtime.request('GET', `/v1/runs/${run.id}?wait=30`).then((r) => r.json() as Promise<{ status: string }>),
      new Promise((resolve) => setTimeout(resolve, 300)).then(() =>
        runtime.request('POST', `/v1/runs/${run.id}/cancel`),
      ),
    ]);
    expect(stream.end).toBe('ended');
    expect(
      messages.map((message) => message.event),
      JSON.stringify(messages),
    ).toEqual(['run.cancelled']);
    expect(polled.status).toBe('cancelled');
  });

  it('cuts open streams and answers waiting long polls when the API closes, instead of holding it open', async () => {
    const slow = await createAgent('closing', {
      model: { provider: 'scripted', replies: [{ toolCalls: [{ name: 'sleep', arguments: { seconds: 30 } }] }, {}] },
      tools: [{ name: 'sleep' }],
    });
    const [runId, polledRunId] = await Promise.all([startRun(slow), startRun(slow)]);
    const app = await buildApp({
      config: runtime.config,
      db: runtime.database.db,
      temporal: runtime.temporal,
      logger: createLogger('silent', 'closing-app'),
      bus: runtime.bus,
    });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    const headers = { authorization: `Bearer ${runtime.apiKey}` };
    const stream = openSseConnection(`${url}/v1/runs/${runId}/events`, { headers, onMessage: () => undefined });
    const poll = fetch(`${url}/v1/runs/${polledRunId}?wait=60`, { headers });
    await eventually(() => runtime.bus.subscribedRunCount === 2);
    const closing = Date.now();
    await app.close();
    expect(Date.now() - closing).toBeLessThan(2_000);
    // Cut, not ended: the client must reconnect (elsewhere) with Last-Event-ID.
    expect(await stream).toMatchObject({ status: 200, end: 'dropped' });
    const polled = await poll;
    expect(polled.status).toBe(200);
    expect(((await polled.json()) as { status: string }).status).not.toMatch(/succeeded|failed/);
    await eventually(() => runtime.bus.subscribedRunCount === 0);
    await Promise.all([runId, polledRunId].map((id) => runtime.request('POST', `/v1/runs/${id}/cancel`)));
  });

  it('documents the stream in OpenAPI', async () => {
    const document = (await (await fetch(`${runtime.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>>;
    };
    const content = document.paths['/v1/runs/{runId}/events']?.['get']?.responses['200']?.content ?? {};
    expect(Object.keys(content).sort()).toEqual(['application/json', 'text/event-stream']);
    expect(JSON.stringify(document.paths['/v1/runs/{runId}']?.['get'])).toContain('"wait"');
  });
});
