import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { generateApiKey, generateMasterKeyEntry } from '@agent-runtime/core';
import {
  createPostgresDatabase,
  expectDeltasMatchStoredText,
  freePort,
  readRunEventStream,
  repoRoot,
  seededRandom,
  serviceProcess,
  startOpenAiCompatibleServer,
  startRedis,
  startTestRuntime,
  testLogFd,
  type OpenAiCompatibleServer,
  type ReadStream,
  type RedisServer,
  type ServerAnswer,
  type ServiceProcess,
  type StreamedModelDelta,
  type StreamedRunEvent,
  type TestRuntime,
} from '@agent-runtime/test-harness';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

/** What the scenario needs of a deployment: where its APIs listen, and a key for them. */
interface Deployment {
  readonly urls: readonly string[];
  readonly apiKey: string;
  stop(): Promise<void>;
}

/** 2 characters every 20 ms: each step streams for about half a second, in a few dozen deltas. */
const slowly = { chunkSize: 2, chunkDelayMs: 20 } as const;

/** A run of three model steps, the first two calling the calculator, each streamed slowly. */
const slowAnswers = (): ServerAnswer[] => [
  {
    kind: 'reply',
    text: 'Let me check that with the calculator first — one moment…',
    toolCalls: [{ id: 'mul', name: 'calculator', arguments: { expression: '6*7' } }],
    ...slowly,
  },
  {
    kind: 'reply',
    text: 'The calculator says 42; ünïcode 🙂 survives, and I check it once more.',
    toolCalls: [{ id: 'add', name: 'calculator', arguments: { expression: '40+2' } }],
    ...slowly,
  },
  { kind: 'reply', text: 'Both agree: the answer is 42, and that is the whole of it. ✓', ...slowly },
];

/** How many of a stream's cuts came inside a step: after one of its deltas, before its completion. */
function cutsInsideSteps(stream: ReadStream): number {
  return stream.dropsAfter.filter((received) => {
    const last = stream.messages[received - 1];
    if (last?.event !== 'model.delta') return false;
    const { step } = JSON.parse(last.data) as StreamedModelDelta;
    return stream.messages
      .slice(received)
      .some((later) => later.event === 'model.completed' && (JSON.parse(later.data) as { step: number }).step === step);
  }).length;
}

/**
 * The "must show" of zero-loss token streams: a client that is cut off at random (seeded)
 * points inside model steps and reconnects each time with `Last-Event-ID` (alternating
 * between the deployment's APIs) receives, of every step, deltas that join into exactly the
 * step's stored `model.completed` text, and the stored events exactly once.
 */
