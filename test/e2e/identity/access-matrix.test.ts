import {
  addWebhookSecret,
  generateWebhookSecret,
  insertWebhook,
  newWebhookSchema,
  applyRunTransition,
  createAgent,
  createAgentVersion,
  createApiKey,
  createCallbackTokens,
  createMemoryStore,
  createRun,
  createSecret,
  createTenant,
  createThread,
  exampleAgentSpec,
  newId,
  insertSchedule,
  newScheduleSchema,
  revokeApiKey,
  storeArtifact,
  type BlobStore,
  type Database,
  type MasterKey,
  type Role,
} from '@agent-runtime/core';
import { createApiRequest, startTestRuntime, type TestRuntime } from '@agent-runtime/test-harness';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Every route × every role × own or another tenant's objects, and every route without a
 * valid credential. Routes come from the app itself, so a route added later is in the
 * matrix at once: its path parameters need a fixture below, its access level must match
 * the policy below, and its request body (if it takes one and names objects) needs an entry.
 */

type Access = 'public' | 'read' | 'write' | 'admin' | 'platform';

/** The role policy of issue 5, written out independently of the code under test. */
const rolesWithAccess: Record<Exclude<Access, 'public'>, readonly Role[]> = {
  read: ['viewer', 'developer', 'tenant-admin', 'platform-admin'],
  write: ['developer', 'tenant-admin', 'platform-admin'],
  admin: ['tenant-admin', 'platform-admin'],
  platform: ['platform-admin'],
};

const publicPaths = new Set([
  '/healthz',
  '/readyz',
  '/metrics',
  '/openapi.json',
  // The API reference page and the files it loads: the document, for people.
  '/docs',
  '/docs/reference.js',
  '/docs/swagger-ui.css',
  '/docs/swagger-ui-bundle.js',
  // Callback and approval links: the token in the path is the credential (docs/callbacks.md).
  '/v1/callbacks/:token',
  // The web console's page (deep links too) and the settings it reads before sign-in.
  '/console',
  '/console/*',
  '/console/settings.json',
]);
/** The LangGraph API's POST routes that only read (its searches carry their filters in a body). */
const langGraphReads = new Set([
  '/lg/assistants/search',
  '/lg/assistants/count',
  '/lg/assistants/:assistant_id/versions',
  '/lg/threads/search',
  '/lg/threads/:thread_id/history',
  '/lg/store/items/search',
  '/lg/store/namespaces',
  '/lg/runs/crons/search',
  '/lg/runs/crons/count',
]);
/** The console's fingerprinted assets: one route per file of its build, public like the page. */
const consoleAsset = /^\/console\/assets\/[\w-]+\.(js|css)$/;
const adminPrefixes = ['/v1/api-keys', '/v1/audit', '/v1/retention', '/v1/secrets'];

/**
 * Who should be able to call a route: tenants are the platform's; keys, secrets, audit and
 * retention the tenant admins'; everything else reads (GET) or writes agents, versions and runs.
 */
function expectedAccess(method: string, url: string): Access {
  if (publicPaths.has(url) || consoleAsset.test(url)) return 'public';
  if (url === '/v1/tenants' || url.startsWith('/v1/tenants/')) return 'platform';
  if (adminPrefixes.some((prefix) => url === prefix || url.startsWith(`${prefix}/`))) return 'admin';
  // Webhooks send the tenant's data out and hold signing secrets: tenant admins manage them, every role reads them.
  if (url === '/v1/run-webhook-secret' || url.startsWith('/v1/webhooks')) return method === 'GET' ? 'read' : 'admin';
  // A memory store search is a read whose body carries the search.
  if (method === 'POST' && url === '/v1/store/items/search') return 'read';
  // LangGraph's API reads with POST: searches, counts, versions, history, namespaces.
  if (method === 'POST' && langGraphReads.has(url)) return 'read';
  return method === 'GET' ? 'read' : 'write';
}

