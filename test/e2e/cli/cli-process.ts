import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '@agent-runtime/test-harness';

/** The `agent-runtime` executable, as npm links it into node_modules/.bin. */
export const cliBin = path.join(repoRoot, 'node_modules/.bin/agent-runtime');

/** How a CLI process ended and what it printed. */
export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link CliUser.run}. */
export interface CliRunOptions {
  /** Written to its stdin, which is then closed. @default nothing (stdin closed at once) */
  readonly stdin?: string;
  /** More environment variables. */
  readonly env?: Readonly<Record<string, string>>;
  /** Kill it after this long. @default 60000 */
  readonly timeoutMs?: number;
}

/**
 * A user of the CLI on this machine: a config directory of their own (XDG_CONFIG_HOME), so
 * profiles of one test never meet another's. Runs the real executable as a process, with
 * pipes (no terminal), as a script would.
 */
export class CliUser {
  readonly configHome: string;

  private constructor(configHome: string) {
    this.configHome = configHome;
  }

  static async create(): Promise<CliUser> {
    return new CliUser(await mkdtemp(path.join(tmpdir(), 'agent-runtime-cli-home-')));
  }

  /** The config file the CLI keeps its profiles in. */
  get configFile(): string {
    return path.join(this.configHome, 'agent-runtime/config.json');
  }

  /** The environment the CLI runs with: this user's config home, no inherited CLI settings. */
  env(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.startsWith('AGENT_RUNTIME_') && name !== 'NO_COLOR'),
    );
    return { ...inherited, XDG_CONFIG_HOME: this.configHome, ...extra };
  }

  /** Runs `agent-runtime ...args` to its end. */
  run(args: readonly string[], options: CliRunOptions = {}): Promise<CliResult> {
    const child = spawn(cliBin, [...args], { env: this.env(options.env), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdin.end(options.stdin ?? '');
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
    });
  }

  /** Removes the config home. */
  async remove(): Promise<void> {
    await rm(this.configHome, { recursive: true, force: true });
  }
}
