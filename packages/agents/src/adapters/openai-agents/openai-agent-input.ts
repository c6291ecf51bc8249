import type { AgentInputItem } from '@openai/agents-core';
import type { ConversationMessage } from '../../messages.ts';
import type { ModelToolNames } from '../../models/model-tool-names.ts';

/**
 * Our conversation as the SDK's input items: user and assistant messages, each tool call a
 * `function_call` and each recorded result a `function_call_result` whose output is the
 * result as the runtime records it (`{"ok":true,"output":…}` or `{"ok":false,"error":…}`).
 * Tool names are the ones the model sees.
 */
export function toOpenAiAgentInput(messages: readonly ConversationMessage[], names: ModelToolNames): AgentInputItem[] {
  return messages.flatMap((message): AgentInputItem[] => {
    switch (message.role) {
      case 'user':
        return [{ type: 'message', role: 'user', content: message.content }];
      case 'assistant':
        return [
          ...(message.content
            ? [
                {
                  type: 'message' as const,
                  role: 'assistant' as const,
                  status: 'completed' as const,
                  content: [{ type: 'output_text' as const, text: message.content }],
                },
              ]
            : []),
          ...message.toolCalls.map((call) => ({
            type: 'function_call' as const,
            callId: call.id,
            name: names.toModel(call.name),
            arguments: JSON.stringify(call.arguments),
            status: 'completed' as const,
          })),
        ];
      case 'tool':
        return [
          {
            type: 'function_call_result',
            callId: message.toolCallId,
            name: names.toModel(message.name),
            status: 'completed',
            output: message.content,
          },
        ];
    }
  });
}
