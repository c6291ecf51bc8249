import type { AgentSpec } from '@agent-runtime/core';
import type { AgentAdapter, AgentKind } from './agent-adapter.ts';
import { aiSdkAdapter } from './ai-sdk/ai-sdk-adapter.ts';
import { builtinAdapter } from './builtin/builtin-adapter.ts';
import { codeAdapter } from './code/code-adapter.ts';
import { httpAdapter } from './http/http-adapter.ts';
import { langGraphAdapter } from './langgraph/langgraph-adapter.ts';
import { openAiAgentsAdapter } from './openai-agents/openai-agents-adapter.ts';

/**
 * Every adapter, by the kind specs name it by. Exhaustive over `spec.agent.kind`: a kind
 * added to the spec schema without its adapter here does not compile.
 */
export const agentAdapters: { readonly [K in AgentKind]: AgentAdapter<K> } = {
  builtin: builtinAdapter,
  code: codeAdapter,
  http: httpAdapter,
  'ai-sdk': aiSdkAdapter,
  'openai-agents': openAiAgentsAdapter,
  langgraph: langGraphAdapter,
};

/** The adapter of `spec`'s agent kind; call its methods with that same spec. */
export function adapterOf(spec: AgentSpec): AgentAdapter {
  // Looked up by the spec's own kind, so the adapter fits the spec it is called with.
  return agentAdapters[spec.agent.kind] as AgentAdapter;
}
