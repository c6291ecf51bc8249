import { randomBytes, randomInt } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the server answered for one idempotency key, and how often it was asked. */
export interface KeyRecord {
  /** Requests that arrived with this key, retries included. */
  calls: number;
  /** Times the key's effect was applied: the server applies it on the first request only. */
  effects: number;
  /** The body of the first answer; every later request with the key gets the same one. */
  readonly response: ToolResponse;
  /** `Date.now()` of each request's arrival. */
  readonly arrivals: number[];
}

/** The JSON body the tool answers with: unique per key, so a mixed-up result is visible. */
export interface ToolResponse {
  readonly idempotencyKey: string;
  /** Order in which the server applied effects, from 1. */
  readonly effect: number;
  readonly token: string;
  readonly input: unknown;
}

/** An HTTP tool endpoint on loopback that honours `Idempotency-Key` and counts everything. */
export interface CountingToolServer {
  /** `http://127.0.0.1:<port>/ledger`: the URL to declare in an `http` tool. */
  readonly url: string;
  /** Per idempotency key. */
  readonly keys: ReadonlyMap<string, KeyRecord>;
  /** Effects applied so far, over all keys. */
  readonly effectCount: number;
  /** Requests received but not yet answered. */
  readonly inFlight: number;
  close(): Promise<void>;
}

/** How {@link startCountingToolServer} answers. */
export interface CountingToolServerOptions {
  /** Each answer is sent after a delay drawn uniformly from this range, so calls are in flight when processes die. */
  readonly delayMs: readonly [min: number, max: number];
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') as unknown;
}

/**
 * A tool with a side effect, written the way the runtime asks tools to be written: the first
 * request with a key applies the effect (here: takes the next effect number) and records the
 * answer; a retry with the same key gets the recorded answer and changes nothing. Raw request
 * counts per key show how often the runtime really called the tool.
 */
export async function startCountingToolServer(options: CountingToolServerOptions): Promise<CountingToolServer> {
  const keys = new Map<string, KeyRecord>();
  let effectCount = 0;
  let inFlight = 0;
  const [minDelay, maxDelay] = options.delayMs;

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const key = request.headers['idempotency-key'];
    if (request.method !== 'POST' || typeof key !== 'string' || key === '') {
      response.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"POST with Idempotency-Key"}');
      return;
    }
    const input = await readJson(request);
    let record = keys.get(key);
    if (!record) {
      effectCount += 1;
      record = {
        calls: 0,
        effects: 1,
        response: { idempotencyKey: key, effect: effectCount, token: randomBytes(8).toString('hex'), input },
        arrivals: [],
      };
      keys.set(key, record);
    }
    record.calls += 1;
    record.arrivals.push(Date.now());
    await new Promise((resolve) => setTimeout(resolve, randomInt(minDelay, maxDelay + 1)));
    // The caller may have died meanwhile (that is the point); writing to its socket then fails quietly.
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(record.response));
  }

  const server = createServer((request, response) => {
    inFlight += 1;
    response.once('close', () => (inFlight -= 1));
    response.on('error', () => undefined);
    handle(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(400).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/ledger`,
    keys,
    get effectCount() {
      return effectCount;
    },
    get inFlight() {
      return inFlight;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
