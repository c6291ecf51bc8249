import type { AdapterContext, McpConnectionPool, SecretSource, StdioCommandPolicy, Tool } from '@agent-runtime/agents';
import {
  getAgentVersion,
  getAgentVersionMcpTools,
  getRunReplayOf,
  InvalidStateTransitionError,
  NotFoundError,
  publishRunEventsBestEffort,
  resolveSecret,
  type AgentSpec,
  type BlobStore,
  type Database,
  type ListedMcpTool,
  type Logger,
  type MasterKey,
  type MemoryStore,
  type RunCache,
  type RunEvent,
  type RunEventBus,
  type RunReplayOf,
  type RunService,
  type ScheduleService,
  type Telemetry,
  type WebhookRequestOptions,
  type RetentionOptions,
} from '@agent-runtime/core';
import type { Client } from '@temporalio/client';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Kysely } from 'kysely';
import type { RunRef } from './activity-types.ts';

/** What the activities need from their process. */
export interface ActivityDependencies {
  readonly db: Kysely<Database>;
  readonly logger: Logger;
  /** Where each event is published once recorded, for live streams (the API's SSE and long polls). */
  readonly bus: RunEventBus;
  /** Where artifacts that tools save go: the store the API reads them from. */
  readonly blobs: BlobStore;
  /** Largest artifact a tool may save (`AR_ARTIFACT_MAX_BYTES`). @default 104857600 */
  readonly artifactMaxBytes?: number;
  /** Where each committed change of a run row goes (before its events are published): hot reads' cache. */
  readonly runCache: RunCache;
  /** Builtin tools by name; the shipped builtins when omitted. */
  readonly tools?: Readonly<Record<string, Tool>>;
  /**
   * What the agent adapters reach of this process (the worker's agents, graphs and model
   * provider, the checkpointer): built once by the composition root (`createAdapterContext`).
   */
  readonly adapters: AdapterContext;
  /** Spans of model and tool calls, and step metrics. */
  readonly telemetry: Telemetry;
  /**
   * The run lifecycle: the activities that start, park, resume and finish a run call it (and
   * it hands freed slots to the tenant's next queued runs). Built once by the worker.
   */
  readonly runs: RunService;
  /**
   * Unwrap the data keys of tenant secrets (`AR_MASTER_KEYS`, current first). Secrets are
   * decrypted inside the activity that uses them, at the moment of use.
   */
  readonly masterKeys: readonly MasterKey[];
  /** The long-term memory store the memory tools use; without one they answer `memory_unavailable`. */
  readonly memory?: MemoryStore;
  /**
   * The worker's MCP sessions, and the commands stdio MCP servers may run
   * (`AR_MCP_STDIO_COMMANDS`). @default a pool of this activity set's own; no stdio commands
   */
  readonly mcp?: { readonly pool: McpConnectionPool; readonly stdioCommands: StdioCommandPolicy };
  /**
   * How retention passes prune (`retentionOptionsOf(config)`): the deployment's default days,
   * the batch size, the orphan blobs' grace. @default nothing kept for a limited time but
   * payload blobs (7 days), batches of 100, orphans after 7 days
   */
  readonly retention?: RetentionOptions;
  /**
   * What the fires of schedules use: the schedule service (a schedule whose agent is gone
   * pauses itself) and the worker's Temporal client (a deleted schedule's Temporal schedule
   * is deleted at its next fire). @default none: `createScheduledRun` fails
   */
  readonly scheduling?: { readonly schedules: ScheduleService; readonly temporal: Client };
  /**
   * How webhook deliveries are sent (`AR_WEBHOOK_*`): the address policy, the timeout and the
   * response size limit. @default none: `attemptWebhookDelivery` fails
   */
  readonly webhooks?: WebhookRequestOptions;
}

/** Business failures no retry can fix: rethrown as non-retryable with the error's code as type. */
export function nonRetryable(error: unknown): never {
  if (error instanceof NotFoundError || error instanceof InvalidStateTransitionError) {
    throw ApplicationFailure.nonRetryable(error.message, error.code);
  }
  throw error;
}

/**
 * Publishes a run's events right after the write that recorded them committed. Best effort:
 * a failed publish never fails the step, since every stream re-reads the database.
 */
export function createEventPublisher({
  bus,
  logger,
}: ActivityDependencies): (runId: string, events: readonly RunEvent[]) => void {
  return (runId, events) => publishRunEventsBestEffort(bus, runId, events, logger);
}

