import { createInterface } from 'node:readline';
import * as clack from '@clack/prompts';
import type { CliStreams } from './cli-context.ts';
import { CliError } from './errors/cli-error.ts';
import { ExitCode } from './errors/exit-codes.ts';
import type { Output } from './output/output.ts';

/** A running spinner: stop it with a closing message. */
export interface Progress {
  stop(message?: string): void;
}

/**
 * Asks the user things (@clack/prompts) when a person is there to answer: stdin and stdout
 * both terminals and no `--json`. Commands check {@link interactive} and, without a person,
 * take the answer from a flag or stdin, or explain what to run instead.
 */
export class Prompter {
  readonly #streams: CliStreams;
  readonly #output: Output;

  constructor(streams: CliStreams, output: Output) {
    this.#streams = streams;
    this.#output = output;
  }

  /** Whether a person can answer prompts. */
  get interactive(): boolean {
    return this.#streams.stdin.isTTY === true && this.#streams.stdout.isTTY === true && !this.#output.json;
  }

  get #io() {
    return {
      input: this.#streams.stdin as NodeJS.ReadStream,
      output: this.#streams.stdout as NodeJS.WriteStream,
    };
  }

  #answer<T>(value: T | symbol): Exclude<T, symbol> {
    // Ctrl-C or Escape in a prompt answers clack's cancel symbol.
    if (typeof value === 'symbol') throw new CliError('cancelled', { exitCode: ExitCode.interrupted });
    return value as Exclude<T, symbol>;
  }

  /** A line of text; `optional` lets the user leave it empty. */
  async text(message: string, options: { readonly placeholder?: string; readonly optional?: boolean } = {}) {
    const value = await clack.text({
      ...this.#io,
      message,
      ...(options.placeholder === undefined ? {} : { placeholder: options.placeholder }),
      validate: (text) => (options.optional || (text ?? '').trim() !== '' ? undefined : 'required'),
    });
    return this.#answer(value).trim();
  }

  /** A secret, masked as it is typed, never echoed. */
  async password(message: string): Promise<string> {
    const value = await clack.password({
      ...this.#io,
      message,
      validate: (text) => ((text ?? '') === '' ? 'required' : undefined),
    });
    return this.#answer(value);
  }

  /** One of `choices`. */
  async select<Value extends string>(
    message: string,
    choices: readonly { readonly value: Value; readonly label: string; readonly hint?: string }[],
  ): Promise<Value> {
    const options = choices.map((choice) => ({
      value: choice.value,
      label: choice.label,
      ...(choice.hint === undefined ? {} : { hint: choice.hint }),
    })) as Parameters<typeof clack.select<Value>>[0]['options'];
    return this.#answer(await clack.select<Value>({ ...this.#io, message, options }));
  }

  /** A spinner on stderr while something is awaited, when stderr is a terminal and notes are shown. */
  progress(message: string): Progress {
    if (this.#streams.stderr.isTTY !== true || this.#output.quiet || this.#output.json) {
      return { stop: () => undefined };
    }
    const spinner = clack.spinner({ output: this.#streams.stderr as NodeJS.WriteStream });
    spinner.start(message);
    return { stop: (closing) => spinner.stop(closing ?? message) };
  }

  /** All of stdin as text (a secret or an input piped in). */
  async readStdin(): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of this.#streams.stdin) chunks.push(Buffer.from(chunk as Uint8Array));
    return Buffer.concat(chunks).toString('utf8');
  }

  /** The lines of stdin, one at a time, for a session driven by a script. */
  lines(): AsyncIterable<string> {
    return createInterface({ input: this.#streams.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  }
}
