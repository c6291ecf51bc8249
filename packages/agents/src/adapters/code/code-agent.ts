import { z } from 'zod';
import type { ConversationMessage, ToolCall, TokenUsage } from '../../messages.ts';
import type { ModelToolDefinition } from '../../models/model-call.ts';
import { agentCodeFailure, AgentStepError } from '../agent-step-error.ts';
import { agentToolCallSchema, agentUsageSchema, toAgentReply, type AgentReply } from '../agent-reply.ts';
import { AgentTextStream, maxAgentTextChars } from '../agent-text-stream.ts';

/** What one decision step of a code agent gets from the runtime. */
export interface AgentStepContext {
  readonly runId: string;
  /** The step, from 1; keeps counting across continue-as-new. */
  readonly step: number;
  /** Attempt of this step, from 1: a step may run again after a crash or a retried failure. */
  readonly attempt: number;
  /** The run's input, as given to `POST /v1/runs`. */
  readonly input: unknown;
  /** For a run on a thread, the thread's id; null otherwise. */
  readonly threadId: string | null;
  /**
   * The conversation so far: on a thread, its earlier turns first; then the input, earlier
   * replies, tool results, user messages.
   */
  readonly messages: readonly ConversationMessage[];
  /**
   * What the previous step returned as `state`; at a run's first step undefined, or on a
   * thread what the thread's last turn ended with.
   */
  readonly state: unknown;
  /** The spec's tools, as a model would be told about them. */
  readonly tools: readonly ModelToolDefinition[];
  /** Aborted when the run is cancelled or the step's attempt times out. */
  readonly signal: AbortSignal;
  /**
   * Streams a piece of the step's text to live readers (`model.delta` on the run's event
   * stream) as it is produced, e.g. a model's tokens as they arrive. Deltas are ephemeral: the
   * stored `model.completed` text is the step's returned `text`. A step that streams should
   * return the joined deltas as `text` or leave `text` out (the joined deltas are then its
   * text); a step that returns a different text fails with `agent_response_invalid`, not
   * retried, so what a client saw streaming is always what the run records. Pieces past
   * {@link maxAgentTextChars} in all fail the step the same way; calls after the step
   * returned are ignored.
   * @throws TypeError when `delta` is not a string; uncaught, the step fails with `agent_failed`
   */
  readonly emitText: (delta: string) => void;
}

/**
 * What one decision step returns. Tool calls run as the runtime's durable tool steps (with
 * approvals and error policies) and their results arrive in `messages` of the next step;
 * `final` ends the run with that output; neither ends it with `{ text }`, as the builtin
 * loop does. `state` (JSON, at most `maxAgentStateBytes`) is handed to the next step.
 */
export interface AgentStepResult {
  /** The step's text; when left out, what it streamed by `emitText` (else empty). */
  readonly text?: string;
  readonly toolCalls?: readonly ToolCall[];
  /** The run's output; only without tool calls. */
  readonly final?: unknown;
  readonly state?: unknown;
  readonly usage?: Partial<Pick<TokenUsage, 'inputTokens' | 'outputTokens' | 'totalTokens'>>;
}

/** A code agent: a function registered in the worker by name (`createWorker({ agents })`). */
export type CodeAgent = (context: AgentStepContext) => AgentStepResult | Promise<AgentStepResult>;

const agentStepResultSchema = z.strictObject({
  text: z.string().max(maxAgentTextChars).optional(),
  toolCalls: z.array(agentToolCallSchema).max(64).optional(),
  final: z.unknown().optional(),
  state: z.unknown().optional(),
  usage: agentUsageSchema.optional(),
});

/**
 * Runs one step of a code agent and checks what it returns. Text it streams by `emitText`
 * goes to `onTextDelta`.
 * @throws AgentStepError `agent_failed` when the function throws (an `AgentStepError` it
 *   throws passes through, so it can ask for a retry), `agent_response_invalid` (also for a
 *   returned text other than the streamed one), or `agent_state_too_large`
 */
export async function callCodeAgent(
  name: string,
  agent: CodeAgent,
  context: Omit<AgentStepContext, 'emitText'>,
  onTextDelta?: (text: string) => void,
): Promise<AgentReply> {
  const who = `code agent "${name}"`;
  const stream = new AgentTextStream(who, onTextDelta);
  let returned: unknown;
  try {
    returned = await agent({ ...context, emitText: (delta) => stream.write(delta) });
  } catch (error) {
    throw agentCodeFailure(who, error);
  } finally {
    stream.close();
  }
  const parsed = agentStepResultSchema.safeParse(returned);
  if (!parsed.success) {
    throw new AgentStepError('agent_response_invalid', `${who} returned ${z.prettifyError(parsed.error)}`);
  }
  const result = parsed.data;
  return toAgentReply(
    {
      text: stream.settle(result.text),
      toolCalls: result.toolCalls ?? [],
      hasFinal: result.final !== undefined,
      final: result.final,
      state: result.state,
      usage: result.usage,
    },
    who,
  );
}
