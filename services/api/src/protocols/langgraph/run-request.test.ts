import { describe, expect, it } from 'vitest';
import { eventIdOf, runInputOf, subOf, verdictsOf } from './run-request.ts';

describe('LangGraph run requests', () => {
  it('reads the event ids its streams send, and no others', () => {
    expect(eventIdOf('12')).toEqual({ position: { seq: 12 }, sub: 0 });
    expect(eventIdOf('12#2')).toEqual({ position: { seq: 12 }, sub: 2 });
    expect(eventIdOf('3:2:1:5')).toEqual({ position: { seq: 3, delta: { step: 2, attempt: 1, index: 5 } }, sub: 0 });
    expect(eventIdOf('0#1')).toEqual({ position: { seq: 0 }, sub: 1 });
    for (const foreign of [undefined, '', 'abc', '1:2', '-1', '1#x']) expect(eventIdOf(foreign)).toBeUndefined();
    expect(subOf('7#3')).toBe(3);
    expect(subOf('7')).toBe(0);
  });

  it("takes a graph's input as it is and another agent's last message's text", () => {
    expect(runInputOf(true, { topic: 'otters' })).toEqual({ topic: 'otters' });
    expect(runInputOf(true, undefined)).toBeNull();
    expect(
      runInputOf(false, {
        messages: [
          { role: 'user', content: 'a' },
          { type: 'human', content: 'b' },
        ],
      }),
    ).toBe('b');
    expect(runInputOf(false, { messages: [{ content: [{ type: 'text', text: 'x' }, { text: 'y' }] }] })).toBe('xy');
    expect(runInputOf(false, 'plain')).toBe('plain');
  });

  it('decides every pending approval from command.resume, or by approval id', () => {
    expect(verdictsOf(true, ['a', 'b'])).toEqual([
      { approvalId: 'a', decision: 'approve' },
      { approvalId: 'b', decision: 'approve' },
    ]);
    expect(verdictsOf({ decision: 'reject', comment: 'no' }, ['a'])).toEqual([
      { approvalId: 'a', decision: 'reject', comment: 'no' },
    ]);
    expect(verdictsOf({ a: 'approve', b: false }, ['a', 'b'])).toEqual([
      { approvalId: 'a', decision: 'approve' },
      { approvalId: 'b', decision: 'reject' },
    ]);
    expect(() => verdictsOf('maybe', ['a'])).toThrow(/command.resume/);
  });
});
