import { latestAttemptsInOrder, type ModelTextDelta } from './model-delta.ts';

/** Bounds of a {@link ModelDeltaBuffer}. */
export interface ModelDeltaBufferOptions {
  /** UTF-8 bytes of delta text kept per run; past it the run's oldest deltas go. @default 1 MiB */
  readonly maxRunBytes?: number;
  /** Deltas kept per run; past it the run's oldest deltas go. @default 10000 */
  readonly maxRunEntries?: number;
  /** Bytes kept over all runs; past it the runs that streamed least recently go. @default 64 MiB */
  readonly maxTotalBytes?: number;
  /** A run's deltas are dropped this long after its last one was added. @default 600000 (10 min) */
  readonly ttlMs?: number;
  /** The clock (for tests). @default Date.now */
  readonly now?: () => number;
}

/** One run's deltas, oldest first. */
interface RunDeltas {
  deltas: ModelTextDelta[];
  /** The latest attempt of each step seen. */
  readonly attempts: Map<number, number>;
  bytes: number;
  expiresAt: number;
}

/** Bytes a delta holds in the buffer: its text as UTF-8 (the rest is a few small numbers). */
const bytesOf = (delta: ModelTextDelta) => Buffer.byteLength(delta.text, 'utf8');

/**
 * The embedded bus's memory of model text deltas: per run, the deltas of its recent steps (of
 * each step its latest attempt), so that a stream that a client reopens mid-step can send the
 * text the client missed. Bounded per run (bytes and entries: the oldest deltas go first, so
 * a step in flight is the last to lose text), over all runs (bytes: the least recently active
 * runs go first), and in time (a run's deltas are dropped `ttlMs` after its last one).
 *
 * A completed step's deltas are kept too, until a bound or the TTL drops them: a client cut
 * off just before the step completed reconnects after it, and still needs the step's last
 * pieces before its `model.completed`. Expiry is checked whenever the buffer is used, so
 * no timer keeps a process alive.
 */
export class ModelDeltaBuffer {
  readonly #maxRunBytes: number;
  readonly #maxRunEntries: number;
  readonly #maxTotalBytes: number;
  readonly #ttlMs: number;
  readonly #now: () => number;
  /** By run, least recently appended to first (an append moves the run to the end). */
  readonly #runs = new Map<string, RunDeltas>();
  #totalBytes = 0;

  constructor(options: ModelDeltaBufferOptions = {}) {
    this.#maxRunBytes = options.maxRunBytes ?? 1024 * 1024;
    this.#maxRunEntries = options.maxRunEntries ?? 10_000;
    this.#maxTotalBytes = options.maxTotalBytes ?? 64 * 1024 * 1024;
    this.#ttlMs = options.ttlMs ?? 600_000;
    this.#now = options.now ?? Date.now;
  }

  /** Keeps `deltas` (all of one run), in the order given, evicting what the bounds require. */
  append(runId: string, deltas: readonly ModelTextDelta[]): void {
    if (deltas.length === 0) return;
    this.#dropExpired();
    const run: RunDeltas = this.#runs.get(runId) ?? { deltas: [], attempts: new Map(), bytes: 0, expiresAt: 0 };
    this.#runs.delete(runId);
    this.#runs.set(runId, run);
    for (const delta of deltas) {
      // A newer attempt of a step supersedes the earlier one; an older one arriving late is stale.
      const latest = run.attempts.get(delta.step) ?? delta.attempt;
      if (latest > delta.attempt) continue;
      if (latest < delta.attempt) this.#remove(run, (kept) => kept.step === delta.step);
      run.attempts.set(delta.step, delta.attempt);
      run.deltas.push(delta);
      run.bytes += bytesOf(delta);
      this.#totalBytes += bytesOf(delta);
    }
    let evicted = 0;
    while (
      evicted < run.deltas.length &&
      (run.bytes > this.#maxRunBytes || run.deltas.length - evicted > this.#maxRunEntries)
    ) {
      const oldest = run.deltas[evicted];
      evicted += 1;
      if (!oldest) break;
      run.bytes -= bytesOf(oldest);
      this.#totalBytes -= bytesOf(oldest);
    }
    if (evicted > 0) run.deltas = run.deltas.slice(evicted);
    run.expiresAt = this.#now() + this.#ttlMs;
    if (run.deltas.length === 0) this.#runs.delete(runId);
    for (const [otherId, other] of this.#runs) {
      if (this.#totalBytes <= this.#maxTotalBytes || otherId === runId) break;
      this.#drop(otherId, other);
    }
  }

  /** The run's kept deltas: of each step its latest attempt, by step and index. */
  read(runId: string): ModelTextDelta[] {
    this.#dropExpired();
    return latestAttemptsInOrder(this.#runs.get(runId)?.deltas ?? []);
  }

  /** Forgets every run. */
  clear(): void {
    this.#runs.clear();
    this.#totalBytes = 0;
  }

  /** Runs with deltas kept. */
  get runCount(): number {
    this.#dropExpired();
    return this.#runs.size;
  }

  /** UTF-8 bytes of delta text kept over all runs. */
  get totalBytes(): number {
    return this.#totalBytes;
  }

  #remove(run: RunDeltas, drop: (delta: ModelTextDelta) => boolean): void {
    const kept: ModelTextDelta[] = [];
    for (const delta of run.deltas) {
      if (!drop(delta)) kept.push(delta);
      else {
        run.bytes -= bytesOf(delta);
        this.#totalBytes -= bytesOf(delta);
      }
    }
    run.deltas = kept;
  }

  #drop(runId: string, run: RunDeltas): void {
    this.#runs.delete(runId);
    this.#totalBytes -= run.bytes;
  }

  /** Runs are in order of their last append, so the expired ones are at the front. */
  #dropExpired(): void {
    const now = this.#now();
    for (const [runId, run] of this.#runs) {
      if (run.expiresAt > now) break;
      this.#drop(runId, run);
    }
  }
}
