import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { generateApiKey, generateMasterKeyEntry } from '@agent-runtime/core';
import { createPostgresDatabase, freePort, repoRoot, testLogFd } from '@agent-runtime/test-harness';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const apiMain = path.join(repoRoot, 'services/api/src/main.ts');
const workerMain = path.join(repoRoot, 'services/worker/src/main.ts');

/** The API and a worker as separate processes, pointed by env variables at PostgreSQL and Temporal. */
describe('production mode', () => {
  const apiKey = generateApiKey();
  const processes: ChildProcess[] = [];
  let url: string;

  beforeAll(async () => {
    const databaseUrl = await createPostgresDatabase();
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const env = {
      ...process.env,
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: `prod-${randomBytes(4).toString('hex')}`,
      AR_BOOTSTRAP_API_KEY: apiKey,
      AR_MASTER_KEYS: generateMasterKeyEntry('prod-test'),
      PORT: String(port),
      LOG_LEVEL: 'warn',
    };
    processes.push(spawn(process.execPath, [apiMain], { env, stdio: ['ignore', testLogFd(), testLogFd()] }));
    for (
      let waited = 0;
      !(await fetch(`${url}/readyz`).then(
        (response) => response.ok,
        () => false,
      ));
      waited += 200
    ) {
      if (waited > 60_000) throw new Error('API did not become ready');
      await delay(200);
    }
    processes.push(spawn(process.execPath, [workerMain], { env, stdio: ['ignore', testLogFd(), testLogFd()] }));
  });

  afterAll(async () => {
    await Promise.all(
      processes.map(async (child) => {
        if (child.exitCode !== null) return;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }),
    );
  });

  it('refuses to start the API without shared backends, with a clear message', async () => {
    const child = spawn(process.execPath, [apiMain], {
      env: { PATH: process.env['PATH'] ?? '' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toMatch(/DATABASE_URL and TEMPORAL_ADDRESS must be set/);
  });

  it('refuses to start the API or a worker without AR_MASTER_KEYS, with a clear message', async () => {
    for (const main of [apiMain, workerMain]) {
      const child = spawn(process.execPath, [main], {
        env: {
          PATH: process.env['PATH'] ?? '',
          DATABASE_URL: 'postgres://127.0.0.1:1/none',
          TEMPORAL_ADDRESS: '127.0.0.1:1',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise((resolve) => child.once('exit', resolve));
      expect(code).toBe(2);
      expect(stderr).toMatch(/AR_MASTER_KEYS must be set to run the API and the worker as separate processes/);
    }
  });

  it('runs the seeded example agent to success across the two processes', async () => {
    const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
    const agents = (await (await fetch(`${url}/v1/agents`, { headers })).json()) as { items: { id: string }[] };
    const agentId = agents.items[0]?.id;
    const created = (await (
      await fetch(`${url}/v1/runs`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ agentId, input: 'What is 6 * 7?' }),
      })
    ).json()) as { id: string };
    for (let waited = 0; ; waited += 200) {
      const run = (await (await fetch(`${url}/v1/runs/${created.id}`, { headers })).json()) as {
        status: string;
        output: unknown;
      };
      if (run.status === 'succeeded') {
        expect(run.output).toEqual({ text: 'The answer is 42.' });
        break;
      }
      if (waited > 60_000) throw new Error(`run still ${run.status}`);
      await delay(200);
    }
  });
});
