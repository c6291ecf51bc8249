import type { Agent, AgentRuntimeClient, AgentVersion } from '@agent-runtime/sdk';
import type { AgentFile } from './agent-file.ts';
import { canonicalJson } from './canonical-json.ts';
import { findAgentByName } from './resolve-agent.ts';
import { SchemaDefaults } from './schema-defaults.ts';

/** What `agents apply` did. */
export interface AppliedAgent {
  readonly agent: Agent;
  /** The agent was created by this apply. */
  readonly createdAgent: boolean;
  /** The agent's description was changed. */
  readonly updatedDescription: boolean;
  /** The version that now has the file's spec: a new one, or the latest when it already had it. */
  readonly version: AgentVersion | undefined;
  /** A new version was created (the spec changed, or there was none). */
  readonly createdVersion: boolean;
  /** The latest version's spec before, when there was one. */
  readonly previousSpec: unknown;
  /** The file's spec with the API's defaults filled in: what the new version holds. */
  readonly spec: unknown;
}

/**
 * Makes the tenant's agent look like the file, declaratively: creates the agent when there is
 * none of that name, updates its description when it differs, and appends a version only when
 * the spec differs from the latest version's. Specs are compared after filling in the
 * defaults the API's document declares, as the API stores them, so a field left at its
 * default is no change. With `dryRun` nothing is written.
 */
export async function applyAgent(
  client: AgentRuntimeClient,
  file: AgentFile,
  options: { readonly dryRun?: boolean } = {},
): Promise<AppliedAgent> {
  const document = await client.apiDocument.get();
  const schema = SchemaDefaults.requestSchema(document, '/v1/agents/{agentId}/versions', 'post') as
    { properties?: { spec?: unknown } } | undefined;
  const spec = new SchemaDefaults(document).apply(file.spec, schema?.properties?.spec);

  const existing = await findAgentByName(client, file.name);
  const latest =
    existing?.latestVersion !== null && existing?.latestVersion !== undefined
      ? await client.versions.get(existing.id, existing.latestVersion)
      : undefined;
  const changed = latest === undefined || canonicalJson(latest.spec) !== canonicalJson(spec);
  const describe = file.description !== undefined && file.description !== (existing?.description ?? undefined);
  if (options.dryRun) {
    return {
      agent: existing ?? ({ name: file.name, description: file.description ?? null } as Agent),
      createdAgent: existing === undefined,
      updatedDescription: existing !== undefined && describe,
      version: latest,
      createdVersion: changed,
      previousSpec: latest?.spec,
      spec,
    };
  }
  let agent =
    existing ??
    (await client.agents.create({
      name: file.name,
      ...(file.description === undefined ? {} : { description: file.description }),
    }));
  const updatedDescription = existing !== undefined && describe;
  if (updatedDescription) agent = await client.agents.update(agent.id, { description: file.description ?? null });
  const version = changed ? await client.versions.create(agent.id, file.spec) : latest;
  if (changed) agent = await client.agents.get(agent.id);
  return {
    agent,
    createdAgent: existing === undefined,
    updatedDescription,
    version,
    createdVersion: changed,
    previousSpec: latest?.spec,
    spec: version?.spec ?? spec,
  };
}
