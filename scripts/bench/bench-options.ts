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
  /** The whole benchmark stops with an error after this long. @default 300 */
  readonly budgetSeconds: number;
  /**
   * Run the Temporal dev server with its stock rate limits, which cap a busy dev server at
   * about 20 workflow tasks a second (see `uncappedDevServerConfig` in @agent-runtime/embedded). @default false
   */
  readonly stockTemporal: boolean;
}

const defaults: BenchOptions = {
  runs: 200,
  warmupRuns: 20,
  concurrency: 4,
  toolSteps: 20,
  repeats: 20,
  warmupRepeats: 2,
  recoveryRuns: 50,
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
  budgetSeconds: 'budget-seconds',
} as const satisfies Record<Exclude<keyof BenchOptions, 'stockTemporal'>, string>;

/** Parses `--runs 200 --concurrency 4 --stock-temporal …`; every flag is optional. */
export function parseBenchOptions(args: readonly string[]): BenchOptions {
  const { values } = parseArgs({
    args: [...args],
    options: {
      ...Object.fromEntries(Object.values(numericFlags).map((flag) => [flag, { type: 'string' as const }])),
      'stock-temporal': { type: 'boolean' },
    },
  });
  const flagValues: Record<string, string | boolean | undefined> = values;
  const read = (key: keyof typeof numericFlags): number => {
    const raw = flagValues[numericFlags[key]];
    if (raw === undefined) return defaults[key];
    const value = Number(raw);
    const minimum = key.startsWith('warmup') || key === 'recoveryRuns' ? 0 : 1;
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
    budgetSeconds: read('budgetSeconds'),
    stockTemporal: flagValues['stock-temporal'] === true,
  };
}
