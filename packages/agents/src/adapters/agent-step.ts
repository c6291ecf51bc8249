import { z } from 'zod';
import type { ConversationMessage, ModelReply, ToolCall, TokenUsage } from '../messages.ts';
import type { ModelToolDefinition } from '../models/model-call.ts';
import { agentCodeFailure, AgentStepError } from './agent-step-error.ts';
import { AgentTextStream, maxAgentTextChars } from './agent-text-stream.ts';

/** Largest `state` an agent may carry between steps, as JSON text. */
export const maxAgentStateBytes = 256 * 1024;

/** What one decision step of a code agent gets from the runtime. */
export interface AgentStepContext {
  readonly runId: string;
  /** The step, from 1; keeps counting across continue-as-new. */
  readonly step: number;
  /** Attempt of this step, from 1: a step may run again after a crash or a retried failure. */
  readonly attempt: number;
  /** The run's input, as given to `POST /v1/runs`. */
  readonly input: unknown;
  /** The conversation so far: the input, earlier replies, tool results, user messages. */
  readonly messages: readonly ConversationMessage[];
  /** What the previous step returned as `state`; undefined at the first step. */
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
 * loop does. `state` (JSON, at most {@link maxAgentStateBytes}) is handed to the next step.
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

/**
 * A model step's reply, plus what code and HTTP agents add: the run's `final` output and the
 * `state` for the next step. The builtin loop never sets either.
 */
export interface AgentReply extends ModelReply {
  readonly final?: unknown;
  readonly state?: unknown;
  /**
   * More steps follow although the reply has no tool calls (a LangGraph graph that has not
   * reached its end); without it, a reply without tool calls ends the run.
   */
  readonly continues?: boolean;
}

const tokenCount = z.number().int().min(0).max(1e12);

/** A tool call an agent asks for. */
export const agentToolCallSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, '1 to 128 letters, digits, "_", ".", ":" or "-"'),
  name: z.string().min(1).max(128),
  arguments: z.record(z.string(), z.unknown()).default({}),
});

/** Tokens an agent step reports having used. */
export const agentUsageSchema = z.strictObject({
  inputTokens: tokenCount.default(0),
  outputTokens: tokenCount.default(0),
  totalTokens: tokenCount.optional(),
});

const agentStepResultSchema = z.strictObject({
  text: z.string().max(maxAgentTextChars).optional(),
  toolCalls: z.array(agentToolCallSchema).max(64).optional(),
  final: z.unknown().optional(),
  state: z.unknown().optional(),
  usage: agentUsageSchema.optional(),
});

/** The parts of a step's answer, before the checks every adapter shares. */
export interface AgentDecision {
  readonly text: string;
  readonly toolCalls: readonly ToolCall[];
  readonly hasFinal: boolean;
  readonly final: unknown;
  readonly state: unknown;
  readonly usage: z.output<typeof agentUsageSchema> | undefined;
}

/**
 * A decision as the workflow records it: tool call ids unique, no final answer beside tool
 * calls, state within {@link maxAgentStateBytes}.
 * @throws AgentStepError `agent_response_invalid` or `agent_state_too_large`
 */
export function toAgentReply(decision: AgentDecision, who: string): AgentReply {
  const ids = new Set(decision.toolCalls.map((call) => call.id));
  if (ids.size !== decision.toolCalls.length) {
    throw new AgentStepError('agent_response_invalid', `${who} repeated a tool call id within one step`);
  }
  if (decision.hasFinal && decision.toolCalls.length > 0) {
    throw new AgentStepError('agent_response_invalid', `${who} gave a final answer and tool calls in one step`);
  }
  if (decision.state !== undefined) {
    const bytes = Buffer.byteLength(JSON.stringify(decision.state) ?? '', 'utf8');
    if (bytes > maxAgentStateBytes) {
      throw new AgentStepError(
        'agent_state_too_large',
        `${who} returned ${bytes} bytes of state; at most ${maxAgentStateBytes} are carried between steps`,
      );
    }
  }
  const inputTokens = decision.usage?.inputTokens ?? 0;
  const outputTokens = decision.usage?.outputTokens ?? 0;
  return {
    text: decision.text,
    toolCalls: decision.toolCalls,
    usage: {
      inputTokens,
      outputTokens,
      totalTokens: decision.usage?.totalTokens ?? inputTokens + outputTokens,
      costUsd: null,
    },
    ...(decision.hasFinal ? { final: decision.final ?? null } : {}),
    ...(decision.state === undefined ? {} : { state: decision.state }),
  };
}

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
