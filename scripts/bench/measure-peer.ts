import { randomBytes } from 'node:crypto';
import type { EchoModelServer } from './echo-model-server.ts';
import type { Peer } from './peer-contract.ts';

/** A sample's p50 and p99 (nearest rank). */
export interface Quantiles {
  readonly p50: number;
  readonly p99: number;
  readonly count: number;
}

function quantiles(sample: readonly number[]): Quantiles {
  const sorted = [...sample].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1];
  return { p50: at(50) ?? Number.NaN, p99: at(99) ?? Number.NaN, count: sorted.length };
}

/** One peer's figures. */
export interface PeerFigures {
  readonly name: string;
  readonly version: string;
  readonly durability: string;
  readonly lacks: string;
  /** Run started (the call that starts it) → its first model call arrived, ms, one run at a time. */
  readonly firstCall: Quantiles;
  /** (first model call → run finished) / steps, ms, one run at a time. */
  readonly perStep: Quantiles;
  /** 3-step runs finished per second with `concurrency` in flight. */
  readonly throughput: number;
  readonly concurrency: number;
  /** Start → finished of a 3-step run at that load, ms. */
  readonly loadedLatency: Quantiles;
}

/** How each peer is sampled. */
export interface PeerSampling {
  /** Steps of the sequential runs. @default 10 */
  readonly steps: number;
  /** Sequential runs measured (after two unmeasured). */
  readonly runs: number;
  /** Runs in flight for the throughput. */
  readonly concurrency: number;
  /** How long the throughput is measured, seconds. */
  readonly seconds: number;
  readonly signal: AbortSignal;
}

/** Runs the echo agent on `peer`: one at a time, then `concurrency` 3-step runs at once. */
export async function measurePeer(
  peer: Peer,
  model: EchoModelServer,
  sampling: PeerSampling,
  log: (line: string) => void,
): Promise<PeerFigures> {
  const prefix = randomBytes(3).toString('hex');
  let counter = 0;
  const nextKey = () => `${prefix}-${(counter += 1)}`;
  for (let index = 0; index < 2; index += 1) await peer.run(nextKey(), sampling.steps);
  const firstCalls: number[] = [];
  const perStep: number[] = [];
  for (let index = 0; index < sampling.runs && !sampling.signal.aborted; index += 1) {
    const key = nextKey();
    const startedAt = performance.now();
    await peer.run(key, sampling.steps);
    const endedAt = performance.now();
    const firstAt = model.firstCallAt(key);
    if (firstAt === undefined) throw new Error(`${peer.name}: run ${key} never called the model`);
    firstCalls.push(firstAt - startedAt);
    perStep.push((endedAt - firstAt) / sampling.steps);
  }
  log(`    ${peer.name}: ${sampling.runs} sequential runs done; ${sampling.concurrency} in flight…`);
  const loaded: number[] = [];
  const until = performance.now() + sampling.seconds * 1000;
  let finished = 0;
  const measuredFrom = performance.now();
  await Promise.all(
    Array.from({ length: sampling.concurrency }, async () => {
      while (performance.now() < until && !sampling.signal.aborted) {
        const startedAt = performance.now();
        await peer.run(nextKey(), 3);
        loaded.push(performance.now() - startedAt);
        finished += 1;
      }
    }),
  );
  const wall = (performance.now() - measuredFrom) / 1000;
  return {
    name: peer.name,
    version: peer.version,
    durability: peer.durability,
    lacks: peer.lacks,
    firstCall: quantiles(firstCalls),
    perStep: quantiles(perStep),
    throughput: finished / wall,
    concurrency: sampling.concurrency,
    loadedLatency: quantiles(loaded),
  };
}
