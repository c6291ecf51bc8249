import { describe, expect, it } from 'vitest';
import { AgentStepError } from '../agent-step-error.ts';
import { maxAgentTextChars } from '../agent-text-stream.ts';
import { maxAgentStateBytes } from '../agent-reply.ts';
import { callCodeAgent, type AgentStepContext, type CodeAgent } from './code-agent.ts';

const context: Omit<AgentStepContext, 'emitText'> = {
  runId: 'run-1',
  step: 1,
  attempt: 1,
  input: 'hi',
  threadId: null,
  messages: [{ role: 'user', content: 'hi' }],
  state: undefined,
  tools: [],
  signal: new AbortController().signal,
};

async function failureOf(agent: CodeAgent): Promise<AgentStepError> {
  const error: unknown = await callCodeAgent('probe', agent, context).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof AgentStepError)) throw new Error(`expected an AgentStepError, got ${String(error)}`);
  return error;
}

describe('callCodeAgent', () => {
  it('turns a decision into a reply: text, calls, usage, state, and final only when given', async () => {
    const reply = await callCodeAgent(
      'probe',
      () => ({ text: 'calc', toolCalls: [{ id: 'a', name: 'calculator', arguments: {} }], state: { n: 1 } }),
      context,
    );
    expect(reply).toEqual({
      text: 'calc',
      toolCalls: [{ id: 'a', name: 'calculator', arguments: {} }],
      usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0, costUsd: null },
      state: { n: 1 },
    });
    expect('final' in reply).toBe(false);
    const final = await callCodeAgent('probe', async () => ({ final: null, usage: { inputTokens: 2 } }), context);
    expect(final).toMatchObject({ final: null, usage: { inputTokens: 2, outputTokens: 0, totalTokens: 2 } });
  });

  it('fails with stable codes on a throw, a bad result, a final with calls, or oversized state', async () => {
    expect(
      await failureOf(() => {
        throw new Error('boom');
      }),
    ).toMatchObject({ code: 'agent_failed', retryable: false, message: 'code agent "probe" failed: boom' });
    expect(
      await failureOf(() => {
        throw new AgentStepError('agent_unavailable', 'try later');
      }),
    ).toMatchObject({ code: 'agent_unavailable', retryable: true });
    expect(await failureOf(() => ({ toolCalls: [{ id: 'bad id!', name: 'x', arguments: {} }] }))).toMatchObject({
      code: 'agent_response_invalid',
    });
    expect(await failureOf(() => ({ extra: 1 }) as never)).toMatchObject({ code: 'agent_response_invalid' });
    expect(
      await failureOf(() => ({
        toolCalls: [
          { id: 'a', name: 'x', arguments: {} },
          { id: 'a', name: 'y', arguments: {} },
        ],
      })),
    ).toMatchObject({ code: 'agent_response_invalid', message: expect.stringContaining('repeated a tool call id') });
    expect(
      await failureOf(() => ({ final: 'done', toolCalls: [{ id: 'a', name: 'x', arguments: {} }] })),
    ).toMatchObject({
      code: 'agent_response_invalid',
      message: expect.stringContaining('final answer and tool calls'),
    });
    expect(await failureOf(() => ({ state: 'x'.repeat(maxAgentStateBytes) }))).toMatchObject({
      code: 'agent_state_too_large',
      retryable: false,
    });
  });

  it('streams emitText pieces to onTextDelta; the returned text must be their join, or left out', async () => {
    const heard: string[] = [];
    let late: ((delta: string) => void) | undefined;
    const streaming: CodeAgent = ({ emitText }) => {
      emitText('Hel');
      emitText('');
      emitText('lo');
      late = emitText;
      return { text: 'Hello' };
    };
    expect(await callCodeAgent('probe', streaming, context, (text) => heard.push(text))).toMatchObject({
      text: 'Hello',
    });
    late?.('ignored after the step returned');
    expect(heard).toEqual(['Hel', 'lo']);
    // Left out: the joined deltas are the text.
    const implicit = await callCodeAgent('probe', ({ emitText }) => (emitText('a'), emitText('b'), {}), context);
    expect(implicit.text).toBe('ab');
    // A different text breaks what clients saw: not retried.
    const differs = await callCodeAgent(
      'probe',
      ({ emitText }) => (emitText('draft'), { text: 'final' }),
      context,
    ).catch((error: unknown) => error);
    expect(differs).toMatchObject({
      code: 'agent_response_invalid',
      retryable: false,
      message: expect.stringContaining('streamed 5 characters of text but returned a different text'),
    });
    const tooMuch = await callCodeAgent(
      'probe',
      ({ emitText }) => (emitText('x'.repeat(maxAgentTextChars)), emitText('y'), {}),
      context,
    ).catch((error: unknown) => error);
    expect(tooMuch).toMatchObject({ code: 'agent_response_invalid', message: expect.stringContaining('more than') });
    const notText = await callCodeAgent('probe', ({ emitText }) => (emitText(42 as never), {}), context).catch(
      (error: unknown) => error,
    );
    expect(notText).toMatchObject({ code: 'agent_failed', message: expect.stringContaining('streamed a number') });
  });
});
