/**
 * The closed set of error codes the runtime speaks. Each code maps to one HTTP status in
 * {@link httpStatusOf}; clients branch on `code`, never on messages.
 */
export const errorCodes = [
  'validation_failed',
  'malformed_request',
  'payload_too_large',
  'unsupported_media_type',
  'unauthenticated',
  'forbidden',
  'not_found',
  'route_not_found',
  'uri_too_long',
  'method_not_allowed',
  'conflict',
  'idempotency_key_conflict',
  'invalid_state_transition',
  'run_finished',
  'run_busy',
  'approval_not_pending',
  'agent_archived',
  'version_immutable',
  'rate_limited',
  'dependency_unavailable',
  'internal',
] as const;

/** A stable, machine-readable error code. */
export type ErrorCode = (typeof errorCodes)[number];

/** Structured extra detail attached to an error; must be safe to show to the caller. */
export type ErrorDetails = Readonly<Record<string, unknown>>;

/**
 * An expected failure with a stable code. Everything that is the caller's fault or a known
 * business rule is thrown as an `AppError`; anything else is a bug and answers `internal`.
 */
export class AppError extends Error {
  override readonly name = 'AppError';
  readonly code: ErrorCode;
  readonly details: ErrorDetails | undefined;

  constructor(code: ErrorCode, message: string, details?: ErrorDetails) {
    super(message);
    this.code = code;
    this.details = details;
  }
}

/** Raised when a tenant-scoped lookup finds nothing (or finds another tenant's object). */
export class NotFoundError extends AppError {
  constructor(kind: string, id: string) {
    super('not_found', `${kind} ${id} was not found`, { kind, id });
  }
}

/** Raised when a run would move to a state its current state does not allow. */
export class InvalidStateTransitionError extends AppError {
  constructor(runId: string, from: string, to: string) {
    super('invalid_state_transition', `run ${runId} cannot move from ${from} to ${to}`, {
      runId,
      from,
      to,
    });
  }
}

/** The HTTP status each error code answers with; exhaustive by construction. */
export function httpStatusOf(code: ErrorCode): number {
  switch (code) {
    case 'validation_failed':
      return 422;
    case 'malformed_request':
      return 400;
    case 'payload_too_large':
      return 413;
    case 'unsupported_media_type':
      return 415;
    case 'unauthenticated':
      return 401;
    case 'forbidden':
      return 403;
    case 'not_found':
    case 'route_not_found':
      return 404;
    case 'uri_too_long':
      return 414;
    case 'method_not_allowed':
      return 405;
    case 'conflict':
    case 'idempotency_key_conflict':
    case 'invalid_state_transition':
    case 'run_finished':
    case 'run_busy':
    case 'approval_not_pending':
    case 'agent_archived':
    case 'version_immutable':
      return 409;
    case 'rate_limited':
      return 429;
    case 'dependency_unavailable':
      return 503;
    case 'internal':
      return 500;
  }
}
