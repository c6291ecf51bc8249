import { spawn, type ChildProcess } from 'node:child_process';
import { writeSync } from 'node:fs';

/** One of the runtime's own processes (API or worker), started by a test so it can crash it. */
export interface ServiceProcess {
  readonly name: string;
  /** Pid of the current process; undefined while it is down. */
  readonly pid: number | undefined;
  /** The last lines it wrote to stderr, for the failure message of a test. */
  readonly stderrTail: string;
  /** Spawns the process (again). */
  start(): void;
  /** kill -9, as a crash would; resolves once it is gone. */
  kill(): Promise<void>;
  /** SIGTERM, then SIGKILL if it is still running after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

const stderrTailBytes = 8_000;

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Options of {@link serviceProcess}. */
export interface ServiceProcessOptions {
  /**
   * A descriptor (open for appending) that receives the process's stdout and stderr, such as
   * the test run's log file (`testLogFd()`). @default stdout dropped
   */
  readonly logFd?: number;
}

/**
 * `node <entry>` with `env`; stderr kept (tail only) for diagnostics, and both streams appended
 * to `options.logFd` when given.
 */
export function serviceProcess(
  name: string,
  entry: string,
  env: NodeJS.ProcessEnv,
  options: ServiceProcessOptions = {},
): ServiceProcess {
  const { logFd } = options;
  let child: ChildProcess | undefined;
  let stderrTail = '';
  const alive = () => child !== undefined && child.exitCode === null && child.signalCode === null;

  return {
    name,
    get pid() {
      return alive() ? child?.pid : undefined;
    },
    get stderrTail() {
      return stderrTail;
    },
    start() {
      if (alive()) throw new Error(`${name} is already running`);
      const started = spawn(process.execPath, [entry], { env, stdio: ['ignore', logFd ?? 'ignore', 'pipe'] });
      if (logFd !== undefined) writeSync(logFd, `--- ${name} started (pid ${started.pid}): ${entry}\n`);
      started.stderr?.on('data', (chunk: Buffer) => {
        stderrTail = (stderrTail + chunk.toString()).slice(-stderrTailBytes);
        if (logFd !== undefined) writeSync(logFd, chunk);
      });
      child = started;
    },
    async kill() {
      const running = child;
      if (!running || !alive()) return;
      running.kill('SIGKILL');
      await exited(running);
    },
    async stop(graceMs = 15_000) {
      const running = child;
      if (!running || !alive()) return;
      running.kill('SIGTERM');
      const timer = setTimeout(() => running.kill('SIGKILL'), graceMs);
      await exited(running);
      clearTimeout(timer);
    },
  };
}
