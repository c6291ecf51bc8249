import type { JsonValue } from '@agent-runtime/sdk';
import { CliError } from '../errors/cli-error.ts';
import { ExitCode } from '../errors/exit-codes.ts';

/** The input options of a run. */
export interface RunInputOptions {
  /** A user message: the input `{ "message": text }`, as builtin agents read it. */
  readonly input?: string;
  /** Any JSON input, as it is. */
  readonly inputJson?: string;
}

/**
 * A run's input from `--input` (a message) or `--input-json` (any JSON).
 * @throws CliError (usage) when neither or both are given, or the JSON does not parse
 */
export function runInputOf(options: RunInputOptions): JsonValue {
  if ((options.input === undefined) === (options.inputJson === undefined)) {
    throw new CliError('give the input as --input <message> or --input-json <json>', { exitCode: ExitCode.usage });
  }
  if (options.input !== undefined) return { message: options.input };
  try {
    return JSON.parse(options.inputJson ?? '') as JsonValue;
  } catch (error) {
    throw new CliError(`--input-json is not JSON: ${(error as Error).message}`, { exitCode: ExitCode.usage });
  }
}
