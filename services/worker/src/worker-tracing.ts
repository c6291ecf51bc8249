import { createRequire } from 'node:module';
import type { Telemetry } from '@agent-runtime/core';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import type { WorkerOptions } from '@temporalio/worker';

/** Bundled with the workflows: starts a span per workflow run and passes its context to activities. */
const workflowInterceptorsModule = createRequire(import.meta.url).resolve(
  '@temporalio/interceptors-opentelemetry/lib/workflow-interceptors',
);

/**
 * Worker options that continue the trace a client started: the workflow's span (exported
 * from the sandbox through the `exporter` sink), then one span per activity, under which
 * the activities' own model and tool spans nest. Nothing when tracing is off.
 */
export function tracingWorkerOptions(
  telemetry: Telemetry,
): Required<Pick<WorkerOptions, 'interceptors' | 'sinks'>> | Record<string, never> {
  if (!telemetry.tracing) return {};
  return {
    interceptors: {
      workflowModules: [workflowInterceptorsModule],
      activity: [
        (context) => ({
          inbound: new OpenTelemetryActivityInboundInterceptor(context),
          outbound: new OpenTelemetryActivityOutboundInterceptor(context),
        }),
      ],
    },
    sinks: { exporter: makeWorkflowExporter(telemetry.tracing.spanProcessor, telemetry.tracing.resource) },
  };
}
