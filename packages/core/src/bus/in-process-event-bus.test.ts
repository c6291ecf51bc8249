import { randomUUID } from 'node:crypto';
import { collectingListener, describeRunEventBusContract, runEvent } from '@agent-runtime/test-harness';
import { describe, expect, it } from 'vitest';
import { InProcessRunEventBus } from './in-process-event-bus.ts';

describeRunEventBusContract('in-process', async () => {
  const bus = new InProcessRunEventBus();
  return { publisher: bus, subscriber: bus, close: () => bus.close() };
});

describe('InProcessRunEventBus', () => {
  it('delivers synchronously and forgets a run once its last listener left', async () => {
    const bus = new InProcessRunEventBus();
    const runId = randomUUID();
    const listener = collectingListener();
    const subscription = await bus.subscribe(runId, listener);
    expect(bus.subscribedRunCount).toBe(1);
    void bus.publish(runId, [runEvent(runId, 1)]);
    expect(listener.events).toHaveLength(1);
    subscription.unsubscribe();
    expect(bus.subscribedRunCount).toBe(0);
    await bus.close();
    await expect(bus.subscribe(runId, listener)).rejects.toThrow(/closed/);
  });
});
