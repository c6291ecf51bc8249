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
export * from './models/call-model.ts';
export * from './models/model-call.ts';
export * from './models/model-tool-names.ts';
export * from './models/model-credentials.ts';
export * from './models/model-errors.ts';
export * from './models/model-usage.ts';
export * from './adapters/agent-step-error.ts';
export * from './adapters/agent-step.ts';
export * from './adapters/http-agent.ts';
export * from './adapters/ai-sdk-agent.ts';
export * from './adapters/call-agent-step.ts';
// The OpenAI agents adapter runs through callAgentStep; the worker needs only these of it.
export {
  currentOpenAiAgentName,
  openAiAgentGraphOf,
  openAiAgentNameOf,
  type OpenAiAgent,
  type OpenAiAgentState,
} from './adapters/openai-agents/openai-agent-graph.ts';
export { openAiAgentToolOf, type OpenAiAgentToolCall } from './adapters/openai-agents/openai-agent-tools.ts';
export * from './adapters/langgraph/langgraph-agent.ts';
export * from './adapters/langgraph/kysely-checkpoint-saver.ts';
