import type { DataConverter } from '@temporalio/common';
import type { BlobStore } from '../blobs/blob-store.ts';
import { ClaimCheckCodec } from './claim-check-codec.ts';

/** Options of {@link createDataConverter}. */
export interface DataConverterOptions {
  /** The process's blob store, shared with every other client and worker of the namespace. */
  readonly blobs: BlobStore;
  /** `AR_PAYLOAD_OFFLOAD_BYTES`: larger payloads go to the blob store. @default 131072 */
  readonly offloadThresholdBytes?: number;
}

/**
 * The data converter of every Temporal client and worker the runtime creates: default JSON
 * payloads, with large ones moved to the blob store by the {@link ClaimCheckCodec}. Clients
 * and workers must use the same one, or they cannot read each other's payloads.
 */
export function createDataConverter(options: DataConverterOptions): DataConverter {
  return {
    payloadCodecs: [
      new ClaimCheckCodec({
        blobs: options.blobs,
        ...(options.offloadThresholdBytes === undefined ? {} : { thresholdBytes: options.offloadThresholdBytes }),
      }),
    ],
  };
}
