import { AgentCard, A2A_VERSION_HEADER, formatSSEEvent } from '@a2a-js/sdk';
import { ContentTypeNotSupportedError, RequestMalformedError } from '@a2a-js/sdk/errors';
import { ServerCallContext, JsonRpcTransportHandler, validateVersion } from '@a2a-js/sdk/server';
import { LegacyJsonRpcTransportHandler } from '@a2a-js/sdk/compat/v0_3/server';
import { A2A_LEGACY_PROTOCOL_VERSION } from '@a2a-js/sdk/compat/v0_3';
import { AppError, getAgentByName, getAgentVersion, type Agent } from '@agent-runtime/core';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiInstance, RunRouteDependencies } from '../../app-types.ts';
import { auditedBy } from '../../http/audit.ts';
import { trackWaitingRequests } from '../../live/waiting-requests.ts';
import { sendEventStream } from '../../live/event-stream.ts';
import { createA2aRequestHandler } from './a2a-request-handler.ts';
import { agentCardOf } from './agent-card.ts';
import { answerOutsideJsonRpc, isHttpLevelError } from '../protocol-errors.ts';

/** Where the A2A servers live: one per agent, `/a2a/{agentName}`. */
export const a2aPathPrefix = '/a2a';

const agentParams = z.strictObject({ agentName: z.string().min(1).max(63) });

/** JSON-RPC error responses (HTTP 200, as A2A's JSON-RPC binding answers them). */
type JsonRpcErrorBody = { jsonrpc: '2.0'; id: string | number | null; error: { code: number; message: string } };

function jsonRpcErrorOf(error: unknown, id: string | number | null = null): JsonRpcErrorBody {
  return { jsonrpc: '2.0', id, error: JsonRpcTransportHandler.mapToJSONRPCError(error) };
}

/** The JSON-RPC id of a request body, when it has a usable one. */
function requestIdOf(body: unknown): string | number | null {
  if (body === null || typeof body !== 'object' || !('id' in body)) return null;
  return typeof body.id === 'string' || typeof body.id === 'number' ? body.id : null;
}

/**
 * The agent an A2A path names, with its latest version: the tenant's agent of that name that
 * has opted in (`a2a.enabled` in its latest spec) and is not archived. Any other name is not
 * found, as another tenant's agent is.
 */
async function servedAgent(
  { db }: RunRouteDependencies,
  tenantId: string,
  name: string,
): Promise<{ agent: Agent; version: Awaited<ReturnType<typeof getAgentVersion>> }> {
  const notServed = new AppError('not_found', `no agent named ${name} is served over A2A`, { kind: 'agent', id: name });
  const agent = await getAgentByName(db, tenantId, name).catch(() => undefined);
  if (!agent || agent.archivedAt !== null || agent.latestVersion === null) throw notServed;
  const version = await getAgentVersion(db, tenantId, agent.id, agent.latestVersion);
  if (version.spec.a2a?.enabled !== true) throw notServed;
  return { agent, version };
}

/**
 * A2A (docs/protocols.md): each agent that opts in is an A2A server at `/a2a/{agentName}`, its
 * card at `/a2a/{agentName}/.well-known/agent-card.json`, JSON-RPC at `/a2a/{agentName}` (A2A
 * 1.0 methods, and 0.3's `message/send`… for clients that send no `A2A-Version: 1.0`). Both
 * need the tenant's credential, as `/v1` does. Authentication, rate limits and an unknown agent
 * answer at the HTTP level (problem documents); everything inside a call answers JSON-RPC.
 */
