import type { ConversationMessage, ModelReply, ToolOutcome } from '@agent-runtime/agents';
import { genAiContentAttributes, type Logger, type ModelSpec, type Telemetry } from '@agent-runtime/core';
import { SpanKind, SpanStatusCode, type Attributes, type Span } from '@opentelemetry/api';
import type { RunRef } from './activity-types.ts';

/** Attributes every span of a step carries, so a trace backend can filter by run and tenant. */
function runAttributes(ref: RunRef, step: number): Attributes {
  return {
    'agent_runtime.run_id': ref.runId,
    'agent_runtime.tenant_id': ref.tenantId,
    'agent_runtime.agent_id': ref.agentId,
    'agent_runtime.agent_version': ref.agentVersion,
    'agent_runtime.step': step,
  };
}

/** A step's logger: every line names its run, tenant and step (and its trace, see `createLogger`). */
export function stepLogger(logger: Logger, ref: RunRef, step: number): Logger {
  return logger.child({ runId: ref.runId, tenantId: ref.tenantId, step });
}

/** The model a spec calls, as `gen_ai.request.model`: the provider's model name, else the provider. */
function requestModel(model: ModelSpec): string {
  return 'model' in model && typeof model.model === 'string' ? model.model : model.provider;
}

function errorCodeOf(error: unknown): string {
  if (error !== null && typeof error === 'object') {
    if ('type' in error && typeof error.type === 'string') return error.type;
    if ('code' in error && typeof error.code === 'string') return error.code;
  }
  return 'internal';
}

function recordError(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
  span.setAttribute('error.type', errorCodeOf(error));
}

/**
 * Runs one model call inside a GenAI `chat` span (OpenTelemetry GenAI semantic conventions)
 * and records its duration, tokens and failures as metrics.
 */
export async function traceModelCall(
  telemetry: Telemetry,
  call: { ref: RunRef; step: number; model: ModelSpec; messages: readonly ConversationMessage[] },
  work: () => Promise<ModelReply>,
): Promise<ModelReply> {
  const { tracer, metrics } = telemetry;
  const provider = call.model.provider;
  const model = requestModel(call.model);
  const startedAt = performance.now();
  return tracer.startActiveSpan(
    `chat ${model}`,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        ...runAttributes(call.ref, call.step),
        'gen_ai.operation.name': 'chat',
        'gen_ai.system': provider,
        'gen_ai.provider.name': provider,
        'gen_ai.request.model': model,
      },
    },
    async (span) => {
      try {
        const reply = await work();
        span.setAttributes({
          'gen_ai.usage.input_tokens': reply.usage.inputTokens,
          'gen_ai.usage.output_tokens': reply.usage.outputTokens,
          'gen_ai.response.finish_reasons': [reply.toolCalls.length > 0 ? 'tool_calls' : 'stop'],
          ...genAiContentAttributes(telemetry.captureContent, call.messages, {
            role: 'assistant',
            content: reply.text,
            toolCalls: reply.toolCalls,
          }),
        });
        metrics.modelTokens.inc({ provider, direction: 'input' }, reply.usage.inputTokens);
        metrics.modelTokens.inc({ provider, direction: 'output' }, reply.usage.outputTokens);
        metrics.stepDuration.observe({ kind: 'model', outcome: 'ok' }, (performance.now() - startedAt) / 1000);
        return reply;
      } catch (error) {
        recordError(span, error);
        metrics.stepErrors.inc({ kind: 'model', code: errorCodeOf(error) });
        metrics.stepDuration.observe({ kind: 'model', outcome: 'error' }, (performance.now() - startedAt) / 1000);
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/**
 * Runs one tool call inside a GenAI `execute_tool` span and records its duration and
 * failures (thrown, or an error outcome) as metrics.
 */
export async function traceToolCall(
  telemetry: Telemetry,
  call: { ref: RunRef; step: number; tool: string; callId: string },
  work: () => Promise<ToolOutcome>,
): Promise<ToolOutcome> {
  const { tracer, metrics } = telemetry;
  const startedAt = performance.now();
  return tracer.startActiveSpan(
    `execute_tool ${call.tool}`,
    {
      kind: SpanKind.INTERNAL,
      attributes: {
        ...runAttributes(call.ref, call.step),
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': call.tool,
        'gen_ai.tool.call.id': call.callId,
      },
    },
    async (span) => {
      try {
        const outcome = await work();
        if (!outcome.ok) {
          span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.error.message });
          span.setAttribute('error.type', outcome.error.code);
          metrics.stepErrors.inc({ kind: 'tool', code: outcome.error.code });
        }
        const outcomeLabel = outcome.ok ? 'ok' : 'error';
        metrics.stepDuration.observe({ kind: 'tool', outcome: outcomeLabel }, (performance.now() - startedAt) / 1000);
        return outcome;
      } catch (error) {
        recordError(span, error);
        metrics.stepErrors.inc({ kind: 'tool', code: errorCodeOf(error) });
        metrics.stepDuration.observe({ kind: 'tool', outcome: 'error' }, (performance.now() - startedAt) / 1000);
        throw error;
      } finally {
        span.end();
      }
    },
  );
}
