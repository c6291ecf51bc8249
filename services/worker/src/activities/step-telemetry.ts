import type { AgentReply, ConversationMessage, DecisionStepTarget, ToolOutcome } from '@agent-runtime/agents';
import { genAiContentAttributes, type Logger, type Telemetry } from '@agent-runtime/core';
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

/** The span attributes that say what a decision step calls, known before it runs. */
function targetAttributes(target: DecisionStepTarget): Attributes {
  return {
    'gen_ai.operation.name': target.operation,
    'gen_ai.system': target.provider,
    'gen_ai.provider.name': target.provider,
    'agent_runtime.agent_kind': target.agentKind,
    ...(target.model === undefined ? {} : { 'gen_ai.request.model': target.model }),
    ...(target.agentName === undefined ? {} : { 'gen_ai.agent.name': target.agentName }),
    ...(target.server === undefined
      ? {}
      : { 'server.address': target.server.address, 'server.port': target.server.port }),
  };
}

/**
 * A decision step's span name, as the GenAI conventions build it: `chat {model}`, or
 * `chat {agent}` when the agent's SDK keeps its model's name to itself, and `invoke_agent {agent}`.
 */
function spanNameOf(target: DecisionStepTarget): string {
  const subject = target.operation === 'chat' ? (target.model ?? target.agentName) : target.agentName;
  return subject === undefined ? target.operation : `${target.operation} ${subject}`;
}

/**
 * Runs one decision step of a run inside a GenAI span (OpenTelemetry GenAI semantic
 * conventions), `chat` or `invoke_agent` as {@link DecisionStepTarget} says, and records its
 * duration, tokens and failures as metrics (`kind: model`). Tokens are recorded for every
 * `chat`, and for an agent's step when it reports any.
 */
export async function traceDecisionStep(
  telemetry: Telemetry,
  call: { ref: RunRef; step: number; target: DecisionStepTarget; messages: readonly ConversationMessage[] },
  work: () => Promise<AgentReply>,
): Promise<AgentReply> {
  const { tracer, metrics } = telemetry;
  const { target } = call;
  const provider = target.metricsProvider;
  const startedAt = performance.now();
  return tracer.startActiveSpan(
    spanNameOf(target),
    {
      // An in-process agent is part of this process's work; a model or an HTTP agent is a remote call.
      kind: target.operation === 'invoke_agent' && target.server === undefined ? SpanKind.INTERNAL : SpanKind.CLIENT,
      attributes: { ...runAttributes(call.ref, call.step), ...targetAttributes(target) },
    },
    async (span) => {
      try {
        const reply = await work();
        const { usage } = reply;
        const usageReported = target.operation === 'chat' || usage.inputTokens > 0 || usage.outputTokens > 0;
        const answeringAgent = target.answeringAgentOf?.(reply);
        span.setAttributes({
          ...(usageReported
            ? { 'gen_ai.usage.input_tokens': usage.inputTokens, 'gen_ai.usage.output_tokens': usage.outputTokens }
            : {}),
          ...(answeringAgent === undefined ? {} : { 'gen_ai.agent.name': answeringAgent }),
          'gen_ai.response.finish_reasons': [reply.toolCalls.length > 0 ? 'tool_calls' : 'stop'],
          ...genAiContentAttributes(telemetry.captureContent, call.messages, {
            role: 'assistant',
            content: reply.text,
            toolCalls: reply.toolCalls,
          }),
        });
        if (usageReported) {
          metrics.modelTokens.inc({ provider, direction: 'input' }, usage.inputTokens);
          metrics.modelTokens.inc({ provider, direction: 'output' }, usage.outputTokens);
        }
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
