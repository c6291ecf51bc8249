import type { IncomingMessage } from 'node:http';
import {
  AppError,
  artifactMediaTypePattern,
  artifactNameSchema,
  artifactSchema,
  BlobTooLargeError,
  getArtifact,
  getArtifactRecord,
  getRun,
  listArtifacts,
  openArtifactContent,
  pageSchema,
  publishRunEventsBestEffort,
  recordAuditEvent,
  storeArtifact,
  type BlobStore,
} from '@agent-runtime/core';
import { z } from 'zod';
import type { ApiDependencies, ApiInstance } from '../app-types.ts';
import { auditedBy } from '../http/audit.ts';
import { attachmentDisposition } from '../http/content-disposition.ts';
import { existingId, pageQuery, pathId, problemResponses } from '../http/schemas.ts';

const tags = ['artifacts'];
const runParams = z.strictObject({ runId: pathId });
const artifactParams = z.strictObject({ runId: pathId, artifactId: pathId });

/** Raw bytes: a stream in and out, documented as a binary string. */
const binary = z.any().meta({ type: 'string', format: 'binary' });

const uploadHeaders = z.looseObject({
  'content-type': z
    .string({ error: 'is required: the media type of the artifact, e.g. image/png' })
    .max(255)
    .regex(artifactMediaTypePattern, 'must be a media type such as "text/plain" or "image/png"')
    .describe('Media type of the artifact, kept and served back on download'),
});

const uploadDescription = [
  'Uploads an artifact of the run: the request body is its bytes, sent as they are, and the',
  '`Content-Type` header its media type. The body streams to the blob store (chunked transfer',
  'encoding is fine); a body over the size limit (`AR_ARTIFACT_MAX_BYTES`) answers 413 and',
  'stores nothing. Answers 201 with the artifact, whose `size` and `sha256` were measured',
  'on the way in, and records an `artifact.created` run event.',
].join(' ');

