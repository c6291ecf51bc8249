import type { ConversationMessage, ToolCall, ToolOutcome } from '@agent-runtime/agents';
import type { MessagePolicy, RunError, RunErrorCode, RunUsage } from '@agent-runtime/core';
import {
  callbackCompletedSignal,
  decideApprovalUpdate,
  emptyUsage,
  interruptRunSignal,
  sendMessageUpdate,
  updateRejections,
  type ApprovalDecision,
  type RunMessage,
  type SendMessageResult,
} from '@agent-runtime/core/agent-run-contract';
import { isRunErrorCode, runErrorCodeOfTool } from '@agent-runtime/core/run-error-codes';
import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  continueAsNew,
  defineSignal,
  defineUpdate,
  isCancellation,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
} from '@temporalio/workflow';
import type { AgentRunActivities } from '../activities/create-activities.ts';
import type { AgentReply, RunOutcome, ToolPolicy } from '../activities/activity-types.ts';
import { withDeadline } from './deadline.ts';
import { InterruptibleStep } from './interruptible-step.ts';
import { RunFailure, RunInterrupted } from './run-failure.ts';
import { secondsUntil, timeToContinueAsNew, type AgentRunInput } from './run-continuation.ts';

const bookkeepingRetry = {
  initialInterval: '200ms',
  backoffCoefficient: 2,
  maximumInterval: '30s',
  maximumAttempts: 50,
};
/** Steps retry fewer times: their attempts also end when a worker dies. */
const stepRetry = { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 10 };
/**
 * Steps heartbeat every second, so a dead worker's step is retried elsewhere within this,
 * and retried at once: recovery p99 under 3 s (docs/benchmarks.md, worker recovery).
 */
const stepHeartbeatTimeout = '2s';

const { startRun, finishRun, requestApproval, resolveApproval, requestCallback, resolveCallback, recordMessages } =
  proxyActivities<AgentRunActivities>({
    startToCloseTimeout: '30s',
    retry: bookkeepingRetry,
  });

/**
 * `startRun` as a local activity: it runs inside the run's first workflow task, and the task
 * that records its result schedules the first step, one Temporal round trip (activity task,
 * then a new workflow task) sooner. It may run again if the worker dies before the task
 * completes: starting a run is idempotent.
 */
const { startRun: startRunLocally } = proxyLocalActivities<AgentRunActivities>({
  startToCloseTimeout: '30s',
  retry: bookkeepingRetry,
});

/** Patch id of starting a run with {@link startRunLocally}; runs recorded before it replay with the `startRun` activity. */
const startRunLocallyPatch = 'start-run-locally';

/** Step activities with the step's own time limit; cancellation waits until the step has stopped. */
function stepActivities(timeoutSeconds: number) {
  return proxyActivities<AgentRunActivities>({
    startToCloseTimeout: `${timeoutSeconds}s`,
    heartbeatTimeout: stepHeartbeatTimeout,
    retry: stepRetry,
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  });
}

/** Approves or rejects a pending tool call; refused unless that approval is pending. */
export const decideApproval = defineUpdate<{ approvalId: string; decision: string }, [ApprovalDecision]>(
  decideApprovalUpdate,
);

/** Sends a user message into the run; refused when the run is busy and its policy is `reject`. */
export const sendMessage = defineUpdate<SendMessageResult, [RunMessage]>(sendMessageUpdate);

/** Asks the run to stop at its next step boundary: a newer run of its thread takes over. */
export const interruptRun = defineSignal(interruptRunSignal);

/** Wakes the run at a waitpoint whose callback URL was POSTed to (the waitpoint id). */
export const callbackCompleted = defineSignal<[string]>(callbackCompletedSignal);

const interruptedOutcome: ToolOutcome = {
  ok: false,
  error: { code: 'interrupted', message: 'a user message interrupted this call' },
};

/**
 * One run of an agent: decision step → tool calls → decision step … until the agent gives
 * a final answer (no tool calls, or a code or HTTP agent's `final` output), `maxSteps` is used up, the run deadline passes, or the
 * run is cancelled. Every model call and tool call is its own activity, so a crash resumes
 * at the step it was in. Tool calls that need approval wait for a `decideApproval` update;
 * user messages arrive as `sendMessage` updates. A long run continues as new between steps,
 * carrying its state in `continued`.
 */
