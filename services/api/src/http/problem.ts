import { AppError, httpStatusOf, type ErrorCode } from '@agent-runtime/core';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';

/** An RFC 9457 problem document with our stable `code`. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly code: ErrorCode;
  readonly detail: string;
  readonly instance: string;
  readonly requestId: string;
  readonly errors?: readonly { readonly path: string; readonly message: string }[];
  readonly [extra: string]: unknown;
}

const titles: Record<ErrorCode, string> = {
  validation_failed: 'The request is not valid',
  malformed_request: 'The request could not be read',
  payload_too_large: 'The request body is too large',
  unsupported_media_type: 'The media type of the request body is not supported',
  unauthenticated: 'Authentication required',
  forbidden: 'Not allowed',
  not_found: 'Not found',
  route_not_found: 'No such endpoint',
  uri_too_long: 'A path parameter is too long',
  method_not_allowed: 'Method not allowed',
  conflict: 'Conflict',
  idempotency_key_conflict: 'Idempotency-Key reused with a different request',
  invalid_state_transition: 'The run cannot change state that way',
  run_finished: 'The run has finished',
  run_busy: 'The run is busy and its policy rejects messages meanwhile',
  thread_busy: 'A run of the thread is in progress',
  run_not_finished: 'The run has not finished',
  approval_not_pending: 'No such approval is pending',
  callback_token_invalid: 'The callback token is not valid',
  callback_used: 'The callback URL was already used',
  callback_expired: 'The callback URL has expired',
  agent_archived: 'The agent is archived',
  version_immutable: 'Agent versions are immutable',
  semantic_search_unavailable: 'Semantic search is not available',
  tenant_budget_exceeded: 'The tenant has spent its monthly budget',
  webhook_address_refused: 'The webhook URL points to an address webhooks may not reach',
  webhook_secret_missing: "The tenant has no signing secret for runs' webhooks",
  rate_limited: 'Too many requests',
  dependency_unavailable: 'A dependency is unavailable',
  internal: 'Internal error',
};

/** Fastify's own error codes, for requests that fail before a handler runs. */
const fastifyCodes: Readonly<Record<string, ErrorCode>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed_request',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed_request',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'malformed_request',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_TYPE: 'unsupported_media_type',
  FST_ERR_BAD_URL: 'malformed_request',
};

/** The media type of every error answer (RFC 9457). */
export const problemMediaType = 'application/problem+json';

/** The problem an error becomes: the one place where errors meet HTTP. */
export function problemOf(error: unknown, request: FastifyRequest): Problem {
  const base = { instance: request.url, requestId: request.id };
  if (error instanceof AppError) {
    // Details first: they add context but can never replace the problem's own fields.
    return {
      ...error.details,
      type: `urn:agent-runtime:problem:${error.code}`,
      title: titles[error.code],
      status: httpStatusOf(error.code),
      code: error.code,
      detail: error.message,
      ...base,
    };
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const part = error.validationContext ?? 'body';
    return problem('validation_failed', `the request ${part} is not valid`, base, {
      errors: error.validation.map((issue) => ({
        path: [part, ...issue.instancePath.split('/').filter(Boolean)].join('.'),
        message: issue.message,
      })),
    });
  }
  const fastifyError = error as Partial<FastifyError>;
  const mapped = fastifyError.code ? fastifyCodes[fastifyError.code] : undefined;
  if (mapped) return problem(mapped, fastifyError.message ?? titles[mapped], base);
  if (error instanceof SyntaxError || (fastifyError.statusCode === 400 && fastifyError.code)) {
    return problem('malformed_request', fastifyError.message ?? 'malformed request', base);
  }
  return problem('internal', 'an unexpected error occurred; it has been logged', base);
}

function problem(
  code: ErrorCode,
  detail: string,
  base: { instance: string; requestId: string },
  extra: Record<string, unknown> = {},
): Problem {
  return {
    type: `urn:agent-runtime:problem:${code}`,
    title: titles[code],
    status: httpStatusOf(code),
    code,
    detail,
    ...base,
    ...extra,
  };
}

/**
 * Sends a problem as `application/problem+json`, with `Retry-After` when it says when to
 * retry and `Allow` when it lists the methods a path is served with.
 */
export function sendProblem(reply: FastifyReply, body: Problem): FastifyReply {
  if (typeof body['retryAfterSeconds'] === 'number') reply.header('retry-after', body['retryAfterSeconds']);
  if (Array.isArray(body['allowedMethods'])) reply.header('allow', body['allowedMethods'].join(', '));
  return reply.status(body.status).type(problemMediaType).send(body);
}