/** A run's artifacts: upload, list, metadata, and streamed download. */
export async function registerArtifactRoutes(app: ApiInstance, dependencies: ApiDependencies, blobs: BlobStore) {
  const { db, bus, logger, config } = dependencies;
  const maxBytes = config.AR_ARTIFACT_MAX_BYTES;

  // The upload route lives in a scope of its own whose only body parser hands the request
  // stream over untouched: no JSON parsing and no AR_BODY_LIMIT_BYTES, whatever the type.
  await app.register(async (scope: ApiInstance) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    scope.post(
      '/v1/runs/:runId/artifacts',
      {
        config: { access: 'write' },
        schema: {
          tags,
          description: uploadDescription,
          consumes: ['*/*'],
          params: runParams,
          querystring: z.strictObject({ name: artifactNameSchema }),
          headers: uploadHeaders,
          body: binary.describe('The artifact bytes, in any media type'),
          response: { 201: artifactSchema, ...problemResponses(400, 401, 403, 404, 413, 415, 422) },
        },
      },
      async (request, reply) => {
        const tenantId = request.principal.tenantId;
        const body = request.body as IncomingMessage | undefined;
        try {
          // Content-Length is the transport's, not a parameter: Node has checked it is a number.
          const declared = Number(request.headers['content-length'] ?? 0);
          if (declared > maxBytes) throw new BlobTooLargeError(maxBytes);
          const run = await getRun(db, tenantId, existingId('run', request.params.runId));
          // Not destroyed when the store stops reading early (too large): the 413 still goes out.
          const content = body ? { [Symbol.asyncIterator]: () => body.iterator({ destroyOnReturn: false }) } : [];
          const stored = await storeArtifact(
            { db, blobs },
            {
              tenantId,
              runId: run.id,
              name: request.query.name,
              contentType: request.headers['content-type'],
              content,
              maxBytes,
              source: 'api',
            },
          );
          publishRunEventsBestEffort(bus, run.id, stored.events, logger);
          // After the bytes are durable: an upload is too long to hold a transaction open.
          await recordAuditEvent(db, {
            ...auditedBy(request),
            action: 'artifact.uploaded',
            target: { type: 'artifact', id: stored.artifact.id },
            details: { runId: run.id, size: stored.artifact.size, sha256: stored.artifact.sha256 },
          });
          return reply
            .status(201)
            .header('location', `/v1/runs/${run.id}/artifacts/${stored.artifact.id}`)
            .send(stored.artifact);
        } catch (error) {
          if (body && !body.complete) {
            // The client went away mid-body: its fault, and nobody is left to answer.
            if (body.errored) throw new AppError('malformed_request', 'the upload ended before its body did');
            // The rest of the body is never read: the connection cannot carry another request.
            reply.header('connection', 'close');
          }
          throw error;
        }
      },
    );
  });

  app.get(
    '/v1/runs/:runId/artifacts',
    {
      config: { access: 'read' },
      schema: {
        tags,
        description: "The run's artifacts, newest first.",
        params: runParams,
        querystring: z.strictObject(pageQuery),
        response: { 200: pageSchema(artifactSchema), ...problemResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request) => {
      const run = await getRun(db, request.principal.tenantId, existingId('run', request.params.runId));
      return listArtifacts(db, run.tenantId, run.id, request.query);
    },
  );

  app.get(
    '/v1/runs/:runId/artifacts/:artifactId',
    {
      config: { access: 'read' },
      schema: {
        tags,
        description: "An artifact's metadata; its bytes are at `…/content`.",
        params: artifactParams,
        response: { 200: artifactSchema, ...problemResponses(401, 403, 404, 422) },
      },
    },
    async (request) => {
      const { runId, artifactId } = request.params;
      const run = await getRun(db, request.principal.tenantId, existingId('run', runId));
      return getArtifact(db, run.tenantId, run.id, existingId('artifact', artifactId));
    },
  );

  // HEAD is declared, not derived: Fastify's derived HEAD would read the whole blob.
  app.route({
    method: ['GET', 'HEAD'],
    url: '/v1/runs/:runId/artifacts/:artifactId/content',
    config: { access: 'read' },
    schema: {
      tags,
      description: [
        "Streams the artifact's bytes with its `Content-Type` and `Content-Length`, `ETag` (its",
        'sha256), `Repr-Digest` and `Digest` (sha-256, base64) to check them against, and',
        '`Content-Disposition: attachment` with its name. `If-None-Match` with the ETag answers 304.',
      ].join(' '),
      params: artifactParams,
      response: {
        200: {
          description: 'The artifact bytes, in the media type they were stored with',
          // Served in the media type it was uploaded with, whatever that is.
          content: { '*/*': { schema: z.any().describe('The artifact bytes (empty for an empty artifact)') } },
        },
        304: z.null().describe('Not modified: `If-None-Match` named this content; no body'),
        ...problemResponses(401, 403, 404, 422),
      },
    },
    handler: async (request, reply) => {
      const { runId, artifactId } = request.params;
      const run = await getRun(db, request.principal.tenantId, existingId('run', runId));
      const record = await getArtifactRecord(db, run.tenantId, run.id, existingId('artifact', artifactId));
      const { artifact } = record;
      const etag = `"${artifact.sha256}"`;
      const digest = Buffer.from(artifact.sha256, 'hex').toString('base64');
      reply
        .header('etag', etag)
        .header('cache-control', 'private, max-age=31536000, immutable')
        .header('repr-digest', `sha-256=:${digest}:`)
        .header('digest', `sha-256=${digest}`)
        .header('content-disposition', attachmentDisposition(artifact.name))
        // Served as a download, never rendered: uploaded HTML must not run in the API's origin.
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; sandbox");
      const ifNoneMatch = request.headers['if-none-match'];
      if (ifNoneMatch?.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag || tag.trim() === '*')) {
        // No body at all (the schema's null only documents that).
        return reply.status(304).send(undefined as never);
      }
      reply.type(artifact.contentType).header('content-length', artifact.size);
      // HEAD: the headers only, without fetching the bytes from the store.
      if (request.method === 'HEAD') return reply.send(undefined as never);
      const content = await openArtifactContent(blobs, record);
      return reply.send(content.stream);
    },
  });
}
