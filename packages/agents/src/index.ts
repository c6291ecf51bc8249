export * from './messages.ts';
export * from './models/scripted-model.ts';
export * from './models/model-call-error.ts';
export * from './tools/tool.ts';
export * from './tools/arithmetic.ts';
export * from './tools/builtin-tools.ts';
export * from './tools/http-tool.ts';
export * from './tools/resolve-tool.ts';
export * from './tools/redact-secrets.ts';
export * from './tools/secret-values.ts';
export * from './tools/invoke-tool.ts';
export * from './tools/mcp/stdio-command-policy.ts';
export * from './tools/mcp/mcp-connect.ts';
export * from './tools/mcp/mcp-connection-pool.ts';
export * from './tools/mcp/mcp-tool.ts';
export * from './tools/mcp/list-mcp-tools.ts';
export * from './models/ai-sdk-model.ts';
export * from './models/model-call.ts';
export * from './models/summarize-conversation.ts';
export * from './models/model-tool-names.ts';
export * from './models/model-credentials.ts';
export * from './models/model-errors.ts';
export * from './models/model-usage.ts';
// Every adapter, behind one interface and one registry: what the worker's activities use.
export * from './adapters/agent-adapter.ts';
export * from './adapters/adapter-context.ts';
export * from './adapters/registry.ts';
export * from './adapters/agent-reply.ts';
export * from './adapters/agent-step-error.ts';
export * from './adapters/decision-step-target.ts';
// Of each adapter, only what user code writes or registers; the rest runs behind the registry.
export * from './adapters/code/code-agent.ts';
export {
  agentActionSchema,
  agentStepProtocol,
  agentStepResponseSchema,
  type AgentStepRequest,
} from './adapters/http/http-agent.ts';
export type { AiSdkAgent, AiSdkTool } from './adapters/ai-sdk/ai-sdk-agent.ts';
export type { OpenAiAgent, OpenAiAgentState } from './adapters/openai-agents/openai-agent-graph.ts';
export { callRuntimeTools, type LangGraphGraph, type LangGraphToolCall } from './adapters/langgraph/langgraph-agent.ts';
export { KyselyCheckpointSaver } from './adapters/langgraph/kysely-checkpoint-saver.ts';
