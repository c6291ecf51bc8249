import type { Kysely } from 'kysely';
import type { z } from 'zod';
import { BlobNotFoundError, type BlobReadStream, type BlobSource, type BlobStore } from '../blobs/blob-store.ts';
import {
  findArtifactByDedupeKey,
  recordArtifact,
  type ArtifactRecord,
  type RecordedArtifact,
} from '../db/repositories/artifacts.ts';
import { getRun } from '../db/repositories/runs.ts';
import type { Database } from '../db/schema.ts';
import { artifactContentTypeSchema, artifactNameSchema, type ArtifactSource } from '../domain/artifact.ts';
import { AppError } from '../errors.ts';
import { newId } from '../ids.ts';

/** What storing and reading artifacts needs: the system of record and the blob store. */
export interface ArtifactStorage {
  readonly db: Kysely<Database>;
  readonly blobs: BlobStore;
}

/** An artifact to store: where it belongs, what it is, and its bytes. */
export interface StoreArtifactRequest {
  readonly tenantId: string;
  readonly runId: string;
  /** Checked against `artifactNameSchema`. */
  readonly name: string;
  /** Checked against `artifactContentTypeSchema`, and kept normalized. */
  readonly contentType: string;
  /** The bytes, whole or as a stream (a Node `Readable` is one); streamed, never buffered. */
  readonly content: Uint8Array | BlobSource;
  /** Largest accepted content; more aborts with `payload_too_large` and stores nothing. */
  readonly maxBytes: number;
  readonly source: ArtifactSource;
  readonly step?: number | null;
  readonly toolCallId?: string | null;
  /**
   * Makes the store idempotent: when the run already has an artifact under this key, it is
   * answered and `content` is left unread. Tools pass one derived from their call.
   */
  readonly dedupeKey?: string | null;
}

/** Where an artifact's bytes live: one blob per artifact, under its tenant and run. */
export function artifactBlobKey(tenantId: string, runId: string, artifactId: string): string {
  return `artifacts/${tenantId}/${runId}/${artifactId}`;
}

function parseField<T extends z.ZodType>(schema: T, value: unknown, field: string): z.output<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const errors = parsed.error.issues.map((issue) => ({ path: field, message: issue.message }));
  throw new AppError('validation_failed', `${field} ${errors.map((error) => error.message).join('; ')}`, { errors });
}

/**
 * Stores an artifact of a tenant's run: streams the content into the blob store (measuring
 * its size and sha256 on the way), then records the metadata and an `artifact.created`
 * event. Nothing is recorded unless the bytes are durable; bytes whose record fails, or
 * that a retry stored twice, are deleted again.
 * @throws NotFoundError when the tenant has no such run (before reading any content).
 * @throws AppError `validation_failed` for a bad name or content type, `payload_too_large`
 *   past `maxBytes`.
 */
export async function storeArtifact(
  storage: ArtifactStorage,
  request: StoreArtifactRequest,
): Promise<RecordedArtifact> {
  const { db, blobs } = storage;
  const name = parseField(artifactNameSchema, request.name, 'name');
  const contentType = parseField(artifactContentTypeSchema, request.contentType, 'contentType');
  await getRun(db, request.tenantId, request.runId);
  if (request.dedupeKey) {
    const existing = await findArtifactByDedupeKey(db, request.tenantId, request.runId, request.dedupeKey);
    if (existing) return { ...existing, created: false, events: [] };
  }
  const id = newId();
  const blobKey = artifactBlobKey(request.tenantId, request.runId, id);
  const content = request.content instanceof Uint8Array ? [request.content] : request.content;
  const stored = await blobs.putStream(blobKey, content, { contentType, maxBytes: request.maxBytes });
  let recorded: RecordedArtifact;
  try {
    recorded = await recordArtifact(db, {
      id,
      tenantId: request.tenantId,
      runId: request.runId,
      name,
      contentType,
      size: stored.size,
      sha256: stored.sha256,
      blobKey,
      source: request.source,
      step: request.step ?? null,
      toolCallId: request.toolCallId ?? null,
      dedupeKey: request.dedupeKey ?? null,
    });
  } catch (error) {
    await blobs.delete(blobKey).catch(() => undefined);
    throw error;
  }
  // A concurrent attempt recorded its artifact first: it wins, and these bytes are surplus.
  if (!recorded.created) await blobs.delete(blobKey);
  return recorded;
}

/**
 * Opens an artifact's content for streaming (look it up first with `getArtifactRecord`,
 * which scopes it to the tenant). The caller must consume or destroy the stream.
 * @throws Error when the bytes are missing or differ in size from the metadata (a store
 *   that lost or replaced them): a fault of the deployment, not of the caller.
 */
export async function openArtifactContent(blobs: BlobStore, record: ArtifactRecord): Promise<BlobReadStream> {
  const { artifact, blobKey } = record;
  let content: BlobReadStream;
  try {
    content = await blobs.getStream(blobKey);
  } catch (error) {
    if (error instanceof BlobNotFoundError) {
      throw new Error(`the content of artifact ${artifact.id} is missing from the blob store`, { cause: error });
    }
    throw error;
  }
  if (content.size !== artifact.size) {
    content.stream.destroy();
    throw new Error(`the content of artifact ${artifact.id} is ${content.size} bytes, not ${artifact.size}`);
  }
  return content;
}