/** Objects created in each tenant, from which path parameters and bodies are filled. */
interface TenantObjects {
  readonly db: Kysely<Database>;
  readonly tenantId: string;
  /** An agent with version 1. */
  readonly agentId: string;
  /** An agent served over A2A (its name, unique to the tenant here, is its A2A path). */
  readonly a2aAgentName: string;
  /** A run of that agent that has ended (cancelled): control routes answer 409, never wait. */
  readonly runId: string;
  /** A viewer key nobody calls with, for the key routes to read and revoke. */
  readonly keyId: string;
  /** An artifact of the run. */
  readonly artifactId: string;
  /** Creates a secret of its own for each call: a deleted one would answer 404 to the next role. */
  newSecretName(): Promise<string>;
  /** Creates a thread of its own for each call, for the same reason. */
  newThreadId(): Promise<string>;
  /** The query string naming a memory item of the tenant (namespace and key). */
  readonly memoryItemQuery: string;
  /** Creates a memory item of its own for each call, and answers the query string naming it. */
  newMemoryItemQuery(): Promise<string>;
  /** Creates a schedule (yearly) of its own for each call: a deleted one would answer 404 to the next role. */
  newScheduleId(): Promise<string>;
  /** A callback token this runtime signed, for a waitpoint that does not exist (its POST answers 410). */
  readonly callbackToken: string;
  /** Creates a webhook of its own for each call, with a signing secret and one delivery, for the same reason. */
  newWebhookId(): Promise<string>;
  /** The delivery of the webhook `newWebhookId` created last. */
  lastWebhookDeliveryId(): string;
  /** Creates an agent with a version for each call (a LangGraph assistant; deleting one archives it). */
  newAgentId(): Promise<string>;
  /** Creates a thread with an ended run for each call (the LangGraph API's thread and run routes). */
  newLangGraphThreadId(): Promise<string>;
  /** The ended run of the thread `newLangGraphThreadId` created last (one is created if none was). */
  langGraphRunId(): Promise<string>;
}

/**
 * Path parameter → its value in a tenant. A route with a parameter missing here fails the
 * test: add one line (create the object from `objects` if it needs one).
 */
const fixtures: Record<string, (objects: TenantObjects) => string | Promise<string>> = {
  tenantId: (objects) => objects.tenantId,
  agentId: (objects) => objects.agentId,
  version: () => '1',
  runId: (objects) => objects.runId,
  approvalId: () => 'approval-1',
  keyId: (objects) => objects.keyId,
  artifactId: (objects) => objects.artifactId,
  name: (objects) => objects.newSecretName(),
  threadId: (objects) => objects.newThreadId(),
  scheduleId: (objects) => objects.newScheduleId(),
  webhookId: (objects) => objects.newWebhookId(),
  // Filled after `webhookId` in the same path: a delivery of that webhook.
  deliveryId: (objects) => objects.lastWebhookDeliveryId(),
  agentName: (objects) => objects.a2aAgentName,
  token: (objects) => objects.callbackToken,
  assistant_id: (objects) => objects.newAgentId(),
  thread_id: (objects) => objects.newLangGraphThreadId(),
  run_id: (objects) => objects.langGraphRunId(),
  checkpoint_id: () => 'checkpoint-1',
  cron_id: (objects) => objects.newScheduleId(),
};

/** Parameters that name platform objects, not a tenant's: another tenant's are not hidden. */
const unscopedParams = new Set(['tenantId']);

let unique = 0;
const uniqueName = (prefix: string) => `${prefix}-${++unique}`;

/**
 * Valid bodies of the routes that take one, by `METHOD url`. A valid body matters: the
 * schema is checked before the handler looks objects up, so an invalid one would answer 422
 * where another tenant's object must answer 404. `scoped` marks bodies naming tenant objects.
 */
const bodies: Record<
  string,
  {
    body: (objects: TenantObjects) => unknown;
    scoped?: boolean;
    contentType?: string;
    query?: string | ((objects: TenantObjects) => string | Promise<string>);
  }
