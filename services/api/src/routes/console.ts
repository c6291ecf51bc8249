import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { AppError, type Config } from '@agent-runtime/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiInstance } from '../app-types.ts';

/** Where the console's build lies (`npm run build -w apps/console`, which the setup runs). */
const consoleBuildDirectory = path.join(
  path.dirname(createRequire(import.meta.url).resolve('@agent-runtime/console/package.json')),
  'dist',
);

/** The browser client of the realm (auth/): authorization code with PKCE, no secret. */
const webClientId = 'agent-runtime-web';

/** Media types of the files a Vite build writes. */
const mediaTypes: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
};

/**
 * Scripts, styles and API calls from this origin only (and the OIDC issuer's token endpoint
 * when sign-in through it is on); images also from `blob:` URLs, which artifact previews are.
 * Nothing inline may run and the page cannot be framed: the console needs nothing from the
 * internet, so it works offline and in the embedded runtime.
 */
export function consoleContentSecurityPolicy(issuer: string | undefined): string {
  const connect = issuer === undefined ? "'self'" : `'self' ${new URL(issuer).origin}`;
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    `connect-src ${connect}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** What the console reads before sign-in: whether OIDC sign-in is offered, and where. */
function consoleSettings(config: Config) {
  return {
    oidc: config.AR_OIDC_ISSUER === undefined ? null : { issuer: config.AR_OIDC_ISSUER, clientId: webClientId },
  };
}

const notBuiltPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8" /><title>Agent Runtime console</title></head>
<body><main><h1>The console is not built</h1>
<p>Run <code>npm run build -w apps/console</code> (scripts/start.sh does) and restart the API.</p></main></body></html>
`;

/**
 * The web console (apps/console) at `/console`: its page, its fingerprinted assets (cached for
 * a year, since a new build gives them new names), the settings it reads before sign-in, and
 * `GET /console/session`, which tells it who signed in so that it offers only what the role
 * may do. Public but for the session; hidden from the OpenAPI document, as pages for people.
 */
export async function registerConsoleRoutes(app: ApiInstance, config: Config): Promise<void> {
  const policy = consoleContentSecurityPolicy(config.AR_OIDC_ISSUER);
  const send = (reply: FastifyReply, type: string, body: string | Buffer) =>
    reply
      .type(type)
      .header('content-security-policy', policy)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .send(body);
  const options = { config: { access: 'public' as const }, schema: { hide: true } };

  const built = existsSync(path.join(consoleBuildDirectory, 'index.html'));
  const page = built ? await readFile(path.join(consoleBuildDirectory, 'index.html')) : notBuiltPage;
  const sendPage = async (request: FastifyRequest, reply: FastifyReply) => {
    // An asset of another build is gone, not a page of the app.
    if (request.url.startsWith('/console/assets/'))
      throw new AppError('route_not_found', `no endpoint ${request.method} ${request.url}`);
    return send(reply.header('cache-control', 'no-cache').code(built ? 200 : 503), 'text/html; charset=utf-8', page);
  };

  app.get('/console', options, sendPage);
  // Deep links (`/console/runs/…`) load the same page; the app's router reads the path.
  app.get('/console/*', options, sendPage);
  app.get('/console/settings.json', options, async (_request, reply) =>
    send(
      reply.header('cache-control', 'no-cache'),
      'application/json; charset=utf-8',
      JSON.stringify(consoleSettings(config)),
    ),
  );
  app.get('/console/session', { config: { access: 'read' }, schema: { hide: true } }, async (request, reply) =>
    send(
      reply.header('cache-control', 'no-store'),
      'application/json; charset=utf-8',
      JSON.stringify({
        tenantId: request.principal.tenantId,
        subject: request.principal.subject,
        roles: request.principal.roles,
      }),
    ),
  );

  if (!built) return;
  const assetsDirectory = path.join(consoleBuildDirectory, 'assets');
  for (const name of await readdir(assetsDirectory)) {
    const body = await readFile(path.join(assetsDirectory, name));
    const type = mediaTypes[path.extname(name)] ?? 'application/octet-stream';
    app.get(`/console/assets/${name}`, options, async (_request, reply) =>
      send(reply.header('cache-control', 'public, max-age=31536000, immutable'), type, body),
    );
  }
}
