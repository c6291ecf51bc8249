import type { ApiErrorCode, Problem } from './api-types.ts';

/** Every error the SDK throws is one of these (except the `AbortSignal`'s own reason). */
export class AgentRuntimeError extends Error {
  override readonly name: string = 'AgentRuntimeError';
}

/**
 * The API refused the request with a problem document (RFC 9457): branch on `code`, never on
 * the message. Subclasses group the codes by what a caller does about them.
 */
export class ApiError extends AgentRuntimeError {
  override readonly name: string = 'ApiError';
  /** The problem's stable code, e.g. `not_found`, `idempotency_key_conflict`. */
  readonly code: ApiErrorCode;
  /** The HTTP status. */
  readonly status: number;
  /** A short, human-readable summary of the kind of problem. */
  readonly title: string;
  /** What went wrong with this request. */
  readonly detail: string;
  /** The id of the request, which finds it in the API's logs. */
  readonly requestId: string;
  /** For `validation_failed`: each problem with the path of the field at fault. */
  readonly errors: readonly { readonly path: string; readonly message: string }[];
  /** How long the API asked to wait before retrying (`Retry-After`), if it said. */
  readonly retryAfterSeconds: number | undefined;
  /** The whole problem document, with any extra fields the code carries. */
  readonly problem: Problem;

  constructor(problem: Problem, retryAfterSeconds?: number) {
    super(`${problem.title}: ${problem.detail} (${problem.code})`);
    this.code = problem.code;
    this.status = problem.status;
    this.title = problem.title;
    this.detail = problem.detail;
    this.requestId = problem.requestId;
    this.errors = problem.errors ?? [];
    this.retryAfterSeconds = retryAfterSeconds;
    this.problem = problem;
  }
}

/** The request is not valid (`validation_failed`, `malformed_request`, …): fix it, do not retry. */
export class InvalidRequestError extends ApiError {
  override readonly name: string = 'InvalidRequestError';
}

/** No valid credential was sent (`unauthenticated`): log in again or check the key. */
export class AuthenticationError extends ApiError {
  override readonly name: string = 'AuthenticationError';
}

/** The credential's roles do not allow this request (`forbidden`). */
export class PermissionDeniedError extends ApiError {
  override readonly name: string = 'PermissionDeniedError';
}

/** No such object in the caller's tenant, or no such endpoint (`not_found`, `route_not_found`). */
export class NotFoundError extends ApiError {
  override readonly name: string = 'NotFoundError';
}

/** The request conflicts with the current state (`conflict`, `run_finished`, `run_busy`, …). */
export class ConflictError extends ApiError {
  override readonly name: string = 'ConflictError';
}

/** The tenant is over its rate or run limits (`rate_limited`), after the client's own retries. */
export class RateLimitedError extends ApiError {
  override readonly name: string = 'RateLimitedError';
}

/** The tenant has spent its monthly budget (`tenant_budget_exceeded`): no new runs this month. */
export class BudgetExceededError extends ApiError {
  override readonly name: string = 'BudgetExceededError';
}

/** The API or a service it needs is unavailable (`dependency_unavailable`), after the client's retries. */
export class ServiceUnavailableError extends ApiError {
  override readonly name: string = 'ServiceUnavailableError';
}

/** A defect of the runtime (`internal`); `requestId` finds it in the API's logs. */
export class InternalServerError extends ApiError {
  override readonly name: string = 'InternalServerError';
}

/** The API (or something in front of it) answered what no operation documents, e.g. a proxy's HTML page. */
export class UnexpectedResponseError extends AgentRuntimeError {
  override readonly name: string = 'UnexpectedResponseError';
  /** The HTTP status. */
  readonly status: number;
  /** The start of the body, for the message. */
  readonly body: string;

  constructor(status: number, body: string, message = `unexpected answer ${status}`) {
    super(`${message}: ${body.slice(0, 200)}`);
    this.status = status;
    this.body = body;
  }
}

/** The API could not be reached, or the connection broke, after the client's retries. */
export class ConnectionError extends AgentRuntimeError {
  override readonly name: string = 'ConnectionError';
}

type ApiErrorClass = new (problem: Problem, retryAfterSeconds?: number) => ApiError;

/** The class of each code: exhaustive, so a code added to the API fails to compile here until placed. */
const errorClassOf: Readonly<Record<ApiErrorCode, ApiErrorClass>> = {
  validation_failed: InvalidRequestError,
  malformed_request: InvalidRequestError,
  payload_too_large: InvalidRequestError,
  unsupported_media_type: InvalidRequestError,
  uri_too_long: InvalidRequestError,
  method_not_allowed: InvalidRequestError,
  unauthenticated: AuthenticationError,
  forbidden: PermissionDeniedError,
  not_found: NotFoundError,
  route_not_found: NotFoundError,
  conflict: ConflictError,
  idempotency_key_conflict: ConflictError,
  invalid_state_transition: ConflictError,
  run_finished: ConflictError,
  run_busy: ConflictError,
  thread_busy: ConflictError,
  run_not_finished: ConflictError,
  semantic_search_unavailable: ConflictError,
  approval_not_pending: ConflictError,
  callback_token_invalid: AuthenticationError,
  callback_used: ConflictError,
  callback_expired: ConflictError,
  agent_archived: ConflictError,
  version_immutable: ConflictError,
  webhook_address_refused: InvalidRequestError,
  webhook_secret_missing: ConflictError,
  rate_limited: RateLimitedError,
  tenant_budget_exceeded: BudgetExceededError,
  dependency_unavailable: ServiceUnavailableError,
  internal: InternalServerError,
};

/** The typed error of a problem document; an unknown code (a newer API) is a plain {@link ApiError}. */
export function apiErrorOf(problem: Problem, retryAfterSeconds?: number): ApiError {
  const ErrorClass = Object.hasOwn(errorClassOf, problem.code) ? errorClassOf[problem.code] : ApiError;
  return new ErrorClass(problem, retryAfterSeconds);
}

/** Whether `value` has the fields every problem document has. */
export function isProblem(value: unknown): value is Problem {
  if (typeof value !== 'object' || value === null) return false;
  const fields = value as Record<string, unknown>;
  return (
    typeof fields['code'] === 'string' && typeof fields['status'] === 'number' && typeof fields['title'] === 'string'
  );
}
