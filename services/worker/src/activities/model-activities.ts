import { builtinTools, callModel, ModelCallError, type ModelReply } from '@agent-runtime/agents';
import { appendRunEvents, rateLimitedWarning, resolveSecret } from '@agent-runtime/core';
import { ApplicationFailure, Context } from '@temporalio/activity';
import {
  createEventPublisher,
  withHeartbeats,
  type ActivityDependencies,
  type createMcpToolsCache,
  type createSpecCache,
} from './activity-support.ts';
import type { ModelStepInput } from './activity-types.ts';
import { openModelDeltaStream } from './model-delta-stream.ts';
import { traceModelCall } from './step-telemetry.ts';

/**
 * A provider failure as Temporal should retry it: rate limits, timeouts, 5xx, network
 * failures and malformed answers are retried (after Retry-After when the provider sent one)
 * until the model's `maxAttempts`; any other 4xx or an unusable secret fails the step at
 * once. The failure's type is the error's code, which becomes the run's error code.
 */
function toRetryPolicyFailure(error: ModelCallError, attempt: number, maxAttempts: number): ApplicationFailure {
  if (!error.retryable) return ApplicationFailure.nonRetryable(error.message, error.code);
  if (attempt >= maxAttempts) {
    return ApplicationFailure.nonRetryable(`${error.message} (attempt ${attempt} of ${maxAttempts})`, error.code);
  }
  return ApplicationFailure.create({
    type: error.code,
    message: error.message,
    ...(error.retryAfterMs === undefined ? {} : { nextRetryDelay: error.retryAfterMs }),
  });
}

/** The model step activity. */
export function createModelActivities(
  dependencies: ActivityDependencies,
  specOf: ReturnType<typeof createSpecCache>,
  mcpToolsOf: ReturnType<typeof createMcpToolsCache>,
) {
  const { db } = dependencies;
  const builtins = dependencies.tools ?? builtinTools;
  const publish = createEventPublisher(dependencies);
  const deltaPublishFailed = rateLimitedWarning(dependencies.logger, 'could not publish model text deltas');
  return {
    /** One model call: the assistant's reply and the tool calls it asks for. */
    async modelStep({ ref, step, messages }: ModelStepInput): Promise<ModelReply> {
      const spec = await specOf(ref);
      // Read before the step counts as started: the model is offered every declared tool.
      const mcpTools = spec.mcpServers.length > 0 ? await mcpToolsOf(ref) : [];
      const started = await appendRunEvents(db, [
        {
          runId: ref.runId,
          type: 'model.started',
          step,
          data: { provider: spec.model.provider },
          dedupeKey: `model.started:${step}`,
        },
      ]);
      publish(ref.runId, started);
      const context = Context.current();
      const attempt = context.info.attempt;
      const maxAttempts = spec.model.provider === 'scripted' ? Number.POSITIVE_INFINITY : spec.model.maxAttempts;
      // The text streams live as ephemeral deltas; the complete reply is stored once, below.
      const deltas = openModelDeltaStream({
        bus: dependencies.bus,
        runId: ref.runId,
        step,
        attempt,
        onPublishError: deltaPublishFailed,
      });
      const reply = await traceModelCall(dependencies.telemetry, { ref, step, model: spec.model, messages }, () =>
        withHeartbeats(() =>
          callModel(
            spec,
            messages,
            { builtins, mcpTools },
            {
              step,
              attempt,
              signal: context.cancellationSignal,
              timeoutMs: spec.limits.modelStepTimeoutSeconds * 1000,
              // Secrets are read and decrypted here, per attempt, and live only in the request.
              secrets: (name) => resolveSecret(db, dependencies.masterKeys, ref.tenantId, name),
              onTextDelta: deltas.write,
            },
          ),
        ).catch((error: unknown) => {
          deltas.discard();
          throw error instanceof ModelCallError ? toRetryPolicyFailure(error, attempt, maxAttempts) : error;
        }),
      );
      deltas.flush();
      const completed = await appendRunEvents(db, [
        {
          runId: ref.runId,
          type: 'model.completed',
          step,
          data: { text: reply.text, toolCalls: reply.toolCalls, usage: reply.usage },
          dedupeKey: `model.completed:${step}`,
        },
      ]);
      publish(ref.runId, completed);
      return reply;
    },
  };
}
