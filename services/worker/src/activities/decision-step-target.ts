import {
  currentOpenAiAgentName,
  openAiAgentGraphOf,
  openAiAgentNameOf,
  type AgentReply,
  type AiSdkAgent,
  type ConversationMessage,
  type OpenAiAgent,
} from '@agent-runtime/agents';
import type { AgentSpec } from '@agent-runtime/core';

/**
 * What a decision step's span says it called (OpenTelemetry GenAI semantic conventions):
 * `chat` when the runtime itself makes the step's one model call (builtin, ai-sdk,
 * openai-agents), `invoke_agent` when an agent decides by its own means (code, http,
 * langgraph), making model calls of its own, if any.
 */
export interface DecisionStepTarget {
  /** `gen_ai.operation.name`. */
  readonly operation: 'chat' | 'invoke_agent';
  /** The spec's adapter, as `agent_runtime.agent_kind`. */
  readonly agentKind: AgentSpec['agent']['kind'];
  /** `gen_ai.provider.name`: the model's provider where it is known, else the agent kind. */
  readonly provider: string;
  /**
   * The `provider` label of `agent_runtime_model_tokens_total`: the builtin model's provider
   * (as it always was), else the agent kind, so a dashboard tells the adapters apart.
   */
  readonly metricsProvider: string;
  /** `gen_ai.request.model`, where the agent's model names itself. */
  readonly model?: string | undefined;
  /** `gen_ai.agent.name`: the registered name (for OpenAI agents, the answering agent). */
  readonly agentName?: string | undefined;
  /** `server.address` and `server.port` of an HTTP agent. */
  readonly server?: { readonly address: string; readonly port: number } | undefined;
  /** The agent that answered, read from the reply, where it can differ from `agentName`. */
  readonly answeringAgentOf?: ((reply: AgentReply) => string | undefined) | undefined;
}

/** The agents a worker registered that name their models. */
export interface DecisionStepRegistries {
  readonly aiSdkAgents: Readonly<Record<string, AiSdkAgent>>;
  readonly openaiAgents: Readonly<Record<string, OpenAiAgent>>;
}

function registered<T>(agents: Readonly<Record<string, T>>, name: string): T | undefined {
  return Object.hasOwn(agents, name) ? agents[name] : undefined;
}

/** The AI SDK model's provider and id; a model given as a string id names no provider. */
function aiSdkModelOf(agent: AiSdkAgent | undefined): { provider?: string; model?: string } {
  if (!agent) return {};
  const { model } = agent;
  return typeof model === 'string' ? { model } : { provider: model.provider, model: model.modelId };
}

/**
 * The OpenAI agent that answers this step and its model's name. The SDK's `Model` instances
 * keep their model name private, so only a model given by name is known.
 */
function openAiAgentOf(
  root: OpenAiAgent | undefined,
  state: unknown,
  messages: readonly ConversationMessage[],
): { agentName?: string; model?: string } {
  if (!root) return {};
  let agent = root;
  try {
    const graph = openAiAgentGraphOf(root);
    agent = graph.get(currentOpenAiAgentName(graph, root.name, state, messages)) ?? root;
  } catch {
    // A graph the step refuses fails the step itself; its span names the registered agent.
  }
  const model = typeof agent.model === 'string' && agent.model !== '' ? agent.model : undefined;
  return { agentName: agent.name, ...(model === undefined ? {} : { model }) };
}

/**
 * An HTTP agent as its span names it: its URL's host, and the host's name and port (the
 * scheme's default when the URL has none) as `server.address` and `server.port`.
 */
function httpAgentOf(url: string): Pick<DecisionStepTarget, 'agentName' | 'server'> {
  const parsed = new URL(url);
  const port = parsed.port === '' ? (parsed.protocol === 'https:' ? 443 : 80) : Number(parsed.port);
  return { agentName: parsed.host, server: { address: parsed.hostname, port } };
}

/**
 * What one decision step under `spec` calls, for its span and metrics: the builtin model, the
 * model of a registered AI SDK or OpenAI agent (what the SDK tells of it), or a code, HTTP or
 * LangGraph agent. An agent this worker did not register is described by its name alone (the
 * step then fails with `agent_not_registered`, recorded on the span).
 */
export function decisionStepTarget(
  spec: AgentSpec,
  registries: DecisionStepRegistries,
  state: unknown,
  messages: readonly ConversationMessage[],
): DecisionStepTarget {
  const { agent } = spec;
  const kind = agent.kind;
  switch (agent.kind) {
    case 'builtin': {
      const provider = spec.model?.provider ?? kind;
      // The provider's model name; the scripted model has none, and is named by its provider.
      const model = spec.model && 'model' in spec.model ? spec.model.model : provider;
      return { operation: 'chat', agentKind: kind, provider, metricsProvider: provider, model };
    }
    case 'ai-sdk': {
      const { provider, model } = aiSdkModelOf(registered(registries.aiSdkAgents, agent.name));
      return {
        operation: 'chat',
        agentKind: kind,
        provider: provider ?? kind,
        metricsProvider: kind,
        model,
        agentName: agent.name,
      };
    }
    case 'openai-agents': {
      const answering = openAiAgentOf(registered(registries.openaiAgents, agent.name), state, messages);
      return {
        operation: 'chat',
        agentKind: kind,
        provider: kind,
        metricsProvider: kind,
        model: answering.model,
        agentName: answering.agentName ?? agent.name,
        answeringAgentOf: (reply) => openAiAgentNameOf(reply.state),
      };
    }
    case 'http':
      return {
        operation: 'invoke_agent',
        agentKind: kind,
        provider: kind,
        metricsProvider: kind,
        ...httpAgentOf(agent.url),
      };
    case 'langgraph':
      return {
        operation: 'invoke_agent',
        agentKind: kind,
        provider: kind,
        metricsProvider: kind,
        agentName: agent.graph,
      };
    case 'code':
      return {
        operation: 'invoke_agent',
        agentKind: kind,
        provider: kind,
        metricsProvider: kind,
        agentName: agent.name,
      };
  }
}
