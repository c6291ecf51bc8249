/** One message of an OpenAI-compatible chat. */
export interface ChatMessage {
  readonly role: 'user' | 'assistant' | 'tool';
  readonly content: string | null;
  readonly tool_calls?: readonly ToolCall[];
  readonly tool_call_id?: string;
}

/** A tool call the model asked for. */
export interface ToolCall {
  readonly id: string;
  readonly type: 'function';
  readonly function: { readonly name: string; readonly arguments: string };
}

/** The echo tool, as the model is told of it. */
export const echoToolDefinition = {
  type: 'function',
  function: {
    name: 'echo',
    description: 'Echoes its text',
    parameters: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
  },
} as const;

/**
 * One model call of the echo agent: POST /chat/completions with the conversation so far and
 * the echo tool; answers the assistant message. The peers without a model integration of their
 * own (DBOS, Restate) make it a durable step.
 */
export async function callModel(
  baseUrl: string,
  model: string,
  messages: readonly ChatMessage[],
): Promise<ChatMessage> {
  const response = await fetch(`${baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages, tools: [echoToolDefinition] }),
  });
  if (!response.ok) throw new Error(`model answered HTTP ${response.status}`);
  const body = (await response.json()) as { choices: { message: ChatMessage }[] };
  const message = body.choices[0]?.message;
  if (!message) throw new Error('model answered no choice');
  return {
    role: 'assistant',
    content: message.content ?? null,
    ...(message.tool_calls ? { tool_calls: message.tool_calls } : {}),
  };
}

/** The echo tool's effect. */
export async function echo(argumentsJson: string): Promise<string> {
  return (JSON.parse(argumentsJson) as { text?: string }).text ?? '';
}
