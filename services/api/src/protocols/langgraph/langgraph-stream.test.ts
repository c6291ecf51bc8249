import type { RunEvent } from '@agent-runtime/core';
import { describe, expect, it } from 'vitest';
import { LangGraphRunTranslator } from './langgraph-stream.ts';

const runId = '01a25097-fb4b-7022-aba5-ac1736a9e56d';
const at = '2026-12-07T12:00:00.000Z';
const usage = { inputTokens: 0, outputTokens: 0 };

function completed(seq: number, step: number, text: string, final?: unknown): RunEvent {
  return {
    runId,
    seq,
    type: 'model.completed',
    step,
    createdAt: at,
    data: { text, toolCalls: [], usage, ...(final === undefined ? {} : { final }) },
  } as RunEvent;
}

describe('LangGraphRunTranslator', () => {
  it("turns a graph's super-steps into updates and values, numbering a stored event's events", () => {
    const translator = new LangGraphRunTranslator({
      runId,
      graphAgent: true,
      initialValues: { kept: 1 },
      streamModes: ['values', 'updates'],
    });
    expect(translator.start({ topic: 'otters' })).toEqual([
      { id: '0#1', event: 'values', data: { kept: 1, topic: 'otters' } },
    ]);
    expect(translator.translate(completed(3, 1, JSON.stringify([{ plan: { outline: 'o' } }])))).toEqual([
      { id: '3', event: 'updates', data: { plan: { outline: 'o' } } },
      { id: '3#1', event: 'values', data: { kept: 1, topic: 'otters', outline: 'o' } },
    ]);
    // The graph's final state replaces the merged values (a reducer channel is exact there).
    const final = { topic: 'otters', outline: 'o', draft: 'd', log: ['a', 'b'] };
    expect(translator.translate(completed(5, 2, JSON.stringify([{ write: { draft: 'd' } }]), final)).at(-1)).toEqual({
      id: '5#1',
      event: 'values',
      data: final,
    });
    expect(translator.ended).toBe(false);
    translator.translate({ runId, seq: 6, type: 'run.succeeded', step: null, createdAt: at, data: {} } as never);
    expect(translator.ended).toBe(true);
  });

  it("keeps another agent's turn as messages, and an approval as an interrupt until it is decided", () => {
    const translator = new LangGraphRunTranslator({
      runId,
      graphAgent: false,
      initialValues: {},
      streamModes: ['updates'],
    });
    translator.start('hello');
    translator.translate(completed(3, 1, 'hi there'));
    expect(translator.values).toMatchObject({
      messages: [
        { type: 'human', content: 'hello' },
        { type: 'ai', content: 'hi there' },
      ],
    });
    const requested = {
      runId,
      seq: 4,
      type: 'approval.requested',
      step: 1,
      createdAt: at,
      data: { approvalId: 'ap-1', callId: 'c', tool: 'echo', input: { x: 1 }, expiresAt: null },
    } as RunEvent;
    expect(translator.translate(requested)).toEqual([
      {
        id: '4',
        event: 'updates',
        data: {
          __interrupt__: [
            { id: 'ap-1', value: { approvalId: 'ap-1', tool: 'echo', input: { x: 1 }, expiresAt: null } },
          ],
        },
      },
    ]);
    expect(translator.interrupts).toHaveLength(1);
    translator.translate({
      runId,
      seq: 5,
      type: 'approval.decided',
      step: 1,
      createdAt: at,
      data: { approvalId: 'ap-1', decision: 'approve', comment: null, decidedBy: 'me' },
    } as RunEvent);
    expect(translator.interrupts).toEqual([]);
  });
});
