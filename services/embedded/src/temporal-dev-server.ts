import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from '@agent-runtime/core';

/** Options of {@link startTemporalDevServer}. */
export interface TemporalDevServerOptions {
  /** Path of the `temporal` CLI. */
  readonly cliPath: string;
  /** Frontend port on 127.0.0.1. */
  readonly port: number;
  /** SQLite file that keeps workflows across restarts; omitted means in memory. */
  readonly dbFile?: string;
  /** Directory for the pid file and the server's log. */
  readonly stateDir: string;
  readonly logger: Logger;
  /** How long to wait for the frontend to accept connections. @default 60000 */
  readonly startTimeoutMs?: number;
  /**
   * Server dynamic-config overrides, passed as `--dynamic-config-value key=value` (values
   * are JSON). For benchmarks that must not be capped by the dev server's rate limits.
   * @default {}
   */
  readonly dynamicConfig?: Readonly<Record<string, string | number | boolean>>;
}

/**
 * The dev server has one history shard, and its transfer queue (which hands each new
 * workflow task to matching) is polled at most `history.transferProcessorMaxPollRPS` = 20
 * times a second per shard. Once the limiter's burst is spent (about a second of steady
 * work), every workflow task waits for the next poll, about 50 ms, and that wait becomes the
 * cost of every step. A production cluster spreads workflows over many shards; lifting the
 * limit on the one-shard dev server is the closer model (docs/benchmarks.md).
 */
export const uncappedDevServerConfig = { 'history.transferProcessorMaxPollRPS': 10_000 } as const;

/** A running dev server, restarted if it dies, until `stop()`. */
export interface TemporalDevServer {
  /** `127.0.0.1:<port>`, for clients and workers. */
  readonly address: string;
  stop(): Promise<void>;
}

/** Whether something accepts TCP connections on 127.0.0.1:`port`. */
export async function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A server left by a runtime that was killed (kill -9 leaves its child running) would hold
 * the port and the SQLite file. Its pid file says which process that is: end it, only if
 * it is still a `temporal` process.
 */
async function endOrphan(pidFile: string, logger: Logger): Promise<void> {
  const pid = Number(await readFile(pidFile, 'utf8').catch(() => ''));
  if (!Number.isInteger(pid) || pid <= 0 || !processAlive(pid)) return;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  if (!cmdline.includes('temporal')) return;
  logger.warn({ pid }, 'ending a Temporal dev server left behind by an earlier run');
  process.kill(pid, 'SIGTERM');
  for (let waited = 0; waited < 10_000 && processAlive(pid); waited += 100) await delay(100);
  if (processAlive(pid)) process.kill(pid, 'SIGKILL');
}

/**
 * Starts `temporal server start-dev` on loopback and supervises it: an unexpected exit is
 * logged and the server restarted with backoff, its state kept in `dbFile`.
 */
export async function startTemporalDevServer(options: TemporalDevServerOptions): Promise<TemporalDevServer> {
  const { cliPath, port, logger } = options;
  await mkdir(options.stateDir, { recursive: true });
  const pidFile = path.join(options.stateDir, 'temporal.pid');
  await endOrphan(pidFile, logger);
  if (await portAccepts(port)) {
    throw new Error(
      `port ${port} is already in use; set TEMPORAL_DEV_PORT to a free port or TEMPORAL_ADDRESS to use that server`,
    );
  }
  const args = [
    'server',
    'start-dev',
    '--headless',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--log-level',
    'warn',
  ];
  if (options.dbFile) args.push('--db-filename', options.dbFile);
  for (const [key, value] of Object.entries(options.dynamicConfig ?? {})) {
    args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  }
  const log = createWriteStream(path.join(options.stateDir, 'temporal.log'), { flags: 'a' });

  let child: ChildProcess | undefined;
  let stopping = false;
  let restarts = 0;

  function launch(): void {
    const launched = spawn(cliPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = launched;
    launched.stdout?.pipe(log, { end: false });
    launched.stderr?.pipe(log, { end: false });
    if (launched.pid) void writeFile(pidFile, String(launched.pid)).catch(() => undefined);
    launched.once('exit', (code, signal) => {
      if (stopping) return;
      restarts += 1;
      const backoffMs = Math.min(30_000, 500 * 2 ** Math.min(restarts, 6));
      logger.error({ code, signal, backoffMs }, 'Temporal dev server exited; restarting');
      setTimeout(() => {
        if (!stopping) launch();
      }, backoffMs).unref();
    });
  }

  launch();
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  while (!(await portAccepts(port))) {
    if (Date.now() > deadline) {
      stopping = true;
      child?.kill('SIGKILL');
      throw new Error(
        `Temporal dev server did not start within the timeout; see ${path.join(options.stateDir, 'temporal.log')}`,
      );
    }
    await delay(100);
  }

  return {
    address: `127.0.0.1:${port}`,
    async stop() {
      stopping = true;
      const running = child;
      if (running && running.exitCode === null && running.signalCode === null) {
        const exited = new Promise((resolve) => running.once('exit', resolve));
        running.kill('SIGTERM');
        const timer = setTimeout(() => running.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      await rm(pidFile, { force: true });
      log.end();
    },
  };
}
