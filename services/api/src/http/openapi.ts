import { STATUS_CODES } from 'node:http';
import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import type { RouteOptions } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import type { RouteAccess } from './auth.ts';
import { problemMediaType } from './problem.ts';
import { maxJsonDepth } from './unstorable-input.ts';

/** A documented response of one status, as @fastify/swagger takes it. */
interface ResponseDocument {
  readonly description: string;
  readonly content: Record<string, { schema: unknown }>;
  readonly headers?: Record<string, unknown>;
}

/** Methods whose request bodies Fastify reads (GET and HEAD bodies are never parsed). */
const bodyMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

const problemReference = { $ref: '#/components/schemas/Problem' };

/** Why a route can answer each status that every route of its kind shares, for the description. */
const sharedReasons: Readonly<Record<number, string>> = {
  400: 'The request could not be read (malformed JSON, an unreadable URL, an unknown cursor)',
  401: 'No valid credential',
  403: "The credential's roles do not allow this route",
  404: 'No such object in the caller’s tenant',
  413: 'The request body is over the size limit',
  414: 'A path parameter is longer than any id can be',
  415: 'The media type of the request body is not supported',
  422: 'The request is not valid: `errors` lists each problem with its path',
  429: 'The tenant is over its request rate or run limits; `Retry-After` says when to retry',
  503: 'A dependency is unavailable, or this instance is shutting down: retry later',
};

/**
 * The statuses a route answers whatever its handler does, from how Fastify and the hooks
 * treat it: authentication and rate limits on every non-public route, body parsing on every
 * method that has a body, validation wherever a part of the request has a schema, and path
 * parameters that may name nothing or be too long.
 */
export function sharedProblemStatuses(route: RouteOptions): number[] {
  const access = route.config?.access as RouteAccess | undefined;
  const schema = route.schema ?? {};
  const methods = [route.method].flat().map((method) => method.toUpperCase());
  const statuses = new Set<number>([503]);
  if (access !== 'public') [401, 403, 429].forEach((status) => statuses.add(status));
  if (methods.some((method) => bodyMethods.has(method))) [400, 413, 415].forEach((status) => statuses.add(status));
  if (route.url.includes(':')) [400, 404, 414].forEach((status) => statuses.add(status));
  if (schema.body || schema.querystring || schema.params || schema.headers) statuses.add(422);
  return [...statuses];
}

/** The problem+json response of `status`. */
function problemResponse(status: number, reason: string | undefined): ResponseDocument {
  const title = STATUS_CODES[status] ?? 'Error';
  const description = reason ? `${title}: ${reason}` : title;
  const response = { description, content: { [problemMediaType]: { schema: problemReference } } };
  if (status !== 429 && status !== 503) return response;
  const retryAfter = { type: 'integer', minimum: 0, description: 'Seconds to wait before retrying' };
  return { ...response, headers: { 'retry-after': retryAfter } };
}

/**
 * Header parameters OpenAPI ignores (3.1, Parameter Object): `Content-Type` is the request
 * body's media type and `Accept` the response's, documented with them; `Authorization` is
 * the security scheme. Routes still validate them; the document leaves them out.
 */
const reservedHeaders = new Set(['content-type', 'accept', 'authorization']);

function withoutReservedHeaders(headers: unknown): unknown {
  if (typeof headers !== 'object' || headers === null || !('properties' in headers)) return headers;
  const { properties, required, ...rest } = headers as { properties: object; required?: string[] };
  return {
    ...rest,
    properties: Object.fromEntries(Object.entries(properties).filter(([name]) => !reservedHeaders.has(name))),
    ...(required ? { required: required.filter((name) => !reservedHeaders.has(name)) } : {}),
  };
}

/**
 * The route's schema as the document shows it: zod turned into JSON Schema, then every
 * error status documented as `application/problem+json`, those the route declares and those
 * every route of its kind shares. Routes need not list the shared ones themselves.
 */
