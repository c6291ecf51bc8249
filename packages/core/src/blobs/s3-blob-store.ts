import { createHash } from 'node:crypto';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { assertValidBlobKey } from './blob-key.ts';
import { BlobNotFoundError, type BlobStore, type PutBlobOptions, type StoredBlob } from './blob-store.ts';

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

  constructor(options: S3BlobStoreOptions) {
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
    await this.#client.send(
      new PutObjectCommand({
        Bucket: this.#bucket,
        Key: objectKey,
        Body: bytes,
        ContentLength: bytes.byteLength,
        ContentType: options.contentType ?? 'application/octet-stream',
        ChecksumSHA256: digest.toString('base64'),
      }),
    );
    return { key, size: bytes.byteLength, sha256: digest.toString('hex') };
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

  /** Closes the client's pooled connections; the store is unusable afterwards. */
  destroy(): void {
    this.#client.destroy();
  }

  #objectKey(key: string): string {
    assertValidBlobKey(key);
    return this.#prefix + key;
  }
}
