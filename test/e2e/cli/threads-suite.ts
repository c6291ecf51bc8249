import type { AgentSpecInput, Thread } from '@agent-runtime/sdk';
import { expect, it } from 'vitest';
import type { CliContext } from './cli-context.ts';
import { uniqueName } from './cli-stack.ts';

/** Two tool-calling steps and a final answer: something for a replay to reuse. */
const toolStepsSpec = {
  model: {
    provider: 'scripted',
    replies: [
      { text: 'first', toolCalls: [{ id: 'a', name: 'echo', arguments: { n: 1 } }] },
      { text: 'second', toolCalls: [{ id: 'b', name: 'echo', arguments: { n: 2 } }] },
      { text: 'all done' },
    ],
  },
  tools: [{ name: 'echo' }],
} as unknown as AgentSpecInput;

/** `threads ls|get|messages|fork|delete` and `runs replay`, through pipes as a script runs them. */
export function describeThreadCommands(current: () => CliContext) {
  it('lists threads by metadata and status, shows one and its conversation, forks it, deletes the fork', async () => {
    const { user, stack } = current();
    const agent = await stack.admin.agents.create({ name: uniqueName('cli-thread') });
    await stack.admin.versions.create(agent.id, {
      model: { provider: 'scripted', replies: [{ text: 'noted' }] },
    } as unknown as AgentSpecInput);
    const suite = uniqueName('suite');
    const thread = await stack.admin.threads.create({ metadata: { suite, user: 'ada' } });
    await stack.admin.threads.create({ metadata: { suite, user: 'bob' } });
    for (const input of ['one', 'two']) {
      const { run } = await stack.admin.threads.startRun(thread.id, { agentId: agent.id, input });
      await stack.admin.runs.wait(run.id);
    }

    const listed = await user.run(['threads', 'ls', '--metadata', `suite=${suite}`, '-m', 'user=ada', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    expect((JSON.parse(listed.stdout) as Thread[]).map((each) => each.id)).toEqual([thread.id]);
    const table = await user.run(['threads', 'ls', '--metadata', `suite=${suite}`, '--status', 'idle']);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+STATUS\s+MESSAGES\s+UPDATED\s+METADATA/);
    expect(table.stdout.trim().split('\n').length).toBe(3);
    expect((await user.run(['threads', 'ls', '--status', 'sleepy'])).code).toBe(2);
    expect((await user.run(['threads', 'ls', '--metadata', 'novalue'])).code).toBe(2);

    const shown = await user.run(['threads', 'get', thread.id]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/status\s+idle/);
    expect(shown.stdout).toMatch(/messages\s+4/);
    expect(shown.stdout).toMatch(/metadata\s+\S+=/);
    expect(shown.stdout).toContain(`suite=${suite}`);
    expect(shown.stdout).toContain('user=ada');

    const messages = await user.run(['threads', 'messages', thread.id]);
    expect(messages.code).toBe(0);
    expect(messages.stdout).toBe('   1 You: one\n   2 noted\n   3 You: two\n   4 noted\n');
    const newest = await user.run(['threads', 'messages', thread.id, '--desc', '-L', '1', '--json']);
    expect(JSON.parse(newest.stdout)).toEqual([
      expect.objectContaining({ seq: 4, message: expect.objectContaining({ role: 'assistant' }) }),
    ]);

    const forked = await user.run(['threads', 'fork', thread.id, '--seq', '2', '-m', 'branch=yes', '--json']);
    expect(forked.code, forked.stderr).toBe(0);
    const fork = JSON.parse(forked.stdout) as Thread;
    expect(fork).toMatchObject({
      messageCount: 2,
      forkedFrom: { threadId: thread.id, seq: 2 },
      metadata: { branch: 'yes' },
    });
    const forkShown = await user.run(['threads', 'get', fork.id]);
    expect(forkShown.stdout).toContain(`from ${thread.id} at message 2`);
    expect((await user.run(['threads', 'fork', thread.id, '--seq', '1', '--run', thread.id])).code).toBe(2);

    const deleted = await user.run(['threads', 'delete', fork.id]);
    expect(deleted.code).toBe(0);
    expect(deleted.stderr).toContain(`thread ${fork.id} deleted`);
    const gone = await user.run(['threads', 'get', fork.id]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('not_found');
    expect((await stack.admin.threads.get(thread.id)).messageCount).toBe(4);
  });

  it('replays a finished run from a step and follows it: the earlier steps are not run again', async () => {
    const { user, stack } = current();
    const agent = await stack.admin.agents.create({ name: uniqueName('cli-replay') });
    await stack.admin.versions.create(agent.id, toolStepsSpec);
    const { run } = await stack.admin.runs.create({ agentId: agent.id, input: 'go' });
    await stack.admin.runs.wait(run.id);

    const replayed = await user.run(['runs', 'replay', run.id, '--from-step', '2', '--input', 'again', '--follow']);
    expect(replayed.code, replayed.stderr).toBe(0);
    expect(replayed.stderr).toContain(`replays ${run.id} from step 2`);
    expect(replayed.stdout).toContain('all done');
    const [replay] = await stack.admin.runs.list({ agentId: agent.id }).toArray(1);
    expect(replay).toMatchObject({ replayOf: { runId: run.id, fromStep: 2 }, input: { message: 'again' } });
    const events = await stack.admin.events.list(replay?.id ?? '').toArray();
    expect(
      events.filter((event) => event.type === 'tool.completed' && event.data.replayed).map((event) => event.step),
    ).toEqual([1]);
    const shown = await user.run(['runs', 'get', replay?.id ?? '']);
    expect(shown.stdout).toMatch(new RegExp(`replays\\s+${run.id} from step 2`));

    expect((await user.run(['runs', 'replay', run.id])).code).toBe(2);
    const tooFar = await user.run(['runs', 'replay', run.id, '--from-step', '9']);
    expect(tooFar.code).toBe(1);
    expect(tooFar.stderr).toContain('validation_failed');
  });
}
