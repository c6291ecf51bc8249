import type { AuditActor } from '../db/repositories/audit-events.ts';
import type { Config } from '../config.ts';
import type { RetentionDefaults } from '../domain/retention.ts';

/** How retention passes work in this deployment (from `AR_RETENTION_*`). */
export interface RetentionOptions {
  /** Days kept for tenants without their own setting; null: for ever. */
  readonly defaults: RetentionDefaults;
  /** Objects one batch deletes, in one transaction per tenant. */
  readonly batchSize: number;
  /** Days a blob nothing refers to is kept before the orphan sweep deletes it. */
  readonly orphanBlobDays: number;
}

/** The retention options a configuration sets. */
export function retentionOptionsOf(config: Config): RetentionOptions {
  return {
    defaults: {
      runsDays: config.AR_RETENTION_RUNS_DAYS ?? null,
      threadsDays: config.AR_RETENTION_THREADS_DAYS ?? null,
      artifactsDays: config.AR_RETENTION_ARTIFACTS_DAYS ?? null,
      payloadsDays: config.AR_RETENTION_PAYLOADS_DAYS,
    },
    batchSize: config.AR_RETENTION_BATCH_SIZE,
    orphanBlobDays: config.AR_RETENTION_ORPHAN_BLOB_DAYS,
  };
}

/** Who the audit log names for what retention deleted. */
export const retentionActor: AuditActor = { subject: 'retention', kind: 'system' };

/** Rows grouped by their tenant, in first-seen order: each group is one transaction. */
export function groupByTenant<Row extends { readonly tenant_id: string }>(rows: readonly Row[]): Map<string, Row[]> {
  const groups = new Map<string, Row[]>();
  for (const row of rows) groups.set(row.tenant_id, [...(groups.get(row.tenant_id) ?? []), row]);
  return groups;
}

/** Run states after which nothing writes to a run any more. */
export const endedRunStatuses = ['succeeded', 'failed', 'cancelled', 'timed_out'] as const;

/** Run states of a run still in progress. */
export const unfinishedRunStatuses = ['queued', 'running', 'waiting'] as const;
