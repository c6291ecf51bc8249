import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, inRepo, outputOf, runTool } from './deploy-tools.ts';

const infra = inRepo('infra/aws');

/**
 * `tofu validate` of a configuration that needs no provider (nothing to download): its
 * .terraform directory goes to a temporary TF_DATA_DIR, never into the repository.
 */
async function validateOffline(dir: string) {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'tofu-'));
  try {
    const env = { TF_DATA_DIR: dataDir, TF_IN_AUTOMATION: '1' };
    const init = await runTool('tofu', [`-chdir=${dir}`, 'init', '-backend=false', '-input=false', '-no-color'], {
      env,
    });
    if (init.code !== 0) return init;
    return await runTool('tofu', [`-chdir=${dir}`, 'validate', '-no-color'], { env });
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Checkov's failed checks under a directory (Terraform/OpenTofu only; offline). */
async function checkovFailures(dir: string): Promise<string[]> {
  const run = await runTool(
    'checkov',
    ['--directory', dir, '--framework', 'terraform', '--skip-download', '--quiet', '--compact', '--output', 'json'],
    { env: { BC_SKIP_MAPPING: 'TRUE' } },
  );
  const report = JSON.parse(run.stdout) as {
    results?: { failed_checks: { check_id: string; file_path: string; resource: string }[] };
  };
  const failed = (report.results?.failed_checks ?? []).map(
    (check) => `${check.check_id} ${check.file_path} ${check.resource}`,
  );
  expect(run.code, `checkov exit code vs ${failed.join(', ')}`).toBe(failed.length > 0 ? 1 : 0);
  return failed;
}

/** `.tf` files under a directory. */
function tfFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return name.startsWith('.') ? [] : tfFiles(file);
    return name.endsWith('.tf') ? [file] : [];
  });
}

/** Skip comments of checkov whose reason is missing or too short to explain anything. */
function unexplainedSkips(files: readonly string[]): string[] {
  return files.flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/checkov:skip=([A-Z0-9_]+)(?::(.*))?$/gm)]
      .filter((match) => (match[2] ?? '').trim().split(/\s+/).length < 5)
      .map((match) => `${path.relative(inRepo(), file)}: ${match[1]}`),
  );
}

/** The modules of infra/aws that need no provider, which `tofu validate` can check here. */
const providerFreeModules = [path.join(infra, 'modules/runtime-env')];

describe('OpenTofu code (infra/aws)', () => {
  it('is formatted (tofu fmt -check)', async () => {
    const run = await runTool('tofu', ['fmt', '-check', '-recursive', '-diff', '-no-color', infra]);
    expect(run.code, outputOf(run)).toBe(0);
  });

  it('validates where no provider download is needed', async () => {
    for (const dir of providerFreeModules) {
      const run = await validateOffline(dir);
      expect(run.code, `${dir}\n${outputOf(run)}`).toBe(0);
    }
  });

  it('passes checkov, every skip carrying its reason', async () => {
    expect(await checkovFailures(infra)).toEqual([]);
    expect(unexplainedSkips(tfFiles(infra))).toEqual([]);
  });

  it('refuses broken code: unformatted, an undeclared reference, insecure resources, an unexplained skip', async () => {
    const format = await runTool('tofu', ['fmt', '-check', '-no-color', fixture('opentofu/unformatted')]);
    expect(format.code).not.toBe(0);
    expect(format.stdout).toContain('main.tf');
    const validate = await validateOffline(fixture('opentofu/invalid'));
    expect(validate.code).toBe(1);
    expect(validate.stderr).toMatch(/Reference to undeclared input variable/);
    expect(await checkovFailures(fixture('opentofu/insecure'))).toEqual(
      expect.arrayContaining([expect.stringMatching(/^CKV_AWS_24 .* aws_security_group\.open$/)]),
    );
    expect(unexplainedSkips(tfFiles(fixture('opentofu/insecure')))).toEqual([
      'test/deploy/fixtures/opentofu/insecure/main.tf: CKV_AWS_18',
    ]);
  });
});
