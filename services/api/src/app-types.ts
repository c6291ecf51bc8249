import type {
  BlobStore,
  Config,
  Database,
  Logger,
  MemoryStore,
  RequestRateLimiter,
  RunCache,
  RunEventBus,
  RunService,
  ScheduleService,
  Telemetry,
  WebhookService,
} from '@agent-runtime/core';
import type { Client } from '@temporalio/client';
import type {
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import type { OidcVerifier } from './http/oidc.ts';
import type { SharedRunEventReads } from './live/shared-event-reads.ts';

/** What the API needs from its process; built once in the composition root. */
export interface ApiDependencies {
  readonly config: Config;
  readonly db: Kysely<Database>;
  readonly temporal: Client;
  readonly logger: Logger;
  /**
   * Brings the events that workers record to this instance's SSE streams and long polls:
   * the process's bus (the worker's own instance when embedded, else Redis).
   */
  readonly bus: RunEventBus;
  /**
   * Where artifact bytes live: the store the workers share (see `openBlobStore`).
   * @default the store the configuration selects
   */
  readonly blobs?: BlobStore;
  /**
   * Hot reads of runs (`GET /v1/runs/{id}`, long polls, SSE status checks) and where the
   * cancel of a queued run records its change: the process's cache (`openRunCache`), the
   * same kind the workers use. @default no cache: every read goes to the database
   */
  readonly runCache?: RunCache;
  /**
   * The run lifecycle: every route that creates, cancels or steers a run calls it. Build it
   * once in the composition root (`createRunService`) and share it with the reconciler.
   * @default one over this API's database, Temporal client, run cache, bus and limits
   */
  readonly runs?: RunService;
  /**
   * The long-term memory store (`/v1/store`). @default one over this API's database, with the
   * embedder the configuration names (`AR_MEMORY_EMBEDDING_*`), if any
   */
  readonly memory?: MemoryStore;
  /**
   * Schedules (`/v1/schedules`). @default one over this API's database and Temporal client,
   * on `TEMPORAL_TASK_QUEUE`
   */
  readonly schedules?: ScheduleService;
  /** Timing of SSE streams and long polls; the defaults suit production. */
  readonly live?: LiveOptions;
  /**
   * The process's tracing and metrics (`createTelemetry`): a span per request, and the
   * registry `GET /metrics` serves. @default local metrics, no export
   */
  readonly telemetry?: Telemetry;
  /**
   * Counts each tenant's requests. @default `openRateLimiter(config)`: Redis when `REDIS_URL`
   * is set, else in-process; opened by the app and closed with it
   */
  readonly rateLimiter?: RequestRateLimiter;
  /**
   * Verifies OIDC bearer tokens (besides API keys). @default built from the `AR_OIDC_*`
   * variables of `config`; none (API keys only) when `AR_OIDC_ISSUER` is unset
   */
  readonly oidc?: OidcVerifier;
}

/** What the run routes get: the dependencies with the blob store, the run cache and the run service settled. */
export type RunRouteDependencies = ApiDependencies & {
  readonly blobs: BlobStore;
  readonly runCache: RunCache;
  readonly runs: RunService;
  /** Checks a new run's one-off `webhookUrl`. */
  readonly webhooks: WebhookService;
  /** Reads of runs' stored events that the streams of this API instance share. */
  readonly runEventReads: SharedRunEventReads;
};

/** Timing of the requests that wait for a run: SSE streams and long polls. */
export interface LiveOptions {
  /** How often an idle SSE stream sends a comment line, so that proxies keep it open. @default 15000 */
  readonly keepAliveMs?: number;
  /**
   * How long a stream or long poll goes without a live event before it reads the database
   * again, in case the bus lost one (Redis down, a worker that died between commit and
   * publish). Bounds the extra latency when the bus fails. @default 5000
   */
  readonly catchUpMs?: number;
}

/** The Fastify instance with zod schemas as its type provider. */
export type ApiInstance = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  Logger,
  ZodTypeProvider
>;
