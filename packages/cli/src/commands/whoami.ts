import { PermissionDeniedError, type AgentRuntimeClient } from '@agent-runtime/sdk';
import type { Command } from 'commander';
import type { CliContext } from '../cli-context.ts';
import type { Credential } from '../config/profile-store.ts';
import type { CommandKit } from './command-kit.ts';

/** Who the active profile is, as far as the CLI can tell without an endpoint for it. */
interface Identity {
  readonly profile: string;
  readonly url: string;
  readonly kind: Credential['kind'];
  /** The API key's prefix, or the token's subject. */
  readonly subject: string | undefined;
  readonly username: string | undefined;
  readonly tenantId: string | undefined;
  readonly roles: readonly string[] | undefined;
  /** When the OIDC access token expires (it is refreshed before). */
  readonly expiresAt: string | undefined;
  /** The API key's name, when the key may list the tenant's keys (tenant admins). */
  readonly keyName: string | undefined;
}

/** The claims of a JWT (not verified: the API verifies it; this only shows them). */
function claimsOf(token: string): Record<string, unknown> {
  try {
    return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

async function apiKeyIdentity(client: AgentRuntimeClient, apiKey: string) {
  const prefix = /^ar_([^_]+)_/.exec(apiKey)?.[1];
  try {
    for await (const key of client.apiKeys.list({ limit: 100 })) {
      if (apiKey.startsWith(key.prefix) || apiKey.startsWith(`ar_${key.prefix}_`)) return { prefix, key };
    }
  } catch (error) {
    if (!(error instanceof PermissionDeniedError)) throw error;
  }
  return { prefix, key: undefined };
}

/** `whoami`: the active profile, its API and who its credential is, checked against the API. */
export function addWhoamiCommand(program: Command, kit: CommandKit): void {
  program
    .command('whoami')
    .description('Show the active profile, its API and who its credential is')
    .action(kit.action((context) => whoami(context)));
}

async function whoami(context: CliContext): Promise<void> {
  const { name, profile } = await context.activeProfile();
  const client = await context.client();
  // Fails with 401 (exit 6) when the credential is no longer accepted.
  await client.agents.list({ limit: 1 }).firstPage();
  const { credential } = profile;
  let identity: Identity;
  if (credential.kind === 'oidc') {
    const claims = claimsOf(credential.accessToken);
    const roles = claims['roles'];
    identity = {
      profile: name,
      url: profile.url,
      kind: 'oidc',
      subject: typeof claims['sub'] === 'string' ? claims['sub'] : undefined,
      username: typeof claims['preferred_username'] === 'string' ? claims['preferred_username'] : undefined,
      tenantId: typeof claims['tenant_id'] === 'string' ? claims['tenant_id'] : undefined,
      roles: Array.isArray(roles) ? roles.map(String) : undefined,
      expiresAt: new Date(credential.expiresAt).toISOString(),
      keyName: undefined,
    };
  } else {
    const { prefix, key } = await apiKeyIdentity(client, credential.apiKey);
    identity = {
      profile: name,
      url: profile.url,
      kind: 'api-key',
      subject: prefix === undefined ? undefined : `api key ${prefix}`,
      username: undefined,
      tenantId: key?.tenantId,
      roles: key?.roles,
      expiresAt: key?.expiresAt ?? undefined,
      keyName: key?.name,
    };
  }
  const { output } = context;
  output.result(identity, () => {
    const rows: [string, string | undefined][] = [
      ['profile', identity.profile],
      ['url', identity.url],
      ['credential', identity.kind === 'oidc' ? 'OIDC (device flow)' : 'API key'],
      ['user', identity.username],
      ['subject', identity.subject],
      ['key name', identity.keyName],
      ['tenant', identity.tenantId],
      ['roles', identity.roles?.join(', ')],
      ['expires', identity.expiresAt],
    ];
    for (const [label, value] of rows) {
      if (value !== undefined && value !== '')
        output.line(`${output.palette.paint('bold', label.padEnd(10))} ${value}`);
    }
  });
}
