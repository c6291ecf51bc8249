import { describe, expect, it } from 'vitest';
import { AgentStepError } from '../agent-step-error.ts';
import {
  AgentResponseTooLargeError,
  readAgentResponsePrefix,
  readAgentResponseText,
  readAgentStepStream,
  serverSentEventsOf,
} from './http-agent-response.ts';

/** A body that sends `text` as UTF-8 in pieces of `size` bytes (1: byte by byte, splitting characters). */
async function* bodyOf(text: string, size: number): AsyncGenerator<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  for (let start = 0; start < bytes.length; start += size) yield bytes.slice(start, start + size);
}

async function* chunksOf(...pieces: string[]): AsyncGenerator<string> {
  for (const piece of pieces) yield piece;
}

async function eventsOf(...pieces: string[]) {
  const events = [];
  for await (const event of serverSentEventsOf(chunksOf(...pieces))) events.push(event);
  return events;
}

async function read(body: AsyncIterable<Uint8Array>, maxBytes?: number) {
  const deltas: string[] = [];
  const result = await readAgentStepStream(body, {
    who: 'agent',
    onDelta: (text) => deltas.push(text),
    ...(maxBytes === undefined ? {} : { maxBytes }),
  }).catch((error: unknown) => error);
  return { deltas, result };
}

const answer = { actions: [{ type: 'text', text: 'Grüße 🙂' }] };
const stream =
  ': a comment, skipped\n' +
  'event: delta\ndata: {"text":"Grü"}\n\n' +
  'event: delta\ndata: {"text":"ße 🙂"}\n\n' +
  'event: progress\ndata: {"unknown":"events are skipped"}\n\n' +
  `event: result\ndata: ${JSON.stringify(answer)}\n\n`;

describe('readAgentResponsePrefix', () => {
  it('reads the first bytes of a body and stops reading the rest', async () => {
    let chunksRead = 0;
    let finished = false;
    async function* endless(): AsyncGenerator<Uint8Array> {
      try {
        for (;;) {
          chunksRead += 1;
          yield new TextEncoder().encode('error! ');
        }
      } finally {
        finished = true;
      }
    }
    const prefix = await readAgentResponsePrefix(endless(), 20);
    expect(prefix).toBe('error! error! error!');
    expect(chunksRead).toBe(3);
    expect(finished).toBe(true);
  });

  it('keeps a short body whole, however it is split, and a cut character as U+FFFD', async () => {
    expect(await readAgentResponsePrefix(bodyOf('Grüße', 1), 100)).toBe('Grüße');
    expect(await readAgentResponsePrefix(bodyOf('Grüße', 2), 3)).toBe('Gr\uFFFD');
    expect(await readAgentResponsePrefix(null, 10)).toBe('');
  });
});

describe('serverSentEventsOf', () => {
  it('ends lines at CRLF, LF or CR, also when a CRLF is split between chunks', async () => {
    const expected = [
      { event: 'delta', data: 'a' },
      { event: 'message', data: 'b\nc' },
    ];
    expect(await eventsOf('event: delta\r\ndata: a\r\n\r\ndata: b\r\ndata:c\r\n\r\n')).toEqual(expected);
    expect(await eventsOf('event: delta\rdata: a\r\rdata: b\rdata:c\r\r')).toEqual(expected);
    expect(await eventsOf('event: delta\r', '\ndata: a\r', '\n\r', '\ndata: b\r\ndata:c\r', '\n', '\r\n')).toEqual(
      expected,
    );
  });

  it('drops an event the stream ends in the middle of, and events without data', async () => {
    expect(await eventsOf('event: ping\n\n', 'event: result\ndata: {"actions":[]}\n')).toEqual([]);
  });
});

describe('readAgentStepStream', () => {
  it('gives deltas in order and returns the result, however the bytes are split', async () => {
    for (const size of [1, 2, 3, 7, 64, 10_000]) {
      const { deltas, result } = await read(bodyOf(stream, size));
      expect(result).toEqual(answer);
      expect(deltas).toEqual(['Grü', 'ße 🙂']);
    }
    const crlf = await read(bodyOf(stream.replaceAll('\n', '\r\n'), 5));
    expect(crlf).toEqual({ deltas: ['Grü', 'ße 🙂'], result: answer });
  });

  it('stops reading at the result', async () => {
    async function* thenBreaks(): AsyncGenerator<Uint8Array> {
      yield* bodyOf(stream, 16);
      throw new Error('connection reset after the result');
    }
    expect((await read(thenBreaks())).result).toEqual(answer);
  });

  it('fails a stream without a result as a retryable invalid answer', async () => {
    const { deltas, result } = await read(
      bodyOf('event: delta\ndata: {"text":"half"}\n\nevent: result\ndata: {"ac', 4),
    );
    expect(deltas).toEqual(['half']);
    expect(result).toBeInstanceOf(AgentStepError);
    expect(result).toMatchObject({
      code: 'agent_response_invalid',
      retryable: true,
      message: expect.stringContaining('ended without a "result" event'),
    });
  });

  it('fails a malformed delta or result, not retried', async () => {
    expect((await read(bodyOf('event: delta\ndata: {"text":\n\n', 8))).result).toMatchObject({
      code: 'agent_response_invalid',
      retryable: false,
      message: expect.stringContaining('"delta" event whose data is not JSON'),
    });
    expect((await read(bodyOf('event: delta\ndata: {"content":"x"}\n\n', 8))).result).toMatchObject({
      code: 'agent_response_invalid',
      retryable: false,
      message: expect.stringContaining('without a string "text"'),
    });
    expect((await read(bodyOf('event: result\ndata: not json\n\n', 8))).result).toMatchObject({
      code: 'agent_response_invalid',
      retryable: false,
    });
  });

  it('fails a stream over its byte limit, deltas included, and stops reading it', async () => {
    let sent = 0;
    async function* endless(): AsyncGenerator<Uint8Array> {
      for (;;) {
        sent += 1;
        yield new TextEncoder().encode('event: delta\ndata: {"text":"more"}\n\n');
      }
    }
    const { deltas, result } = await read(endless(), 1000);
    expect(result).toMatchObject({
      code: 'agent_response_invalid',
      retryable: false,
      message: 'agent streamed more than 1000 bytes in one step',
    });
    expect(deltas.length).toBeGreaterThan(20);
    expect(sent).toBeLessThan(40);
  });

  it('lets a transport failure through, for the caller to retry', async () => {
    async function* breaks(): AsyncGenerator<Uint8Array> {
      yield* bodyOf('event: delta\ndata: {"text":"a"}\n\n', 100);
      throw new TypeError('terminated');
    }
    expect((await read(breaks())).result).toBeInstanceOf(TypeError);
  });
});

describe('readAgentResponseText', () => {
  it('reads a body up to its limit, characters split across chunks intact', async () => {
    expect(await readAgentResponseText(bodyOf('Grüße 🙂', 1), 100)).toBe('Grüße 🙂');
    expect(await readAgentResponseText(null, 100)).toBe('');
    await expect(readAgentResponseText(bodyOf('x'.repeat(101), 10), 100)).rejects.toBeInstanceOf(
      AgentResponseTooLargeError,
    );
  });
});
