import { z } from 'zod';
import { metadataSchema } from './resources.ts';

const timestamp = z.iso.datetime({ offset: true });

/**
 * A thread's state, read from its runs: `busy` while a run of it is queued or running,
 * `waiting` while one waits for an approval, `error` when its last run failed or timed out,
 * else `idle`.
 */
export const threadStatuses = ['idle', 'busy', 'waiting', 'error'] as const;
export type ThreadStatus = (typeof threadStatuses)[number];

/**
 * What a new run on a thread does when an earlier run of the thread has not ended (double
 * texting): `reject` answers 409 `thread_busy`; `enqueue` runs after it; `interrupt` stops it
 * at its next step boundary, keeping what it did, and runs next; `rollback` cancels it, drops
 * its turn from the thread, and runs next.
 */
export const multitaskStrategies = ['reject', 'enqueue', 'interrupt', 'rollback'] as const;
export type MultitaskStrategy = (typeof multitaskStrategies)[number];

const toolCallSchema = z.object({
  id: z.string(),
  name: z.string(),
  arguments: z.record(z.string(), z.unknown()),
});

/** One message of a conversation: the user's, the agent's (with the tools it called), or a tool's result. */
export const conversationMessageSchema = z
  .discriminatedUnion('role', [
    z.object({ role: z.literal('user'), content: z.string() }),
    z.object({ role: z.literal('assistant'), content: z.string(), toolCalls: z.array(toolCallSchema) }),
    z.object({
      role: z.literal('tool'),
      toolCallId: z.string(),
      name: z.string(),
      content: z.string().describe("The tool's outcome as JSON: `{ ok: true, value }` or `{ ok: false, error }`"),
    }),
  ])
  .meta({ id: 'ConversationMessage' });

/** Where a forked thread came from: the thread, and the last message of it the fork holds. */
export const threadOriginSchema = z
  .object({ threadId: z.uuid(), seq: z.number().int().min(0) })
  .meta({ id: 'ThreadOrigin' });

/** A conversation that runs continue turn by turn. */
export const threadSchema = z
  .object({
    id: z.uuid(),
    tenantId: z.uuid(),
    metadata: z.record(z.string(), z.string()),
    status: z.enum(threadStatuses),
    messageCount: z.number().int().describe('Messages the thread holds'),
    forkedFrom: threadOriginSchema.nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'Thread' });

/** A message of a thread, at its place in it. */
export const threadMessageSchema = z
  .object({
    seq: z.number().int().min(1).describe('The place of the message in its thread, from 1'),
    runId: z.uuid().nullable().describe('The run whose turn added the message'),
    message: conversationMessageSchema,
    createdAt: timestamp,
  })
  .meta({ id: 'ThreadMessage' });

/** A new thread's labels. */
export const newThreadSchema = z.strictObject({ metadata: metadataSchema.optional() });

export type Thread = z.infer<typeof threadSchema>;
export type ThreadMessage = z.infer<typeof threadMessageSchema>;
export type ThreadOrigin = z.infer<typeof threadOriginSchema>;
/** A conversation message as the runtime keeps it (the shape of the agents package's `ConversationMessage`). */
export type StoredConversationMessage =
  | { readonly role: 'user'; readonly content: string }
  | {
      readonly role: 'assistant';
      readonly content: string;
      readonly toolCalls: readonly {
        readonly id: string;
        readonly name: string;
        readonly arguments: Readonly<Record<string, unknown>>;
      }[];
    }
  | { readonly role: 'tool'; readonly toolCallId: string; readonly name: string; readonly content: string };
