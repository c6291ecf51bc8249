import { AgentStepError } from './agent-step-error.ts';

/** Longest text one agent step may stream or return, in UTF-16 code units. */
export const maxAgentTextChars = 1_000_000;

/**
 * The text an agent step streams (a code agent's `emitText`, an HTTP agent's `delta` events,
 * the tokens of a LangGraph node's chat model): forwarded to the model-call context's
 * `onTextDelta` as it comes, and kept, so that the step's stored text can be checked against
 * what streamed.
 */
export class AgentTextStream {
  readonly #who: string;
  readonly #onTextDelta: ((text: string) => void) | undefined;
  #text = '';
  #overflowed = false;
  #closed = false;

  constructor(who: string, onTextDelta: ((text: string) => void) | undefined) {
    this.#who = who;
    this.#onTextDelta = onTextDelta;
  }

  /** Everything written so far, joined. */
  get text(): string {
    return this.#text;
  }

  /**
   * Forwards and keeps a piece of text. Past {@link maxAgentTextChars} nothing more is
   * forwarded and {@link settle} fails the step; after {@link close} writes are ignored.
   * @throws TypeError when `delta` is not a string
   */
  write(delta: string): void {
    if (typeof delta !== 'string') throw new TypeError(`${this.#who} streamed a ${typeof delta}, not a string`);
    if (this.#closed || this.#overflowed || delta === '') return;
    if (this.#text.length + delta.length > maxAgentTextChars) {
      this.#overflowed = true;
      return;
    }
    this.#text += delta;
    this.#onTextDelta?.(delta);
  }

  /** Ignores later writes: the step has answered. */
  close(): void {
    this.#closed = true;
  }

  /**
   * The step's text: `returned` when given, else what streamed. Closes the stream.
   * @throws AgentStepError `agent_response_invalid` (not retried) when more than
   *   {@link maxAgentTextChars} streamed, or when something streamed and `returned` differs
   *   from it: the joined deltas a client saw must be the text the step records.
   */
  settle(returned: string | undefined): string {
    this.close();
    if (this.#overflowed) {
      throw new AgentStepError(
        'agent_response_invalid',
        `${this.#who} streamed more than ${maxAgentTextChars} characters of text in one step`,
      );
    }
    if (returned === undefined || this.#text === '') return returned ?? this.#text;
    if (returned !== this.#text) {
      throw new AgentStepError(
        'agent_response_invalid',
        `${this.#who} streamed ${this.#text.length} characters of text but returned a different text ` +
          `(${returned.length} characters); the streamed deltas must join to the returned text, or the text be left out`,
      );
    }
    return returned;
  }
}