> = {
  'POST /v1/tenants': { body: () => ({ name: uniqueName('matrix-tenant') }) },
  'PATCH /v1/tenants/:tenantId': { body: () => ({ limits: { maxConcurrentRuns: 50 } }) },
  'POST /v1/tenants/:tenantId/api-keys': { body: () => ({ name: uniqueName('matrix-tenant-key') }) },
  'POST /v1/agents': { body: () => ({ name: uniqueName('matrix-agent') }) },
  'PATCH /v1/agents/:agentId': { body: () => ({ description: 'touched by the access matrix' }) },
  'POST /v1/agents/:agentId/versions': { body: () => ({ spec: exampleAgentSpec }) },
  'POST /v1/runs': { body: (objects) => ({ agentId: objects.agentId, input: 'matrix' }), scoped: true },
  'POST /v1/runs/:runId/cancel': { body: () => undefined },
  'POST /v1/runs/:runId/approvals/:approvalId': { body: () => ({ decision: 'approve' }) },
  'POST /v1/runs/:runId/messages': { body: () => ({ content: 'hello' }) },
  'POST /v1/callbacks/:token': { body: () => ({ done: true }), contentType: 'application/json' },
  'POST /v1/runs/:runId/replay': { body: () => ({ fromStep: 1 }) },
  'POST /v1/runs/:runId/artifacts': {
    body: () => 'matrix bytes',
    contentType: 'text/plain',
    query: '?name=matrix.txt',
  },
  'POST /v1/secrets': { body: () => ({ name: uniqueName('matrix-secret'), value: 'matrix value' }) },
  'PUT /v1/secrets/:name': { body: () => ({ value: 'another matrix value' }) },
  'PUT /v1/retention': { body: () => ({ payloadsDays: 14 }) },
  'POST /v1/api-keys': { body: () => ({ name: uniqueName('matrix-key'), roles: ['viewer'] }) },
  'POST /v1/threads': { body: () => ({ metadata: { by: 'matrix' } }) },
  'PATCH /v1/threads/:threadId': { body: () => ({ metadata: { touched: 'yes' } }) },
  'POST /v1/threads/:threadId/runs': {
    body: (objects) => ({ agentId: objects.agentId, input: 'matrix', multitaskStrategy: 'enqueue' }),
    scoped: true,
  },
  'POST /v1/threads/:threadId/fork': { body: () => ({}) },
  'PUT /v1/store/items': {
    body: () => ({ namespace: ['matrix'], key: uniqueName('matrix-item'), value: { text: 'matrix' } }),
  },
  'POST /v1/store/items/search': { body: () => ({ namespacePrefix: ['matrix'] }) },
  // Items are named in the query string: the tenant's own, or (for the other tenant) one the caller's lacks.
  'GET /v1/store/items': { body: () => undefined, scoped: true, query: (objects) => objects.memoryItemQuery },
  'DELETE /v1/store/items': { body: () => undefined, scoped: true, query: (objects) => objects.newMemoryItemQuery() },
  'POST /v1/schedules': {
    body: (objects) => ({ agentId: objects.agentId, input: 'matrix', spec: { cron: ['@yearly'] } }),
    scoped: true,
  },
  'PATCH /v1/schedules/:scheduleId': { body: () => ({ input: 'changed by the matrix' }) },
  'POST /v1/schedules/:scheduleId/pause': { body: () => ({ note: 'matrix' }) },
  'POST /v1/schedules/:scheduleId/unpause': { body: () => ({}) },
  'POST /v1/schedules/:scheduleId/trigger': { body: () => undefined },
  'GET /v1/usage': { body: () => undefined, query: '?groupBy=agent' },
  // A loopback URL, which this runtime's policy refuses (422): allowed, and nothing is sent.
  'POST /v1/webhooks': { body: () => ({ url: 'http://127.0.0.1:9/matrix', eventTypes: ['run.succeeded'] }) },
  'PATCH /v1/webhooks/:webhookId': { body: () => ({ description: 'touched by the access matrix' }) },
  'POST /v1/webhooks/:webhookId/rotate-secret': { body: () => ({ previousSecretValidSeconds: 60 }) },
  'POST /v1/webhooks/:webhookId/deliveries/:deliveryId/redeliver': { body: () => undefined },
  'POST /v1/run-webhook-secret': { body: () => ({}) },
  // Protocol endpoints: a call that is read and answered (a JSON-RPC error for a task that does not exist).
  'POST /a2a/:agentName': {
    body: () => ({ jsonrpc: '2.0', id: 1, method: 'tasks/get', params: { id: crypto.randomUUID() } }),
  },
  'POST /mcp': { body: () => ({ jsonrpc: '2.0', id: 1, method: 'ping' }) },
  // The LangGraph API. Runs are asked to resume a thread that waits for nothing (409), or, stateless,
  // to resume without a thread (422): answered without starting a run no worker would run.
  'POST /lg/assistants': { body: () => ({ graph_id: 'matrix-graph', name: uniqueName('matrix-assistant') }) },
  'POST /lg/assistants/search': { body: () => ({}) },
  'POST /lg/assistants/count': { body: () => ({}) },
  'PATCH /lg/assistants/:assistant_id': { body: () => ({ description: 'touched by the access matrix' }) },
  'POST /lg/assistants/:assistant_id/versions': { body: () => ({}) },
  'POST /lg/threads': { body: () => ({ metadata: { by: 'matrix' } }) },
  'POST /lg/threads/search': { body: () => ({}) },
  'PATCH /lg/threads/:thread_id': { body: () => ({ metadata: { touched: 'yes' } }) },
  'POST /lg/threads/:thread_id/state': { body: () => ({ values: {} }) },
  'POST /lg/threads/:thread_id/history': { body: () => ({}) },
  'POST /lg/threads/:thread_id/copy': { body: () => ({}) },
  'POST /lg/threads/:thread_id/runs': { body: () => langGraphResume },
  'POST /lg/threads/:thread_id/runs/stream': { body: () => langGraphResume },
  'POST /lg/threads/:thread_id/runs/wait': { body: () => langGraphResume },
  'POST /lg/threads/:thread_id/runs/:run_id/cancel': { body: () => undefined },
  'POST /lg/runs': { body: () => langGraphResume },
  'POST /lg/runs/stream': { body: () => langGraphResume },
  'POST /lg/runs/wait': { body: () => langGraphResume },
  'PUT /lg/store/items': {
    body: () => ({ namespace: ['matrix'], key: uniqueName('matrix-item'), value: { text: 'matrix' } }),
  },
  'POST /lg/store/items/search': { body: () => ({ namespace_prefix: ['matrix'] }) },
  'POST /lg/store/namespaces': { body: () => ({}) },
  // LangGraph's store answers a missing item with null and deletes one idempotently: another
  // tenant's item is as missing as any (200 null, 204), never shown.
  'GET /lg/store/items': {
    body: () => undefined,
    query: (objects) => `?${new URLSearchParams({ namespace: `matrix.${objects.tenantId}`, key: 'absent' })}`,
  },
  'DELETE /lg/store/items': { body: () => ({ namespace: ['matrix'], key: 'absent' }) },
  'POST /lg/runs/crons': { body: (objects) => ({ assistant_id: objects.agentId, schedule: '@yearly' }), scoped: true },
  'POST /lg/threads/:thread_id/runs/crons': {
    body: (objects) => ({ assistant_id: objects.agentId, schedule: '@yearly' }),
    scoped: true,
  },
  'PATCH /lg/runs/crons/:cron_id': { body: () => ({ enabled: false }) },
  'POST /lg/runs/crons/search': { body: () => ({}) },
  'POST /lg/runs/crons/count': { body: () => ({}) },
};