/**
 * Reads the tenant's secrets by name for one step, decrypted inside the activity at the
 * moment of use: values live only in the request they go into, never in activity inputs,
 * results or events.
 */
export function secretSourceOf(
  { db, masterKeys }: Pick<ActivityDependencies, 'db' | 'masterKeys'>,
  tenantId: string,
): SecretSource {
  return (name) => resolveSecret(db, masterKeys, tenantId, name);
}

/** Versions never change, so their specs are cached for the life of the process. */
export function createSpecCache(db: Kysely<Database>): (ref: RunRef) => Promise<AgentSpec> {
  const specs = new Map<string, Promise<AgentSpec>>();
  return (ref) => {
    const key = `${ref.agentId}/${ref.agentVersion}`;
    let spec = specs.get(key);
    if (!spec) {
      spec = getAgentVersion(db, ref.tenantId, ref.agentId, ref.agentVersion)
        .then((version) => version.spec)
        .catch(nonRetryable);
      spec.catch(() => specs.delete(key));
      specs.set(key, spec);
    }
    return spec;
  };
}

/** Runs whose replay origin {@link createReplayOfCache} keeps: far more than a worker runs at once. */
const replayOfCacheSize = 10_000;

/**
 * What a run replays never changes once the run is written, so each run's is read once per
 * process (or handed over by `startRun`, which reads the run anyway), not by every step.
 * Oldest entries go first beyond {@link replayOfCacheSize} runs.
 */
export function createReplayOfCache(db: Kysely<Database>) {
  const replayOfs = new Map<string, Promise<RunReplayOf | undefined>>();
  const keep = (runId: string, replayOf: Promise<RunReplayOf | undefined>) => {
    replayOfs.set(runId, replayOf);
    if (replayOfs.size > replayOfCacheSize) replayOfs.delete(replayOfs.keys().next().value as string);
  };
  return {
    /** What the run replays, or undefined when it is no replay. */
    of(ref: RunRef): Promise<RunReplayOf | undefined> {
      let replayOf = replayOfs.get(ref.runId);
      if (!replayOf) {
        replayOf = getRunReplayOf(db, ref.tenantId, ref.runId).catch(nonRetryable);
        replayOf.catch(() => replayOfs.delete(ref.runId));
        keep(ref.runId, replayOf);
      }
      return replayOf;
    },
    /** Keeps what a caller that read the run found. */
    remember(runId: string, replayOf: RunReplayOf | undefined): void {
      keep(runId, Promise.resolve(replayOf));
    },
  };
}

/** The replay origins of runs, as {@link createReplayOfCache} keeps them. */
export type ReplayOfCache = ReturnType<typeof createReplayOfCache>;

/**
 * Versions never change, so neither do the MCP tools listed when they were created: cached
 * for the life of the process, like the specs.
 */
export function createMcpToolsCache(db: Kysely<Database>): (ref: RunRef) => Promise<ListedMcpTool[]> {
  const listings = new Map<string, Promise<ListedMcpTool[]>>();
  return (ref) => {
    const key = `${ref.agentId}/${ref.agentVersion}`;
    let listing = listings.get(key);
    if (!listing) {
      listing = getAgentVersionMcpTools(db, ref.tenantId, ref.agentId, ref.agentVersion).catch(nonRetryable);
      listing.catch(() => listings.delete(key));
      listings.set(key, listing);
    }
    return listing;
  };
}

/** How often a step in flight tells Temporal it is alive. */
const heartbeatEveryMs = 1_000;

/**
 * Runs a step's work while heartbeating every second, so a dead worker is noticed within
 * the activity's heartbeat timeout and a cancellation reaches the step within a second
 * (through `Context.current().cancellationSignal`), however long the work itself takes.
 * Work that fails once its step was cancelled reports the cancellation, whatever it threw
 * (an agent's own error on abort): the run ends cancelled, not failed.
 */
export async function withHeartbeats<T>(work: () => Promise<T>): Promise<T> {
  const context = Context.current();
  const timer = setInterval(() => context.heartbeat(), heartbeatEveryMs);
  try {
    return await work();
  } catch (error) {
    // The signal's reason is Temporal's CancelledFailure for this activity.
    if (context.cancellationSignal.aborted) throw context.cancellationSignal.reason;
    throw error;
  } finally {
    clearInterval(timer);
  }
}
