import { parseArgs } from 'node:util';

/** What one `npm run bench` measures and how long it may take. */
export interface BenchOptions {
  /** Measured runs for the run-start latency. @default 200 */
  readonly runs: number;
  /** Unmeasured runs before them. @default 20 */
  readonly warmupRuns: number;
  /** Runs in flight at once while measuring run-start latency. @default 4 */
  readonly concurrency: number;
  /** Steps of (model call + tool call) in the per-step overhead runs. @default 20 */
  readonly toolSteps: number;
  /** Measured runs of each kind (agent, baseline) for the per-step overhead. @default 20 */
  readonly repeats: number;
  /** Unmeasured runs of each kind before them. @default 2 */
  readonly warmupRepeats: number;
  /**
   * Runs in flight when one of two worker processes is killed, for the worker recovery
   * phase (measured once per `WORKER_TUNING`); 0 skips the phase. @default 50
   */
  readonly recoveryRuns: number;
  /**
   * SSE streams held open at once on one API instance for the event latency phase (run once
   * per bus in `sseBus`); 0 skips the phase. @default 1000
   */
  readonly sseStreams: number;
  /** Runs those streams follow, `sseStreams / sseRuns` streams each. @default 50 */
  readonly sseRuns: number;
  /** Steps of 200 ms per run of the event latency phase; the runs must outlast the 1,000 streams opening (~2 s). @default 40 */
  readonly sseSteps: number;
  /**
   * Which run event bus carries the events in the event latency phase: `in-process`, `redis`
   * (a redis-server the bench starts), or `both`. @default both
   */
  readonly sseBus: 'in-process' | 'redis' | 'both';
  /**
   * Runs of each agent adapter (builtin scripted, builtin openai-compatible, code, HTTP,
   * AI SDK, OpenAI Agents SDK, LangGraph) through the runtime, and as many driven directly, for
   * the adapter overhead phase; 0 skips the phase. @default 10
   */
  readonly adapterRuns: number;
  /** Steps of (decision + echo call) per run of the adapter overhead phase. @default 10 */
  readonly adapterSteps: number;
  /**
   * Runs followed by `agent-runtime runs start --follow` processes (one at a time) for the CLI
   * first-token phase; 0 skips the phase. @default 20
   */
  readonly cliRuns: number;
  /**
   * Fires of a schedule every second for the schedule fire accuracy phase (fire time → run
   * started); 0 skips the phase. @default 30 (30 s of the budget; the 100 take 100 s)
   */
  readonly scheduleFires: number;
  /**
   * One-step runs, one at a time, whose `run.succeeded` is delivered to a loopback webhook
   * receiver for the webhook latency phase (event → receiver); 0 skips the phase. @default 50
   */
  readonly webhookRuns: number;
  /**
   * Steps of the run whose console page is timed in Chromium (load, and frames while its last
   * step streams); 0 skips the phase. @default 500
   */
  readonly consoleSteps: number;
  /**
   * Phases to run, of {@link benchPhases}; a phase left out is skipped whatever its sizes say
   * (`--phases adapter-overhead` runs that phase alone). @default every phase but `peers`
   */
  readonly phases: ReadonlySet<BenchPhase>;
  /** Sequential 10-step runs measured per system in the peers phase. @default 20 */
  readonly peerRuns: number;
  /** 3-step runs in flight per system for the peers' throughput. @default 8 */
  readonly peerConcurrency: number;
  /** Seconds each system's throughput is measured. @default 10 */
  readonly peerSeconds: number;
  /**
   * Systems of the peers phase to run (`--peers runtime,temporal-ai-sdk`): `runtime` (both
   * modes) and the names in scripts/bench/peers/start-peers.ts. @default all
   */
  readonly peers: ReadonlySet<string> | undefined;
  /** The whole benchmark stops with an error after this long. @default 300 */
  readonly budgetSeconds: number;
  /**
   * Run the Temporal dev server with its stock rate limits, which cap a busy dev server at
   * about 20 workflow tasks a second (see `uncappedDevServerConfig` in @agent-runtime/embedded). @default false
   */
  readonly stockTemporal: boolean;
}

/** The phases of `npm run bench`, in the order they run. */
export const benchPhases = [
  'run-start',
  'thread-turn',
  'langgraph-api',
  'step-overhead',
  'adapter-overhead',
  'event-latency',
  'cli-first-token',
  'schedule-fire',
  'webhook-latency',
  'console-render',
  'worker-recovery',
  'peers',
] as const;

/** One phase of `npm run bench`. */
export type BenchPhase = (typeof benchPhases)[number];

