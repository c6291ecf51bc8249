// Every RunEventBus implementation runs this suite from its own test file, so all buses behave
// alike; it lives in the harness so the core package's src holds only what it ships.
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { ModelTextDelta, RunEvent, RunEventBus, RunEventListener } from '@agent-runtime/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** The buses under test: `publisher` and `subscriber` may be one instance or two connected ones. */
export interface RunEventBusFixture {
  readonly publisher: RunEventBus;
  readonly subscriber: RunEventBus;
  close(): Promise<void>;
}

const usage = { steps: 1, modelCalls: 1, toolCalls: 0, inputTokens: 1, outputTokens: 1, costUsd: 0 };

/** A catalogued event of the run, numbered `seq`: a message by default. */
export function runEvent(
  runId: string,
  seq: number,
  type: 'message.received' | 'model.started' | 'model.completed' | 'run.succeeded' = 'message.received',
): RunEvent {
  const envelope = { runId, seq, createdAt: new Date().toISOString() };
  switch (type) {
    case 'message.received':
      return {
        ...envelope,
        type,
        step: 1,
        data: { messageId: `message-${seq}`, content: `message ${seq}`, sentBy: 'tester', interrupted: false },
      };
    case 'model.started':
      return { ...envelope, type, step: 1, data: { provider: 'scripted' } };
    case 'model.completed':
      return { ...envelope, type, step: 1, data: { text: 'done', toolCalls: [], usage } };
    case 'run.succeeded':
      return { ...envelope, type, step: null, data: { output: { seq }, usage } };
  }
}

/** A listener that collects what it hears. */
export function collectingListener(): RunEventListener & {
  events: RunEvent[];
  resyncs: number;
  /** Events and deltas in the order heard. */
  heard: (RunEvent | ModelTextDelta)[];
} {
  const listener = {
    events: [] as RunEvent[],
    heard: [] as (RunEvent | ModelTextDelta)[],
    resyncs: 0,
    onEvents(events: readonly RunEvent[]) {
      listener.events.push(...events);
      listener.heard.push(...events);
    },
    onDeltas(deltas: readonly ModelTextDelta[]) {
      listener.heard.push(...deltas);
    },
    onResync() {
      listener.resyncs += 1;
    },
  };
  return listener;
}

/** Polls `condition` every 10 ms until it holds, for at most `timeoutMs`. */
export async function eventually(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await delay(10);
  }
}

/**
 * The behaviour every {@link RunEventBus} promises. Call it from an implementation's test
 * file: `describeRunEventBusContract('in-process', async () => ({ publisher, subscriber, close }))`.
 */
