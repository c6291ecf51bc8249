import { ExitCode, type ExitCodeValue } from './exit-codes.ts';

/** A failure the CLI explains itself: a message, what to do about it, and the exit code. */
export class CliError extends Error {
  override readonly name = 'CliError';
  readonly exitCode: ExitCodeValue;
  /** What the user can do about it. */
  readonly hint: string | undefined;

  constructor(message: string, options: { readonly exitCode?: ExitCodeValue; readonly hint?: string } = {}) {
    super(message);
    this.exitCode = options.exitCode ?? ExitCode.error;
    this.hint = options.hint;
  }
}
