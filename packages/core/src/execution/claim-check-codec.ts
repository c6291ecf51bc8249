import { createHash } from 'node:crypto';
import type { Payload, PayloadCodec, SerializationContext } from '@temporalio/common';
import proto from '@temporalio/proto';
import { assertValidBlobKey } from '../blobs/blob-key.ts';
import type { BlobStore } from '../blobs/blob-store.ts';

const ProtoPayload = proto.temporal.api.common.v1.Payload;
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

/** `encoding` metadata of a payload that stands in for one kept in the blob store. */
export const claimCheckEncoding = 'binary/claim-check';

/** Where the payload blobs of workflows live: `<prefix><workflowId>/<sha256>`. */
export const workflowPayloadsPrefix = 'payloads/workflows/';

/** Where payload blobs written without a workflow to name live: `<prefix><first two hex>/<sha256>`. */
export const unkeyedPayloadsPrefix = 'payloads/sha256/';

/**
 * The prefix of the payload blobs of one workflow (for a run: its id), or undefined when
 * its id cannot be a blob key segment (such a workflow's blobs go under the unkeyed prefix).
 */
export function payloadsPrefixOf(workflowId: string): string | undefined {
  try {
    assertValidBlobKey(workflowId);
  } catch {
    return undefined;
  }
  return workflowId.includes('/') ? undefined : `${workflowPayloadsPrefix}${workflowId}/`;
}

/** The data of a claim-check payload: where the original is and how to recognise it. */
export interface ClaimCheck {
  /**
   * Blob key, content-addressed within its workflow: `payloads/workflows/<workflowId>/<sha256>`
   * (so a run's blobs can be found and deleted with the run), or `payloads/sha256/<first two
   * hex>/<sha256>` when encoded outside a workflow (and by versions before 0016).
   */
  readonly key: string;
  /** Size of the stored original (the serialized Payload, metadata included), in bytes. */
  readonly size: number;
  /** sha256 of the stored bytes, checked on the way back. */
  readonly sha256: string;
}

/** Options of {@link ClaimCheckCodec}. */
export interface ClaimCheckCodecOptions {
  /** Where large payloads go; every client and worker of a namespace must share it. */
  readonly blobs: BlobStore;
  /** Payloads larger than this many bytes are offloaded. @default 131072 */
  readonly thresholdBytes?: number;
}

/** Raised when a claim check cannot be redeemed: its blob is gone or was altered. */
export class ClaimCheckError extends Error {
  override readonly name = 'ClaimCheckError';
}

/**
 * A Temporal payload codec that keeps workflow history small: a payload larger than the
 * threshold is stored, whole (metadata and data), in the blob store under its workflow's id
 * (from the serialization context Temporal hands codecs) and the sha256 of its bytes, and
 * only a small claim-check payload ({@link claimCheckEncoding}) goes to the server. Decoding
 * fetches and verifies the original. Equal payloads of one workflow share one blob, so a
 * retried or replayed encode stores nothing new; retention deletes a run's blobs by its prefix.
 */
export class ClaimCheckCodec implements PayloadCodec {
  readonly #blobs: BlobStore;
  readonly #thresholdBytes: number;

  constructor(options: ClaimCheckCodecOptions) {
    this.#blobs = options.blobs;
    this.#thresholdBytes = options.thresholdBytes ?? 128 * 1024;
  }

  encode(payloads: Payload[], context?: SerializationContext): Promise<Payload[]> {
    const prefix = context?.workflowId === undefined ? undefined : payloadsPrefixOf(context.workflowId);
    return Promise.all(
      payloads.map((payload) =>
        approximateSize(payload) > this.#thresholdBytes ? this.#offload(payload, prefix) : payload,
      ),
    );
  }

  decode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.all(payloads.map((payload) => (isClaimCheck(payload) ? this.#redeem(payload) : payload)));
  }

  async #offload(payload: Payload, workflowPrefix: string | undefined): Promise<Payload> {
    const bytes = ProtoPayload.encode(payload).finish();
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const check: ClaimCheck = {
      key: workflowPrefix ? `${workflowPrefix}${sha256}` : `${unkeyedPayloadsPrefix}${sha256.slice(0, 2)}/${sha256}`,
      size: bytes.byteLength,
      sha256,
    };
    if (!(await this.#blobs.has(check.key))) {
      await this.#blobs.put(check.key, bytes, { contentType: 'application/x-protobuf' });
    }
    return { metadata: { encoding: utf8.encode(claimCheckEncoding) }, data: utf8.encode(JSON.stringify(check)) };
  }

  async #redeem(payload: Payload): Promise<Payload> {
    const check = JSON.parse(fromUtf8.decode(payload.data ?? new Uint8Array())) as ClaimCheck;
    const bytes = await this.#blobs.get(check.key).catch((error: unknown) => {
      throw new ClaimCheckError(`payload blob ${check.key} cannot be read`, { cause: error });
    });
    if (createHash('sha256').update(bytes).digest('hex') !== check.sha256) {
      throw new ClaimCheckError(`payload blob ${check.key} does not match its sha256`);
    }
    return ProtoPayload.decode(bytes);
  }
}

/** Whether a payload is a claim check written by {@link ClaimCheckCodec}. */
export function isClaimCheck(payload: Payload): boolean {
  const encoding = payload.metadata?.['encoding'];
  return encoding !== undefined && fromUtf8.decode(encoding) === claimCheckEncoding;
}

/** Data plus metadata bytes: within a few bytes of the serialized size, without serializing. */
function approximateSize(payload: Payload): number {
  let size = payload.data?.byteLength ?? 0;
  for (const [name, value] of Object.entries(payload.metadata ?? {})) size += name.length + value.byteLength;
  return size;
}
