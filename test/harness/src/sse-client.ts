import http from 'node:http';

/** One server-sent event as the client parsed it. */
export interface SseMessage {
  readonly id: string | undefined;
  readonly event: string;
  readonly data: string;
}

/** How an SSE connection ended. */
export interface SseConnectionEnd {
  readonly status: number;
  readonly contentType: string | undefined;
  /** `ended`: the server ended the response; `dropped`: cut by either side before that. */
  readonly end: 'ended' | 'dropped';
  /** The body of a non-200 answer (a problem document). */
  readonly body: string;
  /** Comment lines received (keep-alives). */
  readonly comments: number;
}

/** Options of {@link openSseConnection}. */
export interface SseConnectionOptions {
  readonly headers?: Readonly<Record<string, string>>;
  /** Called for every complete message, in order. */
  onMessage(message: SseMessage): void;
  /** Called once the response's status line and headers arrived. */
  onOpen?(status: number): void;
  /** Destroys the connection (client-side drop) when aborted. */
  readonly signal?: AbortSignal;
  /** The connection pool; Node's global agent when omitted. */
  readonly agent?: http.Agent;
}

/**
 * One SSE connection over node:http (no reconnects: callers decide), parsing messages as
 * the EventSource spec does for the fields the runtime sends: `id`, `event`, `data`, comments.
 * A message cut off by a drop is not delivered.
 */
export function openSseConnection(url: string, options: SseConnectionOptions): Promise<SseConnectionEnd> {
  return new Promise((resolve, reject) => {
    let comments = 0;
    let status = 0;
    let contentType: string | undefined;
    let body = '';
    let settled = false;
    const finish = (end: 'ended' | 'dropped') => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', drop);
      resolve({ status, contentType, end, body, comments });
    };
    const request = http.get(
      url,
      { headers: { accept: 'text/event-stream', ...options.headers }, agent: options.agent },
      (response) => {
        status = response.statusCode ?? 0;
        contentType = response.headers['content-type'];
        options.onOpen?.(status);
        let buffer = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          if (status !== 200) {
            body += chunk;
            return;
          }
          buffer += chunk;
          for (let boundary = buffer.indexOf('\n\n'); boundary >= 0; boundary = buffer.indexOf('\n\n')) {
            // A drop requested by a handler: nothing after it counts as received.
            if (options.signal?.aborted || settled) return;
            const block = buffer.slice(0, boundary);
            buffer = buffer.slice(boundary + 2);
            let id: string | undefined;
            let event = 'message';
            const data: string[] = [];
            for (const line of block.split('\n')) {
              if (line.startsWith(':')) {
                comments += 1;
                continue;
              }
              const colon = line.indexOf(':');
              const field = colon < 0 ? line : line.slice(0, colon);
              const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
              if (field === 'id') id = value;
              else if (field === 'event') event = value;
              else if (field === 'data') data.push(value);
            }
            if (data.length > 0) options.onMessage({ id, event, data: data.join('\n') });
          }
        });
        response.once('end', () => finish('ended'));
        response.once('error', () => finish('dropped'));
        response.once('close', () => finish(response.complete ? 'ended' : 'dropped'));
      },
    );
    const drop = () => request.destroy();
    if (options.signal?.aborted) drop();
    else options.signal?.addEventListener('abort', drop, { once: true });
    request.once('error', (error) => {
      if (options.signal?.aborted || status !== 0) finish('dropped');
      else reject(error);
    });
  });
}
