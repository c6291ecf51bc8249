import { expect, it } from 'vitest';
import { agentNamed, modelSpec, type CliContext } from './cli-context.ts';
import { cliBin } from './cli-process.ts';
import { startThreadlessApiProxy } from './threadless-api-proxy.ts';
import { TmuxSession } from './tmux-session.ts';

/**
 * The CLI as a person uses it: in a real pseudo-terminal (tmux), answering prompts with keys,
 * the screen read back as they would see it.
 */
export function describePseudoTerminal(current: () => CliContext) {
  async function terminal(args: readonly string[]): Promise<TmuxSession> {
    const { user } = current();
    return TmuxSession.start([cliBin, ...args], user.env());
  }

  it('asks for an approval at the prompt and sends the decision with its comment', async () => {
    const { stack } = current();
    const name = await agentNamed(stack.admin, 'pty-approval', {
      model: {
        provider: 'scripted',
        replies: [
          { text: 'may I delete it?', toolCalls: [{ id: 'rm', name: 'echo', arguments: { path: '/tmp/x' } }] },
          { text: 'deleted; may I really?', toolCalls: [{ id: 'rm2', name: 'echo', arguments: { path: '/tmp/y' } }] },
          { text: 'understood, leaving it' },
        ],
      },
      tools: [{ name: 'echo', requiresApproval: true }],
    });
    const session = await terminal(['runs', 'start', name, '--input', 'clean up', '--follow']);
    try {
      let screen = await session.waitFor(/Allow echo\(\{"path":"\/tmp\/x"\}\)\?/);
      expect(screen).toContain('may I delete it?');
      expect(screen).toMatch(/Approve/);
      expect(screen).toMatch(/Reject/);
      await session.press('Enter');
      await session.waitFor(/Comment \(optional\)/);
      await session.type('go ahead');
      await session.press('Enter');
      screen = await session.waitFor(/Allow echo\(\{"path":"\/tmp\/y"\}\)\?/);
      expect(screen).toMatch(/approved by api-key:\S+: go ahead/);
      expect(screen).toContain('deleted; may I really?');
      await session.press('Down', 'Enter');
      await session.waitFor(/Why\? \(the model reads this\)/);
      await session.type('not that one');
      await session.press('Enter');
      screen = await session.waitFor(/understood, leaving it/);
      expect(screen).toMatch(/rejected by api-key:\S+: not that one/);
      expect(await session.waitForExit()).toBe(0);
      const runs = await stack.admin.runs.list({}).toArray(1);
      const events = await stack.admin.events.list(runs[0]?.id ?? '').toArray();
      const decisions = events.flatMap((event) => (event.type === 'approval.decided' ? [event.data] : []));
      expect(decisions.map(({ decision, comment }) => ({ decision, comment }))).toEqual([
        { decision: 'approve', comment: 'go ahead' },
        { decision: 'reject', comment: 'not that one' },
      ]);
    } finally {
      await session.stop();
    }
  });

  it('holds a chat on a thread: turns streamed as they arrive, the second sees the first; resumed with --thread', async () => {
    const { stack } = current();
    const name = await agentNamed(stack.admin, 'pty-chat', modelSpec(stack));
    const threadId = await (async () => {
      const session = await terminal(['chat', name]);
      try {
        let screen = await session.waitFor(/You/);
        expect(screen).toContain(`chat with ${name}`);
        expect(screen).toContain('the agent sees the whole conversation');
        stack.model.enqueue({ kind: 'reply', text: 'Hello! Nice to meet you.', chunkSize: 2, chunkDelayMs: 30 });
        await session.type('hello there');
        await session.press('Enter');
        screen = await session.waitFor(/Nice to meet you\.[\s\S]*You/);
        expect(screen).toContain('hello there');
        stack.model.enqueue({ kind: 'reply', text: 'Paris is the capital of France.', chunkSize: 3, chunkDelayMs: 20 });
        await session.type('capital of France?');
        await session.press('Enter');
        screen = await session.waitFor(/Paris is the capital of France\.[\s\S]*You/);
        expect(screen.indexOf('Nice to meet you.')).toBeLessThan(screen.indexOf('Paris is the capital'));
        // The second turn's model request carries the first turn: the thread's history.
        const secondRequest = JSON.stringify(stack.model.requests.at(-1)?.body?.messages);
        expect(secondRequest).toContain('hello there');
        expect(secondRequest).toContain('Hello! Nice to meet you.');
        expect(secondRequest).toContain('capital of France?');
        await session.type('/exit');
        await session.press('Enter');
        expect(await session.waitForExit()).toBe(0);
        // It says how to go on with the conversation another time.
        screen = await session.screen();
        const id = new RegExp(`continue it with: agent-runtime chat ${name} --thread (\\S+)`).exec(screen)?.[1];
        expect(id).toBeDefined();
        return id ?? '';
      } finally {
        await session.stop();
      }
    })();
    expect((await stack.admin.threads.get(threadId)).messageCount).toBe(4);

    // Another day: the conversation goes on where it stopped, what was said shown first.
    const resumed = await terminal(['chat', name, '--thread', threadId]);
    try {
      let screen = await resumed.waitFor(/a message, or \/exit/);
      expect(screen).toContain(`earlier in thread ${threadId}`);
      expect(screen).toMatch(
        /You: hello there\s+Hello! Nice to meet you\.\s+You: capital of France\?\s+Paris is the capital/,
      );
      stack.model.enqueue({ kind: 'reply', text: 'You said hello first.', chunkSize: 4, chunkDelayMs: 10 });
      await resumed.type('what did I say first?');
      await resumed.press('Enter');
      screen = await resumed.waitFor(/You said hello first\.[\s\S]*You/);
      const thirdRequest = JSON.stringify(stack.model.requests.at(-1)?.body?.messages);
      expect(thirdRequest).toContain('hello there');
      expect(thirdRequest).toContain('Paris is the capital of France.');
      expect(thirdRequest).toContain('what did I say first?');
      await resumed.type('/exit');
      await resumed.press('Enter');
      expect(await resumed.waitForExit()).toBe(0);
    } finally {
      await resumed.stop();
    }
  });

  it('holds a chat without threads where the API has none: a run per turn, /exit ends it', async () => {
    const { stack, user } = current();
    const name = await agentNamed(stack.admin, 'pty-chat-runs', modelSpec(stack));
    const olderApi = await startThreadlessApiProxy(stack.url);
    const session = await TmuxSession.start([cliBin, 'chat', name], user.env({ AGENT_RUNTIME_URL: olderApi.url }));
    try {
      let screen = await session.waitFor(/You/);
      expect(screen).toContain(`chat with ${name}`);
      expect(screen).toContain('earlier turns are not kept');
      stack.model.enqueue({ kind: 'reply', text: 'Hello! Nice to meet you.', chunkSize: 2, chunkDelayMs: 30 });
      await session.type('hello there');
      await session.press('Enter');
      screen = await session.waitFor(/Nice to meet you\.[\s\S]*You/);
      expect(screen).toContain('hello there');
      stack.model.enqueue({ kind: 'reply', text: 'Paris is the capital of France.', chunkSize: 3, chunkDelayMs: 20 });
      await session.type('capital of France?');
      await session.press('Enter');
      screen = await session.waitFor(/Paris is the capital of France\.[\s\S]*You/);
      expect(screen.indexOf('Nice to meet you.')).toBeLessThan(screen.indexOf('Paris is the capital'));
      const lastRequest = stack.model.requests.at(-1)?.body;
      expect(JSON.stringify(lastRequest?.messages)).toContain('capital of France?');
      expect(JSON.stringify(lastRequest?.messages)).not.toContain('hello there');
      await session.type('/exit');
      await session.press('Enter');
      expect(await session.waitForExit()).toBe(0);
    } finally {
      await session.stop();
      await olderApi.stop();
    }
  });
}
