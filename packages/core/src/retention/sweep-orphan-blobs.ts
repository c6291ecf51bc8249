import type { Kysely } from 'kysely';
import type { ListedBlob } from '../blobs/blob-store.ts';
import type { Database } from '../db/schema.ts';
import { unkeyedPayloadsPrefix, workflowPayloadsPrefix } from '../execution/claim-check-codec.ts';
import type { PruneRetentionResult } from '../execution/retention-contract.ts';
import type { RunDeletionResources } from './delete-runs.ts';
import { unfinishedRunStatuses, type RetentionOptions } from './retention-options.ts';

/** The areas of the blob store the sweep walks, in order. */
const areas = ['payloads/', 'artifacts/'] as const;

/** Where the sweep is: an area, and the listing's cursor in it. */
interface SweepCursor {
  readonly area: (typeof areas)[number];
  readonly after?: string | undefined;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const dayMs = 24 * 60 * 60 * 1000;

/**
 * Deletes blobs nothing refers to any more, one page of the blob store's listing per batch,
 * once they are older than `orphanBlobDays`:
 * - a workflow's payload blob (`payloads/workflows/<id>/…`) whose workflow is no run (an MCP
 *   tool listing…), or whose run is gone or had its payloads pruned (a deletion that could
 *   not reach the blob store);
 * - an unkeyed payload blob (`payloads/sha256/…`: written before payloads were keyed by
 *   workflow, or outside one), also only when older than the oldest run still in progress,
 *   which might refer to it;
 * - an artifact blob without its artifact record (a deletion that could not reach the store,
 *   an upload whose record never committed).
 */
export async function sweepOrphanBlobs(
  resources: RunDeletionResources,
  options: RetentionOptions,
  cursor: string | undefined,
): Promise<PruneRetentionResult> {
  const at: SweepCursor = cursor === undefined ? { area: areas[0] } : (JSON.parse(cursor) as SweepCursor);
  const page = await resources.blobs.list(at.area, { cursor: at.after, limit: Math.min(1000, options.batchSize * 10) });
  const graceCutoff = Date.now() - options.orphanBlobDays * dayMs;
  const old = page.blobs.filter((blob) => blob.modifiedAt.getTime() < graceCutoff);
  const orphans =
    at.area === 'payloads/'
      ? await orphanPayloads(resources.db, old, graceCutoff)
      : await orphanArtifacts(resources.db, old);
  for (const blob of orphans) await resources.blobs.delete(blob.key);
  if (orphans.length > 0) {
    resources.logger.info({ area: at.area, deleted: orphans.length }, 'retention deleted orphan blobs');
  }
  const nextArea = areas[areas.indexOf(at.area) + 1];
  const next: SweepCursor | undefined =
    page.next !== undefined ? { area: at.area, after: page.next } : nextArea ? { area: nextArea } : undefined;
  return next === undefined
    ? { pruned: orphans.length, done: true }
    : { pruned: orphans.length, done: false, cursor: JSON.stringify(next) };
}

async function orphanPayloads(db: Kysely<Database>, blobs: ListedBlob[], graceCutoff: number): Promise<ListedBlob[]> {
  const workflowOf = (blob: ListedBlob) => blob.key.slice(workflowPayloadsPrefix.length).split('/')[0] ?? '';
  const keyed = blobs.filter((blob) => blob.key.startsWith(workflowPayloadsPrefix));
  const runIds = [...new Set(keyed.map(workflowOf).filter((id) => uuidPattern.test(id)))];
  const kept = new Set(
    runIds.length === 0
      ? []
      : (
          await db
            .selectFrom('runs')
            .select('id')
            .where('id', 'in', runIds)
            .where('payloads_pruned_at', 'is', null)
            .execute()
        ).map((run) => run.id),
  );
  const unkeyed = blobs.filter((blob) => blob.key.startsWith(unkeyedPayloadsPrefix));
  let unkeyedCutoff = graceCutoff;
  if (unkeyed.length > 0) {
    const { oldest } = await db
      .selectFrom('runs')
      .select(({ fn }) => fn.min('created_at').as('oldest'))
      .where('status', 'in', unfinishedRunStatuses)
      .executeTakeFirstOrThrow();
    if (oldest !== null) unkeyedCutoff = Math.min(graceCutoff, new Date(oldest).getTime());
  }
  return [
    ...keyed.filter((blob) => !kept.has(workflowOf(blob))),
    ...unkeyed.filter((blob) => blob.modifiedAt.getTime() < unkeyedCutoff),
  ];
}

async function orphanArtifacts(db: Kysely<Database>, blobs: ListedBlob[]): Promise<ListedBlob[]> {
  if (blobs.length === 0) return [];
  const recorded = new Set(
    (
      await db
        .selectFrom('artifacts')
        .select('blob_key')
        .where(
          'blob_key',
          'in',
          blobs.map((blob) => blob.key),
        )
        .execute()
    ).map((row) => row.blob_key),
  );
  return blobs.filter((blob) => !recorded.has(blob.key));
}
