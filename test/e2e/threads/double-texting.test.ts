import type { CodeAgent, ConversationMessage } from '@agent-runtime/agents';
import { createAgentWithSpec, startTestRuntime, waitForRun, type TestRuntime } from '@agent-runtime/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Steps the test holds in flight until it lets them go, by the name in the run's input. */
const held = new Map<string, { entered: boolean; release: () => void; released: Promise<void> }>();

function hold(name: string): void {
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  held.set(name, { entered: false, release, released });
}

/**
 * Two steps: the first (held while the test says so) asks for a calculator call, the second
 * answers. A cancelled step stops waiting.
 */
const gated: CodeAgent = async ({ input, step, signal }) => {
  const { name } = input as { name: string };
  if (step > 1) return { text: `${name} done`, final: { name } };
  const gate = held.get(name);
  if (gate) {
    gate.entered = true;
    await new Promise<void>((resolve, reject) => {
      void gate.released.then(resolve);
      signal.addEventListener('abort', () => reject(new Error('cancelled')), { once: true });
    });
  }
  return {
    text: `${name} step 1`,
    toolCalls: [{ id: `${name}-calc`, name: 'calculator', arguments: { expression: '1 + 1' } }],
  };
};

/**
 * Double texting: a new run on a thread whose run has not ended follows its
 * `multitaskStrategy`, whichever API instance each request reaches; the thread's runs run
 * one at a time, in order.
 */
describe('threads: double texting over two API instances', () => {
  let runtime: TestRuntime;
  let secondUrl: string;
  let agentId: string;

  beforeAll(async () => {
    runtime = await startTestRuntime({ agents: { gated } });
    secondUrl = await runtime.startExtraApi(runtime.config);
    agentId = await createAgentWithSpec(runtime, 'gated', {
      agent: { kind: 'code', name: 'gated' },
      tools: [{ name: 'calculator' }],
    });
  });

  afterAll(async () => {
    for (const gate of held.values()) gate.release();
    await runtime?.stop();
  });

  /** Starts a turn through the first API instance or the second. */
  async function startTurn(threadId: string, name: string, multitaskStrategy: string, via: 'first' | 'second') {
    const body = JSON.stringify({ agentId, input: { name }, multitaskStrategy });
    const path = `/v1/threads/${threadId}/runs`;
    return via === 'first'
      ? runtime.request('POST', path, { agentId, input: { name }, multitaskStrategy })
      : fetch(`${secondUrl}${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${runtime.apiKey}`, 'content-type': 'application/json' },
          body,
        });
  }

  async function started(threadId: string, name: string, strategy: string, via: 'first' | 'second') {
    const response = await startTurn(threadId, name, strategy, via);
    expect(response.status, await response.clone().text()).toBe(202);
    return (await response.json()) as { id: string; status: string; queue?: { reason: string } };
  }

  async function newThread(): Promise<string> {
    return ((await (await runtime.request('POST', '/v1/threads', {})).json()) as { id: string }).id;
  }

  async function untilEntered(name: string): Promise<void> {
    const deadline = Date.now() + 20_000;
    while (!held.get(name)?.entered) {
      if (Date.now() > deadline) throw new Error(`step of ${name} never started`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async function conversation(threadId: string): Promise<string[]> {
    const page = (await (await runtime.request('GET', `/v1/threads/${threadId}/messages?limit=1000`)).json()) as {
      items: { message: ConversationMessage }[];
    };
    return page.items.map(({ message }) => `${message.role}:${message.content}`);
  }

  async function threadStatus(threadId: string): Promise<string> {
    return ((await (await runtime.request('GET', `/v1/threads/${threadId}`)).json()) as { status: string }).status;
  }

  it('reject: a second run is refused with 409 thread_busy while the first runs', async () => {
    const threadId = await newThread();
    hold('r1');
    const first = await started(threadId, 'r1', 'reject', 'first');
    await untilEntered('r1');
    expect(await threadStatus(threadId)).toBe('busy');
    const refused = await startTurn(threadId, 'r2', 'reject', 'second');
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ code: 'thread_busy' });
    held.get('r1')?.release();
    expect((await waitForRun(runtime, first.id)).status).toBe('succeeded');
    expect(await threadStatus(threadId)).toBe('idle');
  });

  it('enqueue: later runs wait their turn and run in order, across both instances', async () => {
    const threadId = await newThread();
    hold('e1');
    const first = await started(threadId, 'e1', 'enqueue', 'first');
    await untilEntered('e1');
    const second = await started(threadId, 'e2', 'enqueue', 'second');
    const third = await started(threadId, 'e3', 'enqueue', 'first');
    expect(second).toMatchObject({ status: 'queued', queue: { reason: 'thread' } });
    expect(third).toMatchObject({ status: 'queued', queue: { reason: 'thread' } });
    held.get('e1')?.release();
    for (const run of [first, second, third]) expect((await waitForRun(runtime, run.id)).status).toBe('succeeded');
    const turns = (await conversation(threadId)).filter((line) => line.startsWith('user:'));
    expect(turns).toEqual(['user:{"name":"e1"}', 'user:{"name":"e2"}', 'user:{"name":"e3"}']);
  });

  it('interrupt: the running turn stops at its next step boundary, keeps what it did, and the new one runs', async () => {
    const threadId = await newThread();
    hold('i1');
    const first = await started(threadId, 'i1', 'enqueue', 'first');
    await untilEntered('i1');
    const second = await started(threadId, 'i2', 'interrupt', 'second');
    held.get('i1')?.release();
    const interrupted = await waitForRun(runtime, first.id);
    expect(interrupted).toMatchObject({ status: 'cancelled', error: { code: 'run_interrupted', step: 1 } });
    expect((await waitForRun(runtime, second.id)).status).toBe('succeeded');
    expect(await conversation(threadId)).toEqual([
      'user:{"name":"i1"}',
      'assistant:i1 step 1',
      expect.stringMatching(/^tool:/),
      'user:{"name":"i2"}',
      'assistant:i2 step 1',
      expect.stringMatching(/^tool:/),
      'assistant:i2 done',
    ]);
  });

  it('rollback: the running turn is cancelled and its messages never join the thread', async () => {
    const threadId = await newThread();
    hold('b1');
    const first = await started(threadId, 'b1', 'enqueue', 'first');
    await untilEntered('b1');
    const second = await started(threadId, 'b2', 'rollback', 'second');
    const rolledBack = await waitForRun(runtime, first.id);
    expect(rolledBack.status, JSON.stringify(rolledBack.error)).toBe('cancelled');
    expect((await waitForRun(runtime, second.id)).status).toBe('succeeded');
    expect(await conversation(threadId)).toEqual([
      'user:{"name":"b2"}',
      'assistant:b2 step 1',
      expect.stringMatching(/^tool:/),
      'assistant:b2 done',
    ]);
  });
});
