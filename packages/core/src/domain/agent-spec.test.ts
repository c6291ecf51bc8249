import { describe, expect, it } from 'vitest';
import { agentSpecSchema } from './agent-spec.ts';

describe('agent specs', () => {
  it('applies defaults', () => {
    const spec = agentSpecSchema.parse({ model: { provider: 'scripted', replies: [{ text: 'hi' }] } });
    expect(spec).toMatchObject({ runtime: 'builtin', tools: [], limits: { maxSteps: 25 } });
  });

  it('rejects a scripted tool call to an undeclared tool, duplicate tools and unknown fields', () => {
    const result = agentSpecSchema.safeParse({
      model: { provider: 'scripted', replies: [{ toolCalls: [{ name: 'sleep' }] }] },
      tools: [{ name: 'echo' }, { name: 'echo' }],
      temperature: 1,
    });
    expect(result.success).toBe(false);
    const messages = result.error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) ?? [];
    expect(messages.join('\n')).toMatch(/Unrecognized key.*temperature/);
  });

  it('reports undeclared tools with their path', () => {
    const result = agentSpecSchema.safeParse({
      model: { provider: 'scripted', replies: [{ toolCalls: [{ name: 'sleep' }] }] },
      tools: [{ name: 'echo' }],
    });
    expect(result.error?.issues).toEqual([
      expect.objectContaining({ path: ['model', 'replies', 0, 'toolCalls', 0, 'name'] }),
    ]);
  });
});