export async function registerA2aRoutes(app: ApiInstance, dependencies: RunRouteDependencies): Promise<void> {
  const waitFor = trackWaitingRequests(app);
  const keepAliveMs = dependencies.live?.keepAliveMs ?? 15_000;
  const catchUpMs = dependencies.live?.catchUpMs ?? 5_000;
  const oidcIssuer = dependencies.config.AR_OIDC_ISSUER;

  const cardOf = (request: FastifyRequest, served: Awaited<ReturnType<typeof servedAgent>>) =>
    agentCardOf({
      ...served,
      endpointUrl: `${request.protocol}://${request.host}${a2aPathPrefix}/${encodeURIComponent(served.agent.name)}`,
      oidcIssuer,
    });

  await app.register(async (plain) => {
    const scope = plain.withTypeProvider<ZodTypeProvider>();
    scope.setErrorHandler((error: FastifyError, request, reply) => {
      if (isHttpLevelError(error) || request.method === 'GET') return answerOutsideJsonRpc(error, request, reply);
      const known =
        error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
          ? new ContentTypeNotSupportedError('send the JSON-RPC request as application/json')
          : new RequestMalformedError(error.message);
      const body = jsonRpcErrorOf(known);
      if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY')
        body.error = { code: -32700, message: 'Invalid JSON payload' };
      return reply.status(200).type('application/json').send(body);
    });
    // A2A 1.0 clients may send `application/a2a+json`; the body is JSON either way.
    scope.addContentTypeParser(
      'application/a2a+json',
      { parseAs: 'string' },
      scope.getDefaultJsonParser('error', 'error'),
    );

    scope.get(
      `${a2aPathPrefix}/:agentName/.well-known/agent-card.json`,
      { config: { access: 'read' }, schema: { hide: true, params: agentParams } },
      async (request, reply) => {
        const served = await servedAgent(dependencies, request.principal.tenantId, request.params.agentName);
        return reply.header('cache-control', 'private, max-age=60').send(AgentCard.toJSON(cardOf(request, served)));
      },
    );

    scope.post(
      `${a2aPathPrefix}/:agentName`,
      { config: { access: 'write' }, schema: { hide: true, params: agentParams } },
      async (request, reply) => {
        const served = await servedAgent(dependencies, request.principal.tenantId, request.params.agentName);
        const card = cardOf(request, served);
        const requestId = requestIdOf(request.body);
        const requestedVersion = request.headers[A2A_VERSION_HEADER.toLowerCase()]?.toString();
        const legacy = (requestedVersion ?? A2A_LEGACY_PROTOCOL_VERSION) === A2A_LEGACY_PROTOCOL_VERSION;
        try {
          validateVersion(requestedVersion ?? A2A_LEGACY_PROTOCOL_VERSION, card, 'JSONRPC');
        } catch (error) {
          return reply.send(jsonRpcErrorOf(error, requestId));
        }
        const waiting = waitFor(reply);
        const handler = createA2aRequestHandler({
          ...dependencies,
          catchUpMs,
          agent: served.agent,
          card,
          actor: auditedBy(request),
          signal: waiting.signal,
        });
        const context = new ServerCallContext({ requestedVersion: requestedVersion ?? A2A_LEGACY_PROTOCOL_VERSION });
        const body = (request.body ?? {}) as Record<string, unknown>;
        let answer: unknown;
        try {
          answer = legacy
            ? await new LegacyJsonRpcTransportHandler(handler).handle(body, context)
            : await new JsonRpcTransportHandler(handler).handle(body, context);
        } catch (error) {
          waiting.release();
          return reply.send(jsonRpcErrorOf(error, requestId));
        }
        if (!isAsyncIterable(answer)) {
          waiting.release();
          return reply.send(answer);
        }
        return streamAnswer(request, reply, answer, { waiting, keepAliveMs, requestId });
      },
    );
  });
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return value !== null && typeof value === 'object' && Symbol.asyncIterator in value;
}

/**
 * A streaming method's answer: a JSON-RPC error (not a stream) when it fails before its first
 * event (an unknown task, a bad message), else server-sent events, one JSON-RPC response each,
 * an error in the stream as a last JSON-RPC error event.
 */
async function streamAnswer(
  request: FastifyRequest,
  reply: FastifyReply,
  answer: AsyncIterable<unknown>,
  options: {
    waiting: ReturnType<ReturnType<typeof trackWaitingRequests>>;
    keepAliveMs: number;
    requestId: string | number | null;
  },
): Promise<FastifyReply> {
  const iterator = answer[Symbol.asyncIterator]();
  let first: IteratorResult<unknown>;
  try {
    first = await iterator.next();
  } catch (error) {
    options.waiting.release();
    return reply.send(jsonRpcErrorOf(error, options.requestId));
  }
  async function* events(): AsyncGenerator<unknown, void, undefined> {
    try {
      if (!first.done) yield first.value;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
    } catch (error) {
      if (!options.waiting.signal.aborted) yield jsonRpcErrorOf(error, options.requestId);
    }
  }
  await sendEventStream(request, reply, events(), { ...options, format: (event) => formatSSEEvent(event) });
  return reply;
}
