import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, it } from 'vitest';
import type { CliContext } from './cli-context.ts';
import { uniqueName } from './cli-stack.ts';

function agentFile(name: string, finalText: string, extra = ''): string {
  return `name: ${name}
description: answers after a nap
spec:
  model:
    provider: scripted
    replies:
      - text: one moment
        toolCalls: [{ name: sleep, arguments: { seconds: 0.1 } }]
      - text: ${finalText}
  tools: [{ name: sleep }]
${extra}`;
}

/** `agents apply` (declarative: a version only when the spec changed, with its diff) and `agents ls|get|versions|diff`. */
export function describeAgentCommands(current: () => CliContext) {
  it('creates the agent, adds no version for the same spec, and a diffed one for a changed spec', async () => {
    const { user, stack } = current();
    const name = uniqueName('applied');
    const file = path.join(user.configHome, `${name}.yaml`);
    await writeFile(file, agentFile(name, 'rested'));

    const first = await user.run(['agents', 'apply', '-f', file]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain(`agent ${name} created`);
    expect(first.stderr).toContain(`${name} version 1 created`);
    expect(first.stdout).toContain('+   provider: scripted');

    // The same file again: the API's defaults (tool kind, limits, …) are no change.
    const again = await user.run(['agents', 'apply', '-f', file, '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({
      createdAgent: false,
      createdVersion: false,
      version: { version: 1 },
    });

    await writeFile(file, agentFile(name, 'rested well', '  limits: { maxSteps: 5 }\n'));
    const dryRun = await user.run(['agents', 'apply', '-f', file, '--dry-run']);
    expect(dryRun.stderr).toContain('would be created');
    const changed = await user.run(['agents', 'apply', '-f', file]);
    expect(changed.code).toBe(0);
    expect(changed.stdout).toMatch(/^- {5}- text: rested$/m);
    expect(changed.stdout).toMatch(/^\+ {5}- text: rested well$/m);
    expect(changed.stdout).toMatch(/^- {3}maxSteps: 25$/m);
    expect(changed.stdout).toMatch(/^\+ {3}maxSteps: 5$/m);
    expect(changed.stderr).toContain(`${name} version 2 created`);

    const agent = (await stack.admin.agents.list().toArray()).find((candidate) => candidate.name === name);
    expect(agent?.latestVersion).toBe(2);
    const versions = await user.run(['agents', 'versions', name]);
    expect(versions.stdout.split('\n')[0]).toMatch(/^VERSION\s+CREATED\s+SPEC HASH\s+MODEL$/);
    expect(versions.stdout).toMatch(/^2\s/m);
    expect(versions.stdout).toMatch(/^1\s/m);

    const diff = await user.run(['agents', 'diff', name, '--json']);
    expect(JSON.parse(diff.stdout)).toMatchObject({ changed: true });
    const fileDiff = await user.run(['agents', 'diff', name, '-f', file]);
    expect(fileDiff.stderr).toContain('no difference');

    const list = JSON.parse((await user.run(['agents', 'ls', '--json'])).stdout) as { name: string }[];
    expect(list.map((row) => row.name)).toContain(name);
    const quiet = await user.run(['agents', 'ls', '--quiet']);
    expect(quiet.stdout.trim().split('\n')).toContain(agent?.id);
    const get = await user.run(['agents', 'get', name]);
    expect(get.stdout).toContain('spec (version 2)');
    expect(get.stdout).toContain('text: rested well');
  });

  it('explains a spec the API refuses, with the field at fault', async () => {
    const { user } = current();
    const refused = await user.run(['agents', 'apply', '-f', '-'], {
      stdin: `name: ${uniqueName('broken')}\nspec:\n  model: { provider: scripted, replies: [{}] }\n  limits: { maxSteps: 0 }\n`,
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/\(validation_failed\)/);
    expect(refused.stderr).toMatch(/limits\.maxSteps|maxSteps/);
  });
}
