import { execFile, spawn } from 'node:child_process';
import { chmod, chown, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './free-port.ts';

const run = promisify(execFile);

/** A PostgreSQL server the tests started, on loopback, in a temporary directory. */
export interface PostgresServer {
  /** Connection string of the `postgres` database (superuser `postgres`, no password). */
  readonly url: string;
  stop(): Promise<void>;
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

/**
 * initdb + postgres on a free port. PostgreSQL refuses to run as root, so under root the
 * server runs as the `postgres` system user (created by Debian's package).
 */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = await postgresBinDir();
  const dir = await mkdtemp(path.join(tmpdir(), 'agent-runtime-pg-'));
  const dataDir = path.join(dir, 'data');
  const asRoot = userInfo().uid === 0;
  let ids: { uid: number; gid: number } | undefined;
  if (asRoot) {
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
  const port = await freePort();
  const server = spawn(
    path.join(bin, 'postgres'),
    ['-D', dataDir, '-p', String(port), '-h', '127.0.0.1', '-k', dir, '-c', 'fsync=off', '-c', 'max_connections=300'],
    { ...spawnOptions, stdio: 'ignore' },
  );
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  for (let attempt = 0; ; attempt += 1) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      break;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (attempt > 300 || server.exitCode !== null) throw new Error('PostgreSQL did not start', { cause: error });
      await delay(100);
    }
  }
  return {
    url,
    async stop() {
      if (server.exitCode === null) {
        const exited = new Promise((resolve) => server.once('exit', resolve));
        server.kill('SIGINT');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
