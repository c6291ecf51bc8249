import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { generateApiKey } from '@agent-runtime/core';
import { freePort, jsonApi, startEmbeddedProcess, stopProcess } from '@agent-runtime/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface Run {
  id: string;
  status: string;
  metadata: Record<string, string>;
}

const fires = 20;

/**
 * A schedule firing every second for 20 s through a full outage of the one-command runtime:
 * its own process (API and worker: the embedded runtime hosts the worker in-process) is
 * killed with kill -9 while fires go on in Temporal, then the Temporal dev server it started
 * is killed too, so that fires are missed, and the runtime is started again on the same data.
 * Every fire time inside the catch-up window makes exactly one run.
 */
describe('a schedule through kill -9 of the worker and a restart of the whole embedded runtime', () => {
  let dataDir: string;
  let runtime: ChildProcess | undefined;
  let url: string;
  const apiKey = generateApiKey();
  let env: NodeJS.ProcessEnv;
  const api = jsonApi(() => url, apiKey);

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'agent-runtime-schedules-'));
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    env = {
      ...process.env,
      AR_DATA_DIR: dataDir,
      PORT: String(port),
      TEMPORAL_DEV_PORT: String(await freePort()),
      AR_BOOTSTRAP_API_KEY: apiKey,
      LOG_LEVEL: 'warn',
    };
    runtime = await startEmbeddedProcess(url, env);
  });

  afterAll(async () => {
    await stopProcess(runtime);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('makes one run per fire time, none twice', async () => {
    const agent = (await api('POST', '/v1/agents', { name: 'ticker' })) as { id: string };
    await api('POST', `/v1/agents/${agent.id}/versions`, {
      spec: { model: { provider: 'scripted', replies: [{ text: 'tick' }] } },
    });
    const firstFire = Math.ceil(Date.now() / 1000) * 1000 + 3000;
    const expected = Array.from({ length: fires }, (_, index) => new Date(firstFire + index * 1000).toISOString());
    const schedule = (await api('POST', '/v1/schedules', {
      agentId: agent.id,
      input: { message: 'tick' },
      spec: {
        intervals: [{ everySeconds: 1 }],
        startAt: expected[0],
        endAt: expected.at(-1),
      },
      overlap: 'allow_all',
      catchupWindowSeconds: 120,
    })) as { id: string };
    const runsOf = async () =>
      ((await api('GET', `/v1/runs?agentId=${agent.id}&limit=100`)) as { items: Run[] }).items.filter(
        (run) => run.metadata['schedule.id'] === schedule.id,
      );

    // The first fires make their runs; then the worker (with the API) dies mid-timetable.
    await delay(firstFire + 5000 - Date.now());
    expect((await runsOf()).length).toBeGreaterThanOrEqual(3);
    await stopProcess(runtime, 'SIGKILL');
    // Fires go on in Temporal with no worker to run them; then Temporal dies too.
    await delay(3000);
    const temporalPid = Number(await readFile(path.join(dataDir, 'temporal.pid'), 'utf8'));
    process.kill(temporalPid, 'SIGKILL');
    await delay(3000);
    runtime = await startEmbeddedProcess(url, env);

    const lastFire = firstFire + (fires - 1) * 1000;
    for (let waited = 0; ; waited += 500) {
      const runs = await runsOf();
      if (Date.now() > lastFire + 2000 && runs.length >= fires && runs.every((run) => run.status === 'succeeded')) {
        break;
      }
      if (waited > 120_000) throw new Error(`${runs.length} runs: ${runs.map((run) => run.status).join(',')}`);
      await delay(500);
    }
    // Anything late or doubled would show up here.
    await delay(3000);
    const runs = await runsOf();
    const fireTimes = runs.map((run) => run.metadata['schedule.firedAt']).sort();
    expect(fireTimes).toEqual(expected);
    expect(runs.every((run) => run.status === 'succeeded')).toBe(true);
    await api('DELETE', `/v1/schedules/${schedule.id}`).catch(() => undefined);
  }, 240_000);
});
