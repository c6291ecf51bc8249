import type { AgentSpec } from '@agent-runtime/core';
import type { ConversationMessage } from '../messages.ts';
import { callModel } from '../models/call-model.ts';
import { modelToolsOf, type ModelCallContext, type ModelToolSources } from '../models/model-call.ts';
import { callAiSdkAgent, type AiSdkAgent } from './ai-sdk-agent.ts';
import { AgentStepError } from './agent-step-error.ts';
import { callCodeAgent, type AgentReply, type CodeAgent } from './agent-step.ts';
import { agentStepProtocol, callHttpAgent } from './http-agent.ts';
import type { BaseCheckpointSaver } from '@langchain/langgraph-checkpoint';
import type { ModelProvider } from '@openai/agents-core';
import { callLangGraphAgent, type LangGraphGraph } from './langgraph/langgraph-agent.ts';
import type { OpenAiAgent } from './openai-agents/openai-agent-graph.ts';
import { callOpenAiAgent } from './openai-agents/openai-agent-step.ts';

/** What a step of any agent adapter needs besides a model call's context. */
export interface AgentStepCallContext extends ModelCallContext {
  readonly runId: string;
  /** The run's input; read only for code and HTTP agents. */
  readonly input: () => Promise<unknown>;
  /** The state the previous step returned. */
  readonly state: unknown;
  /** The worker's code agents by name. */
  readonly agents: Readonly<Record<string, CodeAgent>>;
  /** The worker's AI SDK agents by name. @default none */
  readonly aiSdkAgents?: Readonly<Record<string, AiSdkAgent>>;
  /** The worker's OpenAI Agents SDK agents by name. @default none */
  readonly openaiAgents?: Readonly<Record<string, OpenAiAgent>>;
  /** Resolves OpenAI agents' models given by name. @default none */
  readonly openaiAgentsModelProvider?: ModelProvider | undefined;
  /** The worker's LangGraph graphs by name. */
  readonly graphs: Readonly<Record<string, LangGraphGraph>>;
  /** Where LangGraph graphs keep their checkpoints; required by LangGraph agents. */
  readonly checkpointer: BaseCheckpointSaver | undefined;
}

/**
 * One decision step of a run under `spec`, by its `agent` adapter: a model call (builtin),
 * the registered function (code), `POST {url}/step` (http), one call of the registered AI
 * SDK agent's model (ai-sdk), one call of the current OpenAI agent's model (openai-agents),
 * or one super-step of the registered graph (langgraph). Every adapter streams its text to
 * `context.onTextDelta` as it comes.
 * @throws ModelCallError from a model call (the builtin loop's, an AI SDK or OpenAI agent's);
 *   AgentStepError from every adapter but the builtin loop (`agent_not_registered`,
 *   `agent_failed` for an agent that threw or that the runtime cannot run, and the others of
 *   `AgentStepErrorCode`)
 */
export async function callAgentStep(
  spec: AgentSpec,
  messages: readonly ConversationMessage[],
  sources: ModelToolSources,
  context: AgentStepCallContext,
): Promise<AgentReply> {
  const { agent } = spec;
  if (agent.kind === 'builtin') return callModel(spec, messages, sources, context);
  const tools = modelToolsOf(spec, sources);
  if (agent.kind === 'ai-sdk') {
    const agents = context.aiSdkAgents ?? {};
    const registered = Object.hasOwn(agents, agent.name) ? agents[agent.name] : undefined;
    if (!registered) {
      throw new AgentStepError(
        'agent_not_registered',
        `no AI SDK agent "${agent.name}" is registered on this worker (createWorker({ aiSdkAgents }))`,
      );
    }
    return callAiSdkAgent(
      { name: agent.name, agent: registered, instructions: spec.instructions, messages, specTools: tools },
      context,
    );
  }
  if (agent.kind === 'openai-agents') {
    const agents = context.openaiAgents ?? {};
    const registered = Object.hasOwn(agents, agent.name) ? agents[agent.name] : undefined;
    if (!registered) {
      throw new AgentStepError(
        'agent_not_registered',
        `no OpenAI agent "${agent.name}" is registered on this worker (createWorker({ openaiAgents }))`,
      );
    }
    return callOpenAiAgent(
      {
        name: agent.name,
        agent: registered,
        modelProvider: context.openaiAgentsModelProvider,
        instructions: spec.instructions,
        messages,
        state: context.state,
        specTools: tools,
      },
      context,
    );
  }
  const input = await context.input();
  if (agent.kind === 'langgraph') {
    const graph = Object.hasOwn(context.graphs, agent.graph) ? context.graphs[agent.graph] : undefined;
    if (!graph || !context.checkpointer) {
      throw new AgentStepError(
        'agent_not_registered',
        `no LangGraph graph "${agent.graph}" is registered on this worker (createWorker({ graphs }))`,
      );
    }
    return callLangGraphAgent(agent, graph, {
      runId: context.runId,
      step: context.step,
      input,
      messages,
      state: context.state,
      checkpointer: context.checkpointer,
      signal: context.signal,
      onTextDelta: context.onTextDelta,
    });
  }
  if (agent.kind === 'code') {
    const registered = Object.hasOwn(context.agents, agent.name) ? context.agents[agent.name] : undefined;
    if (!registered) {
      throw new AgentStepError(
        'agent_not_registered',
        `no code agent "${agent.name}" is registered on this worker (createWorker({ agents }))`,
      );
    }
    return callCodeAgent(
      agent.name,
      registered,
      {
        runId: context.runId,
        step: context.step,
        attempt: context.attempt,
        input,
        messages,
        state: context.state,
        tools,
        signal: context.signal,
      },
      context.onTextDelta,
    );
  }
  return callHttpAgent(
    agent,
    {
      protocol: agentStepProtocol,
      runId: context.runId,
      step: context.step,
      attempt: context.attempt,
      input,
      instructions: spec.instructions ?? null,
      messages,
      state: context.state ?? null,
      tools,
    },
    { secrets: context.secrets, signal: context.signal, onTextDelta: context.onTextDelta },
  );
}