function describeDeltaResumption(name: string, deploy: (modelServer: OpenAiCompatibleServer) => Promise<Deployment>) {
  describe(`model text deltas resumed mid-step (${name})`, () => {
    let modelServer: OpenAiCompatibleServer;
    let deployment: Deployment;

    async function request(method: string, route: string, body?: unknown): Promise<Response> {
      return fetch(`${deployment.urls[0]}${route}`, {
        method,
        headers: {
          authorization: `Bearer ${deployment.apiKey}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(30_000),
      });
    }

    beforeAll(async () => {
      modelServer = await startOpenAiCompatibleServer();
      deployment = await deploy(modelServer);
    });
    afterAll(async () => {
      await deployment.stop();
      await modelServer.close();
    });

    it("joins each step's deltas, over connections cut at random points inside steps, into its stored text", async () => {
      const agent = (await (
        await request('POST', '/v1/agents', { name: `resumer-${randomBytes(3).toString('hex')}` })
      ).json()) as { id: string };
      const spec = {
        model: { provider: 'openai-compatible', baseUrl: modelServer.baseUrl, model: 'slow-llama' },
        tools: [{ name: 'calculator' }],
      };
      expect((await request('POST', `/v1/agents/${agent.id}/versions`, { spec })).status).toBe(201);
      let cuts = 0;
      // One run at a time: each takes its three answers from the model server's queue.
      for (const seed of [11, 12]) {
        modelServer.enqueue(...slowAnswers());
        const run = (await (
          await request('POST', '/v1/runs', { agentId: agent.id, input: 'what is 6*7?' })
        ).json()) as {
          id: string;
        };
        const stream = await readRunEventStream(run.id, {
          apiKey: deployment.apiKey,
          baseUrls: deployment.urls,
          drops: 12,
          dropAfterMessages: 6,
          cutAfter: (message) => message.event === 'model.delta',
          random: seededRandom(seed),
        });
        const stored = (
          (await (await request('GET', `/v1/runs/${run.id}/events?limit=1000`)).json()) as {
            items: StreamedRunEvent[];
          }
        ).items;
        expect(stored.at(-1)?.type).toBe('run.succeeded');
        expect(stream.events).toEqual(stored);
        const texts = new Map(
          stored
            .filter((event) => event.type === 'model.completed')
            .map((event) => [event.step ?? 0, (event.data as { text: string }).text]),
        );
        expect([...texts.values()]).toEqual(
          slowAnswers().map((answer) => (answer.kind === 'reply' ? answer.text : '')),
        );
        // Every step streamed, and its deltas (0, 1, 2, … once each, over every connection)
        // join into its stored text.
        expect(new Set(stream.deltas.map((delta) => delta.step))).toEqual(new Set([1, 2, 3]));
        expectDeltasMatchStoredText(stream.messages, texts);
        // Every cut fell inside a step: after one of its deltas, before its completion.
        expect(stream.drops).toBeGreaterThanOrEqual(8);
        expect(cutsInsideSteps(stream)).toBe(stream.drops);
        cuts += stream.drops;
      }
      expect(cuts).toBeGreaterThanOrEqual(20);
    });
  });
}

describeDeltaResumption('embedded: one process, in-process bus', async () => {
  const runtime: TestRuntime = await startTestRuntime();
  return { urls: [runtime.url], apiKey: runtime.apiKey, stop: () => runtime.stop() };
});

describeDeltaResumption('production: two API processes and a worker process over Redis', async () => {
  const apiKey = generateApiKey();
  const redis: RedisServer = await startRedis();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'agent-runtime-delta-resume-'));
  const ports = [await freePort(), await freePort()];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: await createPostgresDatabase(),
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: `delta-resume-${randomBytes(4).toString('hex')}`,
    AR_DATA_DIR: dataDir,
    AR_BOOTSTRAP_API_KEY: apiKey,
    AR_MASTER_KEYS: generateMasterKeyEntry('delta-resume-test'),
    REDIS_URL: redis.url,
    LOG_LEVEL: 'warn',
  };
  const apis = ports.map((port, index) =>
    serviceProcess(
      `api-${index + 1}`,
      path.join(repoRoot, 'services/api/src/main.ts'),
      { ...env, PORT: String(port) },
      { logFd: testLogFd() },
    ),
  );
  const worker = serviceProcess('worker', path.join(repoRoot, 'services/worker/src/main.ts'), env, {
    logFd: testLogFd(),
  });
  const services: ServiceProcess[] = [...apis, worker];
  const urls = ports.map((port) => `http://127.0.0.1:${port}`);
  const stop = async () => {
    await Promise.allSettled(services.map((service) => service.stop()));
    await redis.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    // One API migrates and seeds first; the other and the worker find everything in place.
    for (const [index, api] of apis.entries()) {
      api.start();
      await awaitReady(urls[index] ?? '');
    }
    worker.start();
  } catch (error) {
    const tails = services.map((service) => `--- ${service.name} stderr:\n${service.stderrTail}`);
    await stop();
    throw new Error(`the stack did not come up\n${tails.join('\n')}`, { cause: error });
  }
  return { urls, apiKey, stop };
});

async function awaitReady(url: string): Promise<void> {
  for (let waited = 0; ; waited += 200) {
    const ready = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return;
    if (waited > 60_000) throw new Error(`API at ${url} did not become ready`);
    await delay(200);
  }
}
