import {
  AgentRuntimeClient,
  ConflictError,
  NotFoundError,
  type AgentSpecInput,
  type RunStreamEvent,
} from '@agent-runtime/sdk';
import { seededRandom, startOpenAiCompatibleServer, type OpenAiCompatibleServer } from '@agent-runtime/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCuttingProxy } from './cutting-proxy.ts';
import { agentWithSpec, quickSpec, sleepySpec, slowTextSpec, uniqueName, type SdkContext } from './sdk-context.ts';
import { expectEveryStepStreamedWhole } from './streamed-text.ts';

/** Threads through the SDK: conversations, lists by metadata and status, double texting, fork, delete, following. */
export function describeThreads(context: () => SdkContext): void {
  describe('threads', () => {
    let model: OpenAiCompatibleServer | undefined;
    beforeAll(async () => {
      model = await startOpenAiCompatibleServer();
    });
    afterAll(() => model?.close());

    it('holds a conversation of two turns: the second sees the first; messages in order, by run', async () => {
      const { admin } = context();
      if (!model) throw new Error('no model server');
      const agentId = await agentWithSpec(admin, 'talker', {
        model: { provider: 'openai-compatible', baseUrl: model.baseUrl, model: 'test-model' },
      } as unknown as AgentSpecInput);
      const thread = await admin.threads.create({ metadata: { userId: 'u-42' } });
      expect(thread).toMatchObject({ status: 'idle', messageCount: 0, forkedFrom: null, metadata: { userId: 'u-42' } });

      model.enqueue({ kind: 'reply', text: 'Nice to meet you, Ada.' });
      const first = await admin.threads.startRun(thread.id, { agentId, input: 'my name is Ada' });
      expect(first).toMatchObject({ created: true, run: { threadId: thread.id } });
      expect((await admin.runs.wait(first.run.id)).status).toBe('succeeded');
      // A repeat of the start under its key answers the same run.
      const repeated = await admin.threads.startRun(
        thread.id,
        { agentId, input: 'my name is Ada' },
        { idempotencyKey: first.idempotencyKey },
      );
      expect(repeated).toMatchObject({ created: false, run: { id: first.run.id } });

      model.enqueue({ kind: 'reply', text: 'Your name is Ada.' });
      const second = await admin.threads.startRun(thread.id, { agentId, input: 'what is my name?' });
      expect((await admin.runs.wait(second.run.id)).status).toBe('succeeded');
      const secondRequest = JSON.stringify(model.requests.at(-1)?.body?.messages);
      expect(secondRequest).toContain('my name is Ada');
      expect(secondRequest).toContain('Nice to meet you, Ada.');
      expect(secondRequest).toContain('what is my name?');

      const messages = await admin.threads.messages(thread.id, { limit: 1 }).toArray();
      expect(messages.map(({ seq, runId, message }) => ({ seq, runId, role: message.role }))).toEqual([
        { seq: 1, runId: first.run.id, role: 'user' },
        { seq: 2, runId: first.run.id, role: 'assistant' },
        { seq: 3, runId: second.run.id, role: 'user' },
        { seq: 4, runId: second.run.id, role: 'assistant' },
      ]);
      expect(messages[1]?.message.content).toBe('Nice to meet you, Ada.');
      expect(messages[3]?.message.content).toBe('Your name is Ada.');
      const newestFirst = await admin.threads.messages(thread.id, { order: 'desc' }).toArray(1);
      expect(newestFirst[0]?.seq).toBe(4);
      expect(await admin.threads.get(thread.id)).toMatchObject({ status: 'idle', messageCount: 4 });
      const runs = await admin.threads.runs(thread.id).toArray();
      expect(runs.map((run) => run.id)).toEqual([second.run.id, first.run.id]);
    });

    it('lists threads by metadata pairs and status, page by page; merges metadata updates', async () => {
      const { admin } = context();
      const suite = uniqueName('suite');
      const [a1, a2, b] = await Promise.all(
        ['a', 'a', 'b'].map((user) => admin.threads.create({ metadata: { suite, user } })),
      );
      const ids = (threads: readonly { id: string }[]) => threads.map((thread) => thread.id).sort();
      const ofA = await admin.threads.list({ metadata: { suite, user: 'a' }, limit: 1 }).toArray();
      expect(ids(ofA)).toEqual(ids([a1!, a2!]));
      expect(ids(await admin.threads.list({ metadata: { suite } }).toArray())).toEqual(ids([a1!, a2!, b!]));

      const updated = await admin.threads.update(b!.id, { metadata: { user: null, tier: 'gold' } });
      expect(updated.metadata).toEqual({ suite, tier: 'gold' });
      expect(ids(await admin.threads.list({ metadata: { suite, tier: 'gold' } }).toArray())).toEqual([b!.id]);

      // A turn in flight makes its thread busy.
      const agentId = await agentWithSpec(admin, 'busy', sleepySpec);
      const { run } = await admin.threads.startRun(b!.id, { agentId, input: 'zz' });
      expect(ids(await admin.threads.list({ metadata: { suite }, status: 'busy' }).toArray())).toEqual([b!.id]);
      expect(ids(await admin.threads.list({ metadata: { suite }, status: 'idle' }).toArray())).toEqual(ids([a1!, a2!]));
      await admin.runs.cancel(run.id);
    });

    it('refuses a second turn and a deletion while a turn runs (thread_busy); deletes once it ended', async () => {
      const { admin } = context();
      const agentId = await agentWithSpec(admin, 'texted', sleepySpec);
      const thread = await admin.threads.create();
      const { run } = await admin.threads.startRun(thread.id, { agentId, input: 'first' });

      const refused = await admin.threads
        .startRun(thread.id, { agentId, input: 'second', multitaskStrategy: 'reject' })
        .catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(ConflictError);
      expect(refused).toMatchObject({ code: 'thread_busy', status: 409 });
      const busyDelete = await admin.threads.delete(thread.id).catch((error: unknown) => error);
      expect(busyDelete).toBeInstanceOf(ConflictError);
      expect(busyDelete).toMatchObject({ code: 'thread_busy' });

      // Enqueued: it waits for the first turn, then runs.
      const queued = await admin.threads.startRun(thread.id, {
        agentId: await agentWithSpec(admin, 'after', quickSpec),
        input: 'second',
        multitaskStrategy: 'enqueue',
      });
      expect(queued.run.status).toBe('queued');
      await admin.runs.cancel(run.id);
      expect((await admin.runs.wait(queued.run.id)).status).toBe('succeeded');

      await admin.threads.delete(thread.id);
      await expect(admin.threads.get(thread.id)).rejects.toBeInstanceOf(NotFoundError);
      await expect(admin.threads.messages(thread.id).toArray()).rejects.toMatchObject({ code: 'not_found' });
      // Its runs went with it (docs/retention.md), from the list and from the run cache alike.
      await expect(admin.runs.get(queued.run.id)).rejects.toBeInstanceOf(NotFoundError);
      expect(await admin.runs.list({ agentId: queued.run.agentId }).toArray()).toEqual([]);
    });

    it('forks at a message or a run, leaving the source untouched; a deleted fork is gone', async () => {
      const { admin } = context();
      const agentId = await agentWithSpec(admin, 'forked', quickSpec);
      const source = await admin.threads.create({ metadata: { topic: 'forks' } });
      const turns: string[] = [];
      for (const input of ['one', 'two']) {
        const { run } = await admin.threads.startRun(source.id, { agentId, input });
        await admin.runs.wait(run.id);
        turns.push(run.id);
      }
      const sourceMessages = await admin.threads.messages(source.id).toArray();
      expect(sourceMessages.length).toBe(4);

      const atMessage = await admin.threads.fork(source.id, { seq: 2, metadata: { topic: 'branch' } });
      expect(atMessage).toMatchObject({
        messageCount: 2,
        forkedFrom: { threadId: source.id, seq: 2 },
        metadata: { topic: 'branch' },
      });
      expect((await admin.threads.messages(atMessage.id).toArray()).map(({ message }) => message)).toEqual(
        sourceMessages.slice(0, 2).map(({ message }) => message),
      );
      const atRun = await admin.threads.fork(source.id, { runId: turns[0] ?? '' });
      expect(atRun).toMatchObject({ messageCount: 2, metadata: { topic: 'forks' } });
      const whole = await admin.threads.fork(source.id);
      expect(whole.messageCount).toBe(4);

      // The branch goes its own way; the source does not change.
      const { run } = await admin.threads.startRun(atMessage.id, { agentId, input: 'other path' });
      await admin.runs.wait(run.id);
      expect((await admin.threads.get(atMessage.id)).messageCount).toBe(4);
      expect(await admin.threads.messages(source.id).toArray()).toEqual(sourceMessages);

      await admin.threads.delete(atMessage.id);
      await expect(admin.threads.get(atMessage.id)).rejects.toBeInstanceOf(NotFoundError);
      expect(await admin.threads.messages(source.id).toArray()).toEqual(sourceMessages);
    });

    it('follows two turns through connections cut at random byte offsets: every event once, in order, per run', async () => {
      const { admin, stack } = context();
      const agentId = await agentWithSpec(admin, 'thread-stepper', slowTextSpec);
      const thread = await admin.threads.create();
      const proxy = await startCuttingProxy(stack.url, { random: seededRandom(21), maxBytesPerConnection: 1_500 });
      try {
        const viaProxy = new AgentRuntimeClient({
          baseUrl: proxy.url,
          apiKey: stack.apiKey,
          retry: { initialDelayMs: 20, maxDelayMs: 500 },
        });
        // A plain follower too, from before the first run, that leaves by breaking out.
        const plain: RunStreamEvent[] = [];
        const plainDone = (async () => {
          for await (const item of admin.threads.follow(thread.id)) {
            plain.push(item);
            if (item.type === 'run.succeeded' && new Set(plain.map((each) => each.runId)).size === 2) break;
          }
        })();
        const first = await admin.threads.startRun(thread.id, { agentId, input: 'first' });
        const runIds = [first.run.id];
        const received: RunStreamEvent[] = [];
        for await (const item of viaProxy.threads.follow(thread.id, {
          after: `${first.run.id}/0`,
          maxReconnects: 40,
        })) {
          received.push(item);
          if (item.type !== 'run.succeeded') continue;
          if (runIds.length === 2) break;
          // The stream stays open between the turns: the next one comes on it.
          const second = await admin.threads.startRun(thread.id, {
            agentId,
            input: 'second',
            multitaskStrategy: 'enqueue',
          });
          runIds.push(second.run.id);
        }
        await plainDone;
        expect(proxy.cuts).toBeGreaterThanOrEqual(6);

        const order = received.map((item) => item.runId).filter((runId, index, all) => all.indexOf(runId) === index);
        expect(order).toEqual(runIds);
        const storedByRun = [];
        for (const runId of runIds) {
          const stored = await admin.events.list(runId, { limit: 1000 }).toArray();
          expect(stored.at(-1)?.type).toBe('run.succeeded');
          const items = received.filter((item) => item.runId === runId);
          expect(items.filter((item) => item.type !== 'model.delta')).toEqual(stored);
          expectEveryStepStreamedWhole(items);
          expect(plain.filter((item) => item.runId === runId && item.type !== 'model.delta')).toEqual(stored);
          storedByRun.push(...stored);
        }

        // The JSON form pages the same stored events, run after run.
        expect(await admin.threads.events(thread.id, { limit: 7 }).toArray()).toEqual(storedByRun);
        const firstPage = await admin.threads.events(thread.id, { limit: 3 }).firstPage();
        expect(firstPage.nextCursor).toBe(`${runIds[0]}/3`);
        const rest = await admin.threads.events(thread.id, { after: firstPage.nextCursor ?? '' }).toArray();
        expect(rest).toEqual(storedByRun.slice(3));
      } finally {
        await proxy.stop();
      }
    });

    it('stops following when aborted, and says when the thread is gone', async () => {
      const { admin } = context();
      const thread = await admin.threads.create();
      const controller = new AbortController();
      const following = (async () => {
        for await (const item of admin.threads.follow(thread.id, { signal: controller.signal })) void item;
      })();
      setTimeout(() => controller.abort(new Error('enough')), 300);
      await expect(following).rejects.toThrow('enough');
      await admin.threads.delete(thread.id);
      const gone = (async () => {
        for await (const item of admin.threads.follow(thread.id)) void item;
      })();
      await expect(gone).rejects.toBeInstanceOf(NotFoundError);
    });
  });
}
