import { readFile } from 'node:fs/promises';
import type { AgentSpecInput } from '@agent-runtime/sdk';
import { parse } from 'yaml';
import { CliError } from '../errors/cli-error.ts';

/** What an agent file declares: the agent, and the spec its latest version should have. */
export interface AgentFile {
  readonly name: string;
  readonly description: string | undefined;
  readonly spec: AgentSpecInput;
}

/**
 * Reads an agent file (YAML or JSON; `-` is stdin's text, given as `stdinText`):
 * `name`, optional `description`, and `spec` as `POST /v1/agents/{id}/versions` takes it.
 * @throws CliError naming what is missing
 */
export async function readAgentFile(file: string, stdinText?: () => Promise<string>): Promise<AgentFile> {
  let text: string;
  try {
    text = file === '-' && stdinText ? await stdinText() : await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`);
  }
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    throw new CliError(`${file} is not valid YAML: ${(error as Error).message}`);
  }
  const fields = (document ?? {}) as Record<string, unknown>;
  if (typeof fields['name'] !== 'string' || fields['name'] === '') {
    throw new CliError(`${file} has no name`, { hint: 'an agent file has name, description (optional) and spec' });
  }
  if (fields['spec'] === null || typeof fields['spec'] !== 'object' || Array.isArray(fields['spec'])) {
    throw new CliError(`${file} has no spec object`, { hint: 'see docs/agents.md for what a spec holds' });
  }
  const description = fields['description'];
  if (description !== undefined && description !== null && typeof description !== 'string') {
    throw new CliError(`${file}: description must be text`);
  }
  return { name: fields['name'], description: description ?? undefined, spec: fields['spec'] as AgentSpecInput };
}
