import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { FastifyReply } from 'fastify';
import type { ApiInstance } from '../app-types.ts';

/** Where swagger-ui-dist's prebuilt bundle lies: served from the package, never from a CDN. */
const swaggerUiDirectory = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

/**
 * Scripts, styles, images and API calls from this origin only; nothing inline may run, and
 * the page cannot be framed. The reference works offline because it needs nothing else.
 */
const contentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const page = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Agent Runtime API reference</title>
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <link rel="stylesheet" href="/docs/swagger-ui.css" />
  </head>
  <body>
    <div id="reference"></div>
    <script src="/docs/swagger-ui-bundle.js"></script>
    <script src="/docs/reference.js"></script>
  </body>
</html>
`;

// A file of its own rather than an inline script, so that the policy can forbid inline code.
// No validator badge: Swagger UI would send the document to an outside validator.
const script = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#reference',
  deepLinking: true,
  validatorUrl: null,
  tryItOutEnabled: false,
  persistAuthorization: false,
});
`;

/** Files of the page by their path under `/docs/`, with their media types. */
const assets = {
  'swagger-ui.css': { file: 'swagger-ui.css', type: 'text/css; charset=utf-8' },
  'swagger-ui-bundle.js': { file: 'swagger-ui-bundle.js', type: 'text/javascript; charset=utf-8' },
} as const;

/**
 * `GET /docs`: a browsable reference of `/openapi.json`, rendered in the browser by Swagger UI
 * from the swagger-ui-dist package that ships with the API. Public like the document itself,
 * and hidden from it: it is a page for people, not an operation of the API.
 */
export async function registerApiReferenceRoutes(app: ApiInstance): Promise<void> {
  const files = Object.fromEntries(
    await Promise.all(
      Object.entries(assets).map(
        async ([name, asset]) => [name, await readFile(path.join(swaggerUiDirectory, asset.file))] as const,
      ),
    ),
  );
  const options = { config: { access: 'public' as const }, schema: { hide: true } };
  const send = (reply: FastifyReply, type: string, body: string | Buffer) =>
    reply
      .type(type)
      .header('content-security-policy', contentSecurityPolicy)
      .header('x-content-type-options', 'nosniff')
      .send(body);

  app.get('/docs', options, async (_request, reply) => send(reply, 'text/html; charset=utf-8', page));
  app.get('/docs/reference.js', options, async (_request, reply) =>
    send(reply, 'text/javascript; charset=utf-8', script),
  );
  for (const [name, asset] of Object.entries(assets)) {
    app.get(`/docs/${name}`, options, async (_request, reply) =>
      send(reply.header('cache-control', 'public, max-age=86400'), asset.type, files[name] ?? ''),
    );
  }
}
