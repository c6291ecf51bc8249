import { z } from 'zod';
import type { ModelReply, ToolCall } from '../messages.ts';
import { AgentStepError } from './agent-step-error.ts';

/** Largest `state` an agent may carry between steps, as JSON text. */
export const maxAgentStateBytes = 256 * 1024;

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
