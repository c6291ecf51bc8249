import { Command, CommanderError } from 'commander';
import { CliContext, cliVersion, type CliStreams, type GlobalOptions } from './cli-context.ts';
import { addAccessCommands } from './commands/access.ts';
import { addAgentsCommands } from './commands/agents.ts';
import { addChatCommand } from './commands/chat.ts';
import { commandKit, type ExitCodeHolder } from './commands/command-kit.ts';
import { addCompletionCommand } from './commands/completion.ts';
import { addLoginCommands } from './commands/login.ts';
import { addRunsCommands } from './commands/runs.ts';
import { addThreadsCommands } from './commands/threads.ts';
import { addUsageCommand } from './commands/usage.ts';
import { addWhoamiCommand } from './commands/whoami.ts';
import type { CliEnvironment } from './config/cli-environment.ts';
import { describeError } from './errors/describe-error.ts';
import { ExitCode, type ExitCodeValue } from './errors/exit-codes.ts';
import { Palette } from './output/palette.ts';

/** What one invocation runs with. */
export interface CliInvocation {
  readonly environment: CliEnvironment;
  readonly streams: CliStreams;
}

/** The program: `noun verb` commands (as `gh` has them), global options valid anywhere on the line. */
function buildProgram(invocation: CliInvocation, exit: ExitCodeHolder): Command {
  const program = new Command('agent-runtime')
    .description('Operate the Agent Runtime: agents, runs, threads, chats and access, from a terminal or a script.')
    .version(cliVersion, '-V, --version')
    .option('-p, --profile <name>', 'the profile to use (default: AGENT_RUNTIME_PROFILE, else the current one)')
    .option('--json', 'print results as JSON (runs followed: one event per line)')
    .option('-q, --quiet', 'no notes or progress; lists print ids only')
    .option('--no-color', 'no colour (also: NO_COLOR, or output that is not a terminal)')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => invocation.streams.stdout.write(text),
      writeErr: (text) => invocation.streams.stderr.write(text),
    });
  const kit = commandKit(
    (options: GlobalOptions) => new CliContext(invocation.environment, options, invocation.streams),
    exit,
  );
  addLoginCommands(program, kit);
  addWhoamiCommand(program, kit);
  addAgentsCommands(program, kit);
  addRunsCommands(program, kit);
  addThreadsCommands(program, kit);
  addChatCommand(program, kit);
  addAccessCommands(program, kit);
  addUsageCommand(program, kit);
  addCompletionCommand(program, kit);
  // Subcommands report usage errors the same way (exit 2) and print through the same streams.
  for (const command of program.commands.flatMap((command) => [command, ...command.commands])) {
    command.exitOverride().showHelpAfterError('(run with --help for usage)');
  }
  return program;
}

/**
 * Runs the CLI on `argv` (without node and the script) and answers its exit code; failures
 * are explained on stderr (the problem's title and code, and what to do), or as JSON there
 * with `--json`. Never calls process.exit, so tests and the benchmark can run it in-process.
 */
export async function runCli(argv: readonly string[], invocation: CliInvocation): Promise<ExitCodeValue> {
  const exit: ExitCodeHolder = { code: ExitCode.ok };
  const program = buildProgram(invocation, exit);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exit.code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end by "throwing" with code 0.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    const described = describeError(error);
    const options = program.opts<GlobalOptions>();
    const { stderr } = invocation.streams;
    if (options.json) {
      const { message, hint, code, requestId } = described;
      stderr.write(`${JSON.stringify({ error: { message, code, requestId, hint } })}\n`);
    } else {
      const palette = new Palette(options.color !== false && !invocation.environment.noColor && stderr.isTTY === true);
      stderr.write(`${palette.paint('red', 'error:')} ${described.message}\n`);
      if (described.requestId) stderr.write(`${palette.paint('dim', `request id: ${described.requestId}`)}\n`);
      if (described.hint) stderr.write(`${palette.paint('dim', `hint: ${described.hint}`)}\n`);
    }
    return described.exitCode;
  }
}
