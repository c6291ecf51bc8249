/** One server-sent event message. */
export interface SseMessage {
  /** The message's own `id:` field, if it had one (not carried over from earlier messages). */
  readonly id: string | undefined;
  /** The `event:` field; `message` when absent, as the standard says. */
  readonly event: string;
  /** The `data:` lines, joined by line feeds. */
  readonly data: string;
}

/**
 * An incremental parser of `text/event-stream` (the HTML standard's algorithm): feed it text as
 * it arrives, in pieces cut anywhere, and it returns each message once its blank line has
 * come. A message cut off by the end of the stream is never returned, so a connection that
 * breaks mid-message loses it whole, to be sent again after a reconnect.
 */
export class SseParser {
  #pending = '';
  /** The last piece ended in CR: an LF at the start of the next one belongs to it. */
  #afterCarriageReturn = false;
  #started = false;
  #id: string | undefined;
  #event = '';
  #data: string[] = [];

  /** Parses the next piece of text; returns the messages it completed. */
  push(text: string): SseMessage[] {
    let input = text;
    if (!this.#started && input.length > 0) {
      this.#started = true;
      if (input.startsWith('\uFEFF')) input = input.slice(1);
    }
    if (this.#afterCarriageReturn && input.startsWith('\n')) input = input.slice(1);
    this.#afterCarriageReturn = false;
    const messages: SseMessage[] = [];
    let buffer = this.#pending + input;
    for (;;) {
      const end = buffer.search(/[\r\n]/);
      if (end === -1) break;
      const line = buffer.slice(0, end);
      const crlf = buffer[end] === '\r' && buffer[end + 1] === '\n';
      if (buffer[end] === '\r' && end === buffer.length - 1) this.#afterCarriageReturn = true;
      buffer = buffer.slice(end + (crlf ? 2 : 1));
      const message = this.#line(line);
      if (message) messages.push(message);
    }
    this.#pending = buffer;
    return messages;
  }

  #line(line: string): SseMessage | undefined {
    if (line === '') return this.#dispatch();
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.#data.push(value);
    else if (field === 'event') this.#event = value;
    else if (field === 'id' && !value.includes('\0')) this.#id = value;
    return undefined;
  }

  #dispatch(): SseMessage | undefined {
    const message =
      this.#data.length === 0
        ? undefined
        : { id: this.#id, event: this.#event || 'message', data: this.#data.join('\n') };
    this.#id = undefined;
    this.#event = '';
    this.#data = [];
    return message;
  }
}

/** The messages of an event stream's body, as they complete; ends when the body ends. */
export async function* readEventStream(body: ReadableStream<Uint8Array>): AsyncGenerator<SseMessage, void, undefined> {
  const parser = new SseParser();
  const decoder = new TextDecoder();
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield* parser.push(decoder.decode(value, { stream: true }));
    }
  } finally {
    // Stops the download when the consumer leaves early; harmless once the body has ended.
    await reader.cancel().catch(() => undefined);
  }
}
