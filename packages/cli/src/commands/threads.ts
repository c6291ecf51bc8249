import type { Thread, ThreadStatus } from '@agent-runtime/sdk';
import type { Command } from 'commander';
import { threadMessageLines } from '../chat/thread-history.ts';
import type { CliContext } from '../cli-context.ts';
import { CliError } from '../errors/cli-error.ts';
import { ExitCode } from '../errors/exit-codes.ts';
import type { Column } from '../output/table.ts';
import { positiveInteger, type CommandKit } from './command-kit.ts';

const threadColumns: Column<Thread>[] = [
  { heading: 'id', value: (thread) => thread.id },
  { heading: 'status', value: (thread) => thread.status },
  { heading: 'messages', value: (thread) => thread.messageCount },
  { heading: 'updated', value: (thread) => thread.updatedAt },
  { heading: 'metadata', value: (thread) => metadataText(thread.metadata) },
];

const statuses: readonly ThreadStatus[] = ['idle', 'busy', 'waiting', 'error'];

function metadataText(metadata: Readonly<Record<string, string>>): string {
  return Object.entries(metadata)
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
}

/** Collects repeated `--metadata key=value` options into one record. */
function metadataPair(raw: string, previous: Record<string, string> = {}): Record<string, string> {
  const equals = raw.indexOf('=');
  if (equals < 1) throw new CliError('--metadata must be key=value', { exitCode: ExitCode.usage });
  return { ...previous, [raw.slice(0, equals)]: raw.slice(equals + 1) };
}

/** `threads ls|get|messages|fork|delete`. */
export function addThreadsCommands(program: Command, kit: CommandKit): void {
  const threads = program.command('threads').description('Conversations: their messages, forks and deletion');

  threads
    .command('ls')
    .description("List the tenant's threads, newest first")
    .option('--status <status>', `threads in this state only (${statuses.join(', ')})`)
    .option('-m, --metadata <key=value>', 'threads with this metadata pair (repeatable: all must match)', metadataPair)
    .option('-L, --limit <n>', 'at most this many', positiveInteger('--limit'), 30)
    .action(
      kit.action(async (context, options: { status?: string; metadata?: Record<string, string>; limit: number }) => {
        const status = statuses.find((candidate) => candidate === options.status);
        if (options.status !== undefined && !status) {
          throw new CliError(`--status must be one of ${statuses.join(', ')}`, { exitCode: ExitCode.usage });
        }
        const client = await context.client();
        const filter = { ...(status ? { status } : {}), ...(options.metadata ? { metadata: options.metadata } : {}) };
        context.output.table(await client.threads.list(filter).toArray(options.limit), threadColumns);
      }),
    );

  threads
    .command('get')
    .description('Show a thread: status, messages held, metadata, where it was forked from')
    .argument('<thread>', 'thread id')
    .action(
      kit.action(async (context, threadId: string) =>
        showThread(context, await (await context.client()).threads.get(threadId)),
      ),
    );

  threads
    .command('messages')
    .description("Show a thread's conversation, oldest first")
    .argument('<thread>', 'thread id')
    .option('--desc', 'newest first')
    .option('-L, --limit <n>', 'at most this many', positiveInteger('--limit'))
    .action(
      kit.action(async (context, threadId: string, options: { desc?: boolean; limit?: number }) => {
        const client = await context.client();
        const messages = await client.threads
          .messages(threadId, { order: options.desc ? 'desc' : 'asc' })
          .toArray(options.limit);
        const { output } = context;
        output.result(messages, () => {
          if (messages.length === 0) return output.note('no messages yet');
          for (const item of messages) {
            for (const line of threadMessageLines(item, output)) {
              output.line(`${output.palette.paint('dim', `${String(item.seq).padStart(4)} `)}${line}`);
            }
          }
        });
      }),
    );

  threads
    .command('fork')
    .description('A new thread holding this one up to a message or a turn (default: all of it)')
    .argument('<thread>', 'thread id')
    .option('--seq <n>', 'up to this message (its number in `threads messages`)', positiveInteger('--seq'))
    .option('--run <run>', "up to the end of this run's turn")
    .option('-m, --metadata <key=value>', "the fork's metadata (repeatable; default: the source's)", metadataPair)
    .action(
      kit.action(
        async (
          context,
          threadId: string,
          options: { seq?: number; run?: string; metadata?: Record<string, string> },
        ) => {
          if (options.seq !== undefined && options.run !== undefined) {
            throw new CliError('give --seq or --run, not both', { exitCode: ExitCode.usage });
          }
          const fork = await (
            await context.client()
          ).threads.fork(threadId, {
            ...(options.seq === undefined ? {} : { seq: options.seq }),
            ...(options.run === undefined ? {} : { runId: options.run }),
            ...(options.metadata === undefined ? {} : { metadata: options.metadata }),
          });
          const { output } = context;
          output.result(fork, () => {
            output.line(fork.id);
            output.note(
              `forked ${threadId} (${fork.messageCount} messages); go on with: agent-runtime chat <agent> --thread ${fork.id}`,
            );
          });
        },
      ),
    );

  threads
    .command('delete')
    .description('Delete a thread and its messages (its runs stay readable)')
    .argument('<thread>', 'thread id')
    .action(
      kit.action(async (context, threadId: string) => {
        await (await context.client()).threads.delete(threadId);
        context.output.result({ id: threadId, deleted: true }, () =>
          context.output.success(`thread ${threadId} deleted`),
        );
      }),
    );
}

function showThread(context: CliContext, thread: Thread): void {
  const { output } = context;
  output.result(thread, () => {
    const paint = output.palette.paint.bind(output.palette);
    const rows: [string, string | undefined][] = [
      ['id', thread.id],
      ['status', thread.status === 'error' ? paint('red', thread.status) : thread.status],
      ['messages', String(thread.messageCount)],
      ['metadata', metadataText(thread.metadata) || undefined],
      [
        'forked',
        thread.forkedFrom ? `from ${thread.forkedFrom.threadId} at message ${thread.forkedFrom.seq}` : undefined,
      ],
      ['created', thread.createdAt],
      ['updated', thread.updatedAt],
    ];
    for (const [label, value] of rows)
      if (value !== undefined) output.line(`${paint('bold', label.padEnd(9))} ${value}`);
  });
}
