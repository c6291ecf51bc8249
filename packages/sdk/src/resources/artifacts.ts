import type { Artifact, ListArtifactsQuery } from '../api-types.ts';
import type { CallOptions } from '../client-options.ts';
import { apiPath, type RequestBody, type Transport } from '../http/transport.ts';
import { PageIterator, type Page } from '../pagination.ts';

/** What an artifact upload sends. */
export interface ArtifactUpload {
  /** File name: no path separators or control characters. */
  readonly name: string;
  /** Media type, kept and served back on download, e.g. `text/plain`. */
  readonly contentType: string;
  /** The bytes. A stream is sent as it is read (and so is never retried). */
  readonly content: Blob | ArrayBuffer | Uint8Array | string | ReadableStream<Uint8Array>;
}

/** A downloaded artifact: its headers at once, its bytes to read once, as a stream or whole. */
export interface ArtifactContent {
  readonly contentType: string;
  /** Length in bytes. */
  readonly size: number;
  /** sha256 of the bytes, lowercase hex (the `ETag`). */
  readonly sha256: string;
  /** The bytes as they arrive. */
  readonly stream: ReadableStream<Uint8Array>;
  /** All the bytes. */
  bytes(): Promise<Uint8Array>;
  /** The bytes as UTF-8 text. */
  text(): Promise<string>;
}

/** A run's artifacts (`/v1/runs/{runId}/artifacts`): upload, list, metadata and download. */
export class ArtifactsResource {
  readonly #transport: Transport;

  /** @internal built by the client */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /** Uploads an artifact of the run; its size and sha256 are measured by the API on the way in. */
  upload(runId: string, upload: ArtifactUpload, options: CallOptions = {}): Promise<Artifact> {
    return this.#transport.json({
      method: 'POST',
      path: apiPath`/v1/runs/${runId}/artifacts`,
      query: { name: upload.name },
      raw: { body: upload.content as RequestBody, contentType: upload.contentType },
      signal: options.signal,
    });
  }

  /** The run's artifacts, newest first, page by page. */
  list(runId: string, query: ListArtifactsQuery = {}, options: CallOptions & { cursor?: string } = {}) {
    return new PageIterator<Artifact>(
      (cursor, signal) =>
        this.#transport.json<Page<Artifact>>({
          method: 'GET',
          path: apiPath`/v1/runs/${runId}/artifacts`,
          query: { ...query, cursor },
          signal,
        }),
      options.cursor,
      options.signal,
    );
  }

  /** An artifact's metadata. */
  get(runId: string, artifactId: string, options: CallOptions = {}): Promise<Artifact> {
    return this.#transport.json({
      method: 'GET',
      path: apiPath`/v1/runs/${runId}/artifacts/${artifactId}`,
      signal: options.signal,
    });
  }

  /** Downloads an artifact's bytes. Read them (or cancel the stream), else the connection stays busy. */
  async download(runId: string, artifactId: string, options: CallOptions = {}): Promise<ArtifactContent> {
    const response = await this.#transport.send({
      method: 'GET',
      path: apiPath`/v1/runs/${runId}/artifacts/${artifactId}/content`,
      signal: options.signal,
    });
    const stream = response.body ?? new ReadableStream<Uint8Array>({ start: (controller) => controller.close() });
    return {
      contentType: response.headers.get('content-type') ?? 'application/octet-stream',
      size: Number(response.headers.get('content-length') ?? 0),
      sha256: (response.headers.get('etag') ?? '').replaceAll('"', ''),
      stream,
      bytes: async () => new Uint8Array(await new Response(stream).arrayBuffer()),
      text: () => new Response(stream).text(),
    };
  }
}
