import { z } from 'zod';
import { AgentStepError } from '../agent-step-error.ts';

/**
 * Most bytes the runtime reads of one answer to `POST {url}/step`, a JSON body or a whole
 * event stream alike (`delta` events included).
 */
export const maxAgentResponseBytes = 16 * 1024 * 1024;

/** One server-sent event: its `event` name (`message` when unnamed) and its joined `data`. */
export interface ServerSentEvent {
  readonly event: string;
  readonly data: string;
}

/** Thrown by {@link readAgentResponseText} past its byte limit. */
export class AgentResponseTooLargeError extends Error {
  override readonly name = 'AgentResponseTooLargeError';
}

/**
 * Decodes a body as UTF-8, chunk by chunk, failing past `maxBytes`; leaving the loop early
 * (or failing) cancels the body.
 * @throws AgentResponseTooLargeError past `maxBytes`; whatever reading the body throws
 */
async function* utf8ChunksOf(body: AsyncIterable<Uint8Array>, maxBytes: number): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  let bytes = 0;
  for await (const chunk of body) {
    bytes += chunk.byteLength;
    if (bytes > maxBytes) throw new AgentResponseTooLargeError(`more than ${maxBytes} bytes`);
    const text = decoder.decode(chunk, { stream: true });
    if (text !== '') yield text;
  }
  const rest = decoder.decode();
  if (rest !== '') yield rest;
}

/**
 * A whole body as text, at most `maxBytes` of it.
 * @throws AgentResponseTooLargeError past `maxBytes`; whatever reading the body throws
 */
export async function readAgentResponseText(body: AsyncIterable<Uint8Array> | null, maxBytes: number): Promise<string> {
  if (!body) return '';
  let text = '';
  for await (const piece of utf8ChunksOf(body, maxBytes)) text += piece;
  return text;
}

/**
 * The first `maxBytes` of a body as text (a character cut at the end becomes U+FFFD), the
 * rest cancelled unread: for quoting an error answer, which need not be read whole.
 * @throws whatever reading the body throws
 */
export async function readAgentResponsePrefix(
  body: AsyncIterable<Uint8Array> | null,
  maxBytes: number,
): Promise<string> {
  if (!body) return '';
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  // Leaving the loop early cancels the body.
  for await (const chunk of body) {
    chunks.push(chunk.subarray(0, maxBytes - bytes));
    bytes += Math.min(chunk.byteLength, maxBytes - bytes);
    if (bytes >= maxBytes) break;
  }
  const prefix = new Uint8Array(bytes);
  let offset = 0;
  for (const chunk of chunks) {
    prefix.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder('utf-8').decode(prefix);
}

/**
 * The events of a `text/event-stream`, as the HTML standard parses them: lines end in CRLF,
 * LF or CR (a CRLF split across chunks included), `data` lines join with LF, an event ends at
 * a blank line, comments (`:`) and other fields are skipped, and an event the stream ends in
 * the middle of is dropped.
 */
export async function* serverSentEventsOf(chunks: AsyncIterable<string>): AsyncGenerator<ServerSentEvent> {
  let event = '';
  let data: string[] = [];
  /** Takes one line; returns the event a blank line ends. */
  const takeLine = (line: string): ServerSentEvent | undefined => {
    if (line === '') {
      const ended = data.length > 0 ? { event: event === '' ? 'message' : event, data: data.join('\n') } : undefined;
      event = '';
      data = [];
      return ended;
    }
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
    return undefined;
  };
  // The pieces of a line not yet ended: each chunk is scanned once, however long the line.
  let unended: string[] = [];
  // A CR that ended the last chunk: an LF starting the next one belongs to it.
  let afterCarriageReturn = false;
  for await (const received of chunks) {
    const chunk: string = afterCarriageReturn && received.startsWith('\n') ? received.slice(1) : received;
    afterCarriageReturn = chunk.endsWith('\r');
    const lineEnd = /\r\n|\r|\n/g;
    let lineStart = 0;
    for (let match = lineEnd.exec(chunk); match; match = lineEnd.exec(chunk)) {
      const line = unended.join('') + chunk.slice(lineStart, match.index);
      unended = [];
      lineStart = lineEnd.lastIndex;
      const ended = takeLine(line);
      if (ended) yield ended;
    }
    if (lineStart < chunk.length) unended.push(chunk.slice(lineStart));
  }
}

const deltaSchema = z.object({ text: z.string() });

/** What {@link readAgentStepStream} needs besides the body. */
export interface AgentStepStreamOptions {
  /** Names the agent in error messages. */
  readonly who: string;
  /** @default {@link maxAgentResponseBytes} */
  readonly maxBytes?: number;
  /** Receives the text of each `delta` event, in order. */
  readonly onDelta: (text: string) => void;
}

/**
 * Reads a streamed answer to `POST {url}/step` (docs/agent-protocol.md): `delta` events
 * (`{"text": "…"}`) go to `onDelta`, the `result` event's data is parsed and returned (it is
 * the body a JSON answer would have had) and reading stops there. Events of other names are
 * skipped, so the protocol can add some.
 * @throws AgentStepError `agent_response_invalid`: not retried for a malformed `delta` or
 *   `result` or a stream over `maxBytes`; retried when the stream ends without a `result`
 *   (it was cut, and another attempt may get through). Whatever reading the body throws
 *   (network failure, timeout) passes through.
 */
export async function readAgentStepStream(
  body: AsyncIterable<Uint8Array>,
  options: AgentStepStreamOptions,
): Promise<unknown> {
  const { who } = options;
  const maxBytes = options.maxBytes ?? maxAgentResponseBytes;
  try {
    for await (const { event, data } of serverSentEventsOf(utf8ChunksOf(body, maxBytes))) {
      if (event !== 'delta' && event !== 'result') continue;
      let json: unknown;
      try {
        json = JSON.parse(data);
      } catch {
        throw new AgentStepError(
          'agent_response_invalid',
          `${who} sent a "${event}" event whose data is not JSON: ${data.slice(0, 200)}`,
        );
      }
      if (event === 'result') return json;
      const delta = deltaSchema.safeParse(json);
      if (!delta.success) {
        throw new AgentStepError('agent_response_invalid', `${who} sent a "delta" event without a string "text"`);
      }
      options.onDelta(delta.data.text);
    }
  } catch (error) {
    if (!(error instanceof AgentResponseTooLargeError)) throw error;
    throw new AgentStepError('agent_response_invalid', `${who} streamed more than ${maxBytes} bytes in one step`);
  }
  throw new AgentStepError(
    'agent_response_invalid',
    `${who}'s event stream ended without a "result" event (an event ends at a blank line)`,
    { retryable: true },
  );
}
