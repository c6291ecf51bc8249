import type { Database } from '@agent-runtime/core';
import type { BaseCheckpointSaver } from '@langchain/langgraph-checkpoint';
import type { ModelProvider } from '@openai/agents-core';
import type { Kysely } from 'kysely';
import type { AiSdkAgent } from './ai-sdk/ai-sdk-agent.ts';
import type { CodeAgent } from './code/code-agent.ts';
import { KyselyCheckpointSaver } from './langgraph/kysely-checkpoint-saver.ts';
import type { LangGraphGraph } from './langgraph/langgraph-agent.ts';
import type { OpenAiAgent } from './openai-agents/openai-agent-graph.ts';

/**
 * What a worker registers for the adapters that run agents of its own, by the names specs
 * give them. Every worker of a task queue must register the same ones.
 */
export interface AgentRegistrations {
  /** Code agents, for specs with `agent: { kind: 'code', name }`. @default none */
  readonly agents?: Readonly<Record<string, CodeAgent>> | undefined;
  /** Vercel AI SDK agents, for specs with `agent: { kind: 'ai-sdk', name }`. @default none */
  readonly aiSdkAgents?: Readonly<Record<string, AiSdkAgent>> | undefined;
  /** OpenAI Agents SDK agents, for specs with `agent: { kind: 'openai-agents', name }`. @default none */
  readonly openaiAgents?: Readonly<Record<string, OpenAiAgent>> | undefined;
  /** Resolves the models OpenAI agents name by string. @default none */
  readonly openaiAgentsModelProvider?: ModelProvider | undefined;
  /** Compiled LangGraph graphs, for specs with `agent: { kind: 'langgraph', graph }`. @default none */
  readonly graphs?: Readonly<Record<string, LangGraphGraph>> | undefined;
}

/**
 * The one object through which adapters reach what their process holds for them: the
 * worker's registrations (defaults applied) and the resources adapters share with the
 * database. Built once by the worker's composition root ({@link createAdapterContext}).
 */
export interface AdapterContext {
  readonly agents: Readonly<Record<string, CodeAgent>>;
  readonly aiSdkAgents: Readonly<Record<string, AiSdkAgent>>;
  readonly openaiAgents: Readonly<Record<string, OpenAiAgent>>;
  readonly openaiAgentsModelProvider: ModelProvider | undefined;
  readonly graphs: Readonly<Record<string, LangGraphGraph>>;
  /** Where a tenant's LangGraph graphs keep their checkpoints: the runtime's database, under that tenant. */
  readonly checkpointerOf: (tenantId: string) => BaseCheckpointSaver;
}

/** The adapters' context of a worker on `db` with `registrations`. */
export function createAdapterContext(registrations: AgentRegistrations, db: Kysely<Database>): AdapterContext {
  return {
    agents: registrations.agents ?? {},
    aiSdkAgents: registrations.aiSdkAgents ?? {},
    openaiAgents: registrations.openaiAgents ?? {},
    openaiAgentsModelProvider: registrations.openaiAgentsModelProvider,
    graphs: registrations.graphs ?? {},
    checkpointerOf: (tenantId) => new KyselyCheckpointSaver(db, tenantId),
  };
}

/** The entry registered under `name`, never one inherited from `Object.prototype`. */
export function registeredEntry<T>(entries: Readonly<Record<string, T>>, name: string): T | undefined {
  return Object.hasOwn(entries, name) ? entries[name] : undefined;
}
