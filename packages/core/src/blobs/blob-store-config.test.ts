import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.ts';
import { FilesystemBlobStore } from './filesystem-blob-store.ts';
import { openBlobStore } from './open-blob-store.ts';
import { S3BlobStore } from './s3-blob-store.ts';

describe('blob store configuration', () => {
  it('defaults to the filesystem store in AR_DATA_DIR/blobs', () => {
    const config = loadConfig({ AR_DATA_DIR: '/var/lib/ar' });
    expect(config).toMatchObject({
      AR_BLOB_STORE: 'filesystem',
      blobDir: '/var/lib/ar/blobs',
      AR_S3_REGION: 'us-east-1',
      AR_S3_FORCE_PATH_STYLE: false,
    });
    expect(openBlobStore(config)).toBeInstanceOf(FilesystemBlobStore);
  });

  it('selects S3 with AR_BLOB_STORE=s3', () => {
    const config = loadConfig({
      AR_BLOB_STORE: 's3',
      AR_S3_BUCKET: 'blobs',
      AR_S3_ENDPOINT: 'http://minio:9000',
      AR_S3_FORCE_PATH_STYLE: 'true',
      AR_S3_PREFIX: '/prod/agent-runtime/',
    });
    expect(config).toMatchObject({ AR_S3_FORCE_PATH_STYLE: true, AR_S3_PREFIX: 'prod/agent-runtime' });
    const store = openBlobStore(config);
    expect(store).toBeInstanceOf(S3BlobStore);
    (store as S3BlobStore).destroy();
  });

  it("takes the bucket's region from AR_S3_REGION, else from AWS_REGION, the AWS SDKs' own variable", () => {
    expect(loadConfig({ AWS_REGION: 'eu-west-3' }).AR_S3_REGION).toBe('eu-west-3');
    expect(loadConfig({ AWS_REGION: 'eu-west-3', AR_S3_REGION: 'eu-central-1' }).AR_S3_REGION).toBe('eu-central-1');
    expect(loadConfig({ AWS_REGION: '' }).AR_S3_REGION).toBe('us-east-1');
  });

  it('refuses S3 without a bucket, and malformed S3 settings, naming the variable', () => {
    expect(() => loadConfig({ AR_BLOB_STORE: 's3' })).toThrow(ConfigError);
    expect(() => loadConfig({ AR_BLOB_STORE: 's3' })).toThrow('AR_S3_BUCKET: must be set when AR_BLOB_STORE=s3');
    expect(() => loadConfig({ AR_BLOB_STORE: 'gcs' })).toThrow(/AR_BLOB_STORE/);
    expect(() => loadConfig({ AR_S3_ENDPOINT: 'minio:9000' })).toThrow(/AR_S3_ENDPOINT/);
    expect(() => loadConfig({ AR_S3_FORCE_PATH_STYLE: 'maybe' })).toThrow(/AR_S3_FORCE_PATH_STYLE/);
    expect(() => loadConfig({ AR_S3_PREFIX: 'a/../b' })).toThrow(/AR_S3_PREFIX/);
  });

  it('limits artifacts to 100 MiB unless AR_ARTIFACT_MAX_BYTES says otherwise', () => {
    expect(loadConfig({}).AR_ARTIFACT_MAX_BYTES).toBe(100 * 1024 * 1024);
    expect(loadConfig({ AR_ARTIFACT_MAX_BYTES: '1048576' }).AR_ARTIFACT_MAX_BYTES).toBe(1024 * 1024);
    for (const bad of ['0', '-1', '1.5', 'lots']) {
      expect(() => loadConfig({ AR_ARTIFACT_MAX_BYTES: bad })).toThrow(/AR_ARTIFACT_MAX_BYTES/);
    }
  });
});
