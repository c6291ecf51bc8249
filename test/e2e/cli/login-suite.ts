import { stat } from 'node:fs/promises';
import { expect, it } from 'vitest';
import type { CliContext } from './cli-context.ts';
import { CliUser } from './cli-process.ts';

/** `login` with an API key, profiles in a 0600 file, `whoami`, and the exit code of a refused credential. */
export function describeLogin(current: () => CliContext) {
  it('stores the profile in a file only its owner can read, and whoami shows who it is', async () => {
    const { user, stack } = current();
    expect((await stat(user.configFile)).mode & 0o777).toBe(0o600);
    expect((await stat(`${user.configHome}/agent-runtime`)).mode & 0o777).toBe(0o700);
    const whoami = await user.run(['whoami', '--json']);
    expect(whoami.code).toBe(0);
    expect(JSON.parse(whoami.stdout)).toMatchObject({
      profile: 'default',
      url: stack.url,
      kind: 'api-key',
      keyName: 'bootstrap admin',
      roles: expect.arrayContaining(['tenant-admin']),
    });
    const human = await user.run(['whoami']);
    expect(human.stdout).toMatch(/^profile\s+default$/m);
    expect(human.stdout).toMatch(/^roles\s+.*tenant-admin/m);
    // Not a terminal: no colour codes anywhere.
    expect(human.stdout).not.toContain('\u001b[');
  });

  it('keeps profiles apart and refuses a key the API refuses, saving nothing', async () => {
    const { stack } = current();
    const user = await CliUser.create();
    try {
      const notLoggedIn = await user.run(['agents', 'ls']);
      expect(notLoggedIn.code).toBe(6);
      expect(notLoggedIn.stderr).toMatch(/not logged in[\s\S]*hint: run: agent-runtime login/);

      const refused = await user.run([
        'login',
        '--url',
        stack.url,
        '--api-key',
        'ar_nobody00_0000000000000000000000000000000',
      ]);
      expect(refused.code).toBe(6);
      expect(refused.stderr).toMatch(/unauthenticated/);
      await expect(stat(user.configFile)).rejects.toThrow();

      const viewer = await stack.admin.apiKeys.create({ name: 'cli viewer', roles: ['viewer'] });
      // The key from stdin, into a second profile: the default one stays the admin's.
      await user.run(['login', '--url', stack.url, '--api-key', stack.apiKey]);
      const second = await user.run(['--profile', 'ops', 'login', '--url', stack.url, '--with-stdin'], {
        stdin: `${viewer.key}\n`,
      });
      expect(second.code, second.stderr).toBe(0);
      const ops = JSON.parse((await user.run(['whoami', '--json', '--profile', 'ops'])).stdout) as { roles?: string[] };
      // A viewer may not list keys: its roles are unknown to it, its credential still works.
      expect(ops).toMatchObject({ profile: 'ops', kind: 'api-key' });
      const byEnvironment = await user.run(['whoami', '--json'], { env: { AGENT_RUNTIME_PROFILE: 'default' } });
      expect(JSON.parse(byEnvironment.stdout)).toMatchObject({ profile: 'default', keyName: 'bootstrap admin' });
      // The last login made "ops" current; a viewer cannot create agents: exit 1 with the problem's code.
      const forbidden = await user.run(['agents', 'apply', '-f', '-'], {
        stdin: 'name: nope\nspec: {model: {provider: scripted, replies: [{}]}}\n',
      });
      expect(forbidden.code).toBe(1);
      expect(forbidden.stderr).toMatch(/\(forbidden\)[\s\S]*hint:/);
    } finally {
      await user.remove();
    }
  });
}