const documentRoute: NonNullable<FastifyDynamicSwaggerOptions['transform']> = (input) => {
  const transformed = jsonSchemaTransform(input as Parameters<typeof jsonSchemaTransform>[0]);
  const schema = transformed.schema as { hide?: boolean; headers?: unknown; response?: Record<string, unknown> };
  if (schema.hide) return transformed;
  // Public routes (health checks) take no credential: an empty requirement overrides the global one.
  const security = input.route.config?.access === 'public' ? { security: [] } : {};
  const response: Record<string, unknown> = { ...schema.response };
  const declared = Object.keys(response)
    .map(Number)
    .filter((status) => status >= 400);
  const headers = withoutReservedHeaders(schema.headers);
  const shared = sharedProblemStatuses(input.route);
  for (const status of new Set([...declared, ...shared])) {
    response[status] = problemResponse(status, shared.includes(status) ? sharedReasons[status] : undefined);
  }
  return { ...transformed, schema: { ...schema, ...security, ...(headers ? { headers } : {}), response } };
};

interface MediaTypeObject {
  schema?: Record<string, unknown>;
}

/**
 * The document with no schema on bodies that are any bytes (an artifact's content): a schema
 * of `{}` would still claim the body parses as its media type, which stored bytes need not;
 * OpenAPI says "any content" by a media type without a schema. @fastify/swagger insists on a
 * schema per media type, so such routes declare `z.any()` and it is dropped here.
 */
function withoutAnyBytesSchemas<Document extends { paths?: unknown }>(document: Document): Document {
  const operations = Object.values((document.paths ?? {}) as Record<string, Record<string, unknown>>).flatMap(
    (path) => Object.values(path) as { responses?: Record<string, { content?: Record<string, MediaTypeObject> }> }[],
  );
  for (const operation of operations) {
    for (const response of Object.values(operation.responses ?? {})) {
      for (const media of Object.values(response.content ?? {})) {
        const keys = Object.keys(media.schema ?? { type: 'defined' });
        if (keys.every((key) => key === 'description')) delete media.schema;
      }
    }
  }
  return document;
}

/** Keys Fastify's JSON parser refuses in any request body (400): prototype poisoning. */
const refusedKey = { not: { const: '__proto__' } };

/** Adds the refused key to every map (an object with free keys) under `node`. */
function refuseKeysIn(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(refuseKeysIn);
  if (typeof node !== 'object' || node === null) return;
  const schema = node as Record<string, unknown>;
  const additional = schema['additionalProperties'];
  if ((additional !== undefined && additional !== false) || schema['propertyNames'] !== undefined) {
    const names = schema['propertyNames'];
    schema['propertyNames'] = names === undefined ? refusedKey : { allOf: [names, refusedKey] };
  }
  for (const [key, child] of Object.entries(schema)) if (key !== 'propertyNames') refuseKeysIn(child);
}

/**
 * The document with `__proto__` refused as a key of every map a request may carry (the
 * `…Input` components and request bodies), as Fastify's parser refuses it (400).
 */
function withoutPoisonedKeys<Document extends { paths?: unknown; components?: unknown }>(document: Document): Document {
  const schemas = ((document.components ?? {}) as { schemas?: Record<string, unknown> }).schemas ?? {};
  for (const [name, schema] of Object.entries(schemas)) if (name.endsWith('Input')) refuseKeysIn(schema);
  const operations = Object.values((document.paths ?? {}) as Record<string, Record<string, unknown>>).flatMap(
    (path) => Object.values(path) as { requestBody?: unknown }[],
  );
  for (const operation of operations) refuseKeysIn(operation.requestBody);
  return document;
}

/** Options of @fastify/swagger for the API's OpenAPI 3.1 document, generated from the routes' zod schemas. */
export function openApiOptions(): FastifyDynamicSwaggerOptions {
  return {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Agent Runtime API',
        version: '1.0.0',
        description: [
          'Control plane of Agent Runtime: tenants, agents, immutable agent versions, runs, API keys and the audit log.',
          '',
          'Every error is an RFC 9457 problem (`application/problem+json`) with a stable `code`. Text in a',
          'request (body, query and path) may not contain U+0000 (NUL), which no stored text can hold, and',
          `JSON bodies may not nest arrays and objects more than ${maxJsonDepth} levels deep: such a request`,
          'answers 422 `validation_failed`. No object in a JSON body may have the key `__proto__` (400).',
          'A browsable reference of this document is served at `/docs`.',
        ].join('\n'),
      },
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            description: 'An API key (`ar_…`) or, where OIDC is configured, an access token of the issuer',
          },
        },
      },
      security: [{ bearer: [] }],
    },
    transform: documentRoute,
    transformObject: (input) => withoutPoisonedKeys(withoutAnyBytesSchemas(jsonSchemaTransformObject(input))),
  };
}
