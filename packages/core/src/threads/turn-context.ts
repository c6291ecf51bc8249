import type { Kysely } from 'kysely';
import { readThreadHistory } from '../db/repositories/thread-messages.ts';
import { readCarriedAgentState } from '../db/repositories/threads.ts';
import type { Database } from '../db/schema.ts';
import type { AgentSpec } from '../domain/agent-spec.ts';
import type { StoredConversationMessage } from '../domain/thread.ts';

/** What a step of a thread's turn gets from the thread's earlier turns. */
export interface TurnContext {
  /** The earlier turns' messages the spec's history policy keeps, oldest first. */
  readonly history: StoredConversationMessage[];
  /** What the thread's last kept turn's adapter ended with; undefined for nothing. */
  readonly carriedState: unknown;
}

/** Characters counted as one token when a history policy sets `maxTokens`: a rough, provider-neutral estimate. */
const charactersPerToken = 4;

function tokensOf(message: StoredConversationMessage): number {
  const toolCalls = message.role === 'assistant' ? JSON.stringify(message.toolCalls).length : 0;
  return Math.ceil((message.content.length + toolCalls) / charactersPerToken) + 1;
}

/**
 * The newest messages within `maxTokens`, and never starting inside a turn's tool calls: a
 * tool result or reply without the user message before it confuses models, so the window
 * begins at a user message.
 */
export function applyHistoryPolicy(
  messages: readonly StoredConversationMessage[],
  policy: AgentSpec['history'],
): StoredConversationMessage[] {
  let start = 0;
  if (policy?.maxTokens !== undefined) {
    let tokens = 0;
    start = messages.length;
    while (start > 0) {
      const next = tokens + tokensOf(messages[start - 1]!);
      if (next > policy.maxTokens) break;
      tokens = next;
      start -= 1;
    }
  }
  while (start < messages.length && messages[start]!.role !== 'user') start += 1;
  return messages.slice(start);
}

/**
 * The thread's earlier turns as a step of its current turn sees them: read from the database
 * by the step's activity, so the run's workflow never carries the thread's history, however
 * long it grows. The current turn has not written its messages yet (a turn's messages join
 * the thread as it ends), so every message read is an earlier turn's.
 */
export async function readTurnContext(
  db: Kysely<Database>,
  tenantId: string,
  threadId: string,
  policy: AgentSpec['history'],
): Promise<TurnContext> {
  const messages = await readThreadHistory(db, tenantId, threadId, policy?.lastMessages);
  return {
    history: applyHistoryPolicy(messages, policy),
    carriedState: await readCarriedAgentState(db, tenantId, threadId),
  };
}
