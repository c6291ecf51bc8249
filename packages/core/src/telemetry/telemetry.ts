import { trace, type Tracer } from '@opentelemetry/api';
import type { Config } from '../config.ts';
import type { GenAiContentCapture } from './genai-content.ts';
import { createRuntimeMetrics, type RuntimeMetrics } from './runtime-metrics.ts';
import { startTracing, type TracingPipeline } from './tracing.ts';

/** A process's tracing and metrics, built once in its composition root and passed down. */
export interface Telemetry {
  /** Tracer of the runtime's own spans (API requests, model and tool calls). */
  readonly tracer: Tracer;
  /** The export pipeline, for the worker's workflow span sink; absent when no exporter is configured. */
  readonly tracing: TracingPipeline | undefined;
  /** How much conversation text model spans carry. */
  readonly captureContent: GenAiContentCapture;
  /** Prometheus metrics; one registry per process, shared by the API and worker when embedded. */
  readonly metrics: RuntimeMetrics;
  /** Flushes buffered spans; call once on exit. */
  shutdown(): Promise<void>;
}

/** Name of the runtime's tracer (the instrumentation scope of its spans). */
export const tracerName = 'agent-runtime';

/** Builds the process's telemetry: OTLP export when configured (see `startTracing`), metrics always. */
export function createTelemetry(config: Config, serviceName: string): Telemetry {
  const tracing = startTracing(config, serviceName);
  return {
    tracer: trace.getTracer(tracerName),
    tracing,
    captureContent: config.OTEL_GENAI_CAPTURE_CONTENT,
    metrics: createRuntimeMetrics(),
    async shutdown() {
      await tracing?.shutdown();
    },
  };
}

/** Telemetry that exports nothing, for callers that pass none (tests, tools): metrics on a registry of its own. */
export function createLocalTelemetry(): Telemetry {
  return {
    tracer: trace.getTracer(tracerName),
    tracing: undefined,
    captureContent: 'off',
    metrics: createRuntimeMetrics(),
    async shutdown() {},
  };
}
