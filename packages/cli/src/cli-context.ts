import { AgentRuntimeClient } from '@agent-runtime/sdk';
import { oidcTokenSource } from './auth/oidc-token-source.ts';
import type { CliEnvironment } from './config/cli-environment.ts';
import { defaultProfileName, ProfileStore, type Profile } from './config/profile-store.ts';
import { CliError } from './errors/cli-error.ts';
import { ExitCode } from './errors/exit-codes.ts';
import { Output } from './output/output.ts';
import { Prompter } from './prompter.ts';

/** The options every command takes (`agent-runtime --profile staging runs ls --json`). */
export interface GlobalOptions {
  readonly profile?: string;
  readonly json?: boolean;
  readonly quiet?: boolean;
  /** False with `--no-color`. */
  readonly color?: boolean;
}

/** The streams a command runs with: the process's own, or a test's. */
export interface CliStreams {
  readonly stdin: NodeJS.ReadableStream & { readonly isTTY?: boolean };
  readonly stdout: NodeJS.WritableStream & { readonly isTTY?: boolean; readonly columns?: number };
  readonly stderr: NodeJS.WritableStream & { readonly isTTY?: boolean };
}

/** The version the CLI reports (`--version`, `user-agent`). */
export const cliVersion = '0.1.0';

/** A resolved profile: its name and contents. */
export interface ActiveProfile {
  readonly name: string;
  readonly profile: Profile;
}

/**
 * What a command works with, built once per invocation from the global options and the
 * environment: where to write, how to ask, the profiles, and an API client of the active
 * profile (made when first asked for, so `login` works without one).
 */
export class CliContext {
  readonly output: Output;
  readonly prompter: Prompter;
  readonly store: ProfileStore;
  readonly environment: CliEnvironment;
  readonly #options: GlobalOptions;
  #client: Promise<AgentRuntimeClient> | undefined;

  constructor(environment: CliEnvironment, options: GlobalOptions, streams: CliStreams) {
    this.environment = environment;
    this.#options = options;
    this.store = new ProfileStore(environment.configDir);
    this.output = new Output({
      json: options.json === true,
      quiet: options.quiet === true,
      color: options.color !== false && !environment.noColor,
      stdout: streams.stdout,
      stderr: streams.stderr,
    });
    this.prompter = new Prompter(streams, this.output);
  }

  /** The profile named by `--profile`, `AGENT_RUNTIME_PROFILE`, or the config file's current one. */
  async profileName(): Promise<string> {
    return (
      this.#options.profile ??
      this.environment.profile ??
      (await this.store.read()).currentProfile ??
      defaultProfileName
    );
  }

  /**
   * The active profile; `AGENT_RUNTIME_URL` and `AGENT_RUNTIME_API_KEY` stand in for a stored
   * one (or override its URL and credential).
   * @throws CliError (exit 6) when there is neither
   */
  async activeProfile(): Promise<ActiveProfile> {
    const name = await this.profileName();
    const stored = (await this.store.read()).profiles[name];
    const { apiKey } = this.environment;
    const envUrl = this.environment.url ?? stored?.url;
    if (envUrl !== undefined && apiKey !== undefined) {
      return { name, profile: { url: envUrl, credential: { kind: 'api-key', apiKey } } };
    }
    if (stored === undefined) {
      throw new CliError(`not logged in (no profile "${name}" in ${this.store.file})`, {
        exitCode: ExitCode.unauthenticated,
        hint: 'run: agent-runtime login --url <API URL> (or set AGENT_RUNTIME_URL and AGENT_RUNTIME_API_KEY)',
      });
    }
    return { name, profile: { ...stored, url: this.environment.url ?? stored.url } };
  }

  /** The API client of the active profile. */
  client(): Promise<AgentRuntimeClient> {
    this.#client ??= this.activeProfile().then(({ name, profile }) => this.clientFor(name, profile));
    return this.#client;
  }

  /** A client over `profile`; an OIDC profile's refreshed tokens are saved back under `name`. */
  clientFor(name: string, profile: Profile): AgentRuntimeClient {
    const headers = { 'user-agent': `agent-runtime-cli/${cliVersion}` };
    const { credential } = profile;
    if (credential.kind === 'api-key') {
      return new AgentRuntimeClient({ baseUrl: profile.url, apiKey: credential.apiKey, headers });
    }
    const token = oidcTokenSource(credential, (refreshed) =>
      this.store.save(name, { ...profile, credential: refreshed }),
    );
    return new AgentRuntimeClient({ baseUrl: profile.url, token, headers });
  }
}