/** A run request of the LangGraph API that resumes an interrupt. */
const langGraphResume = { assistant_id: 'matrix-graph', command: { resume: true } };

/** Reads first, then creations and changes, deletions last: no case spoils a later one. */
const methodOrder = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

interface Route {
  readonly method: string;
  readonly url: string;
  readonly access: Access;
  readonly params: string[];
}

async function createTenantObjects(
  db: Kysely<Database>,
  blobs: BlobStore,
  masterKeys: readonly MasterKey[],
  tenantId: string,
): Promise<TenantObjects> {
  const agent = await createAgent(db, tenantId, { name: 'matrix-agent' });
  await createAgentVersion(db, tenantId, agent.id, exampleAgentSpec);
  const a2aAgent = await createAgent(db, tenantId, { name: `matrix-a2a-${tenantId.slice(-12)}` });
  await createAgentVersion(db, tenantId, a2aAgent.id, { ...exampleAgentSpec, a2a: { enabled: true } });
  const { run } = await createRun(db, { tenantId, agentId: agent.id, input: 'matrix' });
  await applyRunTransition(db, {
    tenantId,
    runId: run.id,
    to: 'cancelled',
    error: { code: 'run_cancelled', message: 'ended for the access matrix', step: null },
  });
  const key = await createApiKey(db, { tenantId, name: 'matrix target', roles: ['viewer'] });
  const artifact = await storeArtifact(
    { db, blobs },
    {
      tenantId,
      runId: run.id,
      name: 'matrix.txt',
      contentType: 'text/plain',
      content: new TextEncoder().encode('matrix'),
      maxBytes: 1024,
      source: 'api',
    },
  );
  const newSecretName = async () =>
    (await createSecret(db, masterKeys, tenantId, { name: uniqueName('matrix-secret'), value: 'matrix value' })).name;
  const newThreadId = async () => (await createThread(db, { tenantId })).id;
  const memory = createMemoryStore({ db });
  const newMemoryItemQuery = async () => {
    const { item } = await memory.put(tenantId, {
      namespace: ['matrix', tenantId],
      key: uniqueName('matrix-item'),
      value: { text: 'matrix' },
    });
    return `?${new URLSearchParams([...item.namespace.map((label): [string, string] => ['namespace', label]), ['key', item.key]])}`;
  };
  const newScheduleId = async () =>
    (
      await insertSchedule(
        db,
        tenantId,
        newScheduleSchema.parse({ agentId: agent.id, input: 'matrix', spec: { cron: ['@yearly'] } }),
      )
    ).id;
  let lastDeliveryId = '';
  const newWebhookId = async () => {
    const webhook = await insertWebhook(
      db,
      tenantId,
      newWebhookSchema.parse({ url: 'https://example.com/matrix', eventTypes: ['run.succeeded'] }),
    );
    await addWebhookSecret(db, masterKeys, { tenantId, webhookId: webhook.id }, generateWebhookSecret(), 0);
    lastDeliveryId = crypto.randomUUID();
    await db
      .insertInto('webhook_deliveries')
      .values({
        id: lastDeliveryId,
        tenant_id: tenantId,
        webhook_id: webhook.id,
        run_id: run.id,
        event_seq: 1,
        event_type: 'run.succeeded',
        url: webhook.url,
        payload: JSON.stringify({ type: 'run.succeeded' }),
        // Sent already, as far as the dispatcher knows: a redeliver asks for the next send.
        started_generation: 1,
      })
      .execute();
    return webhook.id;
  };
  const newAgentId = async () => {
    const created = await createAgent(db, tenantId, { name: uniqueName('matrix-assistant') });
    await createAgentVersion(db, tenantId, created.id, exampleAgentSpec);
    return created.id;
  };
  // Its own agent: the matrix archives `agent` on the way (DELETE /v1/agents/:agentId).
  const langGraphAgent = await createAgent(db, tenantId, { name: 'matrix-langgraph' });
  await createAgentVersion(db, tenantId, langGraphAgent.id, exampleAgentSpec);
  let lastLangGraphRunId: string | undefined;
  const newLangGraphThreadId = async () => {
    const thread = await createThread(db, { tenantId });
    const { run: turn } = await createRun(db, {
      tenantId,
      agentId: langGraphAgent.id,
      input: 'matrix',
      threadId: thread.id,
    });
    await applyRunTransition(db, {
      tenantId,
      runId: turn.id,
      to: 'cancelled',
      error: { code: 'run_cancelled', message: 'ended for the access matrix', step: null },
    });
    lastLangGraphRunId = turn.id;
    return thread.id;
  };
  const langGraphRunId = async () => {
    if (lastLangGraphRunId === undefined) await newLangGraphThreadId();
    return lastLangGraphRunId ?? '';
  };
  return {
    db,
    tenantId,
    newThreadId,
    newAgentId,
    newLangGraphThreadId,
    langGraphRunId,
    newScheduleId,
    newWebhookId,
    lastWebhookDeliveryId: () => lastDeliveryId,
    agentId: agent.id,
    a2aAgentName: a2aAgent.name,
    runId: run.id,
    keyId: key.id,
    artifactId: artifact.artifact.id,
    newSecretName,
    memoryItemQuery: await newMemoryItemQuery(),
    newMemoryItemQuery,
    callbackToken: createCallbackTokens(masterKeys).sign({
      kind: 'callback',
      waitpointId: newId(),
      expiresAt: new Date(Date.now() + 3_600_000),
    }),
  };
}

