import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
  type CompletedPart,
} from '@aws-sdk/client-s3';
import { assertValidBlobKey, blobPrefixSegments } from './blob-key.ts';
import {
  BlobNotFoundError,
  type BlobPage,
  type BlobReadStream,
  type BlobSource,
  type BlobStore,
  type ListBlobsOptions,
  type PutBlobOptions,
  type PutBlobStreamOptions,
  type StoredBlob,
} from './blob-store.ts';
import { BlobStreamMeter } from './blob-stream-meter.ts';

/** S3's smallest part of a multipart upload (all parts but the last). */
const minPartBytes = 5 * 1024 * 1024;

/** Options of {@link S3BlobStore}. */
export interface S3BlobStoreOptions {
  /** The bucket; it must exist. The API and every worker use the same one. */
  readonly bucket: string;
  /**
   * Put before every key, as `<prefix>/<key>`, so several deployments can share a bucket.
   * Slash-separated segments like a blob key (see `assertValidBlobKey`).
   * @default none: keys are object keys as they are
   */
  readonly prefix?: string;
  /**
   * Endpoint of an S3-compatible service (MinIO, SeaweedFS, Ceph…), e.g. `http://minio:9000`.
   * @default AWS S3's endpoint for {@link S3BlobStoreOptions.region}
   */
  readonly endpoint?: string;
  /** @default us-east-1 */
  readonly region?: string;
  /**
   * Address buckets as `<endpoint>/<bucket>/<key>` instead of `<bucket>.<endpoint>/<key>`;
   * most S3-compatible servers (MinIO among them) need it.
   * @default false
   */
  readonly forcePathStyle?: boolean;
  /**
   * Fixed credentials, for tests. Production leaves them unset: the AWS SDK's default
   * provider chain finds them (`AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`, `AWS_PROFILE`
   * and shared config files, web identity, ECS task role, EC2 instance role).
   * @default the AWS SDK's default provider chain
   */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /**
   * Size of the parts of a streamed upload ({@link S3BlobStore.putStream}): the most memory
   * one upload holds. A stream that ends within one part goes up as a single PutObject.
   * At least 5 MiB (S3's minimum); 10,000 parts make the largest blob (80 GiB by default).
   * @default 8388608 (8 MiB)
   */
  readonly partSizeBytes?: number;
}

/** S3's "no such object"; a missing bucket is a 404 too, but a misconfiguration to report. */
function isNoSuchObject(error: unknown): boolean {
  return error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404 && error.name !== 'NoSuchBucket';
}

/**
 * A {@link BlobStore} in an S3 bucket (AWS S3 or any S3-compatible server): key `a/b/c` is
 * the object `<prefix>/a/b/c`. A PutObject is atomic, so readers see the old object or the
 * new one; the upload carries the sha256 of its bytes, which S3 checks before storing them.
 */
export class S3BlobStore implements BlobStore {
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #prefix: string;
  readonly #partSizeBytes: number;

  constructor(options: S3BlobStoreOptions) {
    this.#partSizeBytes = Math.max(minPartBytes, options.partSizeBytes ?? 8 * 1024 * 1024);
    const prefix = options.prefix?.replace(/^\/+|\/+$/g, '') ?? '';
    if (prefix !== '') assertValidBlobKey(prefix);
    this.#bucket = options.bucket;
    this.#prefix = prefix === '' ? '' : `${prefix}/`;
    this.#client = new S3Client({
      region: options.region ?? 'us-east-1',
      forcePathStyle: options.forcePathStyle ?? false,
      ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
      ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
      // The SDK's default (a CRC32 trailer on every upload, in aws-chunked encoding) is what
      // S3-compatible servers most often reject; the sha256 sent with each put does the job.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async put(key: string, bytes: Uint8Array, options: PutBlobOptions = {}): Promise<StoredBlob> {
    const objectKey = this.#objectKey(key);
    const digest = createHash('sha256').update(bytes).digest();
    await this.#putObject(objectKey, bytes, options.contentType ?? 'application/octet-stream', digest);
    return { key, size: bytes.byteLength, sha256: digest.toString('hex') };
  }

