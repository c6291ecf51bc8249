import type { AgentRuntimeClient } from '@agent-runtime/sdk';
import type { ChatTransport } from './chat-transport.ts';

/** Whether the API serves threads (its OpenAPI document lists `POST /v1/threads`). */
export function apiHasThreads(client: AgentRuntimeClient): Promise<boolean> {
  return client.apiDocument.supports('/v1/threads', 'post');
}

/** Chat on a thread: which one, and whether it held a conversation before this session. */
export interface ThreadTransport extends ChatTransport {
  readonly threadId: string;
  /** Messages the thread held when the session began (0 for a new thread). */
  readonly earlierMessages: number;
}

/**
 * Chat on a thread: every turn is the thread's next run, so the agent sees the conversation
 * so far. A new thread unless `threadId` names one to continue (a missing one is a 404 here,
 * before anything is typed). A turn sent while an earlier one still runs is refused
 * (`multitaskStrategy: reject`): the session waits for each turn to end before the next.
 */
export async function threadTransport(
  client: AgentRuntimeClient,
  agentId: string,
  options: { readonly threadId?: string; readonly version?: number } = {},
): Promise<ThreadTransport> {
  const thread =
    options.threadId === undefined ? await client.threads.create() : await client.threads.get(options.threadId);
  return {
    threadId: thread.id,
    earlierMessages: thread.messageCount,
    keepsHistory: true,
    description: `thread ${thread.id}, the agent sees the whole conversation`,
    async startTurn(message) {
      const { run } = await client.threads.startRun(thread.id, {
        agentId,
        input: { message },
        multitaskStrategy: 'reject',
        ...(options.version === undefined ? {} : { version: options.version }),
      });
      return run.id;
    },
  };
}
