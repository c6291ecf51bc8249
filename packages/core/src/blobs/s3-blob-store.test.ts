import { randomBytes } from 'node:crypto';
import {
  DeleteObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { defaultPayloadConverter, type Payload, type PayloadCodec } from '@temporalio/common';
import { describeBlobStoreContract } from '@agent-runtime/test-harness';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { loadConfig } from '../config.ts';
import { isClaimCheck, type ClaimCheck } from '../execution/claim-check-codec.ts';
import { createDataConverter } from '../execution/temporal-data-converter.ts';
import { BlobNotFoundError, type BlobStore } from './blob-store.ts';
import { openBlobStore } from './open-blob-store.ts';
import { S3BlobStore, type S3BlobStoreOptions } from './s3-blob-store.ts';

// The S3-compatible server the global setup started (test/harness/src/s3-server.ts).
const s3 = inject('s3');
const credentials = { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey };
const raw = new S3Client({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, credentials });

/** A key prefix of its own per store, so stores sharing the bucket never see each other's keys. */
const freshPrefix = () => `test-${randomBytes(6).toString('hex')}`;

function openS3Store(prefix: string, overrides: Partial<S3BlobStoreOptions> = {}): S3BlobStore {
  const options = { bucket: s3.bucket, endpoint: s3.endpoint, forcePathStyle: true, credentials, prefix };
  return new S3BlobStore({ ...options, ...overrides });
}

async function deletePrefix(prefix: string): Promise<void> {
  const listed = await raw.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: `${prefix}/` }));
  for (const object of listed.Contents ?? []) {
    await raw.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: object.Key }));
  }
}

afterAll(() => raw.destroy());

// Opened the way a process opens it: configuration, and credentials from the AWS SDK's
// provider chain (here the standard environment variables).
describeBlobStoreContract('s3', async () => {
  const prefix = freshPrefix();
  vi.stubEnv('AWS_ACCESS_KEY_ID', s3.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', s3.secretAccessKey);
  const config = loadConfig({
    AR_BLOB_STORE: 's3',
    AR_S3_BUCKET: s3.bucket,
    AR_S3_ENDPOINT: s3.endpoint,
    AR_S3_FORCE_PATH_STYLE: 'true',
    AR_S3_PREFIX: `/${prefix}/`,
  });
  const store = openBlobStore(config);
  if (!(store instanceof S3BlobStore)) throw new Error('AR_BLOB_STORE=s3 did not open an S3BlobStore');
  return {
    store,
    async close() {
      await deletePrefix(prefix);
      store.destroy();
      vi.unstubAllEnvs();
    },
  };
});

describe('S3BlobStore in its bucket', () => {
  const prefix = freshPrefix();
  let store: S3BlobStore;
  beforeAll(() => {
    store = openS3Store(prefix);
  });
  afterAll(async () => {
    await deletePrefix(prefix);
    store.destroy();
  });

  it('keeps key a/b as the object <prefix>/a/b, with its content type', async () => {
    await store.put('a/b', new TextEncoder().encode('{}'), { contentType: 'application/json' });
    const head = await raw.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: `${prefix}/a/b` }));
    expect(head).toMatchObject({ ContentType: 'application/json', ContentLength: 2 });
    await store.put('a/c', new Uint8Array([1]));
    const other = await raw.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: `${prefix}/a/c` }));
    expect(other.ContentType).toBe('application/octet-stream');
  });

  it('streams a multipart upload with its content type, and aborts a failed one leaving no parts', async () => {
    const part = new Uint8Array(randomBytes(5 * 1024 * 1024));
    async function* parts(count: number, failAt?: number) {
      for (let index = 0; index < count; index += 1) {
        if (index === failAt) throw new Error('the source broke');
        yield part;
      }
    }
    const small = openS3Store(prefix, { partSizeBytes: 1 }); // raised to S3's 5 MiB minimum
    const stored = await small.putStream('a/multipart', parts(3), { contentType: 'application/zip' });
    expect(stored.size).toBe(15 * 1024 * 1024);
    const head = await raw.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: `${prefix}/a/multipart` }));
    expect(head).toMatchObject({ ContentType: 'application/zip', ContentLength: 15 * 1024 * 1024 });
    await expect(small.putStream('a/aborted', parts(3, 2))).rejects.toThrow('the source broke');
    const uploads = await raw.send(new ListMultipartUploadsCommand({ Bucket: s3.bucket, Prefix: `${prefix}/` }));
    expect(uploads.Uploads ?? []).toEqual([]);
    expect(await small.has('a/aborted')).toBe(false);
    small.destroy();
  });

  it('reports a missing bucket or a wrong key pair as errors, never as a missing blob', async () => {
    const noBucket = openS3Store(prefix, { bucket: 'no-such-bucket' });
    const wrongKey = openS3Store(prefix, { credentials: { ...credentials, secretAccessKey: 'wrong' } });
    await store.put('a/present', new Uint8Array([1]));
    const missingBucket = noBucket.get('a/present');
    await expect(missingBucket).rejects.toMatchObject({ name: 'NoSuchBucket' });
    await expect(wrongKey.get('a/present')).rejects.not.toBeInstanceOf(BlobNotFoundError);
    await expect(wrongKey.has('a/present')).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
    noBucket.destroy();
    wrongKey.destroy();
  });
});

describe('claim check over S3', () => {
  const prefix = freshPrefix();
  // Two stores over one bucket and prefix: the API's and a worker's, as in production.
  const apiBlobs = openS3Store(prefix);
  const workerBlobs = openS3Store(prefix);
  afterAll(async () => {
    await deletePrefix(prefix);
    apiBlobs.destroy();
    workerBlobs.destroy();
  });

  const codecOf = (blobs: BlobStore): PayloadCodec => {
    const codec = createDataConverter({ blobs, offloadThresholdBytes: 1024 }).payloadCodecs?.[0];
    if (!codec) throw new Error('the data converter has no payload codec');
    return codec;
  };

  it('moves a large payload to the bucket, and another process brings it back whole', async () => {
    const value = { toolResult: 'r'.repeat(5 * 1024 * 1024) };
    const [encoded] = (await codecOf(apiBlobs).encode([defaultPayloadConverter.toPayload(value)])) as [Payload];
    expect(isClaimCheck(encoded)).toBe(true);
    expect(encoded.data?.byteLength).toBeLessThan(300);
    const check = JSON.parse(new TextDecoder().decode(encoded.data ?? undefined)) as ClaimCheck;
    const head = await raw.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: `${prefix}/${check.key}` }));
    expect(head).toMatchObject({ ContentLength: check.size, ContentType: 'application/x-protobuf' });
    const [decoded] = (await codecOf(workerBlobs).decode([encoded])) as [Payload];
    expect(defaultPayloadConverter.fromPayload(decoded)).toEqual(value);
  });
});
