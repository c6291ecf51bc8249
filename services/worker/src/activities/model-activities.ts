import { ModelCallError, scriptedModelReply, type ModelReply } from '@agent-runtime/agents';
import { appendRunEvents } from '@agent-runtime/core';
import { ApplicationFailure, Context } from '@temporalio/activity';
import {
  createEventPublisher,
  withHeartbeats,
  type ActivityDependencies,
  type createSpecCache,
} from './activity-support.ts';
import type { ModelStepInput } from './activity-types.ts';
import { traceModelCall } from './step-telemetry.ts';

/**
 * A provider failure as Temporal should retry it: rate limits, timeouts, 5xx and network
 * failures are retried (after Retry-After when the provider sent one); any other 4xx fails
 * the step at once.
 */
function toRetryPolicyFailure(error: ModelCallError): ApplicationFailure {
  if (!error.retryable) return ApplicationFailure.nonRetryable(error.message, 'model_request_rejected');
  return ApplicationFailure.create({
    type: 'model_unavailable',
    message: error.message,
    ...(error.retryAfterMs === undefined ? {} : { nextRetryDelay: error.retryAfterMs }),
  });
}

/** The model step activity. */
export function createModelActivities(dependencies: ActivityDependencies, specOf: ReturnType<typeof createSpecCache>) {
  const { db } = dependencies;
  const publish = createEventPublisher(dependencies);
  return {
    /** One model call: the assistant's reply and the tool calls it asks for. */
    async modelStep({ ref, step, messages }: ModelStepInput): Promise<ModelReply> {
      const spec = await specOf(ref);
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
      const attempt = Context.current().info.attempt;
      const reply = await traceModelCall(dependencies.telemetry, { ref, step, model: spec.model, messages }, () =>
        withHeartbeats(async () => scriptedModelReply(spec.model, step, attempt)).catch((error: unknown) => {
          throw error instanceof ModelCallError ? toRetryPolicyFailure(error) : error;
        }),
      );
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
