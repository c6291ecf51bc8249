import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '@agent-runtime/core';
import { findTemporalCli, startTemporalDevServer, type TemporalDevServer } from '@agent-runtime/embedded';
import {
  findRclone,
  freePort,
  repoRoot,
  serviceProcess,
  startKeycloak,
  startOpenAiCompatibleServer,
  startPostgres,
  startRedis,
  type KeycloakServer,
  type OpenAiCompatibleServer,
  type PostgresServer,
  type RedisServer,
  type ServiceProcess,
} from '@agent-runtime/test-harness';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  AddressMap,
  dockerfileEnvironment,
  healthcheckCommand,
  nativePath,
  readComposeServices,
  runJob,
  waitHealthy,
  type ComposeService,
} from './compose-native.ts';
import { kongDeclarativeSchema } from './kong-declarative-format.ts';
import { startKongRouteLayout, type KongRouteLayout } from './kong-router.ts';

/**
 * docker/docker-compose.yml run without Docker: PostgreSQL, Redis, Temporal, the S3 server,
 * Keycloak, the API and the workers as native processes, each with the environment, command
 * and set-up jobs the file gives its service, and one run completed end to end through Kong's
 * route layout. The one change is addresses (AddressMap): each `service:port`, each port
 * published on localhost and each service's own loopback port become a free loopback port.
 *
 * Stand-ins, where an image's program is not available natively: PostgreSQL, Redis and
 * Keycloak are the harness's servers given the services' settings (the postgres image's
 * POSTGRES_* become its role and database; Keycloak gets the service's KC_* variables but
 * starts optimized instead of start-dev); Temporal is the CLI's dev server (the same server
 * release, SQLite instead of PostgreSQL, so `temporal-schema` and its temporal-sql-tool do
 * not run), while the admin tools' health check and the namespace job run as written with the
 * same `temporal` CLI; Kong is startKongRouteLayout (its routing, not its plugins). rclone
 * (`s3`, `s3-setup`) and node (`api`, `worker`) run exactly the services' commands.
 */
const compose = readComposeServices(path.join(repoRoot, 'docker/docker-compose.yml'));
const imageEnv = dockerfileEnvironment(path.join(repoRoot, 'docker/Dockerfile'));
const kongConfig = kongDeclarativeSchema.parse(
  parse(await readFile(path.join(repoRoot, 'gateway/kong.yml'), 'utf8')) as unknown,
);

