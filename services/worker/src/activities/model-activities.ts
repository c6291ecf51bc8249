import { adapterOf, AgentStepError, builtinTools, ModelCallError, type AgentReply } from '@agent-runtime/agents';
import {
  appendRunEvents,
  getRun,
  rateLimitedWarning,
  recordedModelStepReply,
  recordModelStepReplyWithEvent,
  type NewRunEvent,
  type RunEvent,
} from '@agent-runtime/core';
import { ApplicationFailure, Context } from '@temporalio/activity';
import {
  createEventPublisher,
  secretSourceOf,
  withHeartbeats,
  type ActivityDependencies,
  type createMcpToolsCache,
  type createSpecCache,
  type ReplayOfCache,
} from './activity-support.ts';
import type { ModelStepInput, RunRef } from './activity-types.ts';
import { openModelDeltaStream } from './model-delta-stream.ts';
import { stepConversation } from './thread-conversation.ts';
import { replayedReply, replayedStepOf } from './replayed-steps.ts';
import {
  assertCallAffordable,
  assertRunBudgetAfterStep,
  assertTenantBudgetForStep,
  recordStepSpend,
} from './step-budget.ts';
import { traceDecisionStep } from './step-telemetry.ts';

/**
 * A provider failure as Temporal should retry it: rate limits, timeouts, 5xx, network
 * failures and malformed answers are retried (after Retry-After when the provider sent one)
 * until the model's `maxAttempts`; any other 4xx or an unusable secret fails the step at
 * once. The failure's type is the error's code, which becomes the run's error code.
 */
function toRetryPolicyFailure(
  error: ModelCallError | AgentStepError,
  attempt: number,
  maxAttempts: number,
): ApplicationFailure {
  if (!error.retryable) return ApplicationFailure.nonRetryable(error.message, error.code);
  if (attempt >= maxAttempts) {
    return ApplicationFailure.nonRetryable(`${error.message} (attempt ${attempt} of ${maxAttempts})`, error.code);
  }
  return ApplicationFailure.create({
    type: error.code,
    message: error.message,
    // Temporal refuses a zero delay; without one, the step's backoff applies.
    ...(error.retryAfterMs === undefined || error.retryAfterMs <= 0 ? {} : { nextRetryDelay: error.retryAfterMs }),
  });
}

