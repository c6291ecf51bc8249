import { fileURLToPath } from 'node:url';
import { createAdapterContext, McpConnectionPool, type AgentRegistrations } from '@agent-runtime/agents';
import {
  createCallbackLinks,
  createDataConverter,
  createLocalTelemetry,
  createMemoryStore,
  createRunService,
  createScheduleService,
  openEmbedder,
  retentionOptionsOf,
  runServiceLimitsOf,
  UncachedRunReads,
  type BlobStore,
  type Config,
  type Database,
  type Logger,
  type MemoryStore,
  type RunCache,
  type RunEventBus,
  type Telemetry,
  type TemporalConnectionSettings,
  webhookRequestOptionsOf,
} from '@agent-runtime/core';
import { Client } from '@temporalio/client';
import { NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import { createActivities, type ActivityDependencies } from './activities/create-activities.ts';
import { tracingWorkerOptions } from './worker-tracing.ts';
import { recoveryWorkerOptions } from './worker-tuning.ts';

const workflowsPath = fileURLToPath(new URL('./workflows/index.ts', import.meta.url));

/**
 * What decides how workflow code runs: the workflow bundle and the data converter. The
 * worker and the replay test both take it from here, so a replayed history is decoded and
 * executed exactly as a live worker would.
 */
export function workflowWorkerOptions(
  dependencies: Pick<WorkerDependencies, 'config' | 'blobs'>,
): Required<Pick<WorkerOptions, 'workflowsPath' | 'dataConverter'>> {
  return {
    workflowsPath,
    dataConverter: createDataConverter({
      blobs: dependencies.blobs,
      offloadThresholdBytes: dependencies.config.AR_PAYLOAD_OFFLOAD_BYTES,
    }),
  };
}

/** What a worker needs from its process. */
export interface WorkerDependencies {
  readonly config: Config;
  readonly db: Kysely<Database>;
  readonly logger: Logger;
  /**
   * Where payloads over `AR_PAYLOAD_OFFLOAD_BYTES` go (claim check) and the artifacts tools
   * save: the store this process's Temporal clients use too, shared with every other worker
   * and API process.
   */
  readonly blobs: BlobStore;
  /**
   * Where activities publish each event they record, for live streams: the process's bus
   * (in-process when the API shares the process, else Redis; see `openRunEventBus`).
   */
  readonly bus: RunEventBus;
  /**
   * Where activities record every committed change of a run row: the run cache the API
   * instances read (`openRunCache`, from the same configuration). @default no cache
   */
  readonly runCache?: RunCache;
  /** Tools by name; the builtin tools when omitted. */
  readonly tools?: ActivityDependencies['tools'];
  /**
   * Code agents by name: specs with `agent: { kind: 'code', name }` run their decision steps
   * through these functions. Every worker of the task queue must register the same ones.
   * @default none
   */
  readonly agents?: AgentRegistrations['agents'];
  /**
   * Vercel AI SDK agents by name (`{ model, system?, tools }`): specs with
   * `agent: { kind: 'ai-sdk', name }` call the agent's model once per model step and run each
   * of its tools' `execute` as a durable tool step. Every worker of the task queue must
   * register the same ones. @default none
   */
  readonly aiSdkAgents?: AgentRegistrations['aiSdkAgents'];
  /**
   * OpenAI Agents SDK agents by name (`new Agent({ … })` from `@openai/agents`): specs with
   * `agent: { kind: 'openai-agents', name }` call the current agent's model once per model
   * step and run each function tool and handoff call as a durable tool step; handoffs switch
   * the current agent. Every worker of the task queue must register the same ones. @default none
   */
  readonly openaiAgents?: AgentRegistrations['openaiAgents'];
  /**
   * Resolves the models OpenAI agents name by string (`model: 'gpt-…'`), e.g.
   * `new OpenAIProvider({ openAIClient })`. Agents with a `Model` instance need none.
   * @default none: such agents fail with `agent_failed`
   */
  readonly openaiAgentsModelProvider?: AgentRegistrations['openaiAgentsModelProvider'];
  /**
   * Compiled LangGraph graphs by name: specs with `agent: { kind: 'langgraph', graph }` run
   * one super-step of it per step, checkpointed in the database. Every worker of the task
   * queue must register the same ones. @default none
   */
  readonly graphs?: AgentRegistrations['graphs'];
  /**
   * The process's tracing and metrics (`createTelemetry`): workflows and activities continue
   * the trace their client started, and steps record metrics. @default local metrics, no export
   */
  readonly telemetry?: Telemetry;
  /**
   * The memory store of the memory tools. @default one over `db`, with the embedder the
   * configuration names (`AR_MEMORY_EMBEDDING_*`), if any
   */
  readonly memory?: MemoryStore;
  /** Temporal frontend `host:port`. */
  readonly temporalAddress: string;
  /**
   * TLS and credentials of the connection (`temporalConnectionSettings`, e.g. Temporal Cloud);
   * its address wins over `temporalAddress`. @default plain gRPC to `temporalAddress`
   */
  readonly temporalConnection?: TemporalConnectionSettings;
  /** Overrides for tests and benchmarks. */
  readonly workerOptions?: Partial<WorkerOptions>;
}

/** A worker ready to `run()`, and what to close after it stops. */
export interface CreatedWorker {
  readonly worker: Worker;
  readonly connection: NativeConnection;
  /** The MCP sessions its tool calls opened (stdio servers are child processes): close after `run()` ends. */
  readonly mcpConnections: McpConnectionPool;
}

let runtimeInstalled = false;

const sdkLevels = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

/**
 * Routes the Temporal SDK's own logs into our logger, once per process. Its chatty INFO
 * lines (bundle statistics, state changes) are logged at debug.
 */
function installRuntime(logger: Logger): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  const log = (level: keyof typeof sdkLevels, message: string, meta?: Record<string, unknown>) =>
    logger[level === 'INFO' ? 'debug' : sdkLevels[level]]({ ...meta }, message);
  Runtime.install({
    // The composition root owns the signals (onShutdownSignal) and calls `worker.shutdown()`.
    shutdownSignals: [],
    logger: {
      log,
      trace: (message, meta) => log('TRACE', message, meta),
      debug: (message, meta) => log('DEBUG', message, meta),
      info: (message, meta) => log('INFO', message, meta),
      warn: (message, meta) => log('WARN', message, meta),
      error: (message, meta) => log('ERROR', message, meta),
    },
  });
}

