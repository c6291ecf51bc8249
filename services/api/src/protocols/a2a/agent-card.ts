import type { AgentCard, AgentSkill, SecurityScheme } from '@a2a-js/sdk';
import { duplicateInterfacesForLegacy } from '@a2a-js/sdk/compat/v0_3';
import { declaredToolsOf, type Agent, type AgentSpec } from '@agent-runtime/core';

/** What an agent's card is made of. */
export interface AgentCardSource {
  readonly agent: Agent;
  /** The agent's latest version: the one a new task runs. */
  readonly version: { readonly version: number; readonly spec: AgentSpec };
  /** Absolute URL of the agent's JSON-RPC endpoint (`…/a2a/{agentName}`). */
  readonly endpointUrl: string;
  /** The OIDC issuer whose tokens the API accepts besides API keys, if any. */
  readonly oidcIssuer?: string | undefined;
}

const textModes = ['text/plain', 'application/json'];

/**
 * The skills an agent card lists: the agent itself (its description, its tools as tags), then
 * one per declared tool, so a client sees what the agent can reach for.
 */
function skillsOf({ agent, version }: AgentCardSource): AgentSkill[] {
  const tools = declaredToolsOf(version.spec);
  const skill = (id: string, name: string, description: string, tags: string[]): AgentSkill => ({
    id,
    name,
    description,
    tags,
    examples: [],
    inputModes: textModes,
    outputModes: textModes,
    securityRequirements: [],
  });
  return [
    skill(agent.name, agent.name, agent.description ?? `The ${agent.name} agent`, [
      'agent',
      ...tools.map((tool) => tool.name),
    ]),
    ...tools.map((tool) =>
      skill(
        `tool:${tool.name}`,
        tool.name,
        ('description' in tool && tool.description) ||
          `Calls the ${tool.name} tool${tool.requiresApproval ? ' (after a human approves the call)' : ''}`,
        ['tool', tool.kind],
      ),
    ),
  ];
}

/**
 * The A2A agent card of an agent (A2A 1.0, its JSON-RPC interface also declared for 0.3
 * clients). The card is served to the tenant's authenticated callers only (agent names are
 * unique per tenant, not per deployment); it declares the bearer credential every call needs.
 */
export function agentCardOf(source: AgentCardSource): AgentCard {
  const { agent, version, endpointUrl, oidcIssuer } = source;
  const securitySchemes: Record<string, SecurityScheme> = {
    bearer: {
      scheme: {
        $case: 'httpAuthSecurityScheme',
        value: {
          description: 'An agent-runtime API key (ar_…) or, where the deployment accepts them, an OIDC access token',
          scheme: 'Bearer',
          bearerFormat: oidcIssuer === undefined ? 'API key' : 'API key or JWT',
        },
      },
    },
  };
  if (oidcIssuer !== undefined) {
    securitySchemes.oidc = {
      scheme: {
        $case: 'openIdConnectSecurityScheme',
        value: {
          description: 'OIDC access token of the tenant',
          openIdConnectUrl: `${oidcIssuer.replace(/\/$/, '')}/.well-known/openid-configuration`,
        },
      },
    };
  }
  return {
    name: agent.name,
    description: agent.description ?? `The ${agent.name} agent, run durably by agent-runtime`,
    supportedInterfaces: duplicateInterfacesForLegacy(
      [{ url: endpointUrl, protocolBinding: 'JSONRPC', tenant: '', protocolVersion: '1.0' }],
      ['JSONRPC'],
    ),
    provider: undefined,
    version: String(version.version),
    capabilities: { streaming: true, pushNotifications: false, extensions: [], extendedAgentCard: false },
    securitySchemes,
    securityRequirements: Object.keys(securitySchemes).map((name) => ({ schemes: { [name]: { list: [] } } })),
    defaultInputModes: textModes,
    defaultOutputModes: textModes,
    skills: skillsOf(source),
    signatures: [],
  };
}
