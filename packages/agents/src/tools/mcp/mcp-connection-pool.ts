import type { McpConnection } from './mcp-connect.ts';

/** Options of an {@link McpConnectionPool}. */
export interface McpConnectionPoolOptions {
  /** A connection unused this long is closed (a stdio server's process ends). @default 60000 */
  readonly idleMs?: number;
  /** Connections kept open at most; past it the least recently used idle one is closed. @default 64 */
  readonly maxConnections?: number;
}

interface Entry {
  readonly connection: Promise<McpConnection>;
  inUse: number;
  lastUsed: number;
  idleTimer?: NodeJS.Timeout;
}

/**
 * Open MCP sessions of one worker, shared by the calls that go to the same server with the
 * same settings (the key says which; it must change when a secret the connection carries
 * changes). A connection is closed after `idleMs` without calls, and forgotten as soon as
 * its transport closes (the server exited or restarted), so the next call connects anew.
 */
export class McpConnectionPool {
  readonly #idleMs: number;
  readonly #maxConnections: number;
  readonly #entries = new Map<string, Entry>();
  #closed = false;

  constructor(options: McpConnectionPoolOptions = {}) {
    this.#idleMs = options.idleMs ?? 60_000;
    this.#maxConnections = options.maxConnections ?? 64;
  }

  /** Connections open or being opened. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * Runs `use` with the pooled connection under `key`, opened with `connect` when there is
   * none (or the pooled one has closed). A failed connect is not kept.
   */
  async withConnection<T>(
    key: string,
    connect: () => Promise<McpConnection>,
    use: (connection: McpConnection) => Promise<T>,
  ): Promise<T> {
    if (this.#closed) throw new Error('the MCP connection pool is closed');
    let entry = this.#entries.get(key);
    if (entry && (await entry.connection.then((connection) => connection.isClosed()).catch(() => true))) {
      this.#forget(key, entry);
      entry = undefined;
    }
    if (!entry) {
      this.#evictIdle();
      const created: Entry = { connection: connect(), inUse: 0, lastUsed: Date.now() };
      created.connection.catch(() => this.#forget(key, created));
      this.#entries.set(key, created);
      entry = created;
    }
    clearTimeout(entry.idleTimer);
    entry.inUse += 1;
    try {
      return await use(await entry.connection);
    } finally {
      entry.inUse -= 1;
      entry.lastUsed = Date.now();
      if (entry.inUse === 0 && this.#entries.get(key) === entry) this.#scheduleIdleClose(key, entry);
    }
  }

  /** Closes the connection under `key` (a call found it broken), so the next call reconnects. */
  async discard(key: string): Promise<void> {
    const entry = this.#entries.get(key);
    if (entry) await this.#close(key, entry);
  }

  /** Closes every connection; the pool takes no more calls. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#entries].map(([key, entry]) => this.#close(key, entry)));
  }

  #scheduleIdleClose(key: string, entry: Entry): void {
    clearTimeout(entry.idleTimer);
    entry.idleTimer = setTimeout(() => void this.#close(key, entry), this.#idleMs);
    entry.idleTimer.unref();
  }

  #evictIdle(): void {
    if (this.#entries.size < this.#maxConnections) return;
    const idle = [...this.#entries].filter(([, entry]) => entry.inUse === 0);
    idle.sort(([, a], [, b]) => a.lastUsed - b.lastUsed);
    const oldest = idle[0];
    if (oldest) void this.#close(oldest[0], oldest[1]);
  }

  #forget(key: string, entry: Entry): void {
    clearTimeout(entry.idleTimer);
    if (this.#entries.get(key) === entry) this.#entries.delete(key);
  }

  async #close(key: string, entry: Entry): Promise<void> {
    this.#forget(key, entry);
    const connection = await entry.connection.catch(() => undefined);
    await connection?.close().catch(() => {});
  }
}
