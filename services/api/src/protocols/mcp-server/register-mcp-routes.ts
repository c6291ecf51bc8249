import { randomUUID } from 'node:crypto';
import { isTerminal, listRuns, type Principal } from '@agent-runtime/core';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import {
  CallToolRequestSchema,
  CancelledNotificationSchema,
  ErrorCode,
  ListToolsRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import type { FastifyError, FastifyRequest } from 'fastify';
import type { ApiInstance, RunRouteDependencies } from '../../app-types.ts';
import { auditedBy } from '../../http/audit.ts';
import { trackWaitingRequests } from '../../live/waiting-requests.ts';
import { answerOutsideJsonRpc, isHttpLevelError } from '../protocol-errors.ts';
import { listAgentTools } from './agents-as-tools.ts';
import { callAgentTool, mcpRequestMetadataKey } from './call-agent-tool.ts';

/** Where the MCP server answers (Streamable HTTP). */
export const mcpServerPath = '/mcp';

/** A session id as this server gives them (a UUID); anything else names no session. */
const sessionIdPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Whether a JSON-RPC body (one message or a batch) holds an `initialize` request. */
function initializes(body: unknown): boolean {
  return [body].flat().some((message) => (message as { method?: unknown } | null)?.method === 'initialize');
}

/**
 * The session of a request: a new one for `initialize`, else the `Mcp-Session-Id` the client
 * sends back. A session here is only a name, kept nowhere: it scopes the client's request ids,
 * so that `notifications/cancelled` finds the run of its request on any API instance.
 */
function sessionOf(request: FastifyRequest): string | undefined {
  if (initializes(request.body)) return randomUUID();
  const sent = request.headers['mcp-session-id'];
  return typeof sent === 'string' && sessionIdPattern.test(sent) ? sent : undefined;
}

/**
 * The MCP server (docs/protocols.md): `POST /mcp`, Streamable HTTP, the tenant's agents as
 * tools. Stateless: every request gets a fresh server, so any API instance answers any request
 * (no sticky sessions); the session id given at `initialize` is a name only (see
 * {@link sessionOf}). No `GET` stream (405): every notification rides on its request's response.
 */
export async function registerMcpServerRoutes(app: ApiInstance, dependencies: RunRouteDependencies): Promise<void> {
  const waitFor = trackWaitingRequests(app);
  const catchUpMs = dependencies.live?.catchUpMs ?? 5_000;
  const { db, runs } = dependencies;

  /** One MCP server for one request of one caller. */
  const serverFor = (request: FastifyRequest, session: string | undefined, signal: AbortSignal): Server => {
    const principal: Principal = request.principal;
    const actor = auditedBy(request);
    const server = new Server(
      { name: 'agent-runtime', version: '0.1.0' },
      {
        capabilities: { tools: { listChanged: false } },
        instructions:
          "Each tool is an agent of your tenant; a call starts a durable run of it and answers the run's output. Send a progressToken to follow the run.",
      },
    );
    server.setRequestHandler(ListToolsRequestSchema, async (listing) =>
      listAgentTools(db, principal.tenantId, listing.params?.cursor),
    );
    server.setRequestHandler(CallToolRequestSchema, async (call, extra) =>
      callAgentTool({
        ...dependencies,
        catchUpMs,
        actor,
        name: call.params.name,
        arguments: call.params.arguments,
        requestKey: session === undefined ? undefined : `${session}/${String(extra.requestId)}`,
        progressToken: call.params._meta?.progressToken,
        sendNotification: extra.sendNotification,
        signal: AbortSignal.any([signal, extra.signal]),
      }),
    );
    // The call it cancels may be in flight on another instance: find its run by its request.
    server.setNotificationHandler(CancelledNotificationSchema, async (notification) => {
      const requestId = notification.params.requestId;
      if (session === undefined || requestId === undefined) return;
      const { items } = await listRuns(db, principal.tenantId, {
        limit: 10,
        metadata: { [mcpRequestMetadataKey]: `${session}/${String(requestId)}` },
      });
      for (const run of items.filter((candidate) => !isTerminal(candidate.status))) {
        await runs.cancel({ tenantId: principal.tenantId, runId: run.id }, actor).catch((error: unknown) => {
          request.log.warn({ err: error, runId: run.id }, 'could not cancel the run of a cancelled MCP tool call');
        });
      }
    });
    return server;
  };

  await app.register(async (scope) => {
    scope.setErrorHandler((error: FastifyError, request, reply) => {
      if (isHttpLevelError(error)) return answerOutsideJsonRpc(error, request, reply);
      const parseError = error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY';
      return reply.status(400).send({
        jsonrpc: '2.0',
        id: null,
        error: { code: parseError ? ErrorCode.ParseError : ErrorCode.InvalidRequest, message: error.message },
      });
    });

    scope.post(mcpServerPath, { config: { access: 'write' }, schema: { hide: true } }, async (request, reply) => {
      const session = sessionOf(request);
      const waiting = waitFor(reply);
      const server = serverFor(request, session, waiting.signal);
      // No session id generator: stateless, every request on its own.
      const transport = new StreamableHTTPServerTransport({});
      reply.hijack();
      reply.raw.setHeader('x-request-id', request.id);
      if (session !== undefined && initializes(request.body)) reply.raw.setHeader('mcp-session-id', session);
      reply.raw.once('close', () => {
        waiting.release();
        void transport.close().then(() => server.close());
      });
      await server.connect(transport);
      await transport.handleRequest(request.raw, reply.raw, request.body);
    });
  });
}
