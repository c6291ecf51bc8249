import type { ConversationMessage, ModelReply } from '@agent-runtime/agents';
import type { AgentRunWorkflowInput, RunError, RunUsage } from '@agent-runtime/core';
import { ActivityFailure, ApplicationFailure, CancellationScope, proxyActivities, sleep } from '@temporalio/workflow';
import type { AgentRunActivities } from '../activities/create-activities.ts';
import type { RunOutcome } from '../activities/activity-types.ts';

const retry = { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 50 };

const { startRun, finishRun } = proxyActivities<AgentRunActivities>({ startToCloseTimeout: '30s', retry });
const { modelStep } = proxyActivities<AgentRunActivities>({ startToCloseTimeout: '5m', retry });
// Tools heartbeat, so a dead worker is noticed within the heartbeat timeout, not the hour.
const { toolStep } = proxyActivities<AgentRunActivities>({
  startToCloseTimeout: '1h',
  heartbeatTimeout: '10s',
  retry,
});

/** Raised inside the loop when the agent used up `maxSteps` without a final answer. */
class StepLimitReached extends Error {}

/**
 * One run of a builtin agent: model step → tool calls → model step … until the model gives
 * a final answer (no tool calls), `maxSteps` is used up, or the run deadline passes. Every
 * model call and tool call is its own activity, so a crash resumes at the step it was in.
 */
export async function agentRun({ runId }: AgentRunWorkflowInput): Promise<RunOutcome> {
  const started = await startRun(runId);
  if (started.state === 'finished') {
    return {
      status: 'failed',
      error: { code: 'already_finished', message: `run ended ${started.status}`, step: null },
    };
  }
  const { ref, limits } = started;
  const messages: ConversationMessage[] = [...started.messages];
  const usage: RunUsage = { steps: 0, modelCalls: 0, toolCalls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 };

  async function agentLoop(): Promise<RunOutcome> {
    for (let step = 1; step <= limits.maxSteps; step += 1) {
      usage.steps = step;
      const reply: ModelReply = await modelStep({ ref, step, messages });
      usage.modelCalls += 1;
      usage.inputTokens += reply.usage.inputTokens;
      usage.outputTokens += reply.usage.outputTokens;
      messages.push({ role: 'assistant', content: reply.text, toolCalls: reply.toolCalls });
      if (reply.toolCalls.length === 0) return { status: 'succeeded', output: { text: reply.text } };
      for (const call of reply.toolCalls) {
        const outcome = await toolStep({ ref, step, call });
        usage.toolCalls += 1;
        messages.push({ role: 'tool', toolCallId: call.id, name: call.name, content: JSON.stringify(outcome) });
      }
    }
    throw new StepLimitReached();
  }

  let outcome: RunOutcome;
  try {
    outcome = await withDeadline(limits.timeoutSeconds, agentLoop);
  } catch (error) {
    outcome = { status: 'failed', error: runErrorOf(error, usage.steps, limits.maxSteps) };
  }
  await finishRun({ runId, outcome, usage });
  return outcome;
}

/** Runs `body`, cancelling it when the deadline passes first: the run then ends `timed_out`. */
async function withDeadline(timeoutSeconds: number | undefined, body: () => Promise<RunOutcome>): Promise<RunOutcome> {
  if (timeoutSeconds === undefined) return body();
  const scope = new CancellationScope();
  const work = scope.run(body);
  const deadline = sleep(timeoutSeconds * 1000).then(() => 'deadline' as const);
  const first = await Promise.race([work, deadline]);
  if (first !== 'deadline') return first;
  scope.cancel();
  await work.catch(() => undefined);
  return {
    status: 'timed_out',
    error: { code: 'run_timed_out', message: `run exceeded its ${timeoutSeconds}s deadline`, step: null },
  };
}

function runErrorOf(error: unknown, step: number, maxSteps: number): RunError {
  if (error instanceof StepLimitReached) {
    return { code: 'max_steps_exceeded', message: `no final answer within ${maxSteps} steps`, step };
  }
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof ApplicationFailure) {
    return { code: cause.type ?? 'activity_failed', message: cause.message, step };
  }
  return { code: 'internal', message: error instanceof Error ? error.message : String(error), step };
}
