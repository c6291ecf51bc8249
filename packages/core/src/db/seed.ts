import type { Kysely } from 'kysely';
import { agentSpecSchema, type AgentSpec } from '../domain/agent-spec.ts';
import type { Agent, Tenant } from '../domain/resources.ts';
import type { Database } from './schema.ts';
import { createAgent } from './repositories/agents.ts';
import { createAgentVersion } from './repositories/agent-versions.ts';
import { createApiKey } from './repositories/api-keys.ts';
import { createTenant, findTenantByName } from './repositories/tenants.ts';

/** Name of the tenant seeded at first start. */
export const defaultTenantName = 'default';

/** The example agent seeded at first start: a scripted model that uses the calculator. */
export const exampleAgentSpec: AgentSpec = agentSpecSchema.parse({
  model: {
    provider: 'scripted',
    replies: [
      {
        text: 'Let me work that out.',
        toolCalls: [{ id: 'calc', name: 'calculator', arguments: { expression: '6 * 7' } }],
      },
      { text: 'The answer is 42.' },
    ],
  },
  instructions: 'Answer arithmetic questions with the calculator.',
  tools: [{ name: 'calculator' }],
  limits: { maxSteps: 5 },
});

/** What the first start created; later starts find the tenant and create nothing. */
export interface SeedResult {
  readonly tenant: Tenant;
  /** Set only on the start that created the admin key: its plaintext, to print once. */
  readonly createdApiKey?: string;
  /** Set only on the start that created the example agent. */
  readonly exampleAgent?: Agent;
}

/** Seeds the default tenant, an admin API key and the example agent, once. */
export async function seedDefaults(
  db: Kysely<Database>,
  options: { bootstrapApiKey?: string | undefined },
): Promise<SeedResult> {
  const existing = await findTenantByName(db, defaultTenantName);
  if (existing) return { tenant: existing };
  const tenant = await createTenant(db, defaultTenantName);
  const { key } = await createApiKey(db, {
    tenantId: tenant.id,
    name: 'bootstrap admin',
    roles: ['platform-admin', 'tenant-admin', 'developer'],
    ...(options.bootstrapApiKey ? { key: options.bootstrapApiKey } : {}),
  });
  const exampleAgent = await createAgent(db, tenant.id, {
    name: 'calculator-example',
    description: 'Seeded example: a scripted agent that calls the calculator tool.',
  });
  await createAgentVersion(db, tenant.id, exampleAgent.id, exampleAgentSpec);
  return { tenant, createdApiKey: key, exampleAgent: { ...exampleAgent, latestVersion: 1 } };
}