/** The model step activity: one decision step of the run's agent, whatever its adapter. */
export function createModelActivities(
  dependencies: ActivityDependencies,
  specOf: ReturnType<typeof createSpecCache>,
  mcpToolsOf: ReturnType<typeof createMcpToolsCache>,
  replayOfs: ReplayOfCache,
) {
  const { db, adapters } = dependencies;
  const builtins = dependencies.tools ?? builtinTools;
  const publish = createEventPublisher(dependencies);
  const deltaPublishFailed = rateLimitedWarning(dependencies.logger, 'could not publish model text deltas');
  return {
    /**
     * One decision step of the spec's adapter, given the state its previous step returned: a
     * model call of the builtin loop, a step of a code, HTTP, AI SDK or OpenAI agent, or a
     * LangGraph super-step. Answers the reply (text, tool calls, usage, and for agents the
     * final output and the state for the next step), recorded once: a retried attempt whose
     * predecessor recorded one returns it without deciding again. Failures keep their stable
     * codes: `model_*` from models, `agent_*` from adapters (`agent_failed` also for an agent
     * the runtime cannot run, e.g. an OpenAI agent with guardrails). A replay's step before
     * its `fromStep` answers the replayed run's recorded reply instead, deciding nothing; its
     * events say `replayed: true`. Budgets (docs/usage.md): a step still to decide begins only
     * while the tenant has budget left this month (`tenant_budget_exceeded`), its model call
     * is made only if its worst case fits in the run's budget, and the step that takes the run
     * over it fails the run after recording its reply (`budget_exceeded`); every step that
     * ran is written to the usage ledger.
     */
    async modelStep({ ref, step, messages, state }: ModelStepInput): Promise<AgentReply> {
      const spec = await specOf(ref);
      const adapter = adapterOf(spec);
      const replayed = await replayedStepOf(replayOfs, ref, step);
      const replayedMark = replayed === undefined ? {} : { replayed: true as const };
      const completedEvent = (reply: AgentReply): NewRunEvent => ({
        runId: ref.runId,
        type: 'model.completed',
        step,
        data: {
          text: reply.text,
          toolCalls: reply.toolCalls,
          usage: reply.usage,
          ...('final' in reply ? { final: reply.final } : {}),
          ...adapter.modelCompletedData(spec, reply),
          ...replayedMark,
        },
        dedupeKey: `model.completed:${step}`,
      });
      const context = Context.current();
      const attempt = context.info.attempt;
      // An attempt that recorded its reply and died before Temporal saw it finish: that reply
      // stands, so the model is not asked again and the events and tool steps agree with it.
      const recorded =
        attempt > 1
          ? await recordedModelStepReply<AgentReply>(db, { tenantId: ref.tenantId, runId: ref.runId, step })
          : undefined;
      // A step still to decide begins only while the tenant has budget left this month.
      if (replayed === undefined && recorded === undefined) await assertTenantBudgetForStep(db, ref);
      // Read before the step counts as started: the model is offered every declared tool.
      const mcpTools = replayed === undefined && spec.mcpServers.length > 0 ? await mcpToolsOf(ref) : [];
      const started = await appendRunEvents(db, ref.tenantId, [
        {
          runId: ref.runId,
          type: 'model.started',
          step,
          data: { ...adapter.modelStartedData(spec), ...replayedMark },
          dedupeKey: `model.started:${step}`,
        },
      ]);
      publish(ref.runId, started);
      const maxAttempts = adapter.maxAttempts(spec);
      const answer = async (): Promise<{ reply: AgentReply; events: RunEvent[] }> => {
        const modelCall = {
          step,
          attempt,
          signal: context.cancellationSignal,
          timeoutMs: spec.limits.modelStepTimeoutSeconds * 1000,
          secrets: secretSourceOf(dependencies, ref.tenantId),
        };
        // A thread's earlier turns come from the database, never through the workflow.
        const { conversation, turn } = await stepConversation(
          dependencies,
          spec,
          ref,
          messages,
          state,
          modelCall,
        ).catch((error: unknown) => {
          throw error instanceof ModelCallError ? toRetryPolicyFailure(error, attempt, maxAttempts) : error;
        });
        // What is sent is known now: a call whose worst case the run cannot afford is not made.
        await assertCallAffordable(db, spec, ref, step, conversation);
        // The text streams live as ephemeral deltas; the complete reply is stored once, below.
        const deltas = openModelDeltaStream({
          bus: dependencies.bus,
          runId: ref.runId,
          step,
          attempt,
          onPublishError: deltaPublishFailed,
        });
        const call = () =>
          withHeartbeats(() =>
            adapter.callStep(
              spec,
              {
                ...modelCall,
                runId: ref.runId,
                tenantId: ref.tenantId,
                messages: conversation,
                thread: ref.threadId === undefined ? undefined : { id: ref.threadId, carriedState: turn?.carriedState },
                tools: { builtins, mcpTools },
                onTextDelta: deltas.write,
                input: () => runInputOf(db, ref),
                state,
              },
              adapters,
            ),
          ).catch((error: unknown) => {
            deltas.discard();
            const retryPolicyError = error instanceof ModelCallError || error instanceof AgentStepError;
            throw retryPolicyError ? toRetryPolicyFailure(error, attempt, maxAttempts) : error;
          });
        // Every adapter's step is one span: the model call the runtime makes (builtin, AI SDK,
        // OpenAI agents), or the agent's own step (code, HTTP, LangGraph) with whatever it calls.
        const target = adapter.describeStep(spec, { state, messages: conversation }, adapters);
        const fresh = await traceDecisionStep(
          dependencies.telemetry,
          { ref, step, target, messages: conversation },
          call,
        );
        await deltas.flush();
        // Two attempts of one step (a retry beside one presumed dead) end with the first reply recorded.
        return recordModelStepReplyWithEvent(
          db,
          { tenantId: ref.tenantId, runId: ref.runId, step, reply: fresh },
          completedEvent,
        );
      };
      // A replayed step's reply is recorded as the replay's own too: a replay of the replay reuses it.
      // The reply and its `model.completed` event are written in one round trip when new.
      const { reply, events: completed } =
        recorded !== undefined
          ? { reply: recorded, events: await appendRunEvents(db, ref.tenantId, [completedEvent(recorded)]) }
          : replayed === undefined
            ? await answer()
            : await recordModelStepReplyWithEvent(
                db,
                { tenantId: ref.tenantId, runId: ref.runId, step, reply: await replayedReply(db, ref, step, replayed) },
                completedEvent,
              );
      // A replayed step called nothing: the replayed run's ledger has what it used.
      if (replayed === undefined) await recordStepSpend(db, spec, ref, step, reply);
      publish(ref.runId, completed);
      // The step that takes the run over its budget ends it, its reply recorded, its tool calls not run.
      if (replayed === undefined) await assertRunBudgetAfterStep(db, spec, ref, step);
      return reply;
    },
  };
}

/** The run's input, as code and HTTP agents get it. */
async function runInputOf(db: ActivityDependencies['db'], ref: RunRef): Promise<unknown> {
  return (await getRun(db, ref.tenantId, ref.runId)).input;
}