const defaults: BenchOptions = {
  runs: 200,
  warmupRuns: 20,
  concurrency: 4,
  toolSteps: 20,
  repeats: 20,
  warmupRepeats: 2,
  recoveryRuns: 50,
  sseStreams: 1000,
  sseRuns: 50,
  sseSteps: 40,
  sseBus: 'both',
  adapterRuns: 10,
  adapterSteps: 10,
  cliRuns: 20,
  scheduleFires: 30,
  webhookRuns: 50,
  consoleSteps: 500,
  peerRuns: 20,
  peerConcurrency: 8,
  peerSeconds: 10,
  peers: undefined,
  // The peers phase installs other systems (scripts/bench/peers): only when asked for.
  phases: new Set(benchPhases.filter((phase) => phase !== 'peers')),
  budgetSeconds: 300,
  stockTemporal: false,
};

const numericFlags = {
  runs: 'runs',
  warmupRuns: 'warmup-runs',
  concurrency: 'concurrency',
  toolSteps: 'tool-steps',
  repeats: 'repeats',
  warmupRepeats: 'warmup-repeats',
  recoveryRuns: 'recovery-runs',
  sseStreams: 'sse-streams',
  sseRuns: 'sse-runs',
  sseSteps: 'sse-steps',
  adapterRuns: 'adapter-runs',
  adapterSteps: 'adapter-steps',
  cliRuns: 'cli-runs',
  scheduleFires: 'schedule-fires',
  webhookRuns: 'webhook-runs',
  consoleSteps: 'console-steps',
  peerRuns: 'peer-runs',
  peerConcurrency: 'peer-concurrency',
  peerSeconds: 'peer-seconds',
  budgetSeconds: 'budget-seconds',
} as const satisfies Record<Exclude<keyof BenchOptions, 'stockTemporal' | 'sseBus' | 'phases' | 'peers'>, string>;

const sseBuses = ['in-process', 'redis', 'both'] as const;

function readSseBus(raw: string | boolean | undefined): BenchOptions['sseBus'] {
  if (raw === undefined) return defaults.sseBus;
  const bus = sseBuses.find((candidate) => candidate === raw);
  if (!bus) throw new Error(`--sse-bus must be one of ${sseBuses.join(', ')}`);
  return bus;
}

function readPhases(raw: string | boolean | undefined): ReadonlySet<BenchPhase> {
  if (raw === undefined) return defaults.phases;
  const names = typeof raw === 'string' ? raw.split(',').map((name) => name.trim()) : [];
  const phases = names.map((name) => benchPhases.find((phase) => phase === name));
  if (names.length === 0 || phases.some((phase) => phase === undefined)) {
    throw new Error(`--phases must be a comma-separated list of ${benchPhases.join(', ')}`);
  }
  return new Set(phases.filter((phase) => phase !== undefined));
}

/** Parses `--runs 200 --concurrency 4 --stock-temporal --phases run-start,step-overhead …`; every flag is optional. */
export function parseBenchOptions(args: readonly string[]): BenchOptions {
  const { values } = parseArgs({
    args: [...args],
    options: {
      ...Object.fromEntries(Object.values(numericFlags).map((flag) => [flag, { type: 'string' as const }])),
      'stock-temporal': { type: 'boolean' },
      'sse-bus': { type: 'string' },
      peers: { type: 'string' },
      phases: { type: 'string' },
    },
  });
  const flagValues: Record<string, string | boolean | undefined> = values;
  const read = (key: keyof typeof numericFlags): number => {
    const raw = flagValues[numericFlags[key]];
    if (raw === undefined) return defaults[key];
    const value = Number(raw);
    const minimum =
      key.startsWith('warmup') ||
      key === 'recoveryRuns' ||
      key === 'sseStreams' ||
      key === 'adapterRuns' ||
      key === 'cliRuns' ||
      key === 'scheduleFires' ||
      key === 'webhookRuns' ||
      key === 'consoleSteps'
        ? 0
        : 1;
    if (typeof raw !== 'string' || !Number.isInteger(value) || value < minimum) {
      throw new Error(`--${numericFlags[key]} must be an integer ≥ ${minimum}`);
    }
    return value;
  };
  return {
    runs: read('runs'),
    warmupRuns: read('warmupRuns'),
    concurrency: read('concurrency'),
    toolSteps: read('toolSteps'),
    repeats: read('repeats'),
    warmupRepeats: read('warmupRepeats'),
    recoveryRuns: read('recoveryRuns'),
    sseStreams: read('sseStreams'),
    sseRuns: read('sseRuns'),
    sseSteps: read('sseSteps'),
    sseBus: readSseBus(flagValues['sse-bus']),
    adapterRuns: read('adapterRuns'),
    adapterSteps: read('adapterSteps'),
    cliRuns: read('cliRuns'),
    scheduleFires: read('scheduleFires'),
    webhookRuns: read('webhookRuns'),
    consoleSteps: read('consoleSteps'),
    peerRuns: read('peerRuns'),
    peerConcurrency: read('peerConcurrency'),
    peerSeconds: read('peerSeconds'),
    peers:
      typeof flagValues.peers === 'string'
        ? new Set(flagValues.peers.split(',').map((name) => name.trim()))
        : undefined,
    phases: readPhases(flagValues.phases),
    budgetSeconds: read('budgetSeconds'),
    stockTemporal: flagValues['stock-temporal'] === true,
  };
}
