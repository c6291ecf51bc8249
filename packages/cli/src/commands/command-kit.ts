import type { Command } from 'commander';
import type { CliContext, GlobalOptions } from '../cli-context.ts';
import { CliError } from '../errors/cli-error.ts';
import { ExitCode, type ExitCodeValue } from '../errors/exit-codes.ts';

/** Builds the context of one invocation from the global options. */
export type ContextFactory = (options: GlobalOptions) => CliContext;

/** What a command's handler answers: its exit code (nothing: 0). */
export type HandlerResult = Promise<ExitCodeValue | void>;

/** Where the exit code of the command that ran is kept, for the caller of the program. */
export interface ExitCodeHolder {
  code: ExitCodeValue;
}

/** What each command module is given to add its commands. */
export interface CommandKit {
  /**
   * Wraps a handler as a commander action: builds the context from the global options (which
   * may stand anywhere on the line) and keeps the handler's exit code.
   */
  action<Args extends unknown[]>(
    handler: (context: CliContext, ...args: Args) => HandlerResult,
  ): (...args: unknown[]) => Promise<void>;
}

/** A kit whose actions build contexts with `makeContext` and record exit codes in `exit`. */
export function commandKit(makeContext: ContextFactory, exit: ExitCodeHolder): CommandKit {
  return {
    action<Args extends unknown[]>(handler: (context: CliContext, ...args: Args) => HandlerResult) {
      return async (...args) => {
        const command = args.at(-1) as Command;
        const context = makeContext(command.optsWithGlobals<GlobalOptions>());
        // Commander passes the arguments, then the options, then the command itself.
        const code = await handler(context, ...(args.slice(0, -1) as Args));
        exit.code = code ?? ExitCode.ok;
      };
    },
  };
}

/** Parses a positive integer option. @throws CliError (usage) otherwise */
export function positiveInteger(name: string): (raw: string) => number {
  return (raw) => {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1)
      throw new CliError(`${name} must be a positive integer`, { exitCode: ExitCode.usage });
    return value;
  };
}
