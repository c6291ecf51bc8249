/**
 * One system the peers phase runs the echo agent on: `steps` model calls that each ask for
 * one `echo` tool call, then a final answer, against the bench's {@link EchoModelServer}.
 */
export interface Peer {
  /** Name in the table, e.g. `Temporal + @temporalio/ai-sdk`. */
  readonly name: string;
  /** The exact versions that ran (packages, servers). */
  readonly version: string;
  /** What it makes durable by default, and how (the table's durability column). */
  readonly durability: string;
  /** What it does not guarantee that the runtime does. */
  readonly lacks: string;
  /**
   * Starts a run whose first user message is `run <key>` and resolves once it has finished,
   * after its final answer is recorded as its system records results.
   */
  run(key: string, steps: number): Promise<void>;
  stop(): Promise<void>;
}

/** What every peer is started with. */
export interface PeerContext {
  /** The echo model server's base URL (`…/v1`). */
  readonly modelBaseUrl: string;
  /** The bench's Temporal dev server, `host:port`. */
  readonly temporalAddress: string;
  /** An empty database on the bench's PostgreSQL server, for a peer that keeps state there. */
  createDatabase(name: string): Promise<string>;
  /** Progress and notes on stderr. */
  log(line: string): void;
}

/** A peer that could not run here, and why (the table says so). */
export interface MissingPeer {
  readonly name: string;
  readonly reason: string;
}
