import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { RunStreamEvent } from '@agent-runtime/sdk';
import { waitUntil } from '@agent-runtime/test-harness';
import { expect, it } from 'vitest';
import { agentNamed, modelSpec, type CliContext } from './cli-context.ts';

/** `runs start --follow` (tokens, tools, approvals, exit codes by end state) and the other `runs` commands. */
export function describeRunCommands(current: () => CliContext) {
  it('follows a run live: streamed tokens, a tool call and its result; exit 0', async () => {
    const { user, stack } = current();
    const name = await agentNamed(stack.admin, 'cli-model', modelSpec(stack, [{ name: 'calculator' }]));
    stack.model.enqueue(
      { kind: 'reply', text: 'Let me compute.', toolCalls: [{ name: 'calculator', arguments: { expression: '6*7' } }] },
      { kind: 'reply', text: 'The answer is forty-two, as computed.', chunkSize: 3, chunkDelayMs: 10 },
    );
    const result = await user.run(['runs', 'start', name, '--input', 'What is 6 * 7?', '--follow']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(
      'Let me compute.\n→ calculator({"expression":"6*7"})\n← calculator: {"value":42}\nThe answer is forty-two, as computed.\n',
    );
    expect(result.stderr).toMatch(/✓ run \S+ succeeded/);
    const request = stack.model.requests.at(-2)?.body;
    expect(JSON.stringify(request?.messages)).toContain('What is 6 * 7?');
  });

  it('prints every event as a line of JSON with --json, text deltas included', async () => {
    const { user, stack } = current();
    const name = await agentNamed(stack.admin, 'cli-json', modelSpec(stack));
    stack.model.enqueue({ kind: 'reply', text: 'streamed in pieces', chunkSize: 2, chunkDelayMs: 20 });
    const result = await user.run(['runs', 'start', name, '-i', 'hi', '--follow', '--json']);
    expect(result.code).toBe(0);
    const events = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as RunStreamEvent);
    expect(events[0]?.type).toBe('run.started');
    expect(events.at(-1)?.type).toBe('run.succeeded');
    const deltas = events.flatMap((event) => (event.type === 'model.delta' ? [event.text] : []));
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe('streamed in pieces');
    expect(result.stderr).toBe('');
  });

  it('exits 3 for a failed run, 5 for a timed-out one, 4 for a cancelled one', async () => {
    const { user, stack } = current();
    const failing = await agentNamed(stack.admin, 'cli-fails', {
      model: {
        provider: 'scripted',
        replies: [{ toolCalls: [{ name: 'echo', arguments: {} }] }, { toolCalls: [{ name: 'echo', arguments: {} }] }],
      },
      tools: [{ name: 'echo' }],
      limits: { maxSteps: 1 },
    });
    const failed = await user.run(['runs', 'start', failing, '-i', 'go', '--follow']);
    expect(failed.code).toBe(3);
    expect(failed.stderr).toMatch(/✗ run \S+ failed: max_steps_exceeded/);

    const slow = await agentNamed(stack.admin, 'cli-slow', {
      model: { provider: 'scripted', replies: [{ toolCalls: [{ name: 'sleep', arguments: { seconds: 30 } }] }, {}] },
      tools: [{ name: 'sleep' }],
      limits: { timeoutSeconds: 1 },
    });
    const timedOut = await user.run(['runs', 'start', slow, '-i', 'go', '--wait']);
    expect(timedOut.code).toBe(5);
    expect(timedOut.stdout).toMatch(/^status\s+timed_out$/m);

    const sleepy = await agentNamed(stack.admin, 'cli-sleepy', {
      model: { provider: 'scripted', replies: [{ toolCalls: [{ name: 'sleep', arguments: { seconds: 30 } }] }, {}] },
      tools: [{ name: 'sleep' }],
    });
    const runId = (await user.run(['runs', 'start', sleepy, '-i', 'go', '--quiet'])).stdout.trim();
    const tail = user.run(['runs', 'tail', runId]);
    await waitUntil('the run runs', async () => (await stack.admin.runs.get(runId)).status === 'running', 30_000);
    await delay(300);
    const cancel = await user.run(['runs', 'cancel', runId]);
    expect(cancel.code).toBe(0);
    const followed = await tail;
    expect(followed.code).toBe(4);
    expect(followed.stdout).toContain('→ sleep({"seconds":30})');
    expect(followed.stderr).toMatch(/run \S+ cancelled/);
  });

  it('without a terminal, says how to decide an approval; runs approve decides it and the follower ends', async () => {
    const { user, stack } = current();
    const name = await agentNamed(stack.admin, 'cli-approval', {
      model: {
        provider: 'scripted',
        replies: [
          { text: 'may I?', toolCalls: [{ id: 'pay', name: 'echo', arguments: { amount: 10 } }] },
          { text: 'paid' },
        ],
      },
      tools: [{ name: 'echo', requiresApproval: true }],
    });
    const following = user.run(['runs', 'start', name, '-i', 'pay', '--follow']);
    let runId = '';
    await waitUntil(
      'the run waits for approval',
      async () => {
        const [run] = await stack.admin.runs.list({ status: 'waiting' }).toArray(1);
        runId = run?.id ?? '';
        return runId !== '';
      },
      30_000,
    );
    const get = await user.run(['runs', 'get', runId]);
    expect(get.stdout).toMatch(/^status\s+waiting$/m);
    expect(get.stdout).toMatch(/^pending\s+\S+ echo\(\{"amount":10\}\)$/m);
    const approve = await user.run(['runs', 'approve', runId, '--comment', 'fine by me']);
    expect(approve.code, approve.stderr).toBe(0);
    const result = await following;
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('? echo({"amount":10}) needs approval');
    expect(result.stdout).toMatch(/decide with: agent-runtime runs approve \S+ \S+ \[--reject\]/);
    expect(result.stdout).toMatch(/approved by api-key:\S+: fine by me/);
    expect(result.stdout).toContain('← echo: {"amount":10}');
    const again = await user.run(['runs', 'approve', runId]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('has no pending approval');
  });

  it('lists runs, sends messages, lists and downloads artifacts', async () => {
    const { user, stack } = current();
    const name = await agentNamed(stack.admin, 'cli-artifacts', {
      model: {
        provider: 'scripted',
        replies: [
          {
            toolCalls: [{ name: 'write_artifact', arguments: { name: 'report.md', content: '# Report\nall good\n' } }],
          },
          { toolCalls: [{ name: 'sleep', arguments: { seconds: 1.5 } }] },
          { text: 'written' },
        ],
      },
      tools: [{ name: 'write_artifact' }, { name: 'sleep' }],
    });
    const runId = (await user.run(['runs', 'start', name, '-i', 'write', '-q'])).stdout.trim();
    await waitUntil('the artifact', async () => (await stack.admin.artifacts.list(runId).toArray()).length > 0, 30_000);
    const message = await user.run(['runs', 'message', runId, 'also say hi', '--json']);
    expect(message.code, message.stderr).toBe(0);
    expect(JSON.parse(message.stdout)).toMatchObject({ messageId: expect.any(String) });
    expect((await user.run(['runs', 'tail', runId])).code).toBe(0);

    const artifacts = await user.run(['runs', 'artifacts', runId]);
    expect(artifacts.stdout).toMatch(/^\S+\s+report\.md\s+text\/plain/m);
    const download = await user.run(['runs', 'artifacts', runId, '--download', 'report.md']);
    expect(download.stdout).toBe('# Report\nall good\n');
    const target = path.join(user.configHome, 'report.md');
    await user.run(['runs', 'artifacts', runId, '-d', 'report.md', '-o', target]);
    expect(await readFile(target, 'utf8')).toBe('# Report\nall good\n');

    const listed = JSON.parse((await user.run(['runs', 'ls', '--agent', name, '--json'])).stdout) as { id: string }[];
    expect(listed.map((run) => run.id)).toEqual([runId]);
    const table = await user.run(['runs', 'ls', '--status', 'succeeded', '--limit', '3']);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+STATUS\s+AGENT\s+CREATED/);
    const wrongStatus = await user.run(['runs', 'ls', '--status', 'done']);
    expect(wrongStatus.code).toBe(2);
  });

  it("reports the tenant's usage by model: the steps of the runs above, as a table and as JSON", async () => {
    const { user } = current();
    const json = await user.run(['usage', '--by', 'model', '--json']);
    expect(json.code, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout) as { groupBy: string; items: { key: string; steps: number }[] };
    expect(report.groupBy).toBe('model');
    expect(report.items.find((item) => item.key === 'openai-compatible/test-model')?.steps).toBeGreaterThan(0);
    const table = await user.run(['usage', '--by', 'model']);
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^GROUP\s+STEPS\s+RUNS\s+INPUT\s+OUTPUT\s+TOTAL\s+USD/);
    expect(table.stdout).toContain('openai-compatible/test-model');
    expect((await user.run(['usage', '--by', 'week'])).code).toBe(2);
  });
}
