import { spawn, type ChildProcess } from 'node:child_process';
import { access, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { freePort } from './free-port.ts';

/** A Redis server the tests started on loopback, with no persistence. */
export interface RedisServer {
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  /** Pid of the running server; undefined while it is down. */
  readonly pid: number | undefined;
  /** kill -9, as a crash would; resolves once it is gone. Everything it held is lost. */
  kill(): Promise<void>;
  /** Starts it again on the same port, empty. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Options of {@link startRedis}. */
export interface RedisServerOptions {
  /** Longest wait for the server to answer PING, at start and at each restart. @default 10000 */
  readonly startTimeoutMs?: number;
}

async function redisServerBinary(): Promise<string> {
  for (const candidate of [
    ...(process.env['PATH'] ?? '').split(':').filter(Boolean),
    '/usr/bin',
    '/usr/sbin',
    '/usr/local/bin',
  ]) {
    const binary = path.join(candidate, 'redis-server');
    if (
      await access(binary).then(
        () => true,
        () => false,
      )
    )
      return binary;
  }
  throw new Error('redis-server not found; run scripts/test.sh, which installs it from Debian packages');
}

/** Whether a Redis server on `port` answers PING. */
async function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
    socket.once('error', () => done(false));
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * `redis-server` from Debian's package on a free loopback port: no RDB snapshots, no AOF, its
 * working directory a temporary one. Stopped by its pid (the child this started), never by name.
 */
export async function startRedis(options: RedisServerOptions = {}): Promise<RedisServer> {
  const binary = await redisServerBinary();
  const dir = await mkdtemp(path.join(tmpdir(), 'agent-runtime-redis-'));
  const port = await freePort();
  const startTimeoutMs = options.startTimeoutMs ?? 10_000;
  let server: ChildProcess | undefined;

  async function launch(): Promise<void> {
    const deadline = Date.now() + startTimeoutMs;
    // A port just freed by a killed server can take a moment to bind again: retry the spawn.
    while (Date.now() < deadline) {
      const child = spawn(
        binary,
        [
          ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir],
          ['--save', '', '--appendonly', 'no', '--daemonize', 'no', '--logfile', ''],
        ].flat(),
        { stdio: 'ignore' },
      );
      server = child;
      while (child.exitCode === null && child.signalCode === null && Date.now() < deadline) {
        if (await answersPing(port)) return;
        await delay(50);
      }
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited(child);
      }
      server = undefined;
      await delay(100);
    }
    throw new Error(`redis-server did not answer on port ${port} within ${startTimeoutMs} ms`);
  }

  async function stopServer(signal: NodeJS.Signals): Promise<void> {
    const child = server;
    server = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    await exited(child);
  }

  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    get pid() {
      return server?.pid;
    },
    kill: () => stopServer('SIGKILL'),
    async restart() {
      await stopServer('SIGKILL');
      await launch();
    },
    async stop() {
      await stopServer('SIGTERM');
      await rm(dir, { recursive: true, force: true });
    },
  };
}
