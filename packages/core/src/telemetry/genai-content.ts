import type { Config } from '../config.ts';

/** How much of a conversation model spans carry (`OTEL_GENAI_CAPTURE_CONTENT`). */
export type GenAiContentCapture = Config['OTEL_GENAI_CAPTURE_CONTENT'];

/** A message as the GenAI semantic conventions record it: a role and its parts. */
interface CapturedMessage {
  readonly role: string;
  readonly parts: readonly Record<string, unknown>[];
}

/** What model span content is made from: a role, its text and the tool calls it asked for. */
export interface GenAiMessage {
  readonly role: string;
  readonly content?: string | undefined;
  readonly toolCalls?: readonly { readonly id: string; readonly name: string; readonly arguments?: unknown }[];
  readonly toolCallId?: string | undefined;
}

function captureMessage(message: GenAiMessage, capture: 'redacted' | 'full'): CapturedMessage {
  const parts: Record<string, unknown>[] = [];
  if (message.content !== undefined) {
    const type = message.role === 'tool' ? 'tool_call_response' : 'text';
    const text = capture === 'full' ? message.content : `[redacted: ${message.content.length} chars]`;
    parts.push(type === 'text' ? { type, content: text } : { type, id: message.toolCallId, response: text });
  }
  for (const call of message.toolCalls ?? []) {
    parts.push({
      type: 'tool_call',
      id: call.id,
      name: call.name,
      ...(capture === 'full' ? { arguments: call.arguments } : {}),
    });
  }
  return { role: message.role, parts };
}

/**
 * The content attributes of a model span: `gen_ai.input.messages` and
 * `gen_ai.output.messages` as JSON, text replaced by its length when `redacted`, none when `off`.
 */
export function genAiContentAttributes(
  capture: GenAiContentCapture,
  input: readonly GenAiMessage[],
  output: GenAiMessage,
): Record<string, string> {
  if (capture === 'off') return {};
  return {
    'gen_ai.input.messages': JSON.stringify(input.map((message) => captureMessage(message, capture))),
    'gen_ai.output.messages': JSON.stringify([captureMessage(output, capture)]),
  };
}
