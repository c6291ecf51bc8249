import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Metrics the worker records per step; the API adds the run-state gauge to the same registry. */
export interface RuntimeMetrics {
  readonly registry: Registry;
  /** Seconds per model or tool step, by `kind` (`model`, `tool`) and `outcome` (`ok`, `error`). */
  readonly stepDuration: Histogram<'kind' | 'outcome'>;
  /** Model tokens, by `provider` and `direction` (`input`, `output`). */
  readonly modelTokens: Counter<'provider' | 'direction'>;
  /** Failed step attempts, by `kind` and error `code`. */
  readonly stepErrors: Counter<'kind' | 'code'>;
}

/** A fresh registry with the process's default metrics and the step metrics. */
export function createRuntimeMetrics(): RuntimeMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    stepDuration: new Histogram({
      name: 'agent_runtime_step_duration_seconds',
      help: 'Duration of model and tool steps (one activity attempt each).',
      labelNames: ['kind', 'outcome'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
      registers: [registry],
    }),
    modelTokens: new Counter({
      name: 'agent_runtime_model_tokens_total',
      help: 'Tokens used by model steps.',
      labelNames: ['provider', 'direction'],
      registers: [registry],
    }),
    stepErrors: new Counter({
      name: 'agent_runtime_step_errors_total',
      help: 'Model and tool step attempts that failed, by error code.',
      labelNames: ['kind', 'code'],
      registers: [registry],
    }),
  };
}