describe('access matrix: every route × role × tenant', () => {
  let runtime: TestRuntime;
  let routes: Route[];
  const keys = new Map<Role, string>();
  let own: TenantObjects;
  let other: TenantObjects;
  const badCredentials: Record<string, string | undefined> = {};

  beforeAll(async () => {
    // No worker: runs stay queued or are ended by hand, and nothing here waits on one.
    runtime = await startTestRuntime({ worker: false });
    const { db } = runtime.database;
    const otherTenant = await createTenant(db, 'matrix-other');
    [own, other] = await Promise.all([
      createTenantObjects(db, runtime.blobs, runtime.config.AR_MASTER_KEYS, runtime.tenantId),
      createTenantObjects(db, runtime.blobs, runtime.config.AR_MASTER_KEYS, otherTenant.id),
    ]);
    for (const role of ['platform-admin', 'tenant-admin', 'developer', 'viewer'] as const) {
      keys.set(role, (await createApiKey(db, { tenantId: runtime.tenantId, name: role, roles: [role] })).key);
    }
    const revoked = await createApiKey(db, { tenantId: runtime.tenantId, name: 'revoked', roles: ['tenant-admin'] });
    await revokeApiKey(db, runtime.tenantId, revoked.id);
    const expired = await createApiKey(db, {
      tenantId: runtime.tenantId,
      name: 'expired',
      roles: ['tenant-admin'],
      expiresAt: new Date(Date.now() - 1000),
    });
    Object.assign(badCredentials, {
      'no credential': undefined,
      'not a bearer credential': 'Basic dXNlcjpwYXNz',
      'malformed key': 'Bearer not-an-api-key',
      'unknown key': `Bearer ar_AAAAAAAA_${'B'.repeat(40)}`,
      'wrong secret for a real prefix': `Bearer ${keys.get('viewer')?.slice(0, 12)}${'C'.repeat(40)}`,
      'revoked key': `Bearer ${revoked.key}`,
      'expired key': `Bearer ${expired.key}`,
    });
    routes = runtime.app.accessTable
      .filter((route) => route.method !== 'HEAD')
      .map((route) => ({
        method: route.method,
        url: route.url,
        access: route.access,
        params: [...route.url.matchAll(/:(\w+)/g)].map((match) => match[1] ?? ''),
      }))
      .sort((a, b) => methodOrder.indexOf(a.method) - methodOrder.indexOf(b.method));
  });
  afterAll(() => runtime.stop());

  async function fill(
    route: Route,
    objects: TenantObjects,
  ): Promise<{ url: string; body: unknown; contentType: string | undefined }> {
    let url = route.url;
    for (const param of route.params) {
      const fixture = fixtures[param];
      if (!fixture)
        throw new Error(`${route.method} ${route.url}: add a fixture for ":${param}" to the fixtures table`);
      url = url.replace(`:${param}`, encodeURIComponent(await fixture(objects)));
    }
    const entry = bodies[`${route.method} ${route.url}`];
    const query = typeof entry?.query === 'function' ? await entry.query(objects) : (entry?.query ?? '');
    return { url: url + query, body: entry?.body(objects), contentType: entry?.contentType };
  }

  async function call(route: Route, objects: TenantObjects, authorization: string | undefined) {
    const { url, body, contentType } = await fill(route, objects);
    const response = await runtime.app.inject({
      method: route.method as 'GET',
      url,
      headers: {
        ...(authorization === undefined ? {} : { authorization }),
        ...(contentType === undefined ? {} : { 'content-type': contentType }),
      },
      ...(body === undefined ? {} : { payload: body as object }),
    });
    const code = response.headers['content-type']?.toString().startsWith('application/problem+json')
      ? (response.json() as { code: string }).code
      : undefined;
    return { label: `${route.method} ${url}`, status: response.statusCode, code, text: response.body };
  }

  it('knows every route: each path parameter has a fixture, each body-taking route a body', () => {
    expect(routes.length).toBeGreaterThan(15);
    const missingParams = routes.flatMap((route) =>
      route.params
        .filter((param) => !(param in fixtures))
        .map((param) => `${route.method} ${route.url}: add a fixture for ":${param}" to the fixtures table`),
    );
    const missingBodies = routes
      .filter((route) => ['POST', 'PUT', 'PATCH'].includes(route.method))
      .filter((route) => !(`${route.method} ${route.url}` in bodies))
      .map((route) => `${route.method} ${route.url}: add a valid body to the bodies table`);
    expect([...missingParams, ...missingBodies]).toEqual([]);
  });

  it('gives every route the access level the role policy says', () => {
    const declared = routes.map((route) => `${route.method} ${route.url} → ${route.access}`);
    const expected = routes.map((route) => `${route.method} ${route.url} → ${expectedAccess(route.method, route.url)}`);
    expect(declared).toEqual(expected);
  });

  it('serves public routes without a credential', async () => {
    const publicRoutes = routes.filter((route) => route.access === 'public');
    const publicUrls = publicRoutes.map((route) => route.url);
    expect([...new Set(publicUrls.filter((url) => !consoleAsset.test(url)))].sort()).toEqual([...publicPaths].sort());
    expect(publicUrls.filter((url) => consoleAsset.test(url)).length).toBeGreaterThanOrEqual(2);
    for (const route of publicRoutes) {
      const result = await call(route, own, undefined);
      // A POST to a genuine link of no waitpoint is taken as a link and refused as one.
      const expected = route.method === 'POST' && route.url === '/v1/callbacks/:token' ? 410 : 200;
      expect.soft(result.status, result.label).toBe(expected);
    }
  });

  it('answers 401 on every other route without a valid credential', async () => {
    const mismatches: string[] = [];
    for (const route of routes.filter((candidate) => candidate.access !== 'public')) {
      for (const [what, authorization] of Object.entries(badCredentials)) {
        const result = await call(route, own, authorization);
        if (result.status !== 401 || result.code !== 'unauthenticated') {
          mismatches.push(`${result.label} with ${what}: ${result.status} ${result.code ?? ''}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });

  it("allows each role its routes (403 otherwise), and hides another tenant's objects behind 404", async () => {
    const mismatches: string[] = [];
    const otherTenantIds = [other.agentId, other.runId, other.keyId, other.artifactId];
    let allowedCalls = 0;
    for (const route of routes.filter((candidate) => candidate.access !== 'public')) {
      const access = route.access as Exclude<Access, 'public'>;
      const scoped =
        route.params.some((param) => !unscopedParams.has(param)) ||
        bodies[`${route.method} ${route.url}`]?.scoped === true;
      for (const [role, key] of keys) {
        const allowed = rolesWithAccess[access].includes(role);
        for (const target of ['own', 'other'] as const) {
          const result = await call(route, target === 'own' ? own : other, `Bearer ${key}`);
          const seen = `${result.status} ${result.code ?? ''}`.trim();
          const where = `${result.label} as ${role} on the ${target} tenant's objects`;
          if (!allowed) {
            if (result.status !== 403 || result.code !== 'forbidden')
              mismatches.push(`${where}: ${seen}, expected 403`);
          } else if (target === 'other' && scoped) {
            if (result.status !== 404 || result.code !== 'not_found')
              mismatches.push(`${where}: ${seen}, expected 404`);
          } else if ([401, 403, 404].includes(result.status) || result.status >= 500) {
            mismatches.push(`${where}: ${seen}, expected it allowed`);
          } else {
            allowedCalls += 1;
            // Lists are scoped too: nothing of the other tenant shows through.
            const leaked = otherTenantIds.filter((id) => result.text.includes(id));
            if (route.method === 'GET' && leaked.length > 0) mismatches.push(`${where}: shows ${leaked.join(', ')}`);
          }
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(allowedCalls).toBeGreaterThan(routes.length);
  });

  it("onboards a tenant: its first admin key, issued by a platform admin, sees none of another tenant's objects", async () => {
    const asPlatformAdmin = createApiRequest(runtime.url, keys.get('platform-admin') ?? '');
    const tenant = (await (await asPlatformAdmin('POST', '/v1/tenants', { name: 'onboarded' })).json()) as {
      id: string;
    };
    const issued = await asPlatformAdmin('POST', `/v1/tenants/${tenant.id}/api-keys`, { name: 'first admin' });
    expect(issued.status).toBe(201);
    const key = (await issued.json()) as { id: string; key: string; roles: string[] };
    expect(key.roles).toEqual(['tenant-admin']);
    const asNewTenant = createApiRequest(runtime.url, key.key);

    // Every id of the default tenant answers 404, as if it did not exist.
    const agent = `/v1/agents/${own.agentId}`;
    const run = `/v1/runs/${own.runId}`;
    const artifact = `${run}/artifacts/${own.artifactId}`;
    const hidden: [string, string, unknown?][] = [
      ['GET', agent],
      ['GET', `${agent}/versions`],
      ['GET', `${agent}/versions/1`],
      ['GET', `${agent}/versions/1/tools`],
      ['GET', run],
      ['GET', `${run}/events`],
      ['GET', `${run}/artifacts`],
      ['GET', artifact],
      ['GET', `${artifact}/content`],
      ['POST', `${run}/approvals/approval-1`, { decision: 'approve' }],
      ['POST', '/v1/runs', { agentId: own.agentId, input: 'not yours' }],
    ];
    const seen = [];
    for (const [method, path, body] of hidden) {
      const response = await asNewTenant(method, path, body);
      seen.push(`${method} ${path} → ${response.status} ${((await response.json()) as { code?: string }).code ?? ''}`);
    }
    expect(seen).toEqual(hidden.map(([method, path]) => `${method} ${path} → 404 not_found`));
    for (const list of ['/v1/agents', '/v1/runs']) {
      expect(await (await asNewTenant('GET', list)).json()).toMatchObject({ items: [] });
    }

    // Its own tenant works: an agent, a version and a run of its own.
    const created = await asNewTenant('POST', '/v1/agents', { name: 'first-agent' });
    expect(created.status).toBe(201);
    const ownAgent = (await created.json()) as { id: string };
    expect((await asNewTenant('POST', `/v1/agents/${ownAgent.id}/versions`, { spec: exampleAgentSpec })).status).toBe(
      201,
    );
    expect((await asNewTenant('POST', '/v1/runs', { agentId: ownAgent.id, input: 'mine' })).status).toBe(202);
    expect(await (await asNewTenant('GET', '/v1/agents')).json()).toMatchObject({ items: [{ id: ownAgent.id }] });

    // Audited in both tenants: the new tenant sees who issued its key.
    const actions = async (request: typeof asNewTenant, query: string) =>
      ((await (await request('GET', `/v1/audit?${query}`)).json()) as { items: { action: string }[] }).items.map(
        (item) => item.action,
      );
    expect(await actions(asNewTenant, `targetId=${key.id}`)).toEqual(['api_key.created']);
    expect(await actions(asPlatformAdmin, `targetId=${tenant.id}`)).toEqual([
      'tenant.api_key_issued',
      'tenant.created',
    ]);

    // No platform role through this route, and no key of a tenant that does not exist.
    const platformRole = await asPlatformAdmin('POST', `/v1/tenants/${tenant.id}/api-keys`, {
      name: 'too much',
      roles: ['platform-admin'],
    });
    expect(platformRole.status).toBe(422);
    const missingTenant = `/v1/tenants/01a20000-0000-7000-8000-000000000000/api-keys`;
    expect((await asPlatformAdmin('POST', missingTenant, { name: 'nobody' })).status).toBe(404);
  });
});
