// `npm run bench`: starts PostgreSQL and a Temporal dev server, runs the API and the agent
// worker in this process beside a plain Temporal baseline worker, measures run-start latency
// and per-step overhead; each agent adapter's per-step cost beside the same agent driven
// directly in this process; the latency of run events to 1,000 SSE streams (in-process bus, then
// Redis); how late scheduled runs start after their fire times; how long a run event takes to
// reach a webhook receiver; then the API and two worker processes, once per worker tuning, for the recovery
// after a worker's kill -9; the console's run page of a 500-step run in Chromium; prints the tables, and stops everything it started. `--phases`
// picks which of these run (bench-options.ts).
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, totalmem, tmpdir } from 'node:os';
import path from 'node:path';
import { uncappedDevServerConfig } from '@agent-runtime/embedded';
import {
  startOpenAiCompatibleServer,
  startRedis,
  startTestServices,
  type OpenAiCompatibleServer,
  type RedisServer,
  type TestServices,
} from '@agent-runtime/test-harness';
import pg from 'pg';
import { createActivityClock } from './activity-clock.ts';
import { measureAdapterOverhead } from './adapter-overhead.ts';
import { parseBenchOptions } from './bench-options.ts';
import { startBenchRuntime, type BenchRuntime, type BenchWorkerAgents } from './bench-runtime.ts';
import { startBaselineWorker, type BaselineWorker } from './baseline-worker.ts';
import { startEchoLoopHttpAgent, type EchoLoopHttpAgent } from './echo-loop-agent.ts';
import { echoLoopWorkerAgents } from './echo-loop-frameworks.ts';
import { measureCliFirstToken } from './cli-first-token.ts';
import { measureConsoleRender } from './console-render.ts';
import { measureEventLatency, type EventLatency } from './event-latency.ts';
import { startRecoveryStack, type RecoveryStack } from './recovery-stack.ts';
import {
  formatAdapterOverhead,
  formatCliFirstToken,
  formatLangGraphApiLatency,
  formatConsoleRender,
  formatEventLatency,
  formatRunStartLatency,
  formatScheduleFireAccuracy,
  formatStepOverhead,
  formatThreadTurnLatency,
  formatWebhookLatency,
  formatWorkerRecovery,
} from './report.ts';
import { langGraphBenchLoop, langGraphBenchLoopName, measureLangGraphApiLatency } from './langgraph-api-latency.ts';
import { measurePeers, formatPeers } from './peers-phase.ts';
import { measureRunStartLatency } from './run-start-latency.ts';
import { measureScheduleFireAccuracy } from './schedule-fire-accuracy.ts';
import { measureStepOverhead } from './step-overhead.ts';
import { measureThreadTurnLatency } from './thread-turn-latency.ts';
import { measureWebhookLatency } from './webhook-latency.ts';
import { measureWorkerRecovery, type WorkerRecovery } from './worker-recovery.ts';

const options = parseBenchOptions(process.argv.slice(2));
const budget = AbortSignal.timeout(options.budgetSeconds * 1000);
const runTimeoutMs = 60_000;

let services: TestServices | undefined;
let runtime: BenchRuntime | undefined;
let baseline: BaselineWorker | undefined;
let recoveryStack: RecoveryStack | undefined;
let redis: RedisServer | undefined;
let redisRuntime: BenchRuntime | undefined;
let recoveryDir: string | undefined;
let modelServer: OpenAiCompatibleServer | undefined;
let httpAgent: EchoLoopHttpAgent | undefined;
let cleaning: Promise<void> | undefined;

