import { AgentRuntimeClient, ConflictError, isTerminalStatus, type RunStreamEvent } from '@agent-runtime/sdk';
import { seededRandom } from '@agent-runtime/test-harness';
import { describe, expect, it } from 'vitest';
import { startCuttingProxy } from './cutting-proxy.ts';
import { expectEveryStepStreamedWhole } from './streamed-text.ts';
import { agentWithSpec, quickSpec, sleepySpec, steppingSpec, type SdkContext } from './sdk-context.ts';

/** Runs through the SDK: idempotent creation, waiting, following through broken connections, cancelling. */
export function describeRuns(context: () => SdkContext): void {
  describe('runs', () => {
    it('creates idempotently: a repeated key answers the same run, another body under it is refused', async () => {
      const { admin } = context();
      const agentId = await agentWithSpec(admin, 'idempotent', quickSpec);
      const first = await admin.runs.create({ agentId, input: 'once' }, { idempotencyKey: 'sdk-key-1' });
      const again = await admin.runs.create({ agentId, input: 'once' }, { idempotencyKey: 'sdk-key-1' });
      expect(first).toMatchObject({ created: true, idempotencyKey: 'sdk-key-1' });
      expect(again).toMatchObject({ created: false, idempotencyKey: 'sdk-key-1' });
      expect(again.run.id).toBe(first.run.id);
      const conflict = await admin.runs
        .create({ agentId, input: 'something else' }, { idempotencyKey: 'sdk-key-1' })
        .catch((error: unknown) => error);
      expect(conflict).toBeInstanceOf(ConflictError);
      expect(conflict).toMatchObject({ code: 'idempotency_key_conflict', status: 409 });

      // Without a key of the caller's, each create gets a fresh one: two runs.
      const [one, two] = await Promise.all([
        admin.runs.create({ agentId, input: 'twice' }),
        admin.runs.create({ agentId, input: 'twice' }),
      ]);
      expect(one?.idempotencyKey).not.toBe(two?.idempotencyKey);
      expect(one?.run.id).not.toBe(two?.run.id);
      expect((await admin.runs.list({ agentId }).toArray()).length).toBe(3);
    });

    it('waits for the end by long polls, or answers the run as it is when the time is up', async () => {
      const { admin } = context();
      const { run } = await admin.runs.create({
        agentId: await agentWithSpec(admin, 'waited', quickSpec),
        input: 'hi',
      });
      const ended = await admin.runs.wait(run.id);
      expect(ended).toMatchObject({ id: run.id, status: 'succeeded', output: expect.anything() });

      const sleepy = await admin.runs.create({
        agentId: await agentWithSpec(admin, 'sleepy', sleepySpec),
        input: 'zz',
      });
      const started = Date.now();
      const still = await admin.runs.wait(sleepy.run.id, { timeoutMs: 1_500 });
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);
      expect(isTerminalStatus(still.status)).toBe(false);

      // Cancelled while someone waits: the wait answers at once.
      const [cancelledWait] = await Promise.all([
        admin.runs.wait(sleepy.run.id),
        new Promise((resolve) => setTimeout(resolve, 300)).then(() => admin.runs.cancel(sleepy.run.id)),
      ]);
      expect(cancelledWait.status).toBe('cancelled');
      const again = await admin.runs.cancel(sleepy.run.id).catch((error: unknown) => error);
      expect(again).toBeInstanceOf(ConflictError);
      expect(again).toMatchObject({ code: 'run_finished' });
    });

    it('follows a run through connections cut at random byte offsets: every event once, in order', async () => {
      const { admin, stack } = context();
      const agentId = await agentWithSpec(admin, 'stepper', steppingSpec);
      for (const seed of [11, 12]) {
        const proxy = await startCuttingProxy(stack.url, { random: seededRandom(seed), maxBytesPerConnection: 2_500 });
        try {
          const viaProxy = new AgentRuntimeClient({
            baseUrl: proxy.url,
            apiKey: stack.apiKey,
            retry: { initialDelayMs: 20, maxDelayMs: 500 },
          });
          const { run } = await admin.runs.create({ agentId, input: `seed ${seed}` });
          const received: RunStreamEvent[] = [];
          for await (const item of viaProxy.runs.follow(run.id, { maxReconnects: 30 })) received.push(item);

          const stored = await admin.events.list(run.id, { limit: 1000 }).toArray();
          expect(stored.length).toBeGreaterThan(20);
          expect(stored.at(-1)?.type).toBe('run.succeeded');
          const events = received.filter((item) => item.type !== 'model.delta');
          expect(events).toEqual(stored);
          expect(proxy.cuts, `seed ${seed}`).toBeGreaterThanOrEqual(3);

          // Text pieces: never repeated, each before its step's complete text, a prefix-free part of it.
          const deltas = received.flatMap((item, position) =>
            item.type === 'model.delta' ? [{ item, position }] : [],
          );
          expect(deltas.length).toBeGreaterThan(0);
          const keys = deltas.map(({ item }) => `${item.step}/${item.attempt}/${item.index}`);
          expect(new Set(keys).size).toBe(keys.length);
          for (const { item, position } of deltas) {
            const completed = received.findIndex(
              (other) => other.type === 'model.completed' && other.step === item.step,
            );
            expect(completed === -1 || completed > position).toBe(true);
            const text = stored.find((event) => event.type === 'model.completed' && event.step === item.step);
            expect(text?.type === 'model.completed' && text.data.text.includes(item.text)).toBe(true);
          }
          // Resumed from the last text piece too: each step's pieces join into its stored text.
          expectEveryStepStreamedWhole(received);
        } finally {
          await proxy.stop();
        }
      }
    });

    it('replays a finished run and ends; resumes after a given event; stops when aborted', async () => {
      const { admin } = context();
      const { run } = await admin.runs.create({
        agentId: await agentWithSpec(admin, 'replayed', quickSpec),
        input: 'hi',
      });
      await admin.runs.wait(run.id);
      const stored = await admin.events.list(run.id).toArray();
      const replayed: RunStreamEvent[] = [];
      for await (const event of admin.runs.follow(run.id)) replayed.push(event);
      expect(replayed).toEqual(stored);
      const resumed: RunStreamEvent[] = [];
      for await (const event of admin.events.follow(run.id, { after: 2 })) resumed.push(event);
      expect(resumed).toEqual(stored.slice(2));
      // After its last event there is nothing more: the stream ends at once.
      const none: RunStreamEvent[] = [];
      for await (const event of admin.runs.follow(run.id, { after: stored.length })) none.push(event);
      expect(none).toEqual([]);

      const sleepy = await admin.runs.create({
        agentId: await agentWithSpec(admin, 'aborted', sleepySpec),
        input: 'z',
      });
      const controller = new AbortController();
      const followed = (async () => {
        for await (const event of admin.runs.follow(sleepy.run.id, { signal: controller.signal })) {
          if (event.type === 'tool.started') controller.abort(new Error('seen enough'));
        }
      })();
      await expect(followed).rejects.toThrow('seen enough');
      const waited = admin.runs.wait(sleepy.run.id, { signal: AbortSignal.timeout(300) });
      await expect(waited).rejects.toMatchObject({ name: 'TimeoutError' });
      await admin.runs.cancel(sleepy.run.id);
    });
  });
}