export async function agentRun(input: AgentRunInput): Promise<RunOutcome> {
  const { runId, continued } = input;
  const decisions = new Map<string, ApprovalDecision>();
  const awaitingDecision = new Set<string>();
  const inbox: RunMessage[] = [...(continued?.inbox ?? [])];
  const inFlight = new InterruptibleStep();
  let messagePolicy: MessagePolicy = continued?.run.messagePolicy ?? 'enqueue';
  let interruptedForMessage = continued?.interruptedForMessage ?? false;
  // What a code or HTTP agent's last step returned as `state`, handed to its next step.
  let agentState: unknown = continued?.agentState;
  let finishing = false;
  // Set by `interruptRun`: the run ends at its next step boundary, or at once if it waits for a decision.
  let interruptRequested = false;
  // Waitpoints whose callback came (`callbackCompleted`), even before the run waits at them.
  const completedCallbacks = new Set<string>();

  setHandler(
    decideApproval,
    (decision) => {
      decisions.set(decision.approvalId, decision);
      return { approvalId: decision.approvalId, decision: decision.decision };
    },
    {
      validator: ({ approvalId }) => {
        if (finishing) throw ApplicationFailure.nonRetryable('the run is finishing', updateRejections.runFinishing);
        if (!awaitingDecision.has(approvalId) || decisions.has(approvalId)) {
          throw ApplicationFailure.nonRetryable(
            `approval ${approvalId} is not pending`,
            updateRejections.approvalNotPending,
          );
        }
      },
    },
  );

  setHandler(
    sendMessage,
    (message): SendMessageResult => {
      inbox.push(message);
      if (messagePolicy === 'interrupt' && inFlight.busy) {
        interruptedForMessage = true;
        inFlight.interrupt();
        return { messageId: message.messageId, disposition: 'interrupted' };
      }
      return { messageId: message.messageId, disposition: 'enqueued' };
    },
    {
      validator: (message) => {
        if (finishing) throw ApplicationFailure.nonRetryable('the run is finishing', updateRejections.runFinishing);
        if (inbox.some((queued) => queued.messageId === message.messageId)) {
          throw ApplicationFailure.nonRetryable(`message ${message.messageId} was already sent`, 'duplicate_message');
        }
        if (messagePolicy === 'reject' && inFlight.busy) {
          throw ApplicationFailure.nonRetryable('the run is busy with a step', updateRejections.runBusy);
        }
      },
    },
  );

  setHandler(interruptRun, () => {
    interruptRequested = true;
  });

  setHandler(callbackCompleted, (waitpointId) => {
    completedCallbacks.add(waitpointId);
  });

  // A continued execution carries the run as startRun gave it: the run is already running.
  const started =
    continued?.run ?? (patched(startRunLocallyPatch) ? await startRunLocally(runId) : await startRun(runId));
  if (started.state === 'finished') {
    finishing = true;
    return {
      status: 'failed',
      error: { code: 'already_finished', message: `run ended ${started.status}`, step: null },
    };
  }
  const { ref, limits, approvals } = started;
  messagePolicy = started.messagePolicy;
  const toolPolicies = new Map<string, ToolPolicy>(started.tools.map((tool) => [tool.name, tool]));
  const messages: ConversationMessage[] = [...started.messages];
  const usage: RunUsage = { ...(continued?.usage ?? emptyUsage) };
  const firstStep = continued?.nextStep ?? 1;
  // A replay's steps before this one answer from the replayed run's records: nothing runs in them.
  const replayFromStep = started.replayOf?.fromStep ?? 1;
  const deadlineAt =
    continued?.deadlineAt ?? (limits.timeoutSeconds === undefined ? null : Date.now() + limits.timeoutSeconds * 1000);

  /** Waits for a human decision on a call; returns the refusal to give the model, if any. */
  async function awaitApproval(step: number, call: ToolCall): Promise<ToolOutcome | undefined> {
    const approvalId = `${step}-${call.id}`;
    const timeoutMs = approvals.timeoutSeconds === undefined ? undefined : approvals.timeoutSeconds * 1000;
    awaitingDecision.add(approvalId);
    await requestApproval({
      ref,
      step,
      call,
      approvalId,
      expiresAt: timeoutMs === undefined ? null : new Date(Date.now() + timeoutMs).toISOString(),
    });
    const isDecided = () => decisions.has(approvalId) || interruptRequested;
    if (timeoutMs === undefined) await condition(isDecided);
    else await condition(isDecided, timeoutMs);
    awaitingDecision.delete(approvalId);
    if (interruptRequested && !decisions.has(approvalId)) throw new RunInterrupted(step);
    const decision = decisions.get(approvalId);
    await resolveApproval({
      ref,
      step,
      approvalId,
      decision: decision?.decision ?? 'expire',
      comment: decision?.comment,
      decidedBy: decision?.decidedBy ?? 'deadline',
    });
    if (decision?.decision === 'approve') return undefined;
    if (decision) {
      return { ok: false, error: { code: 'approval_rejected', message: decision.comment ?? 'rejected by a reviewer' } };
    }
    const message = `no decision on approval ${approvalId} within ${approvals.timeoutSeconds}s`;
    if (approvals.onTimeout === 'fail') throw new RunFailure('approval_expired', message, step);
    return { ok: false, error: { code: 'approval_expired', message } };
  }

  /**
   * Waits at a callback tool's waitpoint until its URL is POSTed to or expires; returns the
   * result to give the model when it expired, if any (the posted JSON is read by the tool step).
   */
  async function awaitCallback(
    step: number,
    call: ToolCall,
    callback: NonNullable<ToolPolicy['callback']>,
  ): Promise<ToolOutcome | undefined> {
    const timeoutMs = callback.timeoutSeconds * 1000;
    const { waitpointId } = await requestCallback({
      ref,
      step,
      call,
      expiresAt: new Date(Date.now() + timeoutMs).toISOString(),
    });
    await condition(() => completedCallbacks.has(waitpointId) || interruptRequested, timeoutMs);
    if (interruptRequested && !completedCallbacks.has(waitpointId)) throw new RunInterrupted(step);
    // The database decides: a POST that committed before the deadline's settlement counts.
    const { outcome } = await resolveCallback({ ref, step, waitpointId });
    if (outcome === 'completed') return undefined;
    const message = `no callback to ${call.name} within ${callback.timeoutSeconds}s`;
    if (callback.onTimeout === 'fail') throw new RunFailure('callback_expired', message, step);
    return { ok: false, error: { code: 'callback_expired', message } };
  }

  /**
   * One tool call under its tool's policy: approval first, then a callback's wait, then the
   * call, then its error policy.
   */
  async function callTool(step: number, call: ToolCall): Promise<ToolOutcome> {
    const policy = toolPolicies.get(call.name);
    // A replayed call does not run, so there is nothing to approve: the record says how it went.
    if (policy?.requiresApproval && step >= replayFromStep) {
      const refusal = await awaitApproval(step, call);
      if (refusal) return refusal;
    }
    // Only tools declared since callbacks exist have a wait: no recorded run takes this branch.
    if (policy?.callback && step >= replayFromStep) {
      const expired = await awaitCallback(step, call, policy.callback);
      if (expired) return expired;
    }
    const { toolStep } = stepActivities(policy?.timeoutSeconds ?? 300);
    let outcome: ToolOutcome;
    try {
      const result = await inFlight.run(() => toolStep({ ref, step, call }));
      if (result.interrupted) return interruptedOutcome;
      outcome = result.value;
    } catch (error) {
      if (isCancellation(error) || !(error instanceof ActivityFailure)) throw error;
      outcome = { ok: false, error: { code: 'tool_failed', message: error.cause?.message ?? error.message } };
    }
    if (!outcome.ok && policy?.onError === 'fail') {
      const code = runErrorCodeOfTool(outcome.error.code);
      // A code the tool chose itself stays in the message; the run's code is a catalogued one.
      const detail = code === outcome.error.code ? '' : ` (${outcome.error.code})`;
      throw new RunFailure(code, `tool ${call.name} failed${detail}: ${outcome.error.message}`, step);
    }
    return outcome;
  }

  async function agentLoop(): Promise<RunOutcome | { continueAt: number }> {
    const { modelStep } = stepActivities(limits.modelStepTimeoutSeconds);
    for (let step = firstStep; step <= limits.maxSteps; step += 1) {
      if (interruptRequested) throw new RunInterrupted(usage.steps);
      // At least one step per execution, so a low threshold still makes progress.
      if (step > firstStep && timeToContinueAsNew(input.continueAsNewAfterEvents)) return { continueAt: step };
      usage.steps = step;
      if (inbox.length > 0) {
        const delivered = inbox.splice(0);
        await recordMessages({ ref, step, messages: delivered, interrupted: interruptedForMessage });
        interruptedForMessage = false;
        for (const message of delivered) messages.push({ role: 'user', content: message.content });
      }
      // Without agent state the input stays as builtin runs always sent it.
      const stepInput = agentState === undefined ? { ref, step, messages } : { ref, step, messages, state: agentState };
      const model = await inFlight.run(() => modelStep(stepInput));
      if (model.interrupted) continue;
      const reply = model.value;
      // A replayed step called nothing: the replayed run has counted its usage.
      const replayed = step < replayFromStep;
      if (!replayed) addStepUsage(usage, reply.usage);
      if (reply.state !== undefined) agentState = reply.state;
      messages.push({ role: 'assistant', content: reply.text, toolCalls: reply.toolCalls });
      if (reply.toolCalls.length === 0) {
        // A message that arrived during the last step still gets an answer; a graph not at its end goes on.
        if (inbox.length > 0 || reply.continues === true) continue;
        return { status: 'succeeded', output: 'final' in reply ? reply.final : { text: reply.text } };
      }
      for (const call of reply.toolCalls) {
        const outcome = interruptedForMessage ? interruptedOutcome : await callTool(step, call);
        if (!replayed) usage.toolCalls += 1;
        messages.push({ role: 'tool', toolCallId: call.id, name: call.name, content: JSON.stringify(outcome) });
      }
    }
    throw new RunFailure('max_steps_exceeded', `no final answer within ${limits.maxSteps} steps`, limits.maxSteps);
  }

  let outcome: RunOutcome | { continueAt: number };
  try {
    const result = await withDeadline(secondsUntil(deadlineAt), agentLoop);
    outcome =
      result === 'deadline'
        ? {
            status: 'timed_out',
            error: {
              code: 'run_timed_out',
              message: `run exceeded its ${limits.timeoutSeconds}s deadline`,
              step: usage.steps,
            },
          }
        : result;
  } catch (error) {
    if (error instanceof RunInterrupted) {
      outcome = { status: 'cancelled', error: { code: 'run_interrupted', message: error.message, step: error.step } };
    } else {
      outcome = isCancellation(error)
        ? { status: 'cancelled', error: { code: 'run_cancelled', message: 'the run was cancelled', step: usage.steps } }
        : { status: 'failed', error: runErrorOf(error, usage.steps) };
    }
  }
  if ('continueAt' in outcome) {
    // Update handlers finish synchronously, so none is left running across the boundary.
    return continueAsNew<typeof agentRun>({
      ...input,
      continued: {
        run: { ...started, messages },
        nextStep: outcome.continueAt,
        usage,
        inbox,
        interruptedForMessage,
        deadlineAt,
        ...(agentState === undefined ? {} : { agentState }),
      },
    });
  }
  finishing = true;
  // Recorded even when the run was cancelled: this scope ignores the cancellation.
  // A turn of a thread hands the thread its messages and the state its adapter ended with.
  const turn = ref.threadId === undefined ? undefined : { threadId: ref.threadId, messages, agentState };
  await CancellationScope.nonCancellable(() =>
    finishRun(turn === undefined ? { runId, outcome, usage } : { runId, outcome, usage, turn }),
  );
  return outcome;
}

