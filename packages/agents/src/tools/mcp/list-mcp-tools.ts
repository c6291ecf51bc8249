import {
  jsonSchemaProblem,
  maxMcpListPages,
  mcpToolOnServer,
  mcpToolServer,
  type ListedMcpTool,
  type McpListingProblem,
  type McpServerSpec,
  type McpToolListing,
  type McpToolListingSpec,
} from '@agent-runtime/core';
import { redactSecrets } from '../redact-secrets.ts';
import { connectMcpServer, describeError, McpConnectError, type McpConnectOptions } from './mcp-connect.ts';

/** Largest input schema kept for a tool, as JSON. */
const maxInputSchemaBytes = 64 * 1024;
/** Longest description kept for a tool. */
const maxDescriptionLength = 4000;

/** Where the spec enables one MCP tool: its path, for problems. */
interface ToolReference {
  readonly name: string;
  readonly path: readonly (string | number)[];
}

function referencesOf(spec: McpToolListingSpec, server: McpServerSpec, serverIndex: number): ToolReference[] {
  const references: ToolReference[] = [];
  spec.tools.forEach((tool, index) => {
    if (tool.kind === 'mcp' && mcpToolServer(tool.name) === server.name) {
      references.push({ name: tool.name, path: ['tools', index, 'name'] });
    }
  });
  server.allowTools.forEach((tool, index) => {
    const name = `${server.name}.${tool}`;
    if (!references.some((reference) => reference.name === name)) {
      references.push({ name, path: ['mcpServers', serverIndex, 'allowTools', index] });
    }
  });
  return references;
}

/** Every tool of one server, over as many `tools/list` pages as it sends (bounded). */
async function listServerTools(
  server: McpServerSpec,
  options: McpConnectOptions,
): Promise<{ name: string; description?: string | undefined; inputSchema: Record<string, unknown> }[]> {
  const connection = await connectMcpServer(server, options);
  const timeout = server.transport.timeoutSeconds * 1000;
  try {
    const tools = [];
    let cursor: string | undefined;
    for (let page = 0; page < maxMcpListPages; page += 1) {
      const listed = await connection.client
        .listTools(cursor === undefined ? {} : { cursor }, {
          timeout,
          ...(options.signal ? { signal: options.signal } : {}),
        })
        .catch((error: unknown) => {
          const reason = redactSecrets(describeError(error), connection.secretValues);
          throw new McpConnectError(
            'mcp_list_failed',
            `MCP server "${server.name}" failed to list its tools: ${reason}`,
            true,
          );
        });
      tools.push(...listed.tools);
      cursor = listed.nextCursor;
      if (cursor === undefined) break;
    }
    return tools;
  } finally {
    await connection.close().catch(() => {});
  }
}

/**
 * Connects to each MCP server of a spec, lists its tools, and checks every tool the spec
 * enables (`<server>.<tool>` in `tools`, or a server's `allowTools`): the server must be
 * reachable within its `timeoutSeconds`, list the tool, and give it a usable JSON Schema.
 * Answers the enabled tools' definitions, to be stored with the version, and the problems
 * found (none when the spec is usable).
 */
export async function listMcpTools(spec: McpToolListingSpec, options: McpConnectOptions): Promise<McpToolListing> {
  const results = await Promise.all(
    spec.mcpServers.map(async (server, serverIndex) => {
      const references = referencesOf(spec, server, serverIndex);
      const problems: McpListingProblem[] = [];
      const tools: ListedMcpTool[] = [];
      let listed;
      try {
        listed = await listServerTools(server, options);
      } catch (error) {
        if (!(error instanceof McpConnectError)) throw error;
        return { tools, problems: [{ path: ['mcpServers', serverIndex], message: error.message }] };
      }
      const byName = new Map(listed.map((tool) => [tool.name, tool]));
      for (const reference of references) {
        const tool = byName.get(mcpToolOnServer(reference.name));
        if (!tool) {
          const known = [...byName.keys()].slice(0, 50).join(', ') || 'none';
          problems.push({
            path: reference.path,
            message: `MCP server "${server.name}" has no tool "${mcpToolOnServer(reference.name)}" (it lists: ${known})`,
          });
          continue;
        }
        const schemaProblem =
          JSON.stringify(tool.inputSchema).length > maxInputSchemaBytes
            ? `over ${maxInputSchemaBytes} bytes`
            : jsonSchemaProblem(tool.inputSchema);
        if (schemaProblem) {
          problems.push({
            path: reference.path,
            message: `MCP tool "${reference.name}" has an input schema that is ${schemaProblem}`,
          });
          continue;
        }
        tools.push({
          name: reference.name,
          description: (tool.description ?? '').slice(0, maxDescriptionLength),
          inputSchema: tool.inputSchema,
        });
      }
      return { tools, problems };
    }),
  );
  return { tools: results.flatMap((result) => result.tools), problems: results.flatMap((result) => result.problems) };
}
