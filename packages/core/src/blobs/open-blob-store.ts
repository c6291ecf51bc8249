import { ConfigError, type Config } from '../config.ts';
import type { BlobStore } from './blob-store.ts';
import { FilesystemBlobStore } from './filesystem-blob-store.ts';
import { S3BlobStore } from './s3-blob-store.ts';

/** The settings {@link openBlobStore} reads. */
export type BlobStoreConfig = Pick<
  Config,
  | 'blobDir'
  | 'AR_BLOB_STORE'
  | 'AR_S3_BUCKET'
  | 'AR_S3_ENDPOINT'
  | 'AR_S3_REGION'
  | 'AR_S3_FORCE_PATH_STYLE'
  | 'AR_S3_PREFIX'
>;

/**
 * The blob store a process's configuration selects; build it once in the composition root
 * and pass it down. `AR_BLOB_STORE=filesystem` (the default): the directory `AR_BLOB_DIR`;
 * `s3`: the bucket `AR_S3_BUCKET`, with credentials from the AWS SDK's provider chain.
 */
export function openBlobStore(config: BlobStoreConfig): BlobStore {
  if (config.AR_BLOB_STORE === 'filesystem') return new FilesystemBlobStore(config.blobDir);
  if (config.AR_S3_BUCKET === undefined) throw new ConfigError('AR_S3_BUCKET must be set when AR_BLOB_STORE=s3');
  return new S3BlobStore({
    bucket: config.AR_S3_BUCKET,
    region: config.AR_S3_REGION,
    forcePathStyle: config.AR_S3_FORCE_PATH_STYLE,
    ...(config.AR_S3_ENDPOINT === undefined ? {} : { endpoint: config.AR_S3_ENDPOINT }),
    ...(config.AR_S3_PREFIX === undefined ? {} : { prefix: config.AR_S3_PREFIX }),
  });
}