/** Connects to Temporal and builds the worker hosting `agentRun`, `retentionPass` and their activities. */
export async function createWorker(dependencies: WorkerDependencies): Promise<CreatedWorker> {
  const { config, db, logger } = dependencies;
  const telemetry = dependencies.telemetry ?? createLocalTelemetry();
  installRuntime(logger.child({ component: 'temporal-sdk' }));
  const connection = await NativeConnection.connect(
    dependencies.temporalConnection ?? { address: dependencies.temporalAddress },
  );
  const mcpConnections = new McpConnectionPool();
  const workflowOptions = workflowWorkerOptions(dependencies);
  const runCache = dependencies.runCache ?? new UncachedRunReads(db);
  // The worker's one run lifecycle. Its client shares the worker's connection and data
  // converter, as the activities' own `Context.current().client` would.
  const temporal = new Client({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    dataConverter: workflowOptions.dataConverter,
  });
  const runs = createRunService({
    db,
    temporal,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    runCache,
    bus: dependencies.bus,
    logger: logger.child({ component: 'runs' }),
    limits: runServiceLimitsOf(config),
    callbackLinks: createCallbackLinks(config),
  });
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    ...workflowOptions,
    activities: createActivities({
      db,
      logger: logger.child({ component: 'activities' }),
      bus: dependencies.bus,
      blobs: dependencies.blobs,
      artifactMaxBytes: config.AR_ARTIFACT_MAX_BYTES,
      runCache,
      ...(dependencies.tools ? { tools: dependencies.tools } : {}),
      // The worker's agents, graphs and model provider reach the adapters through this one object.
      adapters: createAdapterContext(dependencies, db),
      telemetry,
      runs,
      masterKeys: config.AR_MASTER_KEYS,
      memory: dependencies.memory ?? createMemoryStore({ db, embedder: openEmbedder(config) }),
      mcp: { pool: mcpConnections, stdioCommands: config.AR_MCP_STDIO_COMMANDS ?? [] },
      retention: retentionOptionsOf(config),
      webhooks: webhookRequestOptionsOf(config),
      scheduling: {
        temporal,
        schedules: createScheduleService({
          db,
          temporal,
          taskQueue: config.TEMPORAL_TASK_QUEUE,
          logger: logger.child({ component: 'schedules' }),
        }),
      },
    }),
    ...tracingWorkerOptions(telemetry),
    maxConcurrentActivityTaskExecutions: config.WORKER_MAX_CONCURRENT_ACTIVITIES,
    ...recoveryWorkerOptions(config.WORKER_TUNING),
    shutdownGraceTime: '10s',
    ...dependencies.workerOptions,
  });
  return { worker, connection, mcpConnections };
}
