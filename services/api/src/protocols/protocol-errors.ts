import { AppError, type ErrorCode } from '@agent-runtime/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { problemOf, sendProblem } from '../http/problem.ts';

/**
 * Refusals that come before a protocol call is read, answered at the HTTP level as on `/v1`
 * (A2A and MCP both leave authentication to HTTP): no or a bad credential, a role that may not
 * call, the tenant's rate limit, an endpoint that serves nothing (an unknown agent), a server
 * that is shutting down.
 */
const httpLevelCodes: ReadonlySet<ErrorCode> = new Set([
  'unauthenticated',
  'forbidden',
  'rate_limited',
  'not_found',
  'route_not_found',
  'method_not_allowed',
  'uri_too_long',
  'payload_too_large',
  'dependency_unavailable',
]);

/** Whether an error is answered at the HTTP level rather than in the protocol's own format. */
export function isHttpLevelError(error: unknown): error is AppError {
  return error instanceof AppError && httpLevelCodes.has(error.code);
}

/**
 * Answers an HTTP-level refusal as `/v1` does (a problem document), with the challenge a
 * protocol client reads on a 401 (`WWW-Authenticate: Bearer`).
 */
export function answerOutsideJsonRpc(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const problem = problemOf(error, request);
  if (problem.status === 401) reply.header('www-authenticate', 'Bearer realm="agent-runtime"');
  if (problem.status >= 500 && !(error instanceof AppError)) request.log.error({ err: error }, 'request failed');
  return sendProblem(reply, problem);
}
