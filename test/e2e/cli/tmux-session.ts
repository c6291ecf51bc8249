import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Runs the command under a shell that writes its exit status to a file (the first argument)
 * when it ends. tmux's own `pane_dead_status` is not enough: under load, tmux at times leaves
 * the ended command a zombie it never reaps, so the status never comes. The shell ignores
 * Ctrl-C itself, so that the signal is the command's alone (Node resets what it inherits).
 */
const statusRecorder = 'trap "" INT QUIT; status_file=$1; shift; "$@"; echo $? > "$status_file"';

/**
 * A real pseudo-terminal: a tmux server of its own (a private socket, never the user's), one
 * window of a fixed size running one command. Keys are typed with `send-keys`, the screen is
 * read with `capture-pane`, as a person would see it. tmux comes from Debian (scripts/lib.sh
 * `ensure_tmux`).
 */
export class TmuxSession {
  readonly #socket: string;
  readonly #statusFile: string;

  private constructor(socket: string) {
    this.#socket = socket;
    this.#statusFile = path.join(tmpdir(), `${socket}.status`);
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
      'sh',
      '-c',
      statusRecorder,
      'sh',
      session.#statusFile,
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

  /** The exit status of the command once it ended (128 + a signal's number); undefined while it runs. */
  async exitStatus(): Promise<number | undefined> {
    const text = await readFile(this.#statusFile, 'utf8').catch(() => '');
    // The shell writes the status and its line end at once; a partial read is not possible
    // for so short a write, but an empty file (just created) counts as still running.
    return /^\d+\n$/.test(text) ? Number(text) : undefined;
  }

  /** Waits for the command to end; answers its exit status. */
  async waitForExit(timeoutMs = 30_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = await this.exitStatus();
      if (status !== undefined) return status;
      if (Date.now() > deadline) {
        throw new Error(
          `the command did not end (${await this.#processState()}); the screen shows:\n${await this.screen()}`,
        );
      }
      await delay(100);
    }
  }

  /** What tmux and the system say of the pane's process, for a failure message. */
  async #processState(): Promise<string> {
    const pane = (await this.#tmux('display-message', '-p', '-t', 'cli', 'dead=#{pane_dead} pid=#{pane_pid}')).trim();
    const pid = /pid=(\d+)/.exec(pane)?.[1];
    const ps = pid
      ? await run('ps', ['-o', 'pid,stat,etime,wchan:24,args', '-p', pid]).then(
          ({ stdout }) => stdout.trim().split('\n').at(-1) ?? '',
          () => 'gone',
        )
      : '';
    return `${pane} ${ps}`;
  }

  /** Stops this session's own tmux server (and the command, if it still runs). */
  async stop(): Promise<void> {
    await this.#tmux('kill-server').catch(() => undefined);
    await rm(this.#statusFile, { force: true });
  }
}
