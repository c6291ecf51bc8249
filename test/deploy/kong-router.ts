import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KongDeclarativeConfig, KongRoute } from './kong-declarative-format.ts';

/**
 * The route Kong picks for a request, as its router does for these routes: a regex path
 * (`~…`) matches from the start of the path, a prefix path by prefix; the highest
 * `regex_priority` wins among matching routes (every path here is a regex, so no prefix/regex
 * precedence question arises).
 */
export function routeFor(config: KongDeclarativeConfig, method: string, path: string): KongRoute | undefined {
  return routeAndServiceFor(config, method, path)?.route;
}

function routeAndServiceFor(config: KongDeclarativeConfig, method: string, path: string) {
  const candidates = (config.services ?? []).flatMap((service) =>
    (service.routes ?? []).map((route) => ({ service, route })),
  );
  const matches = candidates.filter(
    ({ route }) =>
      (route.methods === undefined || route.methods.includes(method)) &&
      (route.paths ?? []).some((candidate) =>
        candidate.startsWith('~') ? new RegExp(`^(?:${candidate.slice(1)})`).test(path) : path.startsWith(candidate),
      ),
  );
  return matches.sort((a, b) => (b.route.regex_priority ?? 0) - (a.route.regex_priority ?? 0))[0];
}

/** Kong's route layout served on loopback: see {@link startKongRouteLayout}. */
export interface KongRouteLayout {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** The route each proxied request took, by name, in order. */
  readonly routed: readonly string[];
  close(): Promise<void>;
}

/**
 * Kong cannot run on these machines (no package of it in the registries they reach), so this
 * stands in for its proxy with the routing the declarative configuration declares: a request
 * goes to the service of the route {@link routeFor} picks (path unchanged, as `strip_path:
 * false` says; Host kept, as `preserve_host`), streamed both ways, and a request no route
 * matches answers Kong's 404. `upstream` maps a service's URL to where it is reachable here.
 * Plugins (size limits, rate limits, CORS, request ids) are not applied: kong.test.ts checks them.
 */
export async function startKongRouteLayout(
  config: KongDeclarativeConfig,
  upstream: (serviceUrl: string) => string,
): Promise<KongRouteLayout> {
  const routed: string[] = [];
  const server = http.createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://kong').pathname;
    const match = routeAndServiceFor(config, request.method ?? 'GET', path);
    if (!match?.service.url) {
      response.writeHead(404, { 'content-type': 'application/json; charset=utf-8' });
      response.end(JSON.stringify({ message: 'no Route matched with those values' }));
      return;
    }
    routed.push(match.route.name);
    const target = new URL(upstream(match.service.url));
    const proxied = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: request.method,
        path: request.url,
        headers: { ...request.headers, 'x-forwarded-for': request.socket.remoteAddress ?? '' },
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    proxied.once('error', () => {
      response.writeHead(502);
      response.end();
    });
    request.pipe(proxied);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    routed,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
