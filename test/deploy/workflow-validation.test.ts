import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, inRepo, outputOf, runTool } from './deploy-tools.ts';

const workflowsDir = inRepo('.github/workflows');
const workflows = readdirSync(workflowsDir)
  .filter((name) => /\.ya?ml$/.test(name))
  .map((name) => path.join(workflowsDir, name));

/**
 * `uses:` lines that are not pinned to a full commit SHA with the version it stands for as a
 * comment (`owner/repo@<40 hex> # v1.2.3`); local actions (`./…`) need no pin.
 */
function unpinnedActions(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => /^\s*(-\s+)?uses:/.test(line))
    .filter((line) => !/uses:\s+\.\//.test(line))
    .filter((line) => !/uses:\s+[\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+\s*$/.test(line))
    .map((line) => `${path.basename(file)}: ${line.trim()}`);
}

/** The GitHub workflows by actionlint, the workflow JSON schema, and the pinning rule. */
describe('GitHub workflows', () => {
  it('exist for the tests, the image and the infrastructure', () => {
    expect(workflows.map((file) => path.basename(file)).sort()).toEqual(['image.yml', 'infra.yml', 'test.yml']);
    expect(readFileSync(path.join(workflowsDir, 'test.yml'), 'utf8')).toMatch(/run: \.\/scripts\/test\.sh$/m);
  });

  it('pass actionlint', async () => {
    const run = await runTool('actionlint', ['-no-color', ...workflows]);
    expect(run.code, outputOf(run)).toBe(0);
  });

  it('match the GitHub workflow schema', async () => {
    const run = await runTool('check-jsonschema', ['--builtin-schema', 'vendor.github-workflows', ...workflows]);
    expect(run.code, outputOf(run)).toBe(0);
  });

  it('pin every action to a commit SHA, with its version as a comment', () => {
    expect(workflows.flatMap(unpinnedActions)).toEqual([]);
  });

  it('refuses a broken workflow with each check', async () => {
    const broken = fixture('workflows/broken.yml');
    const lint = await runTool('actionlint', ['-no-color', broken]);
    expect(lint.code).toBe(1);
    expect(lint.stdout).toMatch(/job "test" needs job "build" which does not exist/);
    expect(lint.stdout).toMatch(/nonexistent_context/);
    const schema = await runTool('check-jsonschema', ['--builtin-schema', 'vendor.github-workflows', broken]);
    expect(schema.code).toBe(1);
    expect(unpinnedActions(broken)).toEqual(['broken.yml: - uses: actions/checkout@v4']);
  });
});
