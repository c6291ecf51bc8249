import { createConnection, createServer, type Socket } from 'node:net';

/** A loopback TCP proxy that cuts its connections at random byte offsets. */
export interface CuttingProxy {
  /** Base URL to give clients instead of the target's. */
  readonly url: string;
  /** Connections cut so far. */
  readonly cuts: number;
  /** Connections accepted so far. */
  readonly connections: number;
  stop(): Promise<void>;
}

/** Options of {@link startCuttingProxy}. */
export interface CuttingProxyOptions {
  /** Pseudo-random numbers in [0, 1): the cut points, repeatable from a seed. */
  readonly random: () => number;
  /** Each connection is cut after 1 to this many bytes from the server. */
  readonly maxBytesPerConnection: number;
}

/**
 * Forwards every connection to `target` (host:port of a URL) and cuts it, both ways at once,
 * after a random number of the server's bytes: before, inside or after the response headers,
 * mid-message or between messages of a stream, wherever the count falls. What reaches the
 * client up to the cut is exactly what the server sent.
 */
export async function startCuttingProxy(target: string, options: CuttingProxyOptions): Promise<CuttingProxy> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  let cuts = 0;
  let connections = 0;
  const server = createServer((client) => {
    connections += 1;
    const upstream = createConnection({ host: hostname, port: Number(port) });
    sockets.add(client).add(upstream);
    let budget = 1 + Math.floor(options.random() * options.maxBytesPerConnection);
    const cut = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk: Buffer) => upstream.write(chunk));
    upstream.on('data', (chunk: Buffer) => {
      if (chunk.length < budget) {
        budget -= chunk.length;
        client.write(chunk);
        return;
      }
      cuts += 1;
      // The bytes up to the cut point go out, then the connection is gone mid-whatever.
      client.end(chunk.subarray(0, budget), cut);
      upstream.pause();
      budget = 0;
    });
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
    for (const socket of [client, upstream]) {
      socket.on('error', cut);
      socket.on('close', () => {
        sockets.delete(socket);
        cut();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the proxy has no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    get cuts() {
      return cuts;
    },
    get connections() {
      return connections;
    },
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
