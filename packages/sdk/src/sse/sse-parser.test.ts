import { describe, expect, it } from 'vitest';
import { readEventStream, SseParser, type SseMessage } from './sse-parser.ts';

const stream = [
  '\uFEFF: a comment\n',
  'id: 1\nevent: run.started\ndata: {"seq":1}\n\n',
  'event: model.delta\r\ndata: {"text":"a\\nb"}\r\n\r\n',
  'id: 2\rdata: line one\rdata: line two\r\r',
  'data:no space\n\n',
  'retry: 100\nid\nunknown: field\n\n',
  'id: 3\nevent: run.succeeded\ndata: {"seq":3}\n\n',
].join('');

const expected: SseMessage[] = [
  { id: '1', event: 'run.started', data: '{"seq":1}' },
  { id: undefined, event: 'model.delta', data: '{"text":"a\\nb"}' },
  { id: '2', event: 'message', data: 'line one\nline two' },
  { id: undefined, event: 'message', data: 'no space' },
  { id: '3', event: 'run.succeeded', data: '{"seq":3}' },
];

/** Feeds `text` in pieces cut at `cuts`. */
function parseInPieces(text: string, cuts: number[]): SseMessage[] {
  const parser = new SseParser();
  const messages: SseMessage[] = [];
  let from = 0;
  for (const cut of [...cuts, text.length]) {
    messages.push(...parser.push(text.slice(from, cut)));
    from = cut;
  }
  return messages;
}

describe('SseParser', () => {
  it('parses ids, event names, multi-line data and comments, with any line ending', () => {
    expect(parseInPieces(stream, [])).toEqual(expected);
  });

  it('gives the same messages however the text is cut, even between CR and LF', () => {
    for (let cut = 0; cut <= stream.length; cut += 1) expect(parseInPieces(stream, [cut])).toEqual(expected);
    expect(
      parseInPieces(
        stream,
        Array.from({ length: stream.length }, (_, index) => index),
      ),
    ).toEqual(expected);
  });

  it('never returns a message the stream ended in the middle of', () => {
    const parser = new SseParser();
    expect(parser.push('id: 1\ndata: {"seq":1}\n\nid: 2\ndata: {"seq"')).toEqual([
      { id: '1', event: 'message', data: '{"seq":1}' },
    ]);
    expect(parser.push(':2}\n')).toEqual([]);
  });

  it('reads a byte stream whose multi-byte characters are split across chunks', async () => {
    const bytes = new TextEncoder().encode('data: ünïcode 🙂\n\n');
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const byte of bytes) controller.enqueue(Uint8Array.of(byte));
        controller.close();
      },
    });
    const messages: SseMessage[] = [];
    for await (const message of readEventStream(body)) messages.push(message);
    expect(messages).toEqual([{ id: undefined, event: 'message', data: 'ünïcode 🙂' }]);
  });
});
