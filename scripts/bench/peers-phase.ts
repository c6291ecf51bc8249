import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ActivityClock } from './activity-clock.ts';
import { startBenchRuntime, type BenchRuntime } from './bench-runtime.ts';
import { startEchoModelServer } from './echo-model-server.ts';
import { measurePeer, type PeerFigures, type PeerSampling } from './measure-peer.ts';
import type { MissingPeer, Peer, PeerContext } from './peer-contract.ts';
import { runtimePeer } from './runtime-peer.ts';

const peersDir = fileURLToPath(new URL('./peers/', import.meta.url));

/** What `./peers/start-peers.ts` exports (typed here: that folder is checked on its own). */
interface PeersModule {
  readonly peerNames: readonly string[];
  startPeer(name: string, context: PeerContext): Promise<Peer>;
}

/** Where the peers phase runs. */
export interface PeersPhaseOptions extends PeerSampling {
  /** The bench's PostgreSQL server (admin connection string) and Temporal dev server. */
  readonly postgresUrl: string;
  readonly temporalAddress: string;
  readonly clock: ActivityClock;
  createDatabase(name: string): Promise<string>;
  /** Systems to run: `runtime` and peer names. @default all */
  readonly only?: ReadonlySet<string> | undefined;
}

/** The peers table's rows: figures of the peers that ran, and those that could not. */
export interface PeersReport {
  readonly measured: readonly PeerFigures[];
  readonly missing: readonly MissingPeer[];
  readonly loadAverage: readonly [number, number];
}

/**
 * Installs the peers' packages (their own folder, so the runtime's install never carries them)
 * unless they are there, showing npm's progress.
 */
async function ensurePeersInstalled(): Promise<void> {
  if (existsSync(path.join(peersDir, 'node_modules', '.package-lock.json'))) return;
  console.error("Installing the peers' packages in scripts/bench/peers (once; ~700 MB)…");
  await new Promise<void>((resolve, reject) => {
    const npm = spawn('npm', ['install', '--no-audit', '--no-fund', '--progress=true', '--loglevel=http'], {
      cwd: peersDir,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    npm.once('error', reject);
    npm.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`npm install of the peers exited ${code}`))));
  });
}

/**
 * The same echo agent on the runtime (embedded and production mode) and on each peer, one
 * system at a time so that they do not share the two cores: sequential 10-step runs, then
 * 3-step runs at a fixed concurrency.
 */
export async function measurePeers(options: PeersPhaseOptions): Promise<PeersReport> {
  await ensurePeersInstalled();
  const loadBefore = (await import('node:os')).loadavg()[0] ?? 0;
  const model = await startEchoModelServer();
  const context: PeerContext = {
    modelBaseUrl: model.baseUrl,
    temporalAddress: options.temporalAddress,
    createDatabase: options.createDatabase,
    log: (line) => console.error(line),
  };
  const measured: PeerFigures[] = [];
  const missing: MissingPeer[] = [];
  const log = (line: string) => console.error(line);
  try {
    const runtimeModes: {
      name: string;
      durability: string;
      start(): Promise<BenchRuntime>;
      cleanUp?(): Promise<void>;
    }[] = [];
    let pgliteDir: string | undefined;
    runtimeModes.push({
      name: 'Agent Runtime, production mode',
      durability:
        'Temporal history (dev server here) + PostgreSQL (fsync on, synchronous_commit on): every step’s events and the tool result committed before the next step',
      start: async () =>
        startBenchRuntime({
          databaseUrl: await options.createDatabase(`bench_peers_${Date.now()}`),
          temporalAddress: options.temporalAddress,
          clock: options.clock,
        }),
    });
    runtimeModes.push({
      name: 'Agent Runtime, embedded (PGlite)',
      durability: 'Temporal history (dev server) + PGlite on disk: as production, the system of record in PGlite',
      start: async () => {
        pgliteDir = await mkdtemp(path.join(tmpdir(), 'bench-peers-pglite-'));
        return startBenchRuntime({
          databaseUrl: '',
          pgliteDir,
          temporalAddress: options.temporalAddress,
          clock: options.clock,
        });
      },
      cleanUp: async () => {
        if (pgliteDir) await rm(pgliteDir, { recursive: true, force: true });
      },
    });
    for (const mode of options.only && !options.only.has('runtime') ? [] : runtimeModes) {
      log(`  peers: ${mode.name}…`);
      let runtime: BenchRuntime | undefined;
      try {
        runtime = await mode.start();
        const commit = (() => {
          try {
            return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
          } catch {
            return 'unknown commit';
          }
        })();
        const version = `this checkout (${commit}), Temporal dev server of the bench`;
        const peer = runtimePeer(runtime, model.baseUrl, { name: mode.name, version, durability: mode.durability });
        measured.push(await measurePeer(peer, model, options, log));
      } catch (error) {
        missing.push({ name: mode.name, reason: `failed: ${(error as Error).message.split('\n')[0]}` });
      } finally {
        await runtime?.stop().catch(() => undefined);
        await mode.cleanUp?.();
      }
    }
    const peers = (await import(new URL('./peers/start-peers.ts', import.meta.url).href)) as PeersModule;
    for (const name of peers.peerNames.filter((peerName) => !options.only || options.only.has(peerName))) {
      log(`  peers: ${name}…`);
      let peer: Peer | undefined;
      try {
        peer = await peers.startPeer(name, context);
        log(`    ${peer.name}: ${peer.version}`);
        measured.push(await measurePeer(peer, model, options, log));
      } catch (error) {
        missing.push({ name, reason: ((error as Error).message.split('\n')[0] ?? 'failed').replace(/^not run: /, '') });
      } finally {
        await peer?.stop().catch((error: unknown) => log(`    stopping ${name} failed: ${String(error)}`));
      }
    }
  } finally {
    await model.close();
  }
  const loadAfter = (await import('node:os')).loadavg()[0] ?? 0;
  return { measured, missing, loadAverage: [loadBefore, loadAfter] };
}

const number = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '—');

/** The peers table for the terminal and docs/benchmarks.md. */
export function formatPeers(report: PeersReport): string {
  const lines = [
    'Peers: the same echo agent (model call to the bench’s OpenAI-compatible server + echo tool call per step), ms',
    `(load average ${number(report.loadAverage[0], 2)} → ${number(report.loadAverage[1], 2)}; one system at a time)`,
    '',
    '| system | start → first model call p50 / p99 | per step p50 (10 steps) | 3-step runs/s | at that load p50 / p99 |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const figures of report.measured) {
    lines.push(
      `| ${figures.name} | ${number(figures.firstCall.p50)} / ${number(figures.firstCall.p99)} | ${number(figures.perStep.p50)} | ${number(figures.throughput)} (${figures.concurrency} in flight) | ${number(figures.loadedLatency.p50)} / ${number(figures.loadedLatency.p99)} |`,
    );
  }
  for (const peer of report.missing) lines.push(`| ${peer.name} | not run: ${peer.reason} | | | |`);
  lines.push(
    '',
    '| system | versions | durability by default | does not guarantee (that the runtime does) |',
    '| --- | --- | --- | --- |',
  );
  for (const figures of report.measured) {
    lines.push(`| ${figures.name} | ${figures.version} | ${figures.durability} | ${figures.lacks} |`);
  }
  return lines.join('\n');
}
