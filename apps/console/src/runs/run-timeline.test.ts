import type { RunStreamEvent } from '@agent-runtime/sdk';
import { describe, expect, it } from 'vitest';
import { RunTimeline, waterfallOf } from './run-timeline.ts';

const runId = '01a25091-0000-7000-8000-000000000001';
let seq = 0;

function event(type: string, step: number | null, data: Record<string, unknown>, at: number): RunStreamEvent {
  seq += 1;
  return { runId, seq, type, step, data, createdAt: new Date(at).toISOString() } as unknown as RunStreamEvent;
}

describe('RunTimeline', () => {
  it('folds text pieces, the completed reply, tool calls with retries, and their timings', () => {
    const timeline = new RunTimeline();
    const start = Date.parse('2026-12-07T12:00:00Z');
    timeline.apply(event('run.started', null, {}, start));
    timeline.apply(event('model.started', 1, {}, start + 10));
    timeline.apply({ type: 'model.delta', runId, step: 1, attempt: 1, index: 0, text: 'Let me ' } as RunStreamEvent);
    timeline.apply({ type: 'model.delta', runId, step: 1, attempt: 1, index: 1, text: 'look' } as RunStreamEvent);
    expect(timeline.steps[0]).toMatchObject({ step: 1, text: 'Let me look', streaming: true });

    timeline.apply(
      event(
        'model.completed',
        1,
        { text: 'Let me look.', toolCalls: [], usage: { inputTokens: 3, outputTokens: 4 } },
        start + 110,
      ),
    );
    timeline.apply(event('tool.started', 1, { callId: 'c1', tool: 'echo', input: { a: 1 } }, start + 120));
    timeline.apply(event('tool.started', 1, { callId: 'c1', tool: 'echo', input: { a: 1 } }, start + 150));
    timeline.apply(event('tool.completed', 1, { callId: 'c1', tool: 'echo', ok: true, output: { a: 1 } }, start + 220));

    const [step] = timeline.steps;
    expect(step).toMatchObject({ text: 'Let me look.', streaming: false, usage: { inputTokens: 3, outputTokens: 4 } });
    expect(step?.toolCalls).toEqual([
      expect.objectContaining({ callId: 'c1', ok: true, output: { a: 1 }, attempts: 2, startedAt: start + 120 }),
    ]);
    // Stored events are kept in order; text pieces are not.
    expect(timeline.events.map((stored) => stored.type)).toEqual([
      'run.started',
      'model.started',
      'model.completed',
      'tool.started',
      'tool.started',
      'tool.completed',
    ]);
    expect(waterfallOf(timeline, start)).toEqual([
      { label: 'step 1', kind: 'model', offsetMs: 10, durationMs: 210, retried: false },
      { label: 'echo', kind: 'tool', offsetMs: 120, durationMs: 100, retried: true },
    ]);
  });

  it('keeps a failed tool call’s error and orders steps by number', () => {
    const timeline = new RunTimeline();
    const start = Date.parse('2026-12-07T12:00:00Z');
    timeline.apply(event('model.started', 2, {}, start + 50));
    timeline.apply(event('model.started', 1, {}, start));
    timeline.apply(event('tool.started', 1, { callId: 'c', tool: 'http', input: {} }, start + 5));
    const error = { code: 'tool_failed', message: 'boom' };
    timeline.apply(event('tool.completed', 1, { callId: 'c', tool: 'http', ok: false, error }, start + 9));
    expect(timeline.steps.map((view) => view.step)).toEqual([1, 2]);
    expect(timeline.steps[0]?.toolCalls[0]).toMatchObject({ ok: false, error, output: undefined });
  });
});
