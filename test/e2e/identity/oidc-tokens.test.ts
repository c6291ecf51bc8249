import { createHmac } from 'node:crypto';
import { createOidcVerifier, type OidcVerifierOptions } from '@agent-runtime/api';
import { AppError, ConfigError, createAgent, createTenant, loadConfig, newId } from '@agent-runtime/core';
import { startTestIssuer, startTestRuntime, type TestIssuer, type TestRuntime } from '@agent-runtime/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * OIDC bearer tokens against a local issuer served over real HTTP: every token that is not
 * exactly right answers 401 `unauthenticated`, an issuer outage 503, never 500. The same
 * checks against a real Keycloak are in keycloak-oidc.test.ts.
 */
const audience = 'agent-runtime-api';
const cooldownMs = 300;

interface Problem {
  status: number;
  code: string;
  detail: string;
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const decodePart = (token: string, index: number) =>
  JSON.parse(Buffer.from(token.split('.')[index] ?? '', 'base64url').toString()) as Record<string, unknown>;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('OIDC bearer tokens (local issuer)', () => {
  let issuer: TestIssuer;
  let runtime: TestRuntime;
  let tenantId: string;
  let agentId: string;

  function call(token: string, path = '/v1/agents', init: RequestInit = {}) {
    return fetch(`${runtime.url}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...init.headers } });
  }

  async function expectProblem(response: Response, status: number, code: string): Promise<Problem> {
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = (await response.json()) as Problem;
    expect({ status: response.status, code: problem.code }).toEqual({ status, code });
    return problem;
  }

  const claims = (extra: Record<string, unknown> = {}) => ({ tenant_id: tenantId, roles: ['developer'], ...extra });

  beforeAll(async () => {
    issuer = await startTestIssuer(audience);
    const options: OidcVerifierOptions = {
      issuer: issuer.issuer,
      audience,
      algorithms: ['RS256'],
      tenantClaim: 'tenant_id',
      rolesClaim: 'roles',
      jwksCooldownMs: cooldownMs,
      fetchTimeoutMs: 2_000,
    };
    // Discovery (no jwksUrl): the JWKS address comes from the issuer's discovery document.
    runtime = await startTestRuntime({ worker: false, oidc: createOidcVerifier(options) });
    const tenant = await createTenant(runtime.database.db, `oidc-${newId()}`);
    tenantId = tenant.id;
    agentId = (await createAgent(runtime.database.db, tenantId, { name: 'oidc-agent' })).id;
  });
  afterAll(async () => {
    await runtime?.stop();
    await issuer?.stop();
  });

  it('accepts a valid token: its tenant, its roles, nothing of other tenants', async () => {
    const response = await call(await issuer.sign(claims()));
    expect(response.status).toBe(200);
    const page = (await response.json()) as { items: { id: string }[] };
    expect(page.items.map((agent) => agent.id)).toEqual([agentId]);
    expect(page.items.map((agent) => agent.id)).not.toContain(runtime.exampleAgentId);

    const created = await call(await issuer.sign(claims()), '/v1/agents', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'made-with-a-token' }),
    });
    expect(created.status).toBe(201);
    expect(((await created.json()) as { tenantId: string }).tenantId).toBe(tenantId);
  });

  it('keeps API keys working beside tokens', async () => {
    expect((await runtime.request('GET', '/v1/agents')).status).toBe(200);
  });

  it('answers 401 unauthenticated for every token that is not exactly right', async () => {
    const now = Math.floor(Date.now() / 1000);
    const valid = await issuer.sign(claims());
    const [header, payload, signature] = valid.split('.');
    const otherTenant = await createTenant(runtime.database.db, `oidc-other-${newId()}`);
    const hmacWithPublicKey = (() => {
      const head = base64url({ alg: 'HS256', typ: 'JWT', kid: issuer.currentKey.kid });
      const body = base64url(decodePart(valid, 1));
      const mac = createHmac('sha256', issuer.currentKey.publicPem).update(`${head}.${body}`).digest('base64url');
      return `${head}.${body}.${mac}`;
    })();
    const unknownKey = await issuer.newKey();

    const cases: [string, string][] = [
      [
        'tampered payload',
        `${header}.${base64url({ ...decodePart(valid, 1), tenant_id: otherTenant.id })}.${signature}`,
      ],
      ['tampered signature', `${header}.${payload}.${(signature ?? '').slice(0, -4)}AAAA`],
      ['expired', await issuer.sign(claims({ iat: now - 600, exp: now - 120 }))],
      ['not yet valid (nbf)', await issuer.sign(claims({ nbf: now + 120 }))],
      ['wrong issuer', await issuer.sign(claims({ iss: 'http://127.0.0.1:1/realms/elsewhere' }))],
      ['wrong audience', await issuer.sign(claims({ aud: 'some-other-api' }))],
      ['no audience', await issuer.sign(claims({ aud: undefined }))],
      ['alg none', `${base64url({ alg: 'none', typ: 'JWT' })}.${payload}.`],
      ['HS256 signed with the public key', hmacWithPublicKey],
      ['unknown kid', await issuer.sign(claims(), { key: unknownKey })],
      ['no exp', await issuer.sign(claims({ exp: undefined }))],
      ['no sub', await issuer.sign(claims({ sub: undefined }))],
      ['no tenant claim', await issuer.sign(claims({ tenant_id: undefined }))],
      ['tenant not a uuid', await issuer.sign(claims({ tenant_id: 'acme' }))],
      ['tenant that does not exist', await issuer.sign(claims({ tenant_id: newId() }))],
      ['not a JWT at all', 'not-a-jwt'],
      ['three garbage parts', 'a.b.c'],
    ];
    for (const [name, token] of cases) {
      const problem = await expectProblem(await call(token), 401, 'unauthenticated').catch((error: unknown) => {
        throw new Error(`${name}: ${String(error)}`);
      });
      expect(problem.detail, name).not.toContain(token);
    }
  });

  it('answers 403 for a valid token without a role the route needs, ignoring unknown roles', async () => {
    const viewer = await issuer.sign(claims({ roles: ['viewer', 'superuser'] }));
    expect((await call(viewer)).status).toBe(200);
    await expectProblem(
      await call(viewer, '/v1/agents', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'viewer-cannot' }),
      }),
      403,
      'forbidden',
    );
    await expectProblem(await call(await issuer.sign(claims({ roles: ['superuser'] }))), 403, 'forbidden');
    await expectProblem(await call(await issuer.sign(claims({ roles: undefined }))), 403, 'forbidden');
  });

  it('picks up a rotated key after a refetch, and drops the old one', async () => {
    const oldToken = await issuer.sign(claims());
    expect((await call(oldToken)).status).toBe(200);
    const fetchesBefore = issuer.jwksFetches;
    await issuer.rotate();
    await sleep(cooldownMs + 50);
    const newToken = await issuer.sign(claims());
    expect((await call(newToken)).status).toBe(200);
    expect(issuer.jwksFetches).toBe(fetchesBefore + 1);
    // The refetched set no longer holds the old key.
    await expectProblem(await call(oldToken), 401, 'unauthenticated');
    // Known keys are served from the cache: no fetch per request.
    const fetchesAfter = issuer.jwksFetches;
    for (let i = 0; i < 3; i += 1) expect((await call(newToken)).status).toBe(200);
    expect(issuer.jwksFetches).toBe(fetchesAfter);
  });

  it('answers 503 dependency_unavailable while the JWKS is down, and recovers', async () => {
    issuer.setJwksAvailable(false);
    try {
      await issuer.rotate();
      await sleep(cooldownMs + 50);
      const token = await issuer.sign(claims());
      await expectProblem(await call(token), 503, 'dependency_unavailable');
      issuer.setJwksAvailable(true);
      await sleep(cooldownMs + 50);
      expect((await call(token)).status).toBe(200);
    } finally {
      issuer.setJwksAvailable(true);
    }
  });
});

describe('OIDC verifier', () => {
  let issuer: TestIssuer;
  beforeAll(async () => {
    issuer = await startTestIssuer(audience);
  });
  afterAll(() => issuer?.stop());

  const optionsFor = (overrides: Partial<OidcVerifierOptions> = {}): OidcVerifierOptions => ({
    issuer: issuer.issuer,
    audience,
    algorithms: ['RS256'],
    jwksUrl: issuer.jwksUrl,
    tenantClaim: 'tenant_id',
    rolesClaim: 'roles',
    ...overrides,
  });

  it('reads claims by dotted path (Keycloak realm_access.roles) and configurable names', async () => {
    const tenantId = newId();
    const verifier = createOidcVerifier(optionsFor({ tenantClaim: 'org.tenant', rolesClaim: 'realm_access.roles' }));
    const token = await issuer.sign({
      org: { tenant: tenantId },
      realm_access: { roles: ['offline_access', 'tenant-admin', 'viewer'] },
      roles: ['platform-admin'],
    });
    expect(await verifier.verify(token)).toEqual({
      subject: 'oidc:user-1',
      tenantId,
      roles: ['tenant-admin', 'viewer'],
    });
  });

  it('reports an unreachable issuer as dependency_unavailable, not as the caller’s fault', async () => {
    const token = await issuer.sign({ tenant_id: newId(), roles: ['viewer'] });
    const down = createOidcVerifier({ ...optionsFor({ jwksUrl: undefined }), issuer: 'http://127.0.0.1:1/realms/x' });
    // The token's iss does not match either, but the keys come first: no key, no verdict.
    await expect(down.verify(token)).rejects.toMatchObject({ code: 'dependency_unavailable' });
    const jwksDown = createOidcVerifier(optionsFor({ jwksUrl: 'http://127.0.0.1:1/jwks' }));
    const error = await jwksDown.verify(token).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('dependency_unavailable');
  });
});

describe('OIDC configuration', () => {
  it('accepts asymmetric algorithms and refuses none and HS*', () => {
    const issuer = 'http://127.0.0.1:8180/realms/agent-runtime';
    expect(loadConfig({ AR_OIDC_ISSUER: issuer }).AR_OIDC_ALGORITHMS).toEqual(['RS256']);
    expect(loadConfig({ AR_OIDC_ISSUER: issuer, AR_OIDC_ALGORITHMS: 'RS256, ES256' }).AR_OIDC_ALGORITHMS).toEqual([
      'RS256',
      'ES256',
    ]);
    for (const algorithms of ['none', 'HS256', 'RS256,HS512', ',']) {
      expect(() => loadConfig({ AR_OIDC_ISSUER: issuer, AR_OIDC_ALGORITHMS: algorithms }), algorithms).toThrow(
        ConfigError,
      );
    }
    expect(() => loadConfig({ AR_OIDC_JWKS_URL: `${issuer}/protocol/openid-connect/certs` })).toThrow(
      /AR_OIDC_ISSUER: must be set/,
    );
    expect(loadConfig({}).AR_OIDC_ISSUER).toBeUndefined();
  });
});
