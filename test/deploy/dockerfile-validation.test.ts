import { describe, expect, it } from 'vitest';
import { fixture, inRepo, outputOf, runTool } from './deploy-tools.ts';

const dockerfile = inRepo('docker/Dockerfile');

/** Checkov's failed checks of one file (it prints a JSON report; offline: no guideline download). */
async function checkovFailures(file: string): Promise<string[]> {
  const run = await runTool(
    'checkov',
    ['--file', file, '--framework', 'dockerfile', '--skip-download', '--quiet', '--compact', '--output', 'json'],
    {
      env: { BC_SKIP_MAPPING: 'TRUE' },
    },
  );
  // checkov prints `[]`-less `{}` with nothing to report, a report object otherwise.
  const report = JSON.parse(run.stdout) as { results?: { failed_checks: { check_id: string }[] } };
  const failed = report.results?.failed_checks.map((check) => check.check_id) ?? [];
  expect(run.code, `checkov exit code vs ${failed.join(', ')}`).toBe(failed.length > 0 ? 1 : 0);
  return failed;
}

/** The image's Dockerfile by hadolint (best practices, shellcheck of RUN) and checkov (security). */
describe('Dockerfile', () => {
  it('passes hadolint', async () => {
    const run = await runTool('hadolint', ['--no-color', dockerfile]);
    expect(run.code, outputOf(run)).toBe(0);
  });

  it('passes checkov', async () => {
    expect(await checkovFailures(dockerfile)).toEqual([]);
  });

  it('refuses a broken Dockerfile with both', async () => {
    const run = await runTool('hadolint', ['--no-color', fixture('dockerfile/Dockerfile')]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/DL3007/); // `latest` tag
    expect(run.stdout).toMatch(/DL3008/); // apt-get without pinned versions
    expect(await checkovFailures(fixture('dockerfile/Dockerfile'))).toEqual(
      expect.arrayContaining(['CKV_DOCKER_2', 'CKV_DOCKER_3', 'CKV_DOCKER_7']),
    );
  });
});
