import { declaredToolsOf, mcpToolServer, type AgentSpec, type ListedMcpTool, type ToolSpec } from '@agent-runtime/core';
import { createHttpTool } from './http-tool.ts';
import { createMcpTool, type McpToolRuntime } from './mcp/mcp-tool.ts';
import type { SecretSource } from './secret-values.ts';
import type { Tool } from './tool.ts';

/** Where the tools a spec declares come from. */
export interface ToolSources {
  /** Builtin tools by name. */
  readonly builtins: Readonly<Record<string, Tool>>;
  /** Reads the tenant's secrets that HTTP headers and MCP transports name, at call time. */
  readonly secrets: SecretSource;
  /** The version's listed MCP tools and the worker's MCP sessions; without it, no MCP tool resolves. */
  readonly mcp?: {
    readonly tools: readonly ListedMcpTool[];
    readonly runtime: Omit<McpToolRuntime, 'secrets'>;
  };
}

/**
 * The tool a call names, as the version's spec declares it (in `tools`, or an MCP server's
 * `allowTools`): a builtin from the registry, an HTTP tool built from its declaration, or an
 * MCP tool with the definition listed at version creation. Undefined when the spec declares
 * no such tool.
 */
export function resolveTool(
  spec: AgentSpec,
  name: string,
  sources: ToolSources,
): { tool: Tool; declaration: ToolSpec } | undefined {
  const declaration = declaredToolsOf(spec).find((tool) => tool.name === name);
  if (!declaration) return undefined;
  let tool: Tool | undefined;
  if (declaration.kind === 'http') tool = createHttpTool(declaration, sources.secrets);
  else if (declaration.kind === 'builtin') tool = sources.builtins[declaration.name];
  // A callback's output is what the outside system posted: the tool step reads it, no tool runs.
  else if (declaration.kind === 'callback') tool = undefined;
  else {
    const server = spec.mcpServers.find((candidate) => candidate.name === mcpToolServer(declaration.name));
    const listed = sources.mcp?.tools.find((candidate) => candidate.name === declaration.name);
    if (server && listed && sources.mcp) {
      tool = createMcpTool(declaration, listed, server, { ...sources.mcp.runtime, secrets: sources.secrets });
    }
  }
  return tool && { tool, declaration };
}
