import type { AgentRuntimeClient, ThreadMessage } from '@agent-runtime/sdk';
import type { Output } from '../output/output.ts';
import { shortJson } from '../runs/format-json.ts';

/** The lines a thread message shows as, the way a live turn shows it. */
export function threadMessageLines(item: ThreadMessage, output: Output): string[] {
  const paint = output.palette.paint.bind(output.palette);
  const { message } = item;
  switch (message.role) {
    case 'user':
      return [`${paint('bold', 'You:')} ${message.content}`];
    case 'assistant':
      return [
        ...(message.content === '' ? [] : [message.content]),
        ...message.toolCalls.map((call) => paint('dim', `→ ${call.name}(${shortJson(call.arguments)})`)),
      ];
    case 'tool':
      return [paint('dim', `← ${message.name}: ${message.content}`)];
    default:
      return [];
  }
}

/**
 * Shows a thread's conversation so far, oldest first, as the session would have shown it:
 * what a resumed chat prints before its first prompt. With `--json`, one message a line.
 */
export async function showThreadHistory(client: AgentRuntimeClient, threadId: string, output: Output): Promise<void> {
  for await (const item of client.threads.messages(threadId, { limit: 200 })) {
    if (output.json) output.line(JSON.stringify(item));
    else for (const line of threadMessageLines(item, output)) output.line(line);
  }
}
