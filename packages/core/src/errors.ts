/**
 * The closed set of error codes the API answers with (in problem documents), each with what
 * it means. Each code maps to one HTTP status in {@link httpStatusOf}; clients branch on
 * `code`, never on messages. A run's own error codes are another catalog, `runErrorCodes`.
 */
export const errorCodeDescriptions = {
  validation_failed: 'The request does not match the schema, or breaks a rule of the resource; `errors` lists where.',
  malformed_request: 'The request cannot be read: a body that is not JSON, a bad cursor or header.',
  payload_too_large: 'The body, or an uploaded artifact, is larger than the limit.',
  unsupported_media_type: 'The body has a content type this endpoint does not take.',
  unauthenticated: 'No valid API key or access token was sent.',
  forbidden: 'The credentials are valid but their roles do not allow this request.',
  not_found: "The object does not exist in the caller's tenant (another tenant's objects are not found either).",
  route_not_found: 'No endpoint has this method and path.',
  uri_too_long: 'A path parameter is longer than the server reads (1000 characters).',
  method_not_allowed: 'The endpoint exists but not with this method.',
  conflict: 'The request conflicts with the current state (e.g. a name already taken).',
  idempotency_key_conflict: 'The `Idempotency-Key` was already used with a different request body.',
  invalid_state_transition: 'The run cannot move to the state the request asks for.',
  run_finished: 'The run has ended (or is ending) and takes no more messages, decisions or cancellation.',
  run_busy: 'The run is busy with a step and its message policy is `reject`.',
  thread_busy:
    "A run of the thread has not ended and the new run's `multitaskStrategy` is `reject`; or the thread cannot be deleted while one is in progress.",
  run_not_finished: 'The run has not ended yet; only a finished run can be replayed.',
  approval_not_pending: 'No approval of this id is waiting for a decision on the run.',
  callback_token_invalid:
    'The callback token is not one the runtime signed (altered, truncated, or signed with a key it no longer has).',
  callback_used: 'The callback URL was already used (or its approval already decided): each is good for one POST.',
  callback_expired: 'The callback URL has expired, or the run it belongs to has ended.',
  agent_archived: 'The agent is archived and takes no new versions or runs.',
  version_immutable: 'Agent versions cannot be changed; create a new version.',
  semantic_search_unavailable:
    'The memory store cannot embed or search by meaning here: no embedding model is configured, or the database has no pgvector.',
  webhook_address_refused:
    'The webhook URL resolves to an address webhooks may not reach (loopback, private, link-local or another non-public one) and the allow-list (`AR_WEBHOOK_ALLOWED_NETWORKS`) does not name it; `reason` says which, or that the host does not resolve.',
  webhook_secret_missing:
    "A run names a `webhookUrl` but the tenant has no signing secret for runs' webhooks yet: create one with `POST /v1/run-webhook-secret`.",
  rate_limited: "The tenant's request rate or concurrent-run limit is reached; retry after `Retry-After`.",
  tenant_budget_exceeded:
    'The tenant has spent its monthly budget (`limits.monthlyCostUsd` or `limits.monthlyTokens`): no new runs until the next calendar month (UTC) or a higher budget.',
  dependency_unavailable:
    'A service the runtime needs (database, Temporal, identity provider) is unavailable; retry later.',
  internal: 'An unexpected failure of the runtime; the request id finds it in the logs.',
} as const satisfies Record<string, string>;

/** Every API error code, in catalog order. */
export const errorCodes = Object.keys(errorCodeDescriptions) as readonly ErrorCode[];

/** A stable, machine-readable error code. */
export type ErrorCode = keyof typeof errorCodeDescriptions;

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
    case 'webhook_address_refused':
      return 422;
    case 'malformed_request':
      return 400;
    case 'payload_too_large':
      return 413;
    case 'unsupported_media_type':
      return 415;
    case 'unauthenticated':
    case 'callback_token_invalid':
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
    case 'callback_used':
    case 'callback_expired':
      return 410;
    case 'conflict':
    case 'idempotency_key_conflict':
    case 'invalid_state_transition':
    case 'run_finished':
    case 'run_busy':
    case 'thread_busy':
    case 'run_not_finished':
    case 'approval_not_pending':
    case 'agent_archived':
    case 'version_immutable':
    case 'semantic_search_unavailable':
    case 'webhook_secret_missing':
      return 409;
    case 'tenant_budget_exceeded':
      return 402;
    case 'rate_limited':
      return 429;
    case 'dependency_unavailable':
      return 503;
    case 'internal':
      return 500;
  }
}
