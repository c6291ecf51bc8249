import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A real pseudo-terminal: a tmux server of its own (a private socket, never the user's), one
 * window of a fixed size running one command. Keys are typed with `send-keys`, the screen is
 * read with `capture-pane`, as a person would see it. tmux comes from Debian (scripts/lib.sh
 * `ensure_tmux`).
 */
export class TmuxSession {
  readonly #socket: string;

  private constructor(socket: string) {
    this.#socket = socket;
  }

  /**
   * Starts `command` (argv) in a new 120×40 terminal with exactly `env` besides TERM.
   * The window stays after the command ends, so its last screen can still be read.
   */
  static async start(command: readonly string[], env: NodeJS.ProcessEnv): Promise<TmuxSession> {
    const session = new TmuxSession(`agent-runtime-test-${randomBytes(4).toString('hex')}`);
    const assignments = Object.entries(env)
      .filter((entry): entry is [string, string] => entry[1] !== undefined)
      .map(([name, value]) => `${name}=${value}`);
    await session.#tmux(
      'new-session',
      '-d',
      '-x',
      '120',
      '-y',
      '40',
      '-s',
      'cli',
      'env',
      '-i',
      ...assignments,
      'TERM=xterm-256color',
      ...command,
    );
    await session.#tmux('set-option', '-t', 'cli', 'remain-on-exit', 'on');
    return session;
  }

  async #tmux(...args: string[]): Promise<string> {
    const { stdout } = await run('tmux', ['-L', this.#socket, '-f', '/dev/null', ...args]);
    return stdout;
  }

  /** Types text (literally, no key names) into the terminal. */
  async type(text: string): Promise<void> {
    await this.#tmux('send-keys', '-t', 'cli', '-l', text);
  }

  /** Presses keys by tmux's names: `Enter`, `Down`, `C-c`. */
  async press(...keys: string[]): Promise<void> {
    await this.#tmux('send-keys', '-t', 'cli', ...keys);
  }

  /** The screen as it is now, one string per line (a line wrapped at the edge joined), trailing blanks trimmed. */
  async screen(): Promise<string> {
    return (await this.#tmux('capture-pane', '-p', '-J', '-t', 'cli', '-S', '-200')).replace(/\s+$/, '');
  }

  /**
   * Waits until the screen matches `pattern`; answers the screen.
   * @throws with the last screen when it does not within `timeoutMs`
   */
  async waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = await this.screen();
      if (pattern.test(screen)) return screen;
      if (Date.now() > deadline) throw new Error(`the screen never matched ${pattern}; it shows:\n${screen}`);
      await delay(100);
    }
  }

  /** The exit status of the command, once it ended; undefined while it runs. */
  async exitStatus(): Promise<number | undefined> {
    const [dead, status] = (await this.#tmux('display-message', '-p', '-t', 'cli', '#{pane_dead} #{pane_dead_status}'))
      .trim()
      .split(' ');
    // tmux marks the pane dead when the terminal closes, and learns the status a moment later
    // when it reaps the process: until then the status is empty, so the command counts as running.
    return dead === '1' && status !== undefined && status !== '' ? Number(status) : undefined;
  }

  /** Waits for the command to end; answers its exit status. */
  async waitForExit(timeoutMs = 30_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = await this.exitStatus();
      if (status !== undefined) return status;
      if (Date.now() > deadline) throw new Error(`the command did not end; the screen shows:\n${await this.screen()}`);
      await delay(100);
    }
  }

  /** Stops this session's own tmux server (and the command, if it still runs). */
  async stop(): Promise<void> {
    await this.#tmux('kill-server').catch(() => undefined);
  }
}
