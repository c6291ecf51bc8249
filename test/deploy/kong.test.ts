import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildApp } from '@agent-runtime/api';
import { createLogger, loadConfig, type Database, type RunEventBus } from '@agent-runtime/core';
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { kongDeclarativeSchema, type KongDeclarativeConfig } from './kong-declarative-format.ts';
import { routeFor } from './kong-router.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(`${root}${path}`, 'utf8');
const document = parse(read('gateway/kong.yml')) as unknown;

/** The API's TypeScript sources (tests left out), where it reads and sets headers. */
function apiSources(): string[] {
  return readdirSync(`${root}services/api/src`, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
    .map((file) => read(`services/api/src/${file}`));
}

describe('gateway/kong.yml', () => {
  const config = kongDeclarativeSchema.parse(document);
  const plugins = (route: string) =>
    config.services?.flatMap((service) => service.routes ?? []).find((candidate) => candidate.name === route)
      ?.plugins ?? [];
  let apiPaths: { method: string; path: string }[] = [];
  let hasMetrics = false;

  beforeAll(async () => {
    // The API's own routes, from its OpenAPI document (no backend is touched to build it).
    const app = await buildApp({
      config: loadConfig({}),
      db: {} as Kysely<Database>,
      temporal: {} as Client,
      logger: createLogger('silent', 'test'),
      bus: {} as RunEventBus,
    });
    await app.ready();
    const openapi = app.swagger() as { paths: Record<string, Record<string, unknown>> };
    apiPaths = Object.entries(openapi.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => ({
        method: method.toUpperCase(),
        path: path.replaceAll(/\{[^}]+\}/g, '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b'),
      })),
    );
    hasMetrics = app.hasRoute({ method: 'GET', url: '/metrics' });
    await app.close();
  });

  it('is valid Kong 3 DB-less declarative configuration', () => {
    expect(kongDeclarativeSchema.safeParse(document).error).toBeUndefined();
  });

  it('rejects what Kong would reject (the check can fail)', () => {
    const broken = (change: (copy: Record<string, unknown> & KongDeclarativeConfig) => void) => {
      const copy = structuredClone(document) as Record<string, unknown> & KongDeclarativeConfig;
      change(copy);
      return kongDeclarativeSchema.safeParse(copy).success;
    };
    expect(broken(() => undefined)).toBe(true);
    expect(broken((copy) => (copy._format_version = '2.1' as '3.0'))).toBe(false);
    expect(broken((copy) => copy.plugins?.push({ name: 'jwt', config: {} } as never))).toBe(false);
    expect(broken((copy) => Object.assign(copy.plugins?.[0]?.config ?? {}, { minutes: 5 }))).toBe(false);
    expect(broken((copy) => Object.assign(copy.services?.[0] ?? {}, { hostname: 'api' }))).toBe(false);
    expect(broken((copy) => Object.assign(copy.services?.[0]?.routes?.[0] ?? {}, { paths: ['v1'] }))).toBe(false);
    expect(broken((copy) => Object.assign(copy.services?.[0]?.routes?.[0] ?? {}, { paths: ['~/v1/(('] }))).toBe(false);
    expect(
      broken((copy) => Object.assign(copy.plugins?.[0]?.config ?? {}, { policy: 'cluster' })),
      'DB-less has no cluster policy',
    ).toBe(false);
  });

  it('routes every API endpoint to the API, and neither /metrics nor unknown paths', () => {
    expect(apiPaths.length).toBeGreaterThan(10);
    for (const { method, path } of apiPaths) expect(routeFor(config, method, path), `${method} ${path}`).toBeDefined();
    for (const path of ['/healthz', '/readyz', '/openapi.json'])
      expect(routeFor(config, 'GET', path)?.name).toBe('api-public');
    expect(hasMetrics).toBe(true);
    for (const path of ['/metrics', '/healthz/x', '/openapi.jsonx', '/v1', '/admin', '/']) {
      expect(routeFor(config, 'GET', path), path).toBeUndefined();
    }
    expect(routeFor(config, 'GET', '/v1/runs/abc/events')?.name).toBe('api-run-events');
    for (const path of ['/console', '/console/', '/console/runs/abc', '/console/assets/index-abcdef12.js'])
      expect(routeFor(config, 'GET', path)?.name, path).toBe('api-console');
    expect(routeFor(config, 'POST', '/console/session'), 'POST /console/session').toBeUndefined();
    expect(routeFor(config, 'POST', '/v1/runs/abc/artifacts')?.name).toBe('api-run-artifacts');
    expect(routeFor(config, 'GET', '/v1/runs/abc/artifacts/def')?.name).toBe('api-run-artifacts');
    expect(routeFor(config, 'POST', '/v1/runs')?.name).toBe('api-v1');
  });

  it('sends everything to the Compose service `api` on the port the API listens on', () => {
    const compose = parse(read('docker/docker-compose.yml'), { merge: true }) as {
      services: Record<string, { environment?: Record<string, string> }>;
    };
    const url = new URL(config.services?.[0]?.url ?? '');
    expect(compose.services).toHaveProperty(url.hostname);
    expect(Number(url.port)).toBe(loadConfig(compose.services[url.hostname]?.environment ?? {}).PORT);
    expect(config.services).toHaveLength(1);
    // Long polls wait up to 60 s: the upstream must not be cut before.
    expect(config.services?.[0]?.read_timeout).toBeGreaterThan(60_000);
  });

  it('limits bodies as the API does, and artifact uploads with a larger limit of their own', () => {
    const bodyLimit = loadConfig({}).AR_BODY_LIMIT_BYTES;
    for (const route of ['api-v1', 'api-run-events']) {
      expect(plugins(route)).toContainEqual({
        name: 'request-size-limiting',
        config: { allowed_payload_size: bodyLimit, size_unit: 'bytes', require_content_length: false },
      });
    }
    const artifacts = plugins('api-run-artifacts').find((plugin) => plugin.name === 'request-size-limiting');
    expect(artifacts?.config).toMatchObject({ size_unit: 'bytes' });
    expect((artifacts?.config as { allowed_payload_size: number }).allowed_payload_size).toBeGreaterThan(bodyLimit);
  });

  it("limits per client IP well above the per-tenant default, and hides its headers behind the API's", () => {
    const rateLimiting = config.plugins?.find((plugin) => plugin.name === 'rate-limiting');
    expect(rateLimiting?.config).toMatchObject({ limit_by: 'ip', policy: 'local', hide_client_headers: true });
    const perMinute = (rateLimiting?.config as { minute: number }).minute;
    expect(perMinute).toBeGreaterThanOrEqual(loadConfig({}).AR_TENANT_RATE_LIMIT);
  });

  it("passes request ids and the API's limit headers through CORS, and gives each request an id", () => {
    const cors = config.plugins?.find((plugin) => plugin.name === 'cors')?.config as {
      headers: string[];
      exposed_headers: string[];
      methods: string[];
    };
    expect(cors.headers).toEqual(expect.arrayContaining(['Authorization', 'Idempotency-Key', 'Last-Event-ID']));
    expect(cors.exposed_headers).toEqual(
      expect.arrayContaining(['X-Request-Id', 'Retry-After', 'RateLimit-Remaining']),
    );
    expect(cors.methods).toEqual(expect.arrayContaining(['GET', 'POST', 'PATCH', 'DELETE']));
    // Every method the API serves, PUT included (a browser preflights it).
    for (const method of new Set(apiPaths.map((operation) => operation.method)))
      expect(cors.methods, method).toContain(method);
    expect(config.plugins?.find((plugin) => plugin.name === 'correlation-id')?.config).toEqual({
      header_name: 'X-Request-Id',
      generator: 'uuid',
      echo_downstream: true,
    });
  });

  it('lets a browser send every header the API reads and read every header it sets', () => {
    const cors = config.plugins?.find((plugin) => plugin.name === 'cors')?.config as {
      headers: string[];
      exposed_headers: string[];
    };
    const lower = (names: string[]) => names.map((name) => name.toLowerCase());
    const source = apiSources().join('\n');
    const read = [...source.matchAll(/request\.headers\['([a-z-]+)'\]/g)].map((match) => match[1] ?? '');
    const set = [...source.matchAll(/\.header\('([a-z-]+)'/g)].map((match) => match[1] ?? '');
    expect(read).toContain('if-none-match');
    expect(set).toEqual(expect.arrayContaining(['etag', 'content-disposition', 'repr-digest']));
    // What a browser sets itself, or lets scripts read without CORS, needs no listing; the
    // others here are for the browser only (security headers, the connection, Allow of a 405).
    const browserOwned = ['content-length'];
    const safelisted = [
      'cache-control',
      'content-type',
      'content-length',
      'content-language',
      'expires',
      'last-modified',
    ];
    const notForScripts = [
      'connection',
      'x-content-type-options',
      'content-security-policy',
      'referrer-policy',
      'allow',
    ];
    for (const header of read.filter((name) => !browserOwned.includes(name)))
      expect(lower(cors.headers), header).toContain(header);
    for (const header of set.filter((name) => !safelisted.includes(name) && !notForScripts.includes(name)))
      expect(lower(cors.exposed_headers), header).toContain(header);
  });

  it('leaves credentials to the API: no Kong auth plugin would turn API keys away', () => {
    const names = [
      ...(config.plugins ?? []),
      ...(config.services ?? []).flatMap((service) => (service.routes ?? []).flatMap((route) => route.plugins ?? [])),
    ].map((plugin) => plugin.name as string);
    for (const auth of ['jwt', 'key-auth', 'openid-connect', 'basic-auth']) expect(names).not.toContain(auth);
    // The issuer and audience the API checks are the realm's (documented in the file).
    expect(read('gateway/kong.yml')).toContain('/realms/agent-runtime');
    expect(read('gateway/kong.yml')).toContain('agent-runtime-api');
  });
});
