import type { Kysely } from 'kysely';
import type { Artifact, ArtifactSource } from '../../domain/artifact.ts';
import type { RunEvent } from '../../events/run-event-catalog.ts';
import { NotFoundError } from '../../errors.ts';
import { isUuid } from '../../ids.ts';
import { decodeCursor, toPage, type Page, type PageRequest } from '../pagination.ts';
import type { ArtifactRow, Database } from '../schema.ts';
import { appendRunEvents } from './run-events.ts';

/** An artifact's metadata, and where its bytes are. */
export interface ArtifactRecord {
  readonly artifact: Artifact;
  /** Key of the bytes in the blob store. */
  readonly blobKey: string;
}

/** An artifact whose bytes are stored, to record. */
export interface NewArtifact {
  readonly id: string;
  readonly tenantId: string;
  readonly runId: string;
  readonly name: string;
  readonly contentType: string;
  readonly size: number;
  readonly sha256: string;
  readonly blobKey: string;
  readonly source: ArtifactSource;
  readonly step?: number | null;
  readonly toolCallId?: string | null;
  /**
   * Identifies the artifact across retries: recording a key the run already has records
   * nothing and answers the artifact recorded first.
   */
  readonly dedupeKey?: string | null;
}

/** The artifact a write answers, whether it recorded it, and the event it appended. */
export interface RecordedArtifact extends ArtifactRecord {
  /** False when an artifact with the same dedupe key was already recorded (a retry). */
  readonly created: boolean;
  /** The `artifact.created` event, when the artifact is new. */
  readonly events: RunEvent[];
}

export function toArtifact(row: ArtifactRow): Artifact {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    runId: row.run_id,
    name: row.name,
    contentType: row.content_type,
    size: Number(row.size_bytes),
    sha256: row.sha256,
    source: row.source,
    step: row.step,
    toolCallId: row.tool_call_id,
    createdAt: row.created_at.toISOString(),
  };
}

const toRecord = (row: ArtifactRow): ArtifactRecord => ({ artifact: toArtifact(row), blobKey: row.blob_key });

/**
 * Records an artifact and its `artifact.created` run event in one transaction. The event
 * carries the metadata, never the content. With a dedupe key the run already has, nothing
 * is written and the first artifact is answered, so the caller can drop the blob it stored.
 */
export async function recordArtifact(db: Kysely<Database>, artifact: NewArtifact): Promise<RecordedArtifact> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('artifacts')
      .values({
        id: artifact.id,
        tenant_id: artifact.tenantId,
        run_id: artifact.runId,
        name: artifact.name,
        content_type: artifact.contentType,
        size_bytes: artifact.size,
        sha256: artifact.sha256,
        blob_key: artifact.blobKey,
        source: artifact.source,
        step: artifact.step ?? null,
        tool_call_id: artifact.toolCallId ?? null,
        dedupe_key: artifact.dedupeKey ?? null,
      })
      .onConflict((oc) => oc.columns(['run_id', 'dedupe_key']).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!row) {
      const existing = await findArtifactByDedupeKey(trx, artifact.tenantId, artifact.runId, artifact.dedupeKey ?? '');
      if (!existing) throw new Error(`artifact insert conflicted without a recorded dedupe key`);
      return { ...existing, created: false, events: [] };
    }
    const recorded = toArtifact(row);
    const events = await appendRunEvents(trx, artifact.tenantId, [
      {
        runId: recorded.runId,
        type: 'artifact.created',
        step: recorded.step,
        data: {
          id: recorded.id,
          name: recorded.name,
          contentType: recorded.contentType,
          size: recorded.size,
          sha256: recorded.sha256,
          source: recorded.source,
          ...(recorded.toolCallId === null ? {} : { toolCallId: recorded.toolCallId }),
        },
        dedupeKey: `artifact.created:${recorded.id}`,
      },
    ]);
    return { artifact: recorded, blobKey: row.blob_key, created: true, events };
  });
}

/** The tenant's run's artifact recorded under a dedupe key, if any. */
export async function findArtifactByDedupeKey(
  db: Kysely<Database>,
  tenantId: string,
  runId: string,
  dedupeKey: string,
): Promise<ArtifactRecord | undefined> {
  const row = await db
    .selectFrom('artifacts')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('run_id', '=', runId)
    .where('dedupe_key', '=', dedupeKey)
    .executeTakeFirst();
  return row && toRecord(row);
}

/** The tenant's artifact of a run, with its blob key, or a not-found error. */
export async function getArtifactRecord(
  db: Kysely<Database>,
  tenantId: string,
  runId: string,
  artifactId: string,
): Promise<ArtifactRecord> {
  const row = isUuid(artifactId)
    ? await db
        .selectFrom('artifacts')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('run_id', '=', runId)
        .where('id', '=', artifactId)
        .executeTakeFirst()
    : undefined;
  if (!row) throw new NotFoundError('artifact', artifactId);
  return toRecord(row);
}

/** The tenant's artifact of a run, or a not-found error. */
export async function getArtifact(
  db: Kysely<Database>,
  tenantId: string,
  runId: string,
  artifactId: string,
): Promise<Artifact> {
  return (await getArtifactRecord(db, tenantId, runId, artifactId)).artifact;
}

/** A run's artifacts, newest first. */
export async function listArtifacts(
  db: Kysely<Database>,
  tenantId: string,
  runId: string,
  page: PageRequest,
): Promise<Page<Artifact>> {
  let query = db
    .selectFrom('artifacts')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('run_id', '=', runId)
    .orderBy('id', 'desc')
    .limit(page.limit + 1);
  if (page.cursor) query = query.where('id', '<', decodeCursor(page.cursor));
  return toPage(await query.execute(), page.limit, toArtifact);
}
