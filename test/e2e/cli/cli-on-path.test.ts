import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '@agent-runtime/test-harness';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const run = promisify(execFile);

/**
 * `./scripts/start.sh` puts `agent-runtime` on PATH through `ensure_cli_on_path` (scripts/lib.sh):
 * run here in a home of its own with a PATH that has only the system's directories, Node's, and
 * (or not) the home's ~/.local/bin.
 */
describe('the agent-runtime CLI on PATH after scripts/start.sh', () => {
  let home: string;
  const nodeDir = path.dirname(process.execPath);
  const systemPath = `${nodeDir}:/usr/bin:/bin`;
  const ensure = (pathVariable: string) =>
    run('bash', ['-c', `source "${repoRoot}/scripts/lib.sh" && ensure_cli_on_path`], {
      env: { HOME: home, PATH: pathVariable },
    });
  const inShell = (command: string, pathVariable: string) =>
    run('bash', ['-c', command], { env: { HOME: home, PATH: pathVariable }, cwd: home });

  beforeEach(async () => {
    home = await mkdtemp(path.join(tmpdir(), 'agent-runtime-home-'));
  });
  afterEach(() => rm(home, { recursive: true, force: true }));

  it('writes a shim into ~/.local/bin when that is on PATH, and the command runs from anywhere', async () => {
    const localBin = path.join(home, '.local/bin');
    await mkdir(localBin, { recursive: true });
    const pathVariable = `${localBin}:${systemPath}`;
    const { stderr } = await ensure(pathVariable);
    expect(stderr).toContain(`the agent-runtime CLI is on PATH: ${localBin}/agent-runtime`);
    const version = await inShell('agent-runtime --version', pathVariable);
    expect(version.stdout.trim()).toBe('0.1.0');
    const help = await inShell('agent-runtime runs --help', pathVariable);
    expect(help.stdout).toContain('start [options] <agent>');
    // Running it again replaces its own shim.
    await ensure(pathVariable);
  });

  it('says how to put it on PATH when no candidate directory is', async () => {
    const { stderr } = await ensure(systemPath);
    const shim = path.join(home, '.local/bin/agent-runtime');
    expect(stderr).toContain(`put it on PATH with: export PATH="${path.dirname(shim)}:$PATH"`);
    await expect(inShell('agent-runtime --version', systemPath)).rejects.toThrow();
    const withIt = await inShell(`export PATH="${path.dirname(shim)}:$PATH"; agent-runtime --version`, systemPath);
    expect(withIt.stdout.trim()).toBe('0.1.0');
  });

  it('leaves an agent-runtime that is not its own alone', async () => {
    const localBin = path.join(home, '.local/bin');
    await mkdir(localBin, { recursive: true });
    await writeFile(path.join(localBin, 'agent-runtime'), '#!/bin/sh\necho someone else\n', { mode: 0o755 });
    const { stderr } = await ensure(`${localBin}:${systemPath}`);
    expect(stderr).toContain('is not this project');
    expect(await readFile(path.join(localBin, 'agent-runtime'), 'utf8')).toContain('someone else');
  });
});
