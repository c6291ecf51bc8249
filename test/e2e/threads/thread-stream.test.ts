import {
  createAgentWithSpec,
  expectDeltasMatchStoredText,
  openSseConnection,
  seededRandom,
  startTestRuntime,
  storedStepTexts,
  streamingSpec,
  waitForRun,
  type SseMessage,
  type TestRuntime,
} from '@agent-runtime/test-harness';
import { listRunEvents } from '@agent-runtime/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const terminalTypes = new Set(['run.succeeded', 'run.failed', 'run.cancelled', 'run.timed_out']);

/** A message of a thread's stream, split into its run and the id it has on that run's stream. */
function onRun(message: SseMessage): { runId: string; message: SseMessage } {
  const [runId = '', id] = (message.id ?? '').split('/');
  return { runId, message: { ...message, id } };
}

/**
 * A thread's event stream follows the thread across its runs; a client cut off at random
 * points inside steps and reconnecting with `Last-Event-ID` receives every stored event of
 * every run once, in order, and the deltas of every step join into its stored text.
 */
describe("threads: a thread's event stream", () => {
  let runtime: TestRuntime;

  beforeAll(async () => {
    runtime = await startTestRuntime();
  });

  afterAll(async () => {
    await runtime?.stop();
  });

  it(
    'follows two turns across random drops inside steps, losing and repeating nothing',
    { timeout: 90_000 },
    async () => {
      const agentId = await createAgentWithSpec(runtime, 'thread-stream', streamingSpec);
      const threadId = ((await (await runtime.request('POST', '/v1/threads', {})).json()) as { id: string }).id;
      const random = seededRandom(11);
      const received: SseMessage[] = [];
      let lastId: string | undefined;
      let drops = 0;
      const ended = new Set<string>();
      const url = `${runtime.url}/v1/threads/${threadId}/events`;
      const reading = (async () => {
        while (ended.size < 2) {
          const connection = new AbortController();
          const end = await openSseConnection(url, {
            headers: { authorization: `Bearer ${runtime.apiKey}`, ...(lastId ? { 'last-event-id': lastId } : {}) },
            signal: connection.signal,
            onMessage(message) {
              if (connection.signal.aborted) return;
              received.push(message);
              lastId = message.id;
              const { runId } = onRun(message);
              if (terminalTypes.has(message.event)) ended.add(runId);
              // The stream stays open for the thread's next run: the client leaves once both ended.
              if (ended.size >= 2) connection.abort();
              if (ended.size < 2 && message.event === 'model.delta' && random() < 0.2) {
                drops += 1;
                connection.abort();
              }
            },
          });
          expect(end.status).toBe(200);
        }
      })();
      // Opened before the runs exist: the stream waits for the thread's first run.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const turn = async (input: string) =>
        (
          (await (
            await runtime.request('POST', `/v1/threads/${threadId}/runs`, {
              agentId,
              input,
              multitaskStrategy: 'enqueue',
            })
          ).json()) as { id: string }
        ).id;
      const runIds = [await turn('first'), await turn('second')];
      for (const runId of runIds) expect((await waitForRun(runtime, runId)).status).toBe('succeeded');
      await reading;

      expect(drops).toBeGreaterThanOrEqual(3);
      const byRun = received.map(onRun);
      // The runs' messages come one run after the other, in the order the runs were created.
      const order = byRun.map(({ runId }) => runId).filter((runId, index, all) => all.indexOf(runId) === index);
      expect(order).toEqual(runIds);
      for (const runId of runIds) {
        const messages = byRun.filter((item) => item.runId === runId).map((item) => item.message);
        const stored = await listRunEvents(runtime.database.db, runtime.tenantId, runId, { after: 0, limit: 1000 });
        expect(
          messages.filter((message) => message.event !== 'model.delta').map((message) => Number(message.id)),
        ).toEqual(stored.map((event) => event.seq));
        expectDeltasMatchStoredText(messages, await storedStepTexts(runtime, runId));
      }

      // The JSON form pages the same stored events, run after run.
      const page = (await (await runtime.request('GET', `/v1/threads/${threadId}/events?limit=5`)).json()) as {
        items: { runId: string; seq: number }[];
        nextAfter: string;
      };
      expect(page.items.map((event) => `${event.runId}/${event.seq}`)).toEqual(
        [1, 2, 3, 4, 5].map((seq) => `${runIds[0]}/${seq}`),
      );
      const next = (await (
        await runtime.request(
          'GET',
          `/v1/threads/${threadId}/events?limit=1000&after=${encodeURIComponent(page.nextAfter)}`,
        )
      ).json()) as { items: { runId: string; seq: number }[] };
      expect(next.items[0]).toMatchObject({ runId: runIds[0], seq: 6 });
      expect(next.items.at(-1)?.runId).toBe(runIds[1]);
    },
  );
});
