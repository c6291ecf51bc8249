import type { Kysely } from 'kysely';
import { readThreadHistory, type ThreadHistoryEntry } from '../db/repositories/thread-messages.ts';
import { readCarriedAgentState, readThreadSummary, type ThreadSummary } from '../db/repositories/threads.ts';
import type { Database } from '../db/schema.ts';
import type { AgentSpec } from '../domain/agent-spec.ts';
import type { StoredConversationMessage } from '../domain/thread.ts';

/** What a step of a thread's turn gets from the thread's earlier turns. */
export interface TurnContext {
  /** The earlier turns' messages the spec's history policy keeps, oldest first. */
  readonly history: StoredConversationMessage[];
  /** The last message the window leaves out (0: it leaves none out). */
  readonly omittedThroughSeq: number;
  /** The thread's summary, when its policy summarizes what the window leaves out. */
  readonly summary: ThreadSummary | undefined;
  /**
   * What the thread's last kept turn's adapter ended with; undefined for nothing, and at a
   * later step of the turn, which starts from its own previous step's state instead.
   */
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
export function applyHistoryPolicy<Entry extends { readonly message: StoredConversationMessage }>(
  entries: readonly Entry[],
  policy: AgentSpec['history'],
): Entry[] {
  let start = 0;
  if (policy?.maxTokens !== undefined) {
    let tokens = 0;
    start = entries.length;
    while (start > 0) {
      const next = tokens + tokensOf(entries[start - 1]!.message);
      if (next > policy.maxTokens) break;
      tokens = next;
      start -= 1;
    }
  }
  while (start < entries.length && entries[start]!.message.role !== 'user') start += 1;
  return entries.slice(start);
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
  step: { readonly firstOfTurn: boolean },
): Promise<TurnContext> {
  // One more than the window when lastMessages is set: whether anything was left out shows.
  const limit = policy?.lastMessages === undefined ? undefined : policy.lastMessages + 1;
  const read: ThreadHistoryEntry[] = await readThreadHistory(db, tenantId, threadId, limit);
  const candidates = limit !== undefined && read.length === limit ? read.slice(1) : read;
  const window = applyHistoryPolicy(candidates, policy);
  const firstKept = window[0]?.seq ?? (read.at(-1)?.seq ?? 0) + 1;
  return {
    history: window.map((entry) => entry.message),
    omittedThroughSeq: firstKept - 1,
    summary: policy?.summarize === true ? await readThreadSummary(db, tenantId, threadId) : undefined,
    carriedState: step.firstOfTurn ? await readCarriedAgentState(db, tenantId, threadId) : undefined,
  };
}
