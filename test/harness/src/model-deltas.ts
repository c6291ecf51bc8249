import { listRunEvents, type RunEventBus } from '@agent-runtime/core';
import { expect } from 'vitest';
import type { StreamedModelDelta } from './run-event-stream.ts';
import type { TestRuntime } from './runtime.ts';
import type { SseMessage } from './sse-client.ts';

/** A model that streams its replies in 3-character pieces, 15 ms apart. */
export const streamingSpec = {
  model: {
    provider: 'scripted',
    stream: { chunkChars: 3, chunkDelayMs: 15 },
    replies: [
      { text: 'Let me look that up — one moment.', toolCalls: [{ id: 'a', name: 'echo', arguments: { n: 1 } }] },
      { text: 'Still checking: ünïcode and emoji 🙂 survive the pieces.', toolCalls: [{ id: 'b', name: 'echo' }] },
      { text: 'The answer is 42, and that is the whole of it.' },
    ],
  },
  tools: [{ name: 'echo' }],
};

/** The text each model step of the run stored (its `model.completed` events), by step. */
export async function storedStepTexts(
  runtime: Pick<TestRuntime, 'database' | 'tenantId'>,
  runId: string,
): Promise<Map<number, string>> {
  const events = await listRunEvents(runtime.database.db, runtime.tenantId, runId, { after: 0, limit: 1000 });
  return new Map(
    events
      .filter((event) => event.type === 'model.completed')
      .map((event) => [event.step ?? 0, (event.data as { text: string }).text]),
  );
}

/**
 * Checks a stream's `model.delta` messages (over one connection or several resumed ones):
 * each with the id `<seq>:<step>:<attempt>:<index>` naming the last stored event before it
 * and itself, each before its step's stored `model.completed`, indexes 0, 1, 2, … per step,
 * and the texts adding up to the stored text.
 */
export function expectDeltasMatchStoredText(
  messages: readonly SseMessage[],
  completedTexts: ReadonlyMap<number, string>,
): void {
  const byStep = new Map<number, StreamedModelDelta[]>();
  let lastSeq = 0;
  for (const [position, message] of messages.entries()) {
    if (message.event !== 'model.delta') {
      lastSeq = Number(message.id);
      continue;
    }
    const delta = JSON.parse(message.data) as StreamedModelDelta;
    expect(message.id).toBe(`${lastSeq}:${delta.step}:${delta.attempt}:${delta.index}`);
    // Before the stored completion of its step.
    const completion = messages.findIndex(
      (other) => other.event === 'model.completed' && (JSON.parse(other.data) as { step: number }).step === delta.step,
    );
    expect(completion === -1 || completion > position).toBe(true);
    byStep.set(delta.step, [...(byStep.get(delta.step) ?? []), delta]);
  }
  expect(byStep.size).toBeGreaterThan(0);
  for (const [step, deltas] of byStep) {
    expect(deltas.map((delta) => delta.index)).toEqual(deltas.map((_, index) => index));
    expect(deltas.map((delta) => delta.text).join('')).toBe(completedTexts.get(step));
  }
}

/**
 * Records the text of every delta published on `bus` (a real bus: they still go out), by
 * `<runId>:<step>`, for tests that compare what streamed with what was stored.
 */
export function recordPublishedDeltas(bus: RunEventBus): Map<string, string[]> {
  const texts = new Map<string, string[]>();
  const publishDeltas = bus.publishDeltas.bind(bus);
  bus.publishDeltas = async (runId, published) => {
    for (const delta of published) {
      const key = `${runId}:${delta.step}`;
      texts.set(key, [...(texts.get(key) ?? []), delta.text]);
    }
    return publishDeltas(runId, published);
  };
  return texts;
}