  /**
   * Buffers one part at a time: a stream that fits in one part is a single PutObject
   * carrying its sha256 (checked by S3), a longer one a multipart upload whose parts carry
   * their MD5 (checked by S3) and which only becomes visible, whole, when it completes.
   * A failure aborts the upload, so no parts are left behind.
   */
  async putStream(key: string, source: BlobSource, options: PutBlobStreamOptions = {}): Promise<StoredBlob> {
    const objectKey = this.#objectKey(key);
    const contentType = options.contentType ?? 'application/octet-stream';
    const meter = new BlobStreamMeter(options.maxBytes);
    let pending: Uint8Array[] = [];
    let pendingBytes = 0;
    let uploadId: string | undefined;
    const parts: CompletedPart[] = [];
    const takePending = () => {
      const part = Buffer.concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
      return part;
    };
    try {
      for await (const chunk of meter.measure(source)) {
        pending.push(chunk);
        pendingBytes += chunk.byteLength;
        if (pendingBytes < this.#partSizeBytes) continue;
        uploadId ??= await this.#startMultipart(objectKey, contentType);
        parts.push(await this.#uploadPart(objectKey, uploadId, parts.length + 1, takePending()));
      }
      if (uploadId === undefined) {
        await this.#putObject(objectKey, takePending(), contentType, meter.digest);
      } else {
        if (pendingBytes > 0) parts.push(await this.#uploadPart(objectKey, uploadId, parts.length + 1, takePending()));
        await this.#client.send(
          new CompleteMultipartUploadCommand({
            Bucket: this.#bucket,
            Key: objectKey,
            UploadId: uploadId,
            MultipartUpload: { Parts: parts },
          }),
        );
      }
    } catch (error) {
      if (uploadId !== undefined) {
        const abort = new AbortMultipartUploadCommand({ Bucket: this.#bucket, Key: objectKey, UploadId: uploadId });
        // The failure that got us here matters more; S3 lifecycle rules reap what an abort missed.
        await this.#client.send(abort).catch(() => undefined);
      }
      throw error;
    }
    return { key, size: meter.size, sha256: meter.sha256 };
  }

  async getStream(key: string): Promise<BlobReadStream> {
    const objectKey = this.#objectKey(key);
    try {
      const response = await this.#client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: objectKey }));
      if (!response.Body || response.ContentLength === undefined) {
        throw new Error(`S3 returned no body or length for ${objectKey}`);
      }
      // In Node the SDK's body is the HTTP response itself, a Readable.
      return { stream: response.Body as Readable, size: response.ContentLength };
    } catch (error) {
      if (isNoSuchObject(error)) throw new BlobNotFoundError(key);
      throw error;
    }
  }

  async get(key: string): Promise<Uint8Array> {
    const objectKey = this.#objectKey(key);
    try {
      const response = await this.#client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: objectKey }));
      if (!response.Body) throw new Error(`S3 returned no body for ${objectKey}`);
      return await response.Body.transformToByteArray();
    } catch (error) {
      if (isNoSuchObject(error)) throw new BlobNotFoundError(key);
      throw error;
    }
  }

  /** A missing bucket answers false too: S3 answers a HEAD with a bare 404 either way. */
  async has(key: string): Promise<boolean> {
    const objectKey = this.#objectKey(key);
    try {
      await this.#client.send(new HeadObjectCommand({ Bucket: this.#bucket, Key: objectKey }));
      return true;
    } catch (error) {
      if (isNoSuchObject(error)) return false;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await this.#client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: this.#objectKey(key) }));
  }

  /** Keys in S3's order (byte order of the key); the cursor is the last key of a page (`StartAfter`). */
  async list(prefix: string, options: ListBlobsOptions = {}): Promise<BlobPage> {
    blobPrefixSegments(prefix);
    const response = await this.#client.send(
      new ListObjectsV2Command({
        Bucket: this.#bucket,
        Prefix: this.#prefix + prefix,
        MaxKeys: options.limit ?? 1000,
        ...(options.cursor === undefined ? {} : { StartAfter: this.#objectKey(options.cursor) }),
      }),
    );
    const blobs = (response.Contents ?? []).flatMap((object) =>
      object.Key === undefined
        ? []
        : [
            {
              key: object.Key.slice(this.#prefix.length),
              size: object.Size ?? 0,
              modifiedAt: object.LastModified ?? new Date(0),
            },
          ],
    );
    const last = blobs.at(-1);
    return response.IsTruncated === true && last ? { blobs, next: last.key } : { blobs };
  }

  /** Closes the client's pooled connections; the store is unusable afterwards. */
  destroy(): void {
    this.#client.destroy();
  }

  async #putObject(objectKey: string, bytes: Uint8Array, contentType: string, sha256: Buffer): Promise<void> {
    await this.#client.send(
      new PutObjectCommand({
        Bucket: this.#bucket,
        Key: objectKey,
        Body: bytes,
        ContentLength: bytes.byteLength,
        ContentType: contentType,
        ChecksumSHA256: sha256.toString('base64'),
      }),
    );
  }

  async #startMultipart(objectKey: string, contentType: string): Promise<string> {
    const created = await this.#client.send(
      new CreateMultipartUploadCommand({ Bucket: this.#bucket, Key: objectKey, ContentType: contentType }),
    );
    if (!created.UploadId) throw new Error(`S3 returned no upload id for ${objectKey}`);
    return created.UploadId;
  }

  async #uploadPart(objectKey: string, uploadId: string, partNumber: number, bytes: Buffer): Promise<CompletedPart> {
    const uploaded = await this.#client.send(
      new UploadPartCommand({
        Bucket: this.#bucket,
        Key: objectKey,
        UploadId: uploadId,
        PartNumber: partNumber,
        Body: bytes,
        ContentLength: bytes.byteLength,
        ContentMD5: createHash('md5').update(bytes).digest('base64'),
      }),
    );
    return { PartNumber: partNumber, ETag: uploaded.ETag };
  }

  #objectKey(key: string): string {
    assertValidBlobKey(key);
    return this.#prefix + key;
  }
}
