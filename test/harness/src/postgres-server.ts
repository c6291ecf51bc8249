import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { access, chmod, chown, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './free-port.ts';
import { repoRoot } from './repo-root.ts';

const run = promisify(execFile);

/** A PostgreSQL server the tests started, on loopback, in a temporary directory. */
export interface PostgresServer {
  /** Connection string of the `postgres` database (superuser `postgres`, no password). */
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * A PostgreSQL server a fault test can crash and bring back: same data directory, same
 * port, so every client's connection string stays valid across the restart.
 */
export interface RestartablePostgresServer extends PostgresServer {
  /** Pid of the running postmaster; undefined while it is down. */
  readonly pid: number | undefined;
  /**
   * kill -9 of the postmaster, as a crash would; resolves once it and every backend it had
   * started are gone (backends notice the postmaster's death and exit on their own).
   */
  kill(): Promise<void>;
  /** Starts the postmaster again on the same data directory and port; it replays its WAL. */
  restart(): Promise<void>;
}

/** How {@link startPostgres} runs the server. */
export interface PostgresServerOptions {
  /**
   * Which PostgreSQL: Debian's (`system`, under /usr/lib/postgresql), or the build of the PyPI
   * package pgserver (`pgvector`, in .tools/pgserver, installed by scripts/test.sh), which
   * ships the pgvector extension that Debian's lacks here. @default system
   */
  readonly build?: 'system' | 'pgvector';
  /** Port on 127.0.0.1. @default a free port */
  readonly port?: number;
  /** Longest wait for the server to accept connections, at start and at each restart. @default 30000 */
  readonly startTimeoutMs?: number;
}

/** Binaries of pgserver's PostgreSQL, inside the package in the .tools/pgserver venv. */
async function pgvectorBinDir(): Promise<string> {
  const lib = path.join(repoRoot, '.tools/pgserver/lib');
  const pythons = (await readdir(lib).catch(() => [])).filter((name) => name.startsWith('python'));
  for (const python of pythons) {
    const bin = path.join(lib, python, 'site-packages/pgserver/pginstall/bin');
    if (
      await access(path.join(bin, 'postgres')).then(
        () => true,
        () => false,
      )
    )
      return bin;
  }
  throw new Error(
    'the PostgreSQL build with pgvector (PyPI pgserver) is not in .tools/pgserver; run scripts/test.sh, ' +
      'which installs it (ensure_pgserver in scripts/lib.sh)',
  );
}

async function postgresBinDir(): Promise<string> {
  const root = '/usr/lib/postgresql';
  const versions = (await readdir(root).catch(() => [])).sort((a, b) => Number(b) - Number(a));
  if (!versions[0])
    throw new Error(
      'PostgreSQL server binaries not found under /usr/lib/postgresql; run scripts/test.sh, which installs them',
    );
  return path.join(root, versions[0], 'bin');
}

/** Pids of `parentPid`'s children, from /proc (Linux). */
async function childPids(parentPid: number): Promise<number[]> {
  const entries = await readdir('/proc').catch(() => []);
  const children: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // Fields after the parenthesised command name: state, ppid, …
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid === parentPid) children.push(Number(entry));
  }
  return children;
}

/** Alive and not a zombie (a zombie holds no resources, but `kill(pid, 0)` still succeeds). */
async function running(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat !== '' && stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

/**
 * initdb + postgres on loopback. PostgreSQL refuses to run as root, so under root the server
 * runs as the `postgres` system user (created by Debian's package). `fsync=off`: a kill -9 of
 * the server loses nothing with it (the kernel still has every write); only a machine crash would.
 */
export async function startPostgres(options: PostgresServerOptions = {}): Promise<RestartablePostgresServer> {
  const bin = options.build === 'pgvector' ? await pgvectorBinDir() : await postgresBinDir();
  const dir = await mkdtemp(path.join(tmpdir(), 'agent-runtime-pg-'));
  const dataDir = path.join(dir, 'data');
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  let ids: { uid: number; gid: number } | undefined;
  if (userInfo().uid === 0) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    ids = { uid: Number(stdout.trim()), gid: Number(gid.trim()) };
    await chmod(dir, 0o755);
    await chown(dir, ids.uid, ids.gid);
  }
  const spawnOptions = ids ? { uid: ids.uid, gid: ids.gid } : {};
  await run(
    path.join(bin, 'initdb'),
    ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'],
    spawnOptions,
  );
  const port = options.port ?? (await freePort());
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let server: ChildProcess | undefined;

  const spawnServer = () =>
    spawn(
      path.join(bin, 'postgres'),
      [
        ['-D', dataDir, '-p', String(port), '-h', '127.0.0.1', '-k', dir],
        ['-c', 'fsync=off', '-c', 'max_connections=300'],
      ].flat(),
      { ...spawnOptions, stdio: 'ignore' },
    );

  /**
   * Spawns the postmaster until one accepts connections. After a crash a new postmaster can
   * exit at once (the old shared memory still attached, the port not yet free): it is
   * started again, within the time limit.
   */
  async function launch(): Promise<void> {
    const deadline = Date.now() + startTimeoutMs;
    let lastError: unknown;
    while (Date.now() < deadline) {
      const child = spawnServer();
      server = child;
      while (child.exitCode === null && child.signalCode === null && Date.now() < deadline) {
        const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
        try {
          await client.connect();
          await client.end();
          return;
        } catch (error) {
          lastError = error;
          await client.end().catch(() => undefined);
          await delay(100);
        }
      }
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      server = undefined;
      await delay(200);
    }
    throw new Error('PostgreSQL did not start', { cause: lastError });
  }

  async function stopServer(signal: NodeJS.Signals): Promise<void> {
    const child = server;
    server = undefined;
    if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
    const backends = signal === 'SIGKILL' ? await childPids(child.pid) : [];
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
    for (let waited = 0; waited < 10_000; waited += 50) {
      const alive = await Promise.all(backends.map(running));
      if (!alive.includes(true)) return;
      await delay(50);
    }
    throw new Error('PostgreSQL backends still running 10 s after their postmaster was killed');
  }

  await launch();
  return {
    url,
    get pid() {
      return server?.pid;
    },
    kill: () => stopServer('SIGKILL'),
    async restart() {
      if (server) throw new Error('PostgreSQL is still running; kill() it first');
      await launch();
    },
    async stop() {
      await stopServer('SIGINT');
      await rm(dir, { recursive: true, force: true });
    },
  };
}
