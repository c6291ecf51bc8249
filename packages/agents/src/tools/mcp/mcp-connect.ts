import type { McpServerSpec } from '@agent-runtime/core';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { redactSecrets } from '../redact-secrets.ts';
import { environmentTarget, headerTarget, resolveSecretValues, type SecretSource } from '../secret-values.ts';
import type { ToolErrorCode, ToolOutcome } from '../tool.ts';
import { stdioCommandRefusal, type StdioCommandPolicy } from './stdio-command-policy.ts';

/** An open session with an MCP server. */
export interface McpConnection {
  readonly client: Client;
  /** Secret values sent to the server (headers, environment): scrubbed from whatever it answers. */
  readonly secretValues: readonly string[];
  /** Set once the transport closed: the server exited, or the connection was closed. */
  readonly isClosed: () => boolean;
  close(): Promise<void>;
}

/**
 * Why a connection to an MCP server could not be made. `retryable` failures (unreachable,
 * timed out, exited) may pass; the others (a refused command, a missing secret) will not.
 */
export class McpConnectError extends Error {
  override readonly name = 'McpConnectError';
  readonly code: ToolErrorCode;
  readonly retryable: boolean;

  constructor(code: ToolErrorCode, message: string, retryable: boolean) {
    super(message);
    this.code = code;
    this.retryable = retryable;
  }
}

/** What connecting needs besides the server's declaration. */
export interface McpConnectOptions {
  /** Reads the secrets the transport's headers or environment name. */
  readonly secrets: SecretSource;
  /** Commands stdio servers may run (`AR_MCP_STDIO_COMMANDS`). */
  readonly stdioCommands: StdioCommandPolicy;
  /** Gives up connecting when aborted. */
  readonly signal?: AbortSignal;
}

const clientInfo = { name: 'agent-runtime', version: '0.1.0' };

async function openTransport(
  server: McpServerSpec,
  options: McpConnectOptions,
): Promise<{ transport: Transport; secretValues: string[] }> {
  const { transport } = server;
  if (transport.type === 'stdio') {
    const refusal = stdioCommandRefusal(options.stdioCommands, transport.command);
    if (refusal) throw new McpConnectError('mcp_stdio_not_allowed', refusal, false);
    const env = await resolveSecretValues(transport.env, options.secrets, environmentTarget);
    if ('failed' in env) throw failedSecret(env.failed);
    return {
      // Only a minimal environment (PATH, HOME, …) is passed on: the worker's own variables
      // hold database URLs and master keys that a tenant's command must never see.
      transport: new StdioClientTransport({
        command: transport.command,
        args: transport.args,
        env: { ...getDefaultEnvironment(), ...env.values },
        ...(transport.cwd === undefined ? {} : { cwd: transport.cwd }),
        stderr: 'ignore',
      }),
      secretValues: env.secretValues,
    };
  }
  const headers = await resolveSecretValues(transport.headers, options.secrets, headerTarget);
  if ('failed' in headers) throw failedSecret(headers.failed);
  return {
    transport: new StreamableHTTPClientTransport(new URL(transport.url), {
      requestInit: { headers: headers.values, redirect: 'error' },
    }),
    secretValues: headers.secretValues,
  };
}

function failedSecret(outcome: ToolOutcome): McpConnectError {
  const error = outcome.ok
    ? { code: 'secret_unavailable' as const, message: 'a secret is unavailable' }
    : outcome.error;
  return new McpConnectError(error.code, error.message, false);
}

/**
 * Opens a session with an MCP server: starts its command (stdio) or reaches its URL
 * (Streamable HTTP), with secrets read now, and completes the MCP handshake within the
 * server's `timeoutSeconds`. Errors name the server and never quote a secret value.
 * @throws McpConnectError
 */
export async function connectMcpServer(server: McpServerSpec, options: McpConnectOptions): Promise<McpConnection> {
  const { transport, secretValues } = await openTransport(server, options);
  const client = new Client(clientInfo, { capabilities: {} });
  let closed = false;
  client.onclose = () => {
    closed = true;
  };
  // Transport errors after the handshake surface as failed requests; nothing to do here.
  client.onerror = () => {};
  const timeoutMs = server.transport.timeoutSeconds * 1000;
  const signal = options.signal
    ? AbortSignal.any([options.signal, AbortSignal.timeout(timeoutMs)])
    : AbortSignal.timeout(timeoutMs);
  try {
    await raceAbort(client.connect(transport, { timeout: timeoutMs, signal }), signal);
  } catch (error) {
    await client.close().catch(() => {});
    if (options.signal?.aborted) throw error;
    const reason = signal.aborted
      ? `no answer within ${server.transport.timeoutSeconds}s`
      : redactSecrets(describeError(error), secretValues);
    const where = server.transport.type === 'stdio' ? `command "${server.transport.command}"` : server.transport.url;
    if (error instanceof StreamableHTTPError && (error.code === 401 || error.code === 403)) {
      throw new McpConnectError(
        'mcp_server_refused',
        `MCP server "${server.name}" (${where}) refused the credentials sent (HTTP ${error.code}): check its headers`,
        false,
      );
    }
    throw new McpConnectError(
      'mcp_server_unreachable',
      `MCP server "${server.name}" (${where}) could not be reached: ${reason}`,
      true,
    );
  }
  return {
    client,
    secretValues,
    isClosed: () => closed,
    close: () => client.close(),
  };
}

/** The message of an error and of its causes (fetch hides the reason in `cause`). */
export function describeError(error: unknown): string {
  const messages: string[] = [];
  for (let current = error; current instanceof Error && messages.length < 4; current = current.cause) {
    const status = current instanceof StreamableHTTPError && current.code !== undefined ? `HTTP ${current.code}: ` : '';
    if (current.message && !messages.includes(current.message)) messages.push(`${status}${current.message}`);
  }
  return messages.join(': ') || String(error);
}

/** Rejects when the signal aborts, even if the work ignores it (a spawn that never answers). */
function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
