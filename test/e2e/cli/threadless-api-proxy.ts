import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An API as an older deployment serves it: the real one, minus threads in its OpenAPI document. */
export interface ThreadlessApiProxy {
  /** Base URL to give clients instead of the API's. */
  readonly url: string;
  stop(): Promise<void>;
}

/** The document without any `/v1/threads` path: what a client reads from an API that has no threads. */
function withoutThreads(body: string): string {
  const document = JSON.parse(body) as { paths: Record<string, unknown> };
  const paths = Object.fromEntries(Object.entries(document.paths).filter(([path]) => !path.startsWith('/v1/threads')));
  return JSON.stringify({ ...document, paths });
}

/**
 * Forwards every request to `target` as it is (streams included), except that `/openapi.json`
 * lists no threads operations, so that clients that look before they use threads take their
 * path for an API without them.
 */
export async function startThreadlessApiProxy(target: string): Promise<ThreadlessApiProxy> {
  const { hostname, port } = new URL(target);
  const forward = (incoming: IncomingMessage, outgoing: ServerResponse) => {
    const upstream = httpRequest(
      { host: hostname, port: Number(port), method: incoming.method, path: incoming.url, headers: incoming.headers },
      (answer) => {
        if (incoming.url?.split('?')[0] !== '/openapi.json' || answer.statusCode !== 200) {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
          return;
        }
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          const body = withoutThreads(Buffer.concat(chunks).toString('utf8'));
          // The body changed: its length and entity tag are no longer the upstream's.
          const headers = { ...answer.headers };
          delete headers['content-length'];
          delete headers.etag;
          outgoing.writeHead(200, headers).end(body);
        });
      },
    );
    upstream.on('error', () => outgoing.destroy());
    outgoing.on('close', () => upstream.destroy());
    incoming.pipe(upstream);
  };
  const server = createServer(forward);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: proxyPort } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${proxyPort}`,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
