import type { Command } from 'commander';
import { resolveAgent } from '../agents/resolve-agent.ts';
import type { ChatTransport } from '../chat/chat-transport.ts';
import { runPerTurnTransport } from '../chat/run-per-turn-transport.ts';
import { showThreadHistory } from '../chat/thread-history.ts';
import { apiHasThreads, threadTransport } from '../chat/thread-transport.ts';
import type { CliContext } from '../cli-context.ts';
import { CliError } from '../errors/cli-error.ts';
import { ExitCode, type ExitCodeValue } from '../errors/exit-codes.ts';
import { followRunOutput } from '../runs/follow-run-output.ts';
import { positiveInteger, type CommandKit } from './command-kit.ts';

interface ChatOptions {
  readonly version?: number;
  readonly thread?: string;
}

/** Words that end a session when typed as a message. */
const exitWords = new Set(['/exit', '/quit']);

/** `chat <agent>`: an interactive multi-turn session (lines of stdin when no terminal). */
export function addChatCommand(program: Command, kit: CommandKit): void {
  program
    .command('chat')
    .description('Talk with an agent, turn by turn: streamed answers, tool calls, approvals inline')
    .argument('<agent>', 'id or name')
    .option('--version <n>', 'this version instead of the latest', positiveInteger('--version'))
    .option('--thread <id>', 'continue this thread, showing its conversation so far (where the API has threads)')
    .action(kit.action((context, reference: string, options: ChatOptions) => chat(context, reference, options)));
}

async function chat(context: CliContext, reference: string, options: ChatOptions): Promise<ExitCodeValue> {
  const { output, prompter } = context;
  const client = await context.client();
  const agent = await resolveAgent(client, reference);
  let transport: ChatTransport;
  let resumed: { readonly threadId: string } | undefined;
  if (await apiHasThreads(client)) {
    const onThread = await threadTransport(client, agent.id, {
      ...(options.thread === undefined ? {} : { threadId: options.thread }),
      ...(options.version === undefined ? {} : { version: options.version }),
    });
    transport = {
      ...onThread,
      farewell: `continue it with: agent-runtime chat ${agent.name} --thread ${onThread.threadId}`,
    };
    if (onThread.earlierMessages > 0) resumed = onThread;
  } else {
    if (options.thread !== undefined) throw new CliError('this API has no threads: --thread cannot be used');
    transport = runPerTurnTransport(client, agent.id, options.version);
  }
  output.note(output.errorPalette.paint('dim', `chat with ${agent.name}: ${transport.description}; /exit ends it`));
  if (resumed) {
    // A resumed conversation starts with what was said, so the next message has its context.
    output.note(output.errorPalette.paint('dim', `earlier in thread ${resumed.threadId}:`));
    await showThreadHistory(client, resumed.threadId, output);
  }

  const turns = prompter.interactive ? promptedTurns(context) : prompter.lines();
  for await (const raw of turns) {
    const message = raw.trim();
    if (exitWords.has(message)) break;
    if (message === '') continue;
    const runId = await transport.startTurn(message);
    // A failed turn is shown and the conversation goes on; the run's id finds it later.
    await followRunOutput(context, client, runId);
  }
  if (transport.farewell) output.note(output.errorPalette.paint('dim', transport.farewell));
  return ExitCode.ok;
}

/** The user's messages, asked for one at a time at the terminal; Ctrl-C at the prompt ends the session. */
async function* promptedTurns(context: CliContext): AsyncGenerator<string, void, undefined> {
  for (;;) {
    try {
      yield await context.prompter.text('You', { placeholder: 'a message, or /exit' });
    } catch (error) {
      if (error instanceof CliError && error.exitCode === ExitCode.interrupted) return;
      throw error;
    }
  }
}
