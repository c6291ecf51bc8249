import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** A path inside the repository. */
export const inRepo = (...parts: string[]) => path.join(repoRoot, ...parts);

/** A deliberately broken artifact under test/deploy/fixtures, which its validator must refuse. */
export const fixture = (...parts: string[]) => inRepo('test/deploy/fixtures', ...parts);

/**
 * Validators scripts/lib.sh installs into .tools (ensure_deploy_validators), by name: the
 * executable inside .tools.
 */
const tools = {
  'check-jsonschema': 'check-jsonschema/bin/check-jsonschema',
  hadolint: 'hadolint/bin/hadolint',
  checkov: 'checkov/bin/checkov',
  'compose-config': 'compose-config/compose-config',
  actionlint: 'actionlint/actionlint',
  tofu: 'tofu/tofu',
} as const;

/** A validator's name. */
export type DeployTool = keyof typeof tools;

/** Where a validator is installed; throws, naming the installer, when it is not. */
export function toolPath(tool: DeployTool): string {
  const file = inRepo('.tools', tools[tool]);
  if (!existsSync(file)) {
    throw new Error(
      `${tool} is not installed at ${file}: run ./scripts/test.sh (scripts/lib.sh ensure_deploy_validators)`,
    );
  }
  return file;
}

/** How a validator run ended. */
export interface ToolRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a validator to its end (a non-zero exit is a result, not an error). */
export function runTool(
  tool: DeployTool,
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    execFile(
      toolPath(tool),
      args,
      {
        cwd: options.cwd ?? repoRoot,
        env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...options.env },
        maxBuffer: 64 * 1024 * 1024,
        timeout: 110_000,
      },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') reject(error);
        else resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}

/** The text of a run for a failure message. */
export const outputOf = (run: ToolRun) => `${run.stdout}\n${run.stderr}`.trim();
