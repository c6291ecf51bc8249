/** One page of a list: its items, and the cursor of the next page (null on the last). */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor: string | null;
}

/** Reads the page after `cursor` (undefined: the first). */
export type PageReader<T> = (cursor: string | undefined, signal: AbortSignal | undefined) => Promise<Page<T>>;

/**
 * A cursor-paginated list. Iterate it with `for await` to get every item across every page
 * (each page is read when the previous one is used up), or read pages yourself.
 *
 * @example
 * for await (const run of client.runs.list({ status: 'failed' })) console.log(run.id);
 * const { items, nextCursor } = await client.runs.list({ limit: 20 }).firstPage();
 */
export class PageIterator<T> implements AsyncIterable<T> {
  readonly #read: PageReader<T>;
  readonly #startCursor: string | undefined;
  readonly #signal: AbortSignal | undefined;

  /** @param startCursor the page to start at: a `nextCursor` from an earlier page */
  constructor(read: PageReader<T>, startCursor?: string, signal?: AbortSignal) {
    this.#read = read;
    this.#startCursor = startCursor;
    this.#signal = signal;
  }

  /** The first page only (of `limit` items at most), with the cursor of the next. */
  firstPage(): Promise<Page<T>> {
    return this.#read(this.#startCursor, this.#signal);
  }

  /** Every page in turn, until the last. */
  async *pages(): AsyncGenerator<Page<T>, void, undefined> {
    let cursor = this.#startCursor;
    for (;;) {
      const page = await this.#read(cursor, this.#signal);
      yield page;
      if (page.nextCursor === null) return;
      cursor = page.nextCursor;
    }
  }

  /** Every item of every page, in order. */
  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for await (const page of this.pages()) yield* page.items;
  }

  /** The items of every page as one array; at most `max` of them (then no further page is read). */
  async toArray(max = Number.POSITIVE_INFINITY): Promise<T[]> {
    const items: T[] = [];
    if (max <= 0) return items;
    for await (const item of this) {
      items.push(item);
      if (items.length >= max) break;
    }
    return items;
  }
}
