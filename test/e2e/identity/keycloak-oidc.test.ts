import { createOidcVerifier, oidcOptionsFromConfig } from '@agent-runtime/api';
import { createAgent, createTenant, loadConfig, newId } from '@agent-runtime/core';
import { startKeycloak, startTestRuntime, type KeycloakServer, type TestRuntime } from '@agent-runtime/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The realm of auth/ in a real Keycloak (started here: about 12 s on two cores, so only this
 * file pays for it): its tokens call the API, and the tokens it issues that must not work do not.
 * Password grants come from a client this test adds through the admin REST API with the
 * protocol mappers of the realm's CLI client; the shipped realm enables no password grant.
 */
interface Problem {
  status: number;
  code: string;
}

describe('Keycloak realm agent-runtime', () => {
  let keycloak: KeycloakServer;
  let runtime: TestRuntime;
  let tenantId: string;
  let agentId: string;

  async function admin(method: string, path: string, body?: unknown): Promise<Response> {
    const response = await fetch(`${keycloak.url}/admin/realms/agent-runtime${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await keycloak.adminToken()}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return response;
  }

  async function setTenant(username: string, tenant: string): Promise<void> {
    const [user] = (await (await admin('GET', `/users?exact=true&username=${username}`)).json()) as {
      id: string;
    }[];
    if (!user) throw new Error(`no user ${username}`);
    const current = (await (await admin('GET', `/users/${user.id}`)).json()) as Record<string, unknown>;
    await admin('PUT', `/users/${user.id}`, { ...current, attributes: { tenant_id: [tenant] } });
  }

  async function passwordToken(clientId: string, username: string): Promise<string> {
    const response = await fetch(`${keycloak.issuer}/protocol/openid-connect/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'password',
        client_id: clientId,
        username,
        password: `dev-only-${username}`,
      }),
    });
    const body = (await response.json()) as { access_token?: string; error?: string };
    if (!body.access_token) throw new Error(`token for ${username} via ${clientId}: ${JSON.stringify(body)}`);
    return body.access_token;
  }

  function call(token: string, path = '/v1/agents', init: RequestInit = {}) {
    return fetch(`${runtime.url}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...init.headers } });
  }

  async function expectUnauthenticated(response: Response, name: string): Promise<void> {
    const problem = (await response.json()) as Problem;
    expect({ name, status: response.status, code: problem.code }).toEqual({
      name,
      status: 401,
      code: 'unauthenticated',
    });
  }

  beforeAll(async () => {
    keycloak = await startKeycloak();
    // The API as configured in production (issuer only: the JWKS address is discovered), but
    // with no clock leeway, so that a token with a 4 s lifespan expires within the test.
    const options = oidcOptionsFromConfig(loadConfig({ AR_OIDC_ISSUER: keycloak.issuer }));
    if (!options) throw new Error('AR_OIDC_ISSUER did not enable OIDC');
    runtime = await startTestRuntime({
      worker: false,
      oidc: createOidcVerifier({ ...options, clockToleranceSeconds: 0 }),
    });
    tenantId = (await createTenant(runtime.database.db, `keycloak-${newId()}`)).id;
    agentId = (await createAgent(runtime.database.db, tenantId, { name: 'keycloak-agent' })).id;
    await setTenant('developer', tenantId);
    await setTenant('viewer', tenantId);

    const [cli] = (await (await admin('GET', '/clients?clientId=agent-runtime-cli')).json()) as {
      defaultClientScopes: string[];
      protocolMappers: Record<string, unknown>[];
    }[];
    if (!cli) throw new Error('the realm has no agent-runtime-cli client');
    const testClient = (clientId: string, extra: Record<string, unknown>) => ({
      clientId,
      publicClient: true,
      standardFlowEnabled: false,
      directAccessGrantsEnabled: true,
      defaultClientScopes: cli.defaultClientScopes,
      ...extra,
    });
    // The realm's mappers without their ids, which belong to the CLI client.
    const mappers = cli.protocolMappers.map((mapper) =>
      Object.fromEntries(Object.entries(mapper).filter(([key]) => key !== 'id')),
    );
    await admin('POST', '/clients', testClient('agent-runtime-test', { protocolMappers: mappers }));
    await admin(
      'POST',
      '/clients',
      testClient('agent-runtime-test-short', {
        protocolMappers: mappers,
        attributes: { 'access.token.lifespan': '4' },
      }),
    );
    // Same user and claims, but no audience mapper: a token meant for some other service.
    await admin(
      'POST',
      '/clients',
      testClient('other-service', {
        protocolMappers: mappers.filter((mapper) => mapper['name'] !== 'audience agent-runtime-api'),
      }),
    );
  }, 240_000);
  afterAll(async () => {
    await runtime?.stop();
    await keycloak?.stop();
  });

  it('starts within its budget', () => {
    expect(keycloak.startupMs).toBeLessThan(180_000);
  });

  it('issues tokens with the tenant, the flat roles and the API audience', async () => {
    const token = await passwordToken('agent-runtime-test', 'developer');
    const header = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()) as { alg: string };
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
      iss: string;
      aud: string | string[];
      tenant_id: string;
      roles: string[];
    };
    expect(header.alg).toBe('RS256');
    expect(claims.iss).toBe(keycloak.issuer);
    expect([claims.aud].flat()).toContain('agent-runtime-api');
    expect(claims.tenant_id).toBe(tenantId);
    expect(claims.roles).toContain('developer');
    expect(claims.roles).not.toContain('tenant-admin');
  });

  it('lets a Keycloak token call the API, in its own tenant only', async () => {
    const developer = await passwordToken('agent-runtime-test', 'developer');
    const response = await call(developer);
    expect(response.status).toBe(200);
    const page = (await response.json()) as { items: { id: string }[] };
    expect(page.items.map((agent) => agent.id)).toEqual([agentId]);
    expect((await call(developer, `/v1/agents/${runtime.exampleAgentId}`)).status).toBe(404);
    const created = await call(developer, '/v1/agents', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'made-by-keycloak-developer' }),
    });
    expect(created.status).toBe(201);
  });

  it('maps realm roles: a viewer reads but does not write', async () => {
    const viewer = await passwordToken('agent-runtime-test', 'viewer');
    expect((await call(viewer)).status).toBe(200);
    const denied = await call(viewer, '/v1/agents', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'viewer-cannot' }),
    });
    expect(denied.status).toBe(403);
  });

  it('refuses tokens that must not work with 401', async () => {
    const valid = await passwordToken('agent-runtime-test', 'developer');
    const [header, payload, signature] = valid.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>;
    const otherTenant = (await createTenant(runtime.database.db, `keycloak-other-${newId()}`)).id;
    const reencode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const short = await passwordToken('agent-runtime-test-short', 'developer');
    expect((await call(short)).status).toBe(200);

    const cases: [string, string][] = [
      ['tampered (another tenant)', `${header}.${reencode({ ...claims, tenant_id: otherTenant })}.${signature}`],
      ['alg none', `${reencode({ alg: 'none', typ: 'JWT' })}.${payload}.`],
      ['wrong audience', await passwordToken('other-service', 'developer')],
      // The master realm's token: the same server, but another issuer with other keys.
      ['another realm', await keycloak.adminToken()],
      // A user without a tenant_id attribute.
      ['no tenant', await passwordToken('agent-runtime-test', 'tenant-admin')],
    ];
    for (const [name, token] of cases) await expectUnauthenticated(await call(token), name);
    await new Promise((resolve) => setTimeout(resolve, 5_100));
    await expectUnauthenticated(await call(short), 'expired');
  });

  it('serves the device authorization grant to the CLI client only', async () => {
    const device = async (clientId: string) =>
      fetch(`${keycloak.issuer}/protocol/openid-connect/auth/device`, {
        method: 'POST',
        body: new URLSearchParams({ client_id: clientId }),
      });
    const response = await device('agent-runtime-cli');
    expect(response.status).toBe(200);
    const grant = (await response.json()) as { user_code: string; device_code: string; verification_uri: string };
    expect(grant.user_code).toMatch(/^[A-Z]{4}-[A-Z]{4}$/);
    expect(grant.verification_uri).toBe(`${keycloak.issuer}/device`);
    // Polling before the user approved answers authorization_pending, as RFC 8628 says.
    const poll = await fetch(`${keycloak.issuer}/protocol/openid-connect/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
        client_id: 'agent-runtime-cli',
        device_code: grant.device_code,
      }),
    });
    expect(((await poll.json()) as { error: string }).error).toBe('authorization_pending');
    expect((await device('agent-runtime-web')).status).toBe(400);
  });

  it('requires PKCE (S256) of the browser client and redirects only to its own URIs', async () => {
    const authorize = (params: Record<string, string>) =>
      fetch(
        `${keycloak.issuer}/protocol/openid-connect/auth?${new URLSearchParams({
          client_id: 'agent-runtime-web',
          response_type: 'code',
          scope: 'openid',
          redirect_uri: 'http://localhost:5173/callback',
          ...params,
        }).toString()}`,
        { redirect: 'manual' },
      );
    const challenge = { code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' };
    // With a challenge: the login page.
    expect((await authorize(challenge)).status).toBe(200);
    // Without one, or with the plain method: sent back to the app with an error.
    for (const params of [{}, { ...challenge, code_challenge_method: 'plain' }]) {
      const refused = await authorize(params);
      expect(refused.status).toBe(302);
      expect(refused.headers.get('location')).toMatch(/^http:\/\/localhost:5173\/callback\?error=invalid_request/);
    }
    // A redirect URI the client does not list: no redirect at all.
    expect((await authorize({ ...challenge, redirect_uri: 'http://evil.invalid/callback' })).status).toBe(400);
  });

  it('enables no password grant on the shipped clients', async () => {
    for (const clientId of ['agent-runtime-cli', 'agent-runtime-web', 'agent-runtime-api']) {
      const response = await fetch(`${keycloak.issuer}/protocol/openid-connect/token`, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'password',
          client_id: clientId,
          username: 'developer',
          password: 'dev-only-developer',
        }),
      });
      expect(response.status, clientId).toBeGreaterThanOrEqual(400);
    }
  });
});
