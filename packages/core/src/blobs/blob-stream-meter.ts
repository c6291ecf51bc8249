import { createHash, type Hash } from 'node:crypto';
import { BlobTooLargeError, type BlobSource } from './blob-store.ts';

/**
 * Counts and hashes the bytes of a stream as they pass through, and stops it at a size
 * limit, so a store can write a stream without buffering it and still report its size and
 * sha256. Read {@link size} and {@link sha256} once {@link measure}'s iteration has ended.
 */
export class BlobStreamMeter {
  readonly #hash: Hash = createHash('sha256');
  readonly #maxBytes: number;
  #size = 0;
  #digest: Buffer | undefined;

  /** @param maxBytes Largest accepted length; `Infinity` for none. */
  constructor(maxBytes = Number.POSITIVE_INFINITY) {
    this.#maxBytes = maxBytes;
  }

  /**
   * Yields the chunks of `source` unchanged (strings, from a stream with an encoding set,
   * as UTF-8 bytes), after counting and hashing each.
   * @throws BlobTooLargeError as soon as the total passes the limit.
   */
  async *measure(source: BlobSource): AsyncGenerator<Uint8Array> {
    for await (const chunk of source) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      this.#size += bytes.byteLength;
      if (this.#size > this.#maxBytes) throw new BlobTooLargeError(this.#maxBytes);
      this.#hash.update(bytes);
      yield bytes;
    }
    this.#digest = this.#hash.digest();
  }

  /** Bytes seen so far. */
  get size(): number {
    return this.#size;
  }

  /** sha256 of the whole stream; only once the stream has ended. */
  get digest(): Buffer {
    if (!this.#digest) throw new Error('the stream has not ended yet');
    return this.#digest;
  }

  /** sha256 of the whole stream, lowercase hex. */
  get sha256(): string {
    return this.digest.toString('hex');
  }
}
