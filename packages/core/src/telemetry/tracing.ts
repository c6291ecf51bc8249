import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Config } from '../config.ts';

/** The parts of a process's tracing that the Temporal worker's workflow span sink needs. */
export interface TracingPipeline {
  readonly spanProcessor: SpanProcessor;
  readonly resource: Resource;
  /** Exports every span still buffered, then stops; spans ended afterwards are dropped. */
  shutdown(): Promise<void>;
}

/** Where spans go: `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` as is, else `<OTEL_EXPORTER_OTLP_ENDPOINT>/v1/traces`. */
export function otlpTracesUrl(config: Config): string | undefined {
  if (config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (config.OTEL_EXPORTER_OTLP_ENDPOINT) return `${config.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`;
  return undefined;
}

/**
 * Registers the process's tracer provider, W3C propagation and async context, exporting
 * over OTLP/HTTP (JSON) when an endpoint is configured. Without one nothing is registered:
 * the OpenTelemetry API stays a no-op and nothing leaves the machine. OpenTelemetry's
 * registry is process-global, so call this once per process, in its composition root.
 */
export function startTracing(config: Config, serviceName: string): TracingPipeline | undefined {
  const url = otlpTracesUrl(config);
  if (url === undefined) return undefined;
  const resource = new Resource({ 'service.name': config.OTEL_SERVICE_NAME ?? serviceName });
  const spanProcessor = new BatchSpanProcessor(
    new OTLPTraceExporter({ url, headers: { ...config.OTEL_EXPORTER_OTLP_HEADERS } }),
  );
  const provider = new BasicTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register({
    contextManager: new AsyncLocalStorageContextManager(),
    propagator: new W3CTraceContextPropagator(),
  });
  return {
    spanProcessor,
    resource,
    async shutdown() {
      await provider.shutdown();
      // Lets a later start in the same process (tests) register its own provider.
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}
