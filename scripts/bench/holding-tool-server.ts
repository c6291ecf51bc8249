import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Wall-clock milliseconds with sub-millisecond resolution, comparable with PostgreSQL's `now()`. */
export function wallNow(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * An HTTP tool on loopback that keeps calls running until told otherwise: the first request
 * of each idempotency key whose body says `{"hold": true}` is held open until
 * {@link HoldingToolServer.releaseAll}; any later request with the same key (a retry) is
 * answered at once, and its arrival time is recorded.
 */
export interface HoldingToolServer {
  /** URL to declare in an `http` tool. */
  readonly url: string;
  /** First requests held open right now. */
  readonly held: number;
  /** Arrival times ({@link wallNow}) of repeated requests, by idempotency key. */
  readonly retries: ReadonlyMap<string, readonly number[]>;
  /** Answers every held request whose caller is still connected, and holds nothing from now on. */
  releaseAll(): void;
  close(): Promise<void>;
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') as unknown;
}

/** Starts the server on a free loopback port. */
export async function startHoldingToolServer(): Promise<HoldingToolServer> {
  const seen = new Set<string>();
  const retries = new Map<string, number[]>();
  const held = new Set<ServerResponse>();
  let holding = true;
  const answer = (response: ServerResponse, key: string) => {
    if (!response.destroyed)
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ key }));
  };

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const key = String(request.headers['idempotency-key'] ?? '');
    const body = await readJson(request);
    if (seen.has(key)) {
      const arrivals = retries.get(key) ?? [];
      arrivals.push(wallNow());
      retries.set(key, arrivals);
      answer(response, key);
      return;
    }
    seen.add(key);
    const hold = typeof body === 'object' && body !== null && 'hold' in body && body.hold === true;
    if (!hold || !holding) {
      answer(response, key);
      return;
    }
    held.add(response);
    response.once('close', () => held.delete(response));
    response.on('error', () => undefined);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(400).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hold`,
    get held() {
      return held.size;
    },
    retries,
    releaseAll() {
      holding = false;
      for (const response of held) {
        const key = String(response.req.headers['idempotency-key'] ?? '');
        answer(response, key);
      }
      held.clear();
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
