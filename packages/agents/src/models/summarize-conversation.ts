import type { ProviderModelSpec } from '@agent-runtime/core';
import type { ConversationMessage, ModelReply } from '../messages.ts';
import { callProviderModel } from './ai-sdk-model.ts';
import type { ModelCallContext } from './model-call.ts';

/** What the summarizing model is told to do. */
const summarizerInstructions = [
  'You keep the memory of a long conversation between a user and an assistant.',
  'Write a concise summary of the conversation you are given (and of the earlier summary, if',
  'there is one): the facts the user stated, their preferences, decisions made, open questions',
  'and what tools found. Leave out greetings and small talk. Write plain prose, at most 300 words.',
].join(' ');

/** One message as a line of a transcript. */
function transcriptLine(message: ConversationMessage): string {
  if (message.role === 'tool') return `tool ${message.name} returned: ${message.content}`;
  if (message.role === 'assistant' && message.toolCalls.length > 0) {
    const calls = message.toolCalls.map((call) => `${call.name}(${JSON.stringify(call.arguments)})`).join(', ');
    return `assistant: ${message.content} [called ${calls}]`;
  }
  return `${message.role}: ${message.content}`;
}

/**
 * One call of `model` that summarizes `messages`, going on from `previous` (the summary of
 * what came before them), for a thread whose history policy summarizes what its window
 * leaves out. No tools are offered; the reply's text is the summary.
 * @throws ModelCallError when the provider fails; `retryable` says whether to try again
 */
export async function summarizeConversation(
  model: ProviderModelSpec,
  previous: string | undefined,
  messages: readonly ConversationMessage[],
  context: ModelCallContext,
): Promise<ModelReply> {
  const transcript = messages.map(transcriptLine).join('\n');
  const content =
    previous === undefined
      ? `Summarize this conversation:\n\n${transcript}`
      : `Summary so far:\n${previous}\n\nThe conversation went on:\n\n${transcript}\n\nWrite the summary of all of it.`;
  return callProviderModel(
    { model, instructions: summarizerInstructions, messages: [{ role: 'user', content }], tools: [] },
    context,
  );
}
