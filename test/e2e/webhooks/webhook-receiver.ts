import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** One request a receiver got, with what its signature verified against. */
export interface ReceivedWebhook {
  readonly id: string;
  readonly timestamp: string;
  readonly signature: string;
  readonly body: string;
  readonly payload: { type: string; timestamp: string; data: { runId: string } & Record<string, unknown> };
  readonly headers: http.IncomingHttpHeaders;
  readonly receivedAt: number;
  /** The answer it gave. */
  readonly status: number;
  /** The secrets (by index in `secrets`) its signature verified with, by the `standardwebhooks` package. */
  readonly verifiedWith: number[];
}

/**
 * A webhook receiver on loopback, as a customer would write one: it verifies each request
 * with the `standardwebhooks` package (independent of our signing code) against the secrets
 * it knows, and fails the first `failFirst` attempts of each `webhook-id` with a 500.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  /** Secrets to verify with; the receiver answers 401 when none verifies. */
  secrets: string[] = [];
  failFirst: number;
  readonly #server: http.Server;
  #url = '';

  constructor(options: { failFirst?: number } = {}) {
    this.failFirst = options.failFirst ?? 0;
    this.#server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => this.#answer(request, Buffer.concat(chunks).toString('utf8'), response));
    });
  }

  #answer(request: http.IncomingMessage, body: string, response: http.ServerResponse): void {
    const headers = {
      'webhook-id': String(request.headers['webhook-id']),
      'webhook-timestamp': String(request.headers['webhook-timestamp']),
      'webhook-signature': String(request.headers['webhook-signature']),
    };
    const verifiedWith = this.secrets.flatMap((secret, index) => {
      try {
        new Webhook(secret).verify(body, headers);
        return [index];
      } catch {
        return [];
      }
    });
    const earlier = this.received.filter((item) => item.id === headers['webhook-id']).length;
    const status = verifiedWith.length === 0 ? 401 : earlier < this.failFirst ? 500 : 204;
    this.received.push({
      id: headers['webhook-id'],
      timestamp: headers['webhook-timestamp'],
      signature: headers['webhook-signature'],
      body,
      payload: JSON.parse(body) as ReceivedWebhook['payload'],
      headers: request.headers,
      receivedAt: Date.now(),
      status,
      verifiedWith,
    });
    response.writeHead(status, { 'content-type': 'text/plain' }).end(status === 500 ? 'not yet' : '');
  }

  /** Listens on `host` (a loopback address) and answers its URL. */
  async listen(host = '127.0.0.1'): Promise<string> {
    this.#server.listen(0, host);
    await once(this.#server, 'listening');
    const { port } = this.#server.address() as AddressInfo;
    this.#url = `http://${host}:${port}/hooks`;
    return this.#url;
  }

  get url(): string {
    return this.#url;
  }

  /** The requests of one type (and run, when given), in order. */
  of(type: string, runId?: string): ReceivedWebhook[] {
    return this.received.filter(
      (item) => item.payload.type === type && (runId === undefined || item.payload.data.runId === runId),
    );
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