function service(name: string): ComposeService {
  const found = compose[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
}

/** The container port a service publishes on the host as `hostPort` (`127.0.0.1:host:container`). */
function published(name: string): { host: string; container: string }[] {
  return (
    (service(name) as { ports?: string[] }).ports?.map((port) => {
      const [, host = '', container = ''] = port.split(':');
      return { host, container };
    }) ?? []
  );
}

describe('the Compose stack, run natively', () => {
  const addresses = new AddressMap();
  const children: ChildProcess[] = [];
  const runtime: ServiceProcess[] = [];
  const temporalCli = findTemporalCli(process.env['TEMPORAL_CLI_PATH'], process.env['PATH'] ?? '');
  const rclone = findRclone();
  const PATH = nativePath([temporalCli, rclone, process.execPath]);
  let dirs: string[] = [];
  let postgres: PostgresServer;
  let redis: RedisServer;
  let temporal: TemporalDevServer;
  let keycloak: KeycloakServer;
  let model: OpenAiCompatibleServer;
  let kong: KongRouteLayout;
  let s3Dir: string;

  beforeAll(async () => {
    const [pgPort, temporalPort, s3Port, keycloakPort, apiPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    addresses
      .add('postgres:5432', `127.0.0.1:${pgPort}`)
      .add('temporal:7233', `127.0.0.1:${temporalPort}`)
      .add('s3:9000', `127.0.0.1:${s3Port}`)
      .add('keycloak:8080', `127.0.0.1:${keycloakPort}`)
      .add('api:8080', `127.0.0.1:${apiPort}`);
    // Ports published on the host: browsers and the CLI name Keycloak as localhost:8180.
    for (const { host } of published('keycloak')) addresses.add(`localhost:${host}`, `localhost:${keycloakPort}`);

    const temporalState = await mkdtemp(path.join(tmpdir(), 'compose-temporal-'));
    s3Dir = await mkdtemp(path.join(tmpdir(), 'compose-s3-'));
    dirs = [temporalState, s3Dir];
    const keycloakStarted = startKeycloak({
      port: keycloakPort,
      env: addresses.rewriteEnv(service('keycloak').environment ?? {}),
    });
    [postgres, redis, temporal, model] = await Promise.all([
      startPostgres({ port: pgPort }),
      startRedis(),
      startTemporalDevServer({
        cliPath: temporalCli,
        port: temporalPort,
        stateDir: temporalState,
        logger: createLogger('warn', 'temporal-dev-server'),
      }),
      startOpenAiCompatibleServer(),
    ]);
    addresses.add('redis:6379', new URL(redis.url).host);

    // postgres: the image's first start creates POSTGRES_USER (a superuser) and POSTGRES_DB.
    const { POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB } = service('postgres').environment ?? {};
    const admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
    await admin.query(`create role "${POSTGRES_USER}" login superuser password '${POSTGRES_PASSWORD}'`);
    await admin.query(`create database "${POSTGRES_DB}" owner "${POSTGRES_USER}"`);
    await admin.end();

    // s3: the service's command, its volume's directory, its listen address on loopback.
    const s3 = service('s3');
    const s3Local = new AddressMap().add(':9000', `127.0.0.1:${s3Port}`).add('127.0.0.1:9000', `127.0.0.1:${s3Port}`);
    const s3Args = (s3.command ?? []).map((arg) => (arg === '/data' ? s3Dir : s3Local.rewrite(arg)));
    const s3Env = { PATH, ...s3Local.rewriteEnv(s3.environment ?? {}) };
    const s3Server = spawn(rclone, s3Args, { env: s3Env, stdio: 'ignore' });
    children.push(s3Server);
    await waitHealthy('s3', healthcheckCommand(s3.healthcheck?.test ?? []), s3Env);
    const setup = service('s3-setup');
    await runJob('s3-setup', ['rclone', ...(setup.command ?? [])], {
      PATH,
      ...addresses.rewriteEnv(setup.environment ?? {}),
    });

    // Temporal: the admin tools' health check, then the namespace job, as written.
    const tools = service('temporal-admin-tools');
    await waitHealthy('temporal-admin-tools', healthcheckCommand(tools.healthcheck?.test ?? []), {
      PATH,
      ...addresses.rewriteEnv(tools.environment ?? {}),
    });
    const namespace = service('temporal-namespace');
    await runJob('temporal-namespace', [...(namespace.entrypoint ?? []), ...(namespace.command ?? [])], {
      PATH,
      ...addresses.rewriteEnv(namespace.environment ?? {}),
    });

    keycloak = await keycloakStarted;

    // api and workers: the image's ENV, then the service's environment; the API listens on
    // its loopback port instead of 0.0.0.0:8080.
    const apiLocal = new AddressMap().add('127.0.0.1:8080', `127.0.0.1:${apiPort}`);
    const environmentOf = (name: string) => ({
      PATH,
      ...addresses.rewriteEnv({ ...imageEnv, ...service(name).environment }),
      HOST: '127.0.0.1',
      PORT: String(apiPort),
    });
    const entry = (name: string) => path.join(repoRoot, service(name).command?.[1] ?? '');
    const api = serviceProcess('api', entry('api'), environmentOf('api'));
    runtime.push(api);
    api.start();
    await waitHealthy(
      'api',
      healthcheckCommand(service('api').healthcheck?.test ?? []).map((arg) => apiLocal.rewrite(arg)),
      { PATH },
      90_000,
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${api.stderrTail}`);
    });
    for (let replica = 1; replica <= (service('worker').deploy?.replicas ?? 1); replica++) {
      const worker = serviceProcess(`worker-${replica}`, entry('worker'), environmentOf('worker'));
      runtime.push(worker);
      worker.start();
    }
    kong = await startKongRouteLayout(kongConfig, (url) => `http://${addresses.rewrite(new URL(url).host)}`);
  }, 240_000);

  afterAll(async () => {
    await kong?.close();
    await Promise.allSettled(runtime.map((process) => process.stop()));
    for (const child of children) child.kill('SIGTERM');
    await Promise.allSettled([keycloak?.stop(), temporal?.stop(), redis?.stop(), postgres?.stop(), model?.close()]);
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  /** A password-grant token of the realm's `developer`, given the bootstrap key's tenant. */
  async function developerToken(): Promise<string> {
    const adminApi = async (method: string, route: string, body?: unknown) => {
      const response = await fetch(`${keycloak.url}/admin/realms/agent-runtime${route}`, {
        method,
        headers: {
          authorization: `Bearer ${await keycloak.adminToken()}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${await response.text()}`);
      return response;
    };
    const db = new pg.Client({
      connectionString: addresses.rewrite(service('api').environment?.['DATABASE_URL'] ?? ''),
    });
    await db.connect();
    const { rows } = await db.query<{ id: string }>(`select id from tenants where name = 'default'`);
    await db.end();
    const [user] = (await (await adminApi('GET', '/users?exact=true&username=developer')).json()) as { id: string }[];
    const current = (await (await adminApi('GET', `/users/${user?.id}`)).json()) as Record<string, unknown>;
    await adminApi('PUT', `/users/${user?.id}`, { ...current, attributes: { tenant_id: [rows[0]?.id] } });
    // The realm enables no password grant: a test client with the CLI client's mappers does.
    const [cli] = (await (await adminApi('GET', '/clients?clientId=agent-runtime-cli')).json()) as {
      defaultClientScopes: string[];
      protocolMappers: Record<string, unknown>[];
    }[];
    await adminApi('POST', '/clients', {
      clientId: 'compose-run-test',
      publicClient: true,
      standardFlowEnabled: false,
      directAccessGrantsEnabled: true,
      defaultClientScopes: cli?.defaultClientScopes,
      protocolMappers: cli?.protocolMappers.map((mapper) =>
        Object.fromEntries(Object.entries(mapper).filter(([key]) => key !== 'id')),
      ),
    });
    // Where browsers and the CLI ask: the issuer the Compose file names (KC_HOSTNAME).
    const issuer = addresses.rewrite(service('api').environment?.['AR_OIDC_ISSUER'] ?? '');
    const response = await fetch(`${issuer}/protocol/openid-connect/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'password',
        client_id: 'compose-run-test',
        username: 'developer',
        password: 'dev-only-developer',
      }),
    });
    const body = (await response.json()) as { access_token?: string };
    if (!body.access_token) throw new Error(`no token: ${JSON.stringify(body)}`);
    return body.access_token;
  }

  it('completes a tool-using run through Kong with a Keycloak token, its artifact stored in the S3 server', async () => {
    const token = await developerToken();
    const call = async (method: string, route: string, body?: unknown, headers: Record<string, string> = {}) =>
      fetch(`${kong.url}${route}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(typeof body === 'string' || body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });

    model.enqueue(
      { kind: 'reply', toolCalls: [{ id: 'call_1', name: 'calculator', arguments: { expression: '6*7' } }] },
      { kind: 'reply', text: 'It is 42.' },
    );
    const agent = (await (await call('POST', '/v1/agents', { name: 'compose-agent' })).json()) as { id: string };
    const version = await call('POST', `/v1/agents/${agent.id}/versions`, {
      spec: {
        model: { provider: 'openai-compatible', baseUrl: model.baseUrl, model: 'local' },
        instructions: 'Use the calculator.',
        tools: [{ name: 'calculator' }],
      },
    });
    expect(version.status, await version.clone().text()).toBe(201);
    const started = await call('POST', '/v1/runs', { agentId: agent.id, input: 'what is 6*7?' });
    expect(started.status, await started.clone().text()).toBe(202);
    const { id: runId } = (await started.json()) as { id: string };

    let run: { status: string; output?: unknown; usage?: unknown } = { status: 'queued' };
    const deadline = Date.now() + 60_000;
    while (!['succeeded', 'failed', 'cancelled', 'timed_out'].includes(run.status) && Date.now() < deadline) {
      run = (await (await call('GET', `/v1/runs/${runId}?wait=10`)).json()) as typeof run;
    }
    expect(run, runtime.map((process) => process.stderrTail).join('\n')).toMatchObject({
      status: 'succeeded',
      output: { text: 'It is 42.' },
      usage: { steps: 2, modelCalls: 2, toolCalls: 1 },
    });
    const events = (await (await call('GET', `/v1/runs/${runId}/events?limit=1000`)).json()) as {
      items: { type: string }[];
    };
    expect(events.items.map((event) => event.type)).toContain('tool.completed');

    const upload = await call('POST', `/v1/runs/${runId}/artifacts?name=report.txt`, 'forty-two', {
      'content-type': 'application/octet-stream',
    });
    expect(upload.status, await upload.clone().text()).toBe(201);
    const artifact = (await upload.json()) as { id: string };
    const download = await call('GET', `/v1/runs/${runId}/artifacts/${artifact.id}/content`);
    expect(await download.text()).toBe('forty-two');
    // Stored through the S3 API in the bucket the set-up job made (a directory of the volume).
    const bucket = service('api').environment?.['AR_S3_BUCKET'] ?? '';
    const stored = await readdir(path.join(s3Dir, bucket), { recursive: true });
    expect(stored.some((file) => file.includes(artifact.id))).toBe(true);

    expect(kong.routed).toEqual(expect.arrayContaining(['api-v1', 'api-run-events', 'api-run-artifacts']));
    expect((await fetch(`${kong.url}/metrics`)).status, 'Kong routes no /metrics').toBe(404);
  }, 120_000);
});
