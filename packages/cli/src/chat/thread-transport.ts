// The threads path of `chat`: used only where the API's document has /v1/threads. Threads are
// merged from another branch; this stays small so that it can be finished there (history
// shown on resume, double-texting choices) once the SDK's thread types are generated.
import type { AgentRuntimeClient } from '@agent-runtime/sdk';
import type { ChatTransport } from './chat-transport.ts';

/** Whether the API serves threads (its OpenAPI document lists `POST /v1/threads`). */
export function apiHasThreads(client: AgentRuntimeClient): Promise<boolean> {
  return client.apiDocument.supports('/v1/threads', 'post');
}

/**
 * Chat on a thread: every turn is the thread's next run, so the agent sees the conversation
 * so far. A new thread unless `threadId` names one to continue. A turn sent while the previous
 * one still runs is refused (`multitaskStrategy: reject`): the session waits for each turn.
 */
export async function threadTransport(
  client: AgentRuntimeClient,
  agentId: string,
  options: { readonly threadId?: string; readonly version?: number } = {},
): Promise<ChatTransport & { readonly threadId: string }> {
  const threadId = options.threadId ?? (await client.threads.create()).id;
  return {
    threadId,
    keepsHistory: true,
    description: `thread ${threadId}: the agent sees the whole conversation (continue it with --thread ${threadId})`,
    async startTurn(message) {
      const { run } = await client.threads.startRun(threadId, {
        agentId,
        input: { message },
        multitaskStrategy: 'reject',
        ...(options.version === undefined ? {} : { version: options.version }),
      });
      return run.id;
    },
  };
}
