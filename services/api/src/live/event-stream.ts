import { once } from 'node:events';
import { modelDeltaEventType, type RunEvent } from '@agent-runtime/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isStoredEvent, type RunStreamItem, type StreamedDelta } from './follow-run-events.ts';
import type { ThreadStreamItem } from './follow-thread-events.ts';
import { formatStreamPosition } from './stream-position.ts';
import type { WaitingRequest } from './waiting-requests.ts';

/** The media type of server-sent events. */
export const eventStreamType = 'text/event-stream';

/** Whether the client's `Accept` header asks for server-sent events. */
export function acceptsEventStream(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((range) => {
    const [type, ...parameters] = range.split(';').map((part) => part.trim().toLowerCase());
    return type === eventStreamType && !parameters.some((parameter) => /^q=0(\.0*)?$/.test(parameter));
  });
}

/**
 * Messages already formatted, by event object: a live event reaches every stream of its run
 * in this process as one object (the bus delivers one batch to all listeners), so it is
 * serialized once, not once per stream.
 */
const formatted = new WeakMap<RunEvent, string>();

/** One SSE message: the `seq` as its id (a reconnect sends it back as `Last-Event-ID`). */
export function formatEventMessage(event: RunEvent): string {
  let message = formatted.get(event);
  if (message === undefined) {
    message = `id: ${event.seq}\nevent: ${event.type.replace(/[\r\n]/g, ' ')}\ndata: ${JSON.stringify(event)}\n\n`;
    formatted.set(event, message);
  }
  return message;
}

/** The SSE event name of model text deltas. */
export const modelDeltaEventName = modelDeltaEventType;

/**
 * One model text delta as an SSE message. Its id, `<seq>:<step>:<attempt>:<index>`, names the
 * last stored event sent before it and the delta itself: a client that reconnects with it as
 * `Last-Event-ID` gets the stored events after `seq`, and the step's text after this delta.
 */
export function formatDeltaMessage({ delta, position }: StreamedDelta): string {
  return `id: ${formatStreamPosition(position)}\nevent: ${modelDeltaEventName}\ndata: ${JSON.stringify(delta)}\n\n`;
}

/** One item of a run's stream as an SSE message: a stored event or a model text delta. */
export function formatRunStreamItem(item: RunStreamItem): string {
  return isStoredEvent(item) ? formatEventMessage(item) : formatDeltaMessage(item);
}

/**
 * One item of a thread's stream as an SSE message: as on its run's stream, with an id that
 * also names the run (`<runId>/<run stream id>`), so a reconnecting client resumes in that run.
 */
export function formatThreadStreamItem({ runId, item }: ThreadStreamItem): string {
  const position = isStoredEvent(item) ? { seq: item.seq } : item.position;
  const message = formatRunStreamItem(item);
  return `id: ${runId}/${formatStreamPosition(position)}${message.slice(message.indexOf('\n'))}`;
}

/**
 * Takes the response over from Fastify and writes `events` as server-sent events (each as
 * `format` writes it), with a
 * comment line every `keepAliveMs` so that idle proxies keep the connection. The response
 * ends normally once `events` ends by itself (the run ended). If the server is closing, or
 * reading fails, the connection is cut instead, so the client knows to reconnect with
 * `Last-Event-ID`; a client that went away is only stopped for.
 */
export async function sendEventStream<Item>(
  request: FastifyRequest,
  reply: FastifyReply,
  events: AsyncIterable<Item>,
  options: {
    readonly keepAliveMs: number;
    readonly waiting: WaitingRequest;
    readonly format: (item: Item) => string;
  },
): Promise<void> {
  const { signal } = options.waiting;
  reply.hijack();
  const response = reply.raw;
  response.writeHead(200, {
    'content-type': `${eventStreamType}; charset=utf-8`,
    'cache-control': 'no-cache, no-transform',
    // Proxies that buffer responses (nginx, Kong) pass this one through as it comes.
    'x-accel-buffering': 'no',
    'x-request-id': request.id,
  });
  response.flushHeaders();
  const keepAlive = setInterval(() => response.write(': keep-alive\n\n'), options.keepAliveMs);
  try {
    for await (const item of events) {
      if (!response.write(options.format(item))) {
        // Gone, even if its `close` came before this stream could listen for it.
        if (response.destroyed) break;
        // A slow client: wait until it has read what is buffered (or went away).
        await Promise.race([once(response, 'drain', { signal }), once(response, 'close', { signal })]);
      }
    }
    if (signal.aborted) response.destroy();
    else response.end();
  } catch (error) {
    if (!signal.aborted) request.log.error({ err: error }, 'run event stream failed; cutting the connection');
    response.destroy();
  } finally {
    clearInterval(keepAlive);
    options.waiting.release();
  }
}