/** Stops what was started, newest first, once, whatever state the run is in. */
function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    await recoveryStack
      ?.stop()
      .catch((error: unknown) => console.error('stopping the recovery processes failed', error));
    if (recoveryDir) await rm(recoveryDir, { recursive: true, force: true });
    await redisRuntime?.stop().catch((error: unknown) => console.error('stopping the Redis runtime failed', error));
    await redis?.stop().catch((error: unknown) => console.error('stopping redis-server failed', error));
    await baseline?.stop().catch((error: unknown) => console.error('stopping the baseline worker failed', error));
    await httpAgent?.close().catch((error: unknown) => console.error('stopping the HTTP agent failed', error));
    await modelServer?.close().catch((error: unknown) => console.error('stopping the model server failed', error));
    await runtime?.stop().catch((error: unknown) => console.error('stopping the runtime failed', error));
    await services?.stop();
  })();
  return cleaning;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping the services`);
    void cleanUp().finally(() => process.exit(130));
  });
}
// A phase checks the budget between runs; this catches anything that hangs in between.
const watchdog = setTimeout(
  () => {
    console.error(`bench still running ${options.budgetSeconds + 60} s after start: stopping`);
    void cleanUp().finally(() => process.exit(2));
  },
  (options.budgetSeconds + 60) * 1000,
);
watchdog.unref();

/** The worker's agents with the LangGraph API phase's graph added. */
function withLangGraphBenchLoop(agents: BenchWorkerAgents): BenchWorkerAgents {
  return { ...agents, graphs: { ...agents.graphs, [langGraphBenchLoopName]: langGraphBenchLoop.compile() } };
}

/** Creates an empty database on the bench's PostgreSQL server; returns its connection string. */
async function createDatabase(adminUrl: string, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  return adminUrl.replace(/\/postgres$/, `/${name}`);
}

const cpu = cpus();
console.log(
  `Machine: ${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown CPU'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`,
);
console.log(
  options.stockTemporal
    ? 'Temporal dev server: stock settings (history transfer queue polled ≤ 20×/s: steps cost ≥ ~50 ms once busy)'
    : `Temporal dev server: ${Object.entries(uncappedDevServerConfig)
        .map(([key, value]) => `${key}=${value}`)
        .join(', ')} (stock: 20; see docs/benchmarks.md)`,
);
try {
  const startedAt = performance.now();
  console.error('Starting PostgreSQL and the Temporal dev server…');
  services = await startTestServices(options.stockTemporal ? {} : { temporalDynamicConfig: uncappedDevServerConfig });
  const clock = createActivityClock();
  const measuresAdapters = options.phases.has('adapter-overhead') && options.adapterRuns > 0;
  // The worker's AI SDK agent calls the model server: it starts first.
  if (measuresAdapters) modelServer = await startOpenAiCompatibleServer();
  console.error('Starting the API and the agent worker in this process…');
  runtime = await startBenchRuntime({
    databaseUrl: services.postgres.url,
    temporalAddress: services.temporal.address,
    clock,
    workerAgents: withLangGraphBenchLoop(modelServer ? echoLoopWorkerAgents(modelServer.baseUrl) : {}),
  });
  const baselineTaskQueue = `bench-baseline-${randomBytes(4).toString('hex')}`;
  if (options.phases.has('step-overhead')) {
    console.error('Bundling and starting the baseline worker…');
    baseline = await startBaselineWorker({
      temporalAddress: services.temporal.address,
      namespace: runtime.config.TEMPORAL_NAMESPACE,
      taskQueue: baselineTaskQueue,
      clock,
      maxConcurrentActivityTaskExecutions: runtime.config.WORKER_MAX_CONCURRENT_ACTIVITIES,
    });
  }
  console.error(`Services up in ${((performance.now() - startedAt) / 1000).toFixed(1)} s.`);

  if (options.phases.has('run-start')) {
    const latency = await measureRunStartLatency(runtime, clock, {
      runs: options.runs,
      warmupRuns: options.warmupRuns,
      concurrency: options.concurrency,
      runTimeoutMs,
      signal: budget,
    });
    console.log(`\n${formatRunStartLatency(latency)}\n`);
  }
  if (options.phases.has('thread-turn')) {
    const latency = await measureThreadTurnLatency(runtime, clock, {
      runs: Math.max(1, Math.round(options.runs / 4)),
      warmupRuns: Math.max(1, Math.round(options.warmupRuns / 4)),
      runTimeoutMs,
      signal: budget,
    });
    console.log(`\n${formatThreadTurnLatency(latency)}\n`);
  }
  if (options.phases.has('langgraph-api')) {
    console.error('  LangGraph API latency (/lg, /v1, @langchain/langgraph-api in memory)…');
    const latency = await measureLangGraphApiLatency(runtime, {
      runs: Math.max(5, Math.round(options.runs / 10)),
      warmupRuns: 2,
      steps: 5,
    });
    console.log(`\n${formatLangGraphApiLatency(latency)}\n`);
  }
  if (options.phases.has('step-overhead')) {
    const overhead = await measureStepOverhead(runtime, clock, {
      toolSteps: options.toolSteps,
      repeats: options.repeats,
      warmupRepeats: options.warmupRepeats,
      baselineTaskQueue,
      runTimeoutMs,
      signal: budget,
    });
    console.log(`\n${formatStepOverhead(overhead, options.stockTemporal)}\n`);
  }
  if (measuresAdapters && modelServer) {
    httpAgent = await startEchoLoopHttpAgent();
    const adapterOverhead = await measureAdapterOverhead(runtime, clock, {
      toolSteps: options.adapterSteps,
      runs: options.adapterRuns,
      warmupRuns: 1,
      runTimeoutMs,
      signal: budget,
      modelServer,
      httpAgentUrl: httpAgent.url,
    });
    console.log(`\n${formatAdapterOverhead(adapterOverhead)}\n`);
  }

  const eventLatencies: EventLatency[] = [];
  const sseOptions = { streams: options.sseStreams, runs: options.sseRuns, steps: options.sseSteps, signal: budget };
  if (options.phases.has('event-latency') && options.sseStreams > 0 && options.sseBus !== 'redis') {
    console.error(`  event latency (in-process bus, ${options.sseStreams} SSE streams)…`);
    eventLatencies.push(await measureEventLatency(runtime, { ...sseOptions, bus: 'in-process' }));
  }
  if (options.phases.has('event-latency') && options.sseStreams > 0 && options.sseBus !== 'in-process') {
    console.error('Starting redis-server, an API on the Redis bus and a worker process…');
    redis = await startRedis();
    const databaseUrl = await createDatabase(services.postgres.url, `bench_redis_${randomBytes(4).toString('hex')}`);
    redisRuntime = await startBenchRuntime({
      databaseUrl,
      temporalAddress: services.temporal.address,
      clock,
      redisUrl: redis.url,
      workerProcess: true,
    });
    console.error(`  event latency (Redis bus, ${options.sseStreams} SSE streams)…`);
    eventLatencies.push(await measureEventLatency(redisRuntime, { ...sseOptions, bus: 'redis' }));
    await redisRuntime.stop();
    redisRuntime = undefined;
  }
  if (eventLatencies.length > 0) console.log(`${formatEventLatency(eventLatencies)}\n`);
  if (options.phases.has('cli-first-token') && options.cliRuns > 0) {
    console.error(`  CLI first token (${options.cliRuns} runs, each followed by agent-runtime runs start --follow)…`);
    const cliFirstToken = await measureCliFirstToken(runtime, { runs: options.cliRuns, warmupRuns: 2, signal: budget });
    console.log(`${formatCliFirstToken(cliFirstToken)}\n`);
  }

  if (options.phases.has('schedule-fire') && options.scheduleFires > 0) {
    console.error(`  schedule fire accuracy (${options.scheduleFires} fires, one a second)…`);
    const accuracy = await measureScheduleFireAccuracy(runtime, { fires: options.scheduleFires, signal: budget });
    console.log(`${formatScheduleFireAccuracy(accuracy)}\n`);
  }
  if (options.phases.has('console-render') && options.consoleSteps > 0) {
    console.error(`  console run page (a ${options.consoleSteps}-step run in Chromium)…`);
    const render = await measureConsoleRender(runtime, {
      steps: options.consoleSteps,
      renders: 10,
      chromiumPath: process.env['AR_CHROMIUM_PATH'] ?? '/usr/bin/chromium',
      signal: budget,
    });
    console.log(`${formatConsoleRender(render)}\n`);
  }

  if (options.phases.has('webhook-latency') && options.webhookRuns > 0) {
    console.error(
      `  webhook latency (${options.webhookRuns} runs, each run.succeeded delivered to a loopback receiver)…`,
    );
    const latency = await measureWebhookLatency(runtime, { runs: options.webhookRuns, signal: budget });
    console.log(`${formatWebhookLatency(latency)}\n`);
  }

  const recoveries: WorkerRecovery[] = [];
  recoveryDir = await mkdtemp(path.join(tmpdir(), 'agent-runtime-bench-recovery-'));
  for (const tuning of options.phases.has('worker-recovery') && options.recoveryRuns > 0
    ? (['fast', 'default'] as const)
    : []) {
    console.error(`Starting the API and two worker processes (WORKER_TUNING=${tuning})…`);
    recoveryStack = await startRecoveryStack({
      tuning,
      postgresUrl: services.postgres.url,
      temporalAddress: services.temporal.address,
      temporalConnection: runtime.temporal.connection,
      dataDir: recoveryDir,
    });
    console.error(`  worker recovery (WORKER_TUNING=${tuning}, ${options.recoveryRuns} runs, kill -9 of one worker)…`);
    recoveries.push(
      await measureWorkerRecovery(recoveryStack, { runs: options.recoveryRuns, warmupRuns: 6, signal: budget }),
    );
    await recoveryStack.stop();
    recoveryStack = undefined;
  }
  if (recoveries.length > 0) console.log(`${formatWorkerRecovery(recoveries)}\n`);
  if (options.phases.has('peers')) {
    console.error('Peers: the echo agent on the runtime and on each peer, one system at a time…');
    const peers = await measurePeers({
      postgresUrl: services.postgres.url,
      temporalAddress: services.temporal.address,
      clock,
      createDatabase: (name) => createDatabase(services?.postgres.url ?? '', name),
      steps: 10,
      runs: options.peerRuns,
      concurrency: options.peerConcurrency,
      seconds: options.peerSeconds,
      only: options.peers,
      signal: budget,
    });
    console.log(`${formatPeers(peers)}\n`);
  }
  console.error(`Done in ${((performance.now() - startedAt) / 1000).toFixed(1)} s; stopping the services.`);
} catch (error) {
  console.error('bench failed:', error);
  process.exitCode = 1;
} finally {
  await cleanUp();
  clearTimeout(watchdog);
}
