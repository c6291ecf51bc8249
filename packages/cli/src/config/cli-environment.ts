import { homedir } from 'node:os';
import path from 'node:path';

/** What the CLI takes from its environment: read once, here, and nowhere else. */
export interface CliEnvironment {
  /** Where profiles are kept: `$XDG_CONFIG_HOME/agent-runtime`, else `~/.config/agent-runtime`. */
  readonly configDir: string;
  /** `NO_COLOR` is set (to anything but the empty string): never colour. */
  readonly noColor: boolean;
  /** `AGENT_RUNTIME_PROFILE`: the profile to use when `--profile` is not given. */
  readonly profile: string | undefined;
  /** `AGENT_RUNTIME_URL`: the API's URL, over the profile's. */
  readonly url: string | undefined;
  /** `AGENT_RUNTIME_API_KEY`: an API key, over the profile's credential (for CI, without a login). */
  readonly apiKey: string | undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** Reads the CLI's environment variables. */
export function readCliEnvironment(env: NodeJS.ProcessEnv = process.env): CliEnvironment {
  const configHome = nonEmpty(env['XDG_CONFIG_HOME']) ?? path.join(nonEmpty(env['HOME']) ?? homedir(), '.config');
  return {
    configDir: path.join(configHome, 'agent-runtime'),
    noColor: nonEmpty(env['NO_COLOR']) !== undefined,
    profile: nonEmpty(env['AGENT_RUNTIME_PROFILE']),
    url: nonEmpty(env['AGENT_RUNTIME_URL']),
    apiKey: nonEmpty(env['AGENT_RUNTIME_API_KEY']),
  };
}
