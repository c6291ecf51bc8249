import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { generateApiKey } from '@agent-runtime/core';
import { freePort, jsonApi, startEmbeddedProcess, stopProcess } from '@agent-runtime/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface RunEvent {
  seq: number;
  type: string;
  step: number | null;
  data: { callId?: string };
}

/**
 * The one-command runtime, killed with kill -9 (its own process and the Temporal dev server
 * it started) while ten runs sleep inside a tool, then started again on the same data.
 */
describe('the embedded runtime after kill -9 of every process', () => {
  let dataDir: string;
  let runtime: ChildProcess | undefined;
  let url: string;
  const apiKey = generateApiKey();
  let env: NodeJS.ProcessEnv;

  async function start(): Promise<void> {
    runtime = await startEmbeddedProcess(url, env);
  }

  const api = jsonApi(() => url, apiKey);

  const events = async (runId: string) =>
    ((await api('GET', `/v1/runs/${runId}/events?limit=1000`)) as { items: RunEvent[] }).items;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'agent-runtime-embedded-'));
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
    await start();
  });

  afterAll(async () => {
    await stopProcess(runtime);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('finishes all ten in-flight runs, each tool call completed once, events gap-free', async () => {
    const agent = (await api('POST', '/v1/agents', { name: 'napper' })) as { id: string };
    await api('POST', `/v1/agents/${agent.id}/versions`, {
      spec: {
        model: {
          provider: 'scripted',
          replies: [
            { text: 'napping', toolCalls: [{ id: 'nap', name: 'sleep', arguments: { seconds: 4 } }] },
            { text: 'rested' },
          ],
        },
        tools: [{ name: 'sleep' }],
      },
    });
    const runIds: string[] = [];
    for (let index = 0; index < 10; index += 1) {
      runIds.push(((await api('POST', '/v1/runs', { agentId: agent.id, input: `run ${index}` })) as { id: string }).id);
    }
    // Wait until every run is inside its sleep tool.
    for (let waited = 0; ; waited += 100) {
      const started = await Promise.all(
        runIds.map(async (runId) => (await events(runId)).some((event) => event.type === 'tool.started')),
      );
      if (started.every(Boolean)) break;
      if (waited > 30_000) throw new Error('runs did not reach their tool call');
      await delay(100);
    }

    const temporalPid = Number(await readFile(path.join(dataDir, 'temporal.pid'), 'utf8'));
    process.kill(temporalPid, 'SIGKILL');
    await stopProcess(runtime, 'SIGKILL');

    await start();
    for (let waited = 0; ; waited += 250) {
      const runs = await Promise.all(
        runIds.map((runId) => api('GET', `/v1/runs/${runId}`) as Promise<{ status: string }>),
      );
      if (runs.every((run) => run.status === 'succeeded')) break;
      if (waited > 120_000) throw new Error(`runs not finished: ${runs.map((run) => run.status).join(',')}`);
      await delay(250);
    }

    for (const runId of runIds) {
      const log = await events(runId);
      expect(log.map((event) => event.seq)).toEqual(log.map((_, index) => index + 1));
      expect(log.filter((event) => event.type === 'tool.completed')).toHaveLength(1);
      expect(log.filter((event) => event.type === 'tool.started')).toHaveLength(1);
      expect(log.filter((event) => event.type === 'model.completed')).toHaveLength(2);
      expect(log.at(-1)?.type).toBe('run.succeeded');
    }
  }, 240_000);

  it('stops on SIGTERM: the step in flight finishes, the Temporal dev server it started ends, exit 0', async () => {
    const agent = (await api('POST', '/v1/agents', { name: 'stopper' })) as { id: string };
    await api('POST', `/v1/agents/${agent.id}/versions`, {
      spec: {
        model: {
          provider: 'scripted',
          replies: [
            { text: 'napping', toolCalls: [{ id: 'nap', name: 'sleep', arguments: { seconds: 2 } }] },
            { text: 'rested' },
          ],
        },
        tools: [{ name: 'sleep' }],
      },
    });
    const runId = ((await api('POST', '/v1/runs', { agentId: agent.id, input: 'nap' })) as { id: string }).id;
    for (let waited = 0; !(await events(runId)).some((event) => event.type === 'tool.started'); waited += 100) {
      if (waited > 30_000) throw new Error('the run did not reach its tool call');
      await delay(100);
    }

    // A library's SIGTERM listener (@openai/agents-core's) once exited the process mid-shutdown.
    const temporalPid = Number(await readFile(path.join(dataDir, 'temporal.pid'), 'utf8'));
    expect(await stopProcess(runtime)).toBe(0);
    const leftRunning = processAlive(temporalPid);
    // A server left running is ours to end, whatever the verdict.
    if (leftRunning) process.kill(temporalPid, 'SIGKILL');
    expect(leftRunning).toBe(false);

    await start();
    for (let waited = 0; ; waited += 250) {
      const run = (await api('GET', `/v1/runs/${runId}`)) as { status: string };
      if (run.status === 'succeeded') break;
      if (waited > 60_000) throw new Error(`run not finished: ${run.status}`);
      await delay(250);
    }
    const log = await events(runId);
    // The sleep finished during the shutdown: the restarted runtime did not start it again.
    expect(log.filter((event) => event.type === 'tool.started')).toHaveLength(1);
    expect(log.filter((event) => event.type === 'tool.completed')).toHaveLength(1);
  }, 180_000);
});

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