/** Adds one decision step's model call, tokens and cost to the run's usage. */
function addStepUsage(usage: RunUsage, step: AgentReply['usage']): void {
  usage.modelCalls += 1;
  usage.inputTokens += step.inputTokens;
  usage.outputTokens += step.outputTokens;
  // Usage carried over from before these fields existed starts them from 0.
  usage.totalTokens = (usage.totalTokens ?? 0) + (step.totalTokens ?? step.inputTokens + step.outputTokens);
  usage.cachedInputTokens = (usage.cachedInputTokens ?? 0) + (step.cachedInputTokens ?? 0);
  usage.costUsd = roundUsd(usage.costUsd + (step.costUsd ?? 0));
}

/** Sums of prices drift in binary (0.1 + 0.2); far below a micro-dollar is noise. */
function roundUsd(usd: number): number {
  return Math.round(usd * 1e10) / 1e10;
}

function runErrorOf(error: unknown, step: number): RunError {
  if (error instanceof RunFailure) return error.runError;
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof ApplicationFailure)
    // A failure type outside the catalog (a JavaScript error's name) says only that the step failed.
    return {
      code: isRunErrorCode(cause.type ?? '') ? (cause.type as RunErrorCode) : 'activity_failed',
      message: cause.message,
      step,
    };
  return { code: 'internal', message: error instanceof Error ? error.message : String(error), step };
}
