import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { startKeycloak, type KeycloakServer } from '@agent-runtime/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliUser, cliBin } from './cli-process.ts';
import { startCliStack, type CliStack } from './cli-stack.ts';
import { confirmDeviceCode } from './keycloak-browser.ts';

/**
 * `agent-runtime login --oidc`: the OAuth 2.0 device flow against the real Keycloak of auth/
 * (its `agent-runtime-cli` client), the code confirmed on Keycloak's own pages by a user of the
 * tenant; the tokens then call the API, and whoami shows the user.
 */
describe('the device-flow login against Keycloak', () => {
  let keycloak: KeycloakServer | undefined;
  let stack: CliStack | undefined;
  let user: CliUser | undefined;
  let tenantId = '';

  beforeAll(async () => {
    keycloak = await startKeycloak();
    stack = await startCliStack({ AR_OIDC_ISSUER: keycloak.issuer });
    user = await CliUser.create();
    const [tenant] = await stack.admin.tenants.list().toArray(1);
    tenantId = tenant?.id ?? '';
    // The realm's developer belongs to the runtime's default tenant.
    const admin = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${keycloak?.url}/admin/realms/agent-runtime${path}`, {
        method,
        headers: {
          authorization: `Bearer ${await keycloak?.adminToken()}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
      return response;
    };
    const [developer] = (await (await admin('GET', '/users?exact=true&username=developer')).json()) as { id: string }[];
    const current = (await (await admin('GET', `/users/${developer?.id}`)).json()) as Record<string, unknown>;
    await admin('PUT', `/users/${developer?.id}`, { ...current, attributes: { tenant_id: [tenantId] } });
  }, 300_000);
  afterAll(async () => {
    await stack?.stop();
    await keycloak?.stop();
    await user?.remove();
  });

  it('signs in with a code confirmed in the browser, and the tokens call the API', async () => {
    if (!keycloak || !stack || !user) throw new Error('not started');
    const child = spawn(cliBin, ['login', '--oidc', '--issuer', keycloak.issuer, '--url', stack.url], {
      env: user.env(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    const prompt = await new Promise<RegExpExecArray>((resolve, reject) => {
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk;
        const match = /Open (\S+) and enter the code ([A-Z]{4}-[A-Z]{4})\n\(or open (\S+)\)/.exec(stderr);
        if (match) resolve(match);
      });
      void exited.then((code) => reject(new Error(`login exited (${code}) before showing a code: ${stderr}`)));
    });
    expect(prompt[1]).toBe(`${keycloak.issuer}/device`);
    const page = await confirmDeviceCode(prompt[3] ?? '', 'developer', 'dev-only-developer');
    expect(page).toMatch(/Device Login Successful|successfully|You may close/i);

    // The realm asks the device to poll every 5 s.
    const code = await exited;
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/logged in to \S+ as profile default \(OIDC\)/);
    expect((await stat(user.configFile)).mode & 0o777).toBe(0o600);

    const whoami = await user.run(['whoami', '--json']);
    expect(whoami.code, whoami.stderr).toBe(0);
    expect(JSON.parse(whoami.stdout)).toMatchObject({
      kind: 'oidc',
      username: 'developer',
      tenantId,
      roles: expect.arrayContaining(['developer']),
    });
    const agents = await user.run(['agents', 'ls', '--json']);
    expect(agents.code, agents.stderr).toBe(0);
    expect(stdout).toBe('');
  }, 120_000);
});
