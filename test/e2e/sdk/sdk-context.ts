import { AgentRuntimeClient, type AgentSpecInput } from '@agent-runtime/sdk';
import type { SdkStack } from './sdk-stacks.ts';

/** What each SDK feature suite gets: the stack and a client holding its admin key. */
export interface SdkContext {
  readonly stack: SdkStack;
  /** Platform admin and tenant admin of the default tenant. */
  readonly admin: AgentRuntimeClient;
}

/** A context over a started stack. */
export function sdkContextOf(stack: SdkStack): SdkContext {
  return { stack, admin: new AgentRuntimeClient({ baseUrl: stack.url, apiKey: stack.apiKey }) };
}

/** A name no other test or run of this file uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
}

/** Creates an agent with one version of `spec`; answers its id. */
export async function agentWithSpec(client: AgentRuntimeClient, prefix: string, spec: AgentSpecInput): Promise<string> {
  const agent = await client.agents.create({ name: uniqueName(prefix) });
  await client.versions.create(agent.id, spec);
  return agent.id;
}

/** A model that answers at once: one step, no tools. */
export const quickSpec = {
  model: { provider: 'scripted', replies: [{ text: 'done' }] },
} as unknown as AgentSpecInput;

/** A tool call that waits for a human decision, then a final answer. */
export const approvalSpec = {
  model: {
    provider: 'scripted',
    replies: [
      { text: 'may I?', toolCalls: [{ id: 'pay', name: 'echo', arguments: { amount: 10 } }] },
      { text: 'done' },
    ],
  },
  tools: [{ name: 'echo', requiresApproval: true }],
} as unknown as AgentSpecInput;

/** A step that sleeps for half a minute: a run that stays running until cancelled. */
export const sleepySpec = {
  model: { provider: 'scripted', replies: [{ toolCalls: [{ name: 'sleep', arguments: { seconds: 30 } }] }, {}] },
  tools: [{ name: 'sleep' }],
} as unknown as AgentSpecInput;

/**
 * Several steps with short sleeps and streamed text, so that most events and text deltas are
 * recorded while a client follows the run.
 */
export const steppingSpec = {
  model: {
    provider: 'scripted',
    stream: { chunkChars: 4, chunkDelayMs: 5 },
    replies: [
      {
        text: 'one: looking into it',
        toolCalls: [
          { id: 'a', name: 'sleep', arguments: { seconds: 0.1 } },
          { id: 'b', name: 'echo', arguments: { n: 1 } },
        ],
      },
      { text: 'two: still going', toolCalls: [{ id: 'c', name: 'sleep', arguments: { seconds: 0.15 } }] },
      { text: 'three: ünïcode 🙂 survives', toolCalls: [{ id: 'd', name: 'echo', arguments: { n: 3 } }] },
      { text: 'four: nearly there', toolCalls: [{ id: 'e', name: 'sleep', arguments: { seconds: 0.1 } }] },
      { text: 'five: one more', toolCalls: [{ id: 'f', name: 'sleep', arguments: { seconds: 0.05 } }] },
      { text: 'done, and that is the whole of it' },
    ],
  },
  tools: [{ name: 'sleep' }, { name: 'echo' }],
} as unknown as AgentSpecInput;

/**
 * Three steps whose text streams for about a third of a second each, in about ten pieces (the
 * worker joins what comes within 30 ms), so that a connection cut at a random point often
 * breaks off in the middle of a step's text.
 */
export const slowTextSpec = {
  model: {
    provider: 'scripted',
    stream: { chunkChars: 3, chunkDelayMs: 15 },
    replies: [
      {
        text: 'Let me look that up for you, it will only take a moment or two.',
        toolCalls: [{ id: 'a', name: 'echo', arguments: { n: 1 } }],
      },
      {
        text: 'Still checking the records: ünïcode and emoji 🙂 survive the pieces.',
        toolCalls: [{ id: 'b', name: 'echo', arguments: { n: 2 } }],
      },
      { text: 'The answer is 42, and that is the whole of it, start to end.' },
    ],
  },
  tools: [{ name: 'echo' }],
} as unknown as AgentSpecInput;
