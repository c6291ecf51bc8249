import { AppError } from '@agent-runtime/core';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { answerOutsideJsonRpc } from '../protocol-errors.ts';

/**
 * A LangGraph API feature this runtime does not offer (docs/langgraph-api.md): 422
 * `validation_failed`, saying what is not supported.
 */
export function unsupported(what: string): AppError {
  return new AppError('validation_failed', `${what} is not supported here (docs/langgraph-api.md)`, {
    errors: [{ path: '', message: `${what} is not supported` }],
  });
}

/**
 * Answers an error as LangGraph's server does, with a `detail` saying what went wrong, in the
 * problem document `/v1` answers (which has `detail`, besides our stable `code`): the status
 * `/v1` would answer, never a 500 for bad input.
 */
export function answerLangGraphError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  return answerOutsideJsonRpc(error, request, reply);
}
