import { summarizeConversation, type ConversationMessage, type ModelCallContext } from '@agent-runtime/agents';
import {
  readThreadMessagesBetween,
  readTurnContext,
  recordThreadSummary,
  type AgentSpec,
  type TurnContext,
} from '@agent-runtime/core';
import type { ActivityDependencies } from './activity-support.ts';
import type { RunRef } from './activity-types.ts';

/** How the summary reaches the model: a message before the window of earlier turns. */
function summaryMessage(text: string): ConversationMessage {
  return { role: 'user', content: `(A summary of our earlier conversation, for context.)\n${text}` };
}

/**
 * The summary of everything the window leaves out: the thread's, when it reaches far enough;
 * else a new one, made by one call of the spec's model from the thread's summary and the
 * messages after it, and kept with the thread before it is used, so later steps and turns
 * (and a retried attempt) reuse it instead of asking again.
 */
async function summaryOf(
  dependencies: ActivityDependencies,
  spec: AgentSpec,
  ref: RunRef & { readonly threadId: string },
  turn: TurnContext,
  context: ModelCallContext,
): Promise<string> {
  const { summary } = turn;
  if (summary && summary.throughSeq >= turn.omittedThroughSeq) return summary.text;
  // The spec schema allows `summarize` only with a provider model.
  if (spec.model === undefined || spec.model.provider === 'scripted')
    throw new Error('summarize needs a provider model');
  const unsummarized = await readThreadMessagesBetween(dependencies.db, ref.tenantId, ref.threadId, {
    afterSeq: summary?.throughSeq ?? 0,
    throughSeq: turn.omittedThroughSeq,
  });
  const reply = await summarizeConversation(spec.model, summary?.text, unsummarized, context);
  const kept = await recordThreadSummary(dependencies.db, ref.tenantId, ref.threadId, {
    throughSeq: turn.omittedThroughSeq,
    text: reply.text,
  });
  return kept.text;
}

/**
 * The conversation a step of a run sees: for a turn of a thread, the thread's earlier turns
 * within the spec's history policy (read here, never carried by the workflow), after a
 * summary of what the window leaves out when the policy asks for one; then the run's own.
 * Answers the thread's context too (its carried adapter state).
 * @throws ModelCallError when the summary's model call fails
 */
export async function stepConversation(
  dependencies: ActivityDependencies,
  spec: AgentSpec,
  ref: RunRef,
  messages: readonly ConversationMessage[],
  /** The state the turn's previous step returned; undefined at the turn's first step. */
  state: unknown,
  context: ModelCallContext,
): Promise<{ conversation: readonly ConversationMessage[]; turn: TurnContext | undefined }> {
  const { threadId } = ref;
  if (threadId === undefined) return { conversation: messages, turn: undefined };
  // Only a turn's first step starts from the state the last turn ended with: later ones have their own.
  const turn = await readTurnContext(dependencies.db, ref.tenantId, threadId, spec.history, {
    firstOfTurn: state === undefined,
  });
  const summarized = spec.history?.summarize === true && turn.omittedThroughSeq > 0;
  const earlier = summarized
    ? [summaryMessage(await summaryOf(dependencies, spec, { ...ref, threadId }, turn, context)), ...turn.history]
    : turn.history;
  return { conversation: [...earlier, ...messages], turn };
}
