import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { callScriptedModel } from '@agent-runtime/agents';
import { agentSpecSchema, InProcessRunEventBus, type ModelTextDelta } from '@agent-runtime/core';
import { describe, expect, it } from 'vitest';
import { openModelDeltaStream } from './model-delta-stream.ts';

async function listen(bus: InProcessRunEventBus, runId: string): Promise<ModelTextDelta[]> {
  const heard: ModelTextDelta[] = [];
  await bus.subscribe(runId, { onEvents() {}, onResync() {}, onDeltas: (deltas) => heard.push(...deltas) });
  return heard;
}

/** The scripted model of a spec. */
function scriptedModelOf(spec: unknown) {
  const { model } = agentSpecSchema.parse(spec);
  if (model?.provider !== 'scripted') throw new Error('expected a scripted model');
  return model;
}

describe('openModelDeltaStream', () => {
  it('coalesces a fast model into few numbered deltas, and flushes the rest before the step is stored', async () => {
    const bus = new InProcessRunEventBus();
    const runId = randomUUID();
    const heard = await listen(bus, runId);
    const stream = openModelDeltaStream({ bus, runId, step: 2, attempt: 1, coalesceMs: 30, onPublishError: () => {} });
    const model = scriptedModelOf({
      model: { provider: 'scripted', stream: { chunkChars: 1 }, replies: [{ text: 'x'.repeat(500) }] },
    });
    const reply = await callScriptedModel(model, { step: 1, attempt: 1, onTextDelta: stream.write });
    expect(heard).toEqual([]);
    await stream.flush();
    // 500 pieces written at once: one message.
    expect(heard).toEqual([{ runId, step: 2, attempt: 1, index: 0, text: reply.text }]);
    stream.write('ab');
    stream.write('c');
    await delay(60);
    stream.write('d');
    stream.discard();
    stream.write('e');
    await delay(60);
    expect(heard.map(({ index, text }) => [index, text])).toEqual([
      [0, reply.text],
      [1, 'abc'],
    ]);
    await bus.close();
  });

  it('streams nothing for a scripted model without `stream`, and stops when aborted', async () => {
    const pieces: string[] = [];
    const whole = scriptedModelOf({ model: { provider: 'scripted', replies: [{ text: 'hello' }] } });
    expect(
      (await callScriptedModel(whole, { step: 1, attempt: 1, onTextDelta: (text) => pieces.push(text) })).text,
    ).toBe('hello');
    expect(pieces).toEqual([]);
    const slow = scriptedModelOf({
      model: { provider: 'scripted', stream: { chunkChars: 2, chunkDelayMs: 20 }, replies: [{ text: 'abcdefgh' }] },
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('cancelled')), 50);
    await expect(
      callScriptedModel(slow, {
        step: 1,
        attempt: 1,
        signal: controller.signal,
        onTextDelta: (text) => pieces.push(text),
      }),
    ).rejects.toThrow();
    expect(pieces.length).toBeGreaterThan(0);
    expect(pieces.length).toBeLessThan(4);
  });
});
