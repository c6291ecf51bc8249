/** A tool call as a model emits it. */
export interface ToolCall {
  /** Unique within its model step. */
  readonly id: string;
  readonly name: string;
  readonly arguments: Record<string, unknown>;
}

/** One message of a run's conversation, in the shape every model provider is mapped from. */
export type ConversationMessage =
  | { readonly role: 'user'; readonly content: string }
  | { readonly role: 'assistant'; readonly content: string; readonly toolCalls: readonly ToolCall[] }
  | { readonly role: 'tool'; readonly toolCallId: string; readonly name: string; readonly content: string };

/** Tokens a model step consumed, and what they cost. */
export interface TokenUsage {
  /** Every input token, cached or not. */
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Input plus output, as the provider counts it (some count reasoning apart). */
  readonly totalTokens?: number;
  /** Input tokens the provider read from its prompt cache, when it says. */
  readonly cachedInputTokens?: number;
  /** USD, from the spec's `model.pricing`; null when the spec has no pricing. */
  readonly costUsd?: number | null;
}

/** What one model step returns: text, tool calls to run next, usage. No tool calls = final. */
export interface ModelReply {
  readonly text: string;
  readonly toolCalls: readonly ToolCall[];
  readonly usage: TokenUsage;
}

/** The user message a run's input becomes: a string as is, anything else as JSON. */
export function inputToUserMessage(input: unknown): ConversationMessage {
  if (typeof input === 'string') return { role: 'user', content: input };
  if (input !== null && typeof input === 'object' && 'message' in input && typeof input.message === 'string') {
    return { role: 'user', content: input.message };
  }
  return { role: 'user', content: JSON.stringify(input) };
}
