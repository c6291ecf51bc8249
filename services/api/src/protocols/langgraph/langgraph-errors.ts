import { AppError } from '@agent-runtime/core';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { problemOf } from '../../http/problem.ts';

/** A LangGraph API feature this runtime does not offer (docs/langgraph-api.md): 501. */
export class LangGraphUnsupportedError extends Error {
  override readonly name = 'LangGraphUnsupportedError';
}

/**
 * Answers an error in LangGraph's format (`{ "detail": "…" }`, as its server does), with the
 * status `/v1` would answer and our stable `code` beside it; never a 500 for bad input.
 */
export function answerLangGraphError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof LangGraphUnsupportedError) {
    return reply.status(501).type('application/json').send({ detail: error.message, code: 'not_supported' });
  }
  const problem = problemOf(error, request);
  if (problem.status >= 500 && !(error instanceof AppError)) request.log.error({ err: error }, 'request failed');
  if (problem.status === 401) reply.header('www-authenticate', 'Bearer realm="agent-runtime"');
  if (typeof problem['retryAfterSeconds'] === 'number') reply.header('retry-after', problem['retryAfterSeconds']);
  return reply
    .status(problem.status)
    .type('application/json')
    .send({ detail: problem.detail, code: problem.code, ...(problem.errors ? { errors: problem.errors } : {}) });
}
