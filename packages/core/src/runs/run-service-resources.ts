import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { RunEventBus } from '../bus/event-bus.ts';
import type { RunCache } from '../cache/run-cache.ts';
import type { CallbackLinks } from '../callbacks/callback-links.ts';
import type { Config } from '../config.ts';
import type { NewAuditEvent } from '../db/repositories/audit-events.ts';
import type { Database } from '../db/schema.ts';
import type { AdmissionLimits } from '../limits/run-admission.ts';
import type { Logger } from '../logger.ts';

/** The limits the run service admits runs under, and what it does with a run over them. */
export interface RunServiceLimits extends AdmissionLimits {
  /**
   * `queue`: a run over the limits stays `queued` until its turn; `reject`: it is not written
   * and creating it answers 429 `rate_limited` (`AR_TENANT_RUN_OVERFLOW`).
   */
  readonly overflow: 'queue' | 'reject';
  /** The waiting cap (`AR_TENANT_MAX_WAITING_RUNS`); 0: unlimited. */
  readonly maxWaitingRuns: number;
}

/** The run service's limits as the configuration sets them. */
export function runServiceLimitsOf(
  config: Pick<Config, 'AR_TENANT_MAX_CONCURRENT_RUNS' | 'AR_TENANT_MAX_WAITING_RUNS' | 'AR_TENANT_RUN_OVERFLOW'>,
): RunServiceLimits {
  return {
    defaultMaxConcurrentRuns: config.AR_TENANT_MAX_CONCURRENT_RUNS,
    maxWaitingRuns: config.AR_TENANT_MAX_WAITING_RUNS,
    overflow: config.AR_TENANT_RUN_OVERFLOW,
  };
}

/**
 * What every part of the run service shares: one typed bag, built once per process in its
 * composition root (the API's, the worker's) and handed to `createRunService`.
 */
export interface RunServiceResources {
  /** The system of record: every state change of a run is one transaction here. */
  readonly db: Kysely<Database>;
  /** Starts runs' workflows (workflow id = run id), cancels them and sends them updates. */
  readonly temporal: Client;
  /** Task queue the runs' workflows start on (`TEMPORAL_TASK_QUEUE`). */
  readonly taskQueue: string;
  /** Where each committed change of a run row is recorded before its events are published. */
  readonly runCache: RunCache;
  /** Where each change's events are published for live streams. */
  readonly bus: RunEventBus;
  readonly logger: Logger;
  readonly limits: RunServiceLimits;
  /**
   * Signs the callback URLs of callback tools and the approve/reject links of approvals
   * (docs/callbacks.md); the worker's run service has them. Without them approvals carry no
   * links and a callback tool's call fails the run.
   */
  readonly callbackLinks?: CallbackLinks | undefined;
}

/**
 * Who acts on a run and in which tenant, as the audit log records it: the caller's tenant
 * (always the run's: another tenant's run is not found), its principal, and the request.
 */
export type RunActor = Pick<NewAuditEvent, 'tenantId' | 'actor' | 'requestId'>;

/** A run named by a caller of a tenant: not found unless it is that tenant's. */
export interface TenantRunRef {
  readonly tenantId: string;
  readonly runId: string;
}
