import { describe, expect, it } from 'vitest';
import { genAiContentAttributes } from './genai-content.ts';

const input = [{ role: 'user', content: 'my password is hunter2' }];
const output = {
  role: 'assistant',
  content: 'calling',
  toolCalls: [{ id: 'c1', name: 'lookup', arguments: { user: 'alice' } }],
};

describe('GenAI content capture', () => {
  it('records nothing when off', () => {
    expect(genAiContentAttributes('off', input, output)).toEqual({});
  });

  it('keeps roles, sizes and tool names but no text or arguments when redacted', () => {
    const attributes = genAiContentAttributes('redacted', input, output);
    expect(JSON.stringify(attributes)).not.toMatch(/hunter2|alice|calling/);
    expect(JSON.parse(attributes['gen_ai.input.messages'] ?? '')).toEqual([
      { role: 'user', parts: [{ type: 'text', content: '[redacted: 22 chars]' }] },
    ]);
    expect(JSON.parse(attributes['gen_ai.output.messages'] ?? '')).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'text', content: '[redacted: 7 chars]' },
          { type: 'tool_call', id: 'c1', name: 'lookup' },
        ],
      },
    ]);
  });

  it('records the messages as they are when full', () => {
    const attributes = genAiContentAttributes('full', input, output);
    expect(JSON.parse(attributes['gen_ai.input.messages'] ?? '')).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'my password is hunter2' }] },
    ]);
    expect(attributes['gen_ai.output.messages']).toContain('"arguments":{"user":"alice"}');
  });
});
