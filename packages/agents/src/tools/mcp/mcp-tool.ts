import { createHash } from 'node:crypto';
import { mcpToolOnServer, type ListedMcpTool, type McpServerSpec, type McpToolSpec } from '@agent-runtime/core';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { redactSecrets } from '../redact-secrets.ts';
import { environmentTarget, headerTarget, resolveSecretValues, type SecretSource } from '../secret-values.ts';
import type { Tool, ToolOutcome } from '../tool.ts';
import { connectMcpServer, describeError, McpConnectError, type McpConnection } from './mcp-connect.ts';
import type { McpConnectionPool } from './mcp-connection-pool.ts';
import type { StdioCommandPolicy } from './stdio-command-policy.ts';

/** Raised when an MCP server could not be reached or dropped the call; the activity retries it. */
export class McpUnavailableError extends Error {
  override readonly name = 'McpUnavailableError';
}

/** What an MCP tool needs from the worker. */
export interface McpToolRuntime {
  /** The worker's open MCP sessions. */
  readonly pool: McpConnectionPool;
  /** Reads the tenant's secrets the server's transport names. */
  readonly secrets: SecretSource;
  /** Commands stdio servers may run (`AR_MCP_STDIO_COMMANDS`). */
  readonly stdioCommands: StdioCommandPolicy;
  /** Whose connections these are: connections are never shared across tenants. */
  readonly tenantId: string;
}

/** Longest text kept from a tool's error result. */
const maxErrorText = 2000;

/** Reads each secret once per call, so that the pool key and the connection see the same values. */
function memoizeSecrets(secrets: SecretSource): SecretSource {
  const read = new Map<string, Promise<string>>();
  return (name) => {
    let value = read.get(name);
    if (!value) {
      value = secrets(name);
      read.set(name, value);
    }
    return value;
  };
}

/** The output the model sees: structured content when given, else the text, else the content blocks. */
function outputOf(result: CallToolResult): unknown {
  if (result.structuredContent !== undefined) return result.structuredContent;
  const texts = result.content.filter((block) => block.type === 'text').map((block) => block.text);
  if (texts.length === result.content.length) return texts.join('\n');
  return result.content;
}

/** Whether a failed call says the connection is gone (worth reconnecting), rather than the call is wrong. */
function isConnectionFailure(error: unknown): boolean {
  if (error instanceof McpError) return error.code === Number(ErrorCode.ConnectionClosed);
  if (error instanceof StreamableHTTPError) return error.code === undefined || error.code === 404 || error.code >= 500;
  return !(error instanceof McpConnectError) || error.retryable;
}

/**
 * A tool of an MCP server declared in a spec, called through the worker's connection pool
 * with the listing stored at version creation. An `isError` result or a protocol error from
 * the server becomes an error result for the model; a connection that broke (the server
 * restarted) is reopened once, then the attempt fails and the activity retries it. The
 * call's idempotency key travels in the request's `_meta`; secret values the transport
 * carries are scrubbed from everything the server answers.
 */
export function createMcpTool(
  declaration: McpToolSpec,
  listed: ListedMcpTool,
  server: McpServerSpec,
  runtime: McpToolRuntime,
): Tool {
  return {
    name: declaration.name,
    description: listed.description,
    inputSchema: listed.inputSchema,
    async invoke(input, context) {
      const secrets = memoizeSecrets(runtime.secrets);
      const declared = server.transport.type === 'stdio' ? server.transport.env : server.transport.headers;
      const target = server.transport.type === 'stdio' ? environmentTarget : headerTarget;
      const resolved = await resolveSecretValues(declared, secrets, target);
      if ('failed' in resolved) return resolved.failed;
      const key = createHash('sha256')
        .update(JSON.stringify([runtime.tenantId, server, resolved.values]))
        .digest('hex');
      const connect = () =>
        connectMcpServer(server, { secrets, stdioCommands: runtime.stdioCommands, signal: context.signal });
      const call = (connection: McpConnection) =>
        connection.client.callTool(
          {
            name: mcpToolOnServer(declaration.name),
            arguments: input as Record<string, unknown>,
            _meta: { 'agent-runtime/idempotency-key': context.idempotencyKey },
          },
          undefined,
          {
            signal: context.signal,
            timeout: declaration.timeoutSeconds * 1000,
            onprogress: () => context.heartbeat(),
            resetTimeoutOnProgress: true,
          },
        ) as Promise<CallToolResult>;
      let result: CallToolResult;
      try {
        result = await runtime.pool.withConnection(key, connect, call).catch(async (error: unknown) => {
          if (context.signal.aborted || !isConnectionFailure(error) || error instanceof McpConnectError) throw error;
          // The pooled session broke (the server restarted or exited): one fresh connection.
          await runtime.pool.discard(key);
          return runtime.pool.withConnection(key, connect, call);
        });
      } catch (error) {
        if (context.signal.aborted) throw error;
        return failure(error, server, resolved.secretValues);
      }
      const scrubbed = redactSecrets(result, resolved.secretValues);
      if (scrubbed.isError) {
        const text = JSON.stringify(outputOf(scrubbed));
        return { ok: false, error: { code: 'mcp_tool_error', message: text.slice(0, maxErrorText) } };
      }
      return { ok: true, output: outputOf(scrubbed) };
    },
  };
}

/** A failed call as the model's error result, or thrown for a retry when the server was unreachable. */
function failure(error: unknown, server: McpServerSpec, secretValues: readonly string[]): ToolOutcome {
  const message = redactSecrets(describeError(error), secretValues);
  if (error instanceof McpConnectError) {
    if (error.retryable) throw new McpUnavailableError(message);
    return { ok: false, error: { code: error.code, message } };
  }
  if (error instanceof McpError && error.code === Number(ErrorCode.RequestTimeout)) {
    throw new McpUnavailableError(`MCP server "${server.name}": ${message}`);
  }
  if (isConnectionFailure(error)) throw new McpUnavailableError(`MCP server "${server.name}": ${message}`);
  if (error instanceof StreamableHTTPError) {
    // `-1`: the SDK's code for an answer of an unexpected content type (or none at all).
    const status = error.code ?? -1;
    return { ok: false, error: { code: `mcp_http_${status}`, message: `MCP server "${server.name}": ${message}` } };
  }
  return { ok: false, error: { code: 'mcp_protocol_error', message: `MCP server "${server.name}": ${message}` } };
}