export function describeRunEventBusContract(name: string, open: () => Promise<RunEventBusFixture>): void {
  describe(`RunEventBus contract: ${name}`, () => {
    let fixture: RunEventBusFixture;
    beforeAll(async () => {
      fixture = await open();
    });
    afterAll(() => fixture.close());

    it('delivers a published batch, in order, to every subscriber of the run once subscribe resolved', async () => {
      const runId = randomUUID();
      const first = collectingListener();
      const second = collectingListener();
      const subscriptions = [
        await fixture.subscriber.subscribe(runId, first),
        await fixture.subscriber.subscribe(runId, second),
      ];
      const published = [runEvent(runId, 1), runEvent(runId, 2), runEvent(runId, 3, 'run.succeeded')];
      await fixture.publisher.publish(runId, published.slice(0, 2));
      await fixture.publisher.publish(runId, published.slice(2));
      await eventually(() => first.events.length === 3 && second.events.length === 3);
      expect(first.events).toEqual(published);
      expect(second.events).toEqual(published);
      for (const subscription of subscriptions) subscription.unsubscribe();
    });

    it("delivers a publisher's deltas and events in the order published, and only to the run's listeners", async () => {
      const [runId, otherRunId] = [randomUUID(), randomUUID()];
      const listener = collectingListener();
      const other = collectingListener();
      const subscriptions = [
        await fixture.subscriber.subscribe(runId, listener),
        await fixture.subscriber.subscribe(otherRunId, other),
      ];
      const delta = (index: number): ModelTextDelta => ({ runId, step: 1, attempt: 1, index, text: `t${index}` });
      const started = runEvent(runId, 1, 'model.started');
      const completed = runEvent(runId, 2, 'model.completed');
      void fixture.publisher.publish(runId, [started]);
      void fixture.publisher.publishDeltas(runId, [delta(0)]);
      void fixture.publisher.publishDeltas(runId, [delta(1), delta(2)]);
      await fixture.publisher.publish(runId, [completed]);
      await eventually(() => listener.heard.length === 5);
      expect(listener.heard).toEqual([started, delta(0), delta(1), delta(2), completed]);
      // A listener without onDeltas is simply not given them.
      const eventsOnly: RunEventListener = { onEvents() {}, onResync() {} };
      const third = await fixture.subscriber.subscribe(runId, eventsOnly);
      await fixture.publisher.publishDeltas(runId, [delta(3)]);
      await eventually(() => listener.heard.length === 6);
      expect(other.heard).toEqual([]);
      for (const subscription of [...subscriptions, third]) subscription.unsubscribe();
    });

    it("keeps a run's deltas for readers, each kept before a subscriber hears it", async () => {
      const [runId, otherRunId] = [randomUUID(), randomUUID()];
      const delta = (step: number, attempt: number, index: number): ModelTextDelta => ({
        runId,
        step,
        attempt,
        index,
        text: `${step}.${attempt}.${index}`,
      });
      // Whoever hears a delta and then reads the buffer finds it there: a stream that
      // subscribes first and reads the buffer second misses none.
      const foundOnHearing: boolean[] = [];
      const subscription = await fixture.subscriber.subscribe(runId, {
        onEvents() {},
        onResync() {},
        onDeltas(heard) {
          void fixture.subscriber.readDeltas(runId).then((kept) => {
            foundOnHearing.push(heard.every((one) => kept.some((other) => other.text === one.text)));
          });
        },
      });
      await fixture.publisher.publishDeltas(runId, [delta(1, 1, 0), delta(1, 1, 1)]);
      await fixture.publisher.publishDeltas(runId, [delta(2, 1, 0)]);
      await fixture.publisher.publishDeltas(runId, [delta(2, 1, 1)]);
      // Step 2 retried: its first attempt is superseded.
      await fixture.publisher.publishDeltas(runId, [delta(2, 2, 0)]);
      await fixture.publisher.publishDeltas(otherRunId, [{ ...delta(1, 1, 0), runId: otherRunId }]);
      await eventually(() => foundOnHearing.length === 4);
      expect(foundOnHearing).toEqual([true, true, true, true]);
      expect((await fixture.subscriber.readDeltas(runId)).map((kept) => kept.text)).toEqual([
        '1.1.0',
        '1.1.1',
        '2.2.0',
      ]);
      expect(await fixture.publisher.readDeltas(runId)).toEqual(await fixture.subscriber.readDeltas(runId));
      expect(await fixture.subscriber.readDeltas(otherRunId)).toHaveLength(1);
      expect(await fixture.subscriber.readDeltas(randomUUID())).toEqual([]);
      subscription.unsubscribe();
    });

    it("delivers only the run's own events", async () => {
      const [runA, runB] = [randomUUID(), randomUUID()];
      const listener = collectingListener();
      const subscription = await fixture.subscriber.subscribe(runA, listener);
      await fixture.publisher.publish(runB, [runEvent(runB, 1)]);
      await fixture.publisher.publish(runA, [runEvent(runA, 1)]);
      await eventually(() => listener.events.length === 1);
      await delay(50);
      expect(listener.events.map((event) => event.runId)).toEqual([runA]);
      subscription.unsubscribe();
    });

    it('stops delivering to a listener that unsubscribed, and keeps delivering to the others', async () => {
      const runId = randomUUID();
      const leaving = collectingListener();
      const staying = collectingListener();
      const leavingSubscription = await fixture.subscriber.subscribe(runId, leaving);
      const stayingSubscription = await fixture.subscriber.subscribe(runId, staying);
      leavingSubscription.unsubscribe();
      leavingSubscription.unsubscribe();
      await fixture.publisher.publish(runId, [runEvent(runId, 1)]);
      await eventually(() => staying.events.length === 1);
      await delay(50);
      expect(leaving.events).toEqual([]);
      stayingSubscription.unsubscribe();
    });

    it('subscribes again after the last listener of a run left', async () => {
      const runId = randomUUID();
      (await fixture.subscriber.subscribe(runId, collectingListener())).unsubscribe();
      const listener = collectingListener();
      const subscription = await fixture.subscriber.subscribe(runId, listener);
      await fixture.publisher.publish(runId, [runEvent(runId, 1)]);
      await eventually(() => listener.events.length === 1);
      subscription.unsubscribe();
    });

    it('keeps delivering when a listener throws', async () => {
      const runId = randomUUID();
      const listener = collectingListener();
      const throwing: RunEventListener = {
        onEvents() {
          throw new Error('listener bug');
        },
        onResync() {},
      };
      const subscriptions = [
        await fixture.subscriber.subscribe(runId, throwing),
        await fixture.subscriber.subscribe(runId, listener),
      ];
      await fixture.publisher.publish(runId, [runEvent(runId, 1)]);
      await eventually(() => listener.events.length === 1);
      for (const subscription of subscriptions) subscription.unsubscribe();
    });

    it('fans out many runs at once over one subscriber', async () => {
      const runIds = Array.from({ length: 200 }, () => randomUUID());
      const listeners = runIds.map(() => collectingListener());
      const subscriptions = await Promise.all(
        runIds.map((runId, index) => fixture.subscriber.subscribe(runId, listeners[index] ?? collectingListener())),
      );
      await Promise.all(runIds.map((runId) => fixture.publisher.publish(runId, [runEvent(runId, 1)])));
      await eventually(() => listeners.every((listener) => listener.events.length === 1));
      expect(listeners.map((listener) => listener.events[0]?.runId)).toEqual(runIds);
      for (const subscription of subscriptions) subscription.unsubscribe();
    });
  });
}
