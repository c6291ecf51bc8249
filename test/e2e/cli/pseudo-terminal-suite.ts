import { expect, it } from 'vitest';
import { agentNamed, modelSpec, type CliContext } from './cli-context.ts';
import { cliBin } from './cli-process.ts';
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

  it('holds a chat session: each turn streamed as it arrives, /exit ends it', async () => {
    const { stack } = current();
    const name = await agentNamed(stack.admin, 'pty-chat', modelSpec(stack));
    const session = await terminal(['chat', name]);
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
      await session.type('/exit');
      await session.press('Enter');
      expect(await session.waitForExit()).toBe(0);
    } finally {
      await session.stop();
    }
  });
}
