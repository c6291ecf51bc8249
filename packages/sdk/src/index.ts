/**
 * `@agent-runtime/sdk`: a typed client of the Agent Runtime API for Node 24 and browsers, with
 * no dependency beyond fetch, streams, AbortSignal and TextDecoder. Its types are generated
 * from the API's OpenAPI document (`npm run sdk:generate`). See docs/sdk.md.
 */
export { AgentRuntimeClient } from './client.ts';
export type { AgentRuntimeClientOptions, CallOptions, TokenProvider } from './client-options.ts';
export type { RetryOptions } from './http/retry-policy.ts';
export {
  AgentRuntimeError,
  ApiError,
  AuthenticationError,
  BudgetExceededError,
  ConflictError,
  ConnectionError,
  InternalServerError,
  InvalidRequestError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitedError,
  ServiceUnavailableError,
  UnexpectedResponseError,
} from './errors.ts';
export { PageIterator, type Page, type PageReader } from './pagination.ts';
export { isTerminalEventType, isTerminalStatus } from './runs/terminal.ts';
export type { FollowRunOptions } from './runs/follow-run.ts';
export type { CreatedRun, CreateRunOptions, WaitForRunOptions } from './resources/runs.ts';
export type { DecisionOptions } from './resources/approvals.ts';
export type { ArtifactContent, ArtifactUpload } from './resources/artifacts.ts';
export type { AgentsResource } from './resources/agents.ts';
export type { ApiDocumentResource, OpenApiDocument } from './resources/api-document.ts';
export type { ApiKeysResource } from './resources/api-keys.ts';
export type { ApprovalsResource } from './resources/approvals.ts';
export type { ArtifactsResource } from './resources/artifacts.ts';
export type { AuditResource } from './resources/audit.ts';
export type { UsageResource } from './resources/usage.ts';
export type { EventsResource } from './resources/events.ts';
export type { MessagesResource } from './resources/messages.ts';
export type { RunsResource } from './resources/runs.ts';
export type { SchedulesResource } from './resources/schedules.ts';
export type { SecretsResource } from './resources/secrets.ts';
export type { TenantsResource } from './resources/tenants.ts';
export type { ListThreadsFilter, ThreadsResource } from './resources/threads.ts';
export type { FollowThreadOptions } from './threads/follow-thread.ts';
export type { VersionsResource } from './resources/versions.ts';
export type { WebhooksResource } from './resources/webhooks.ts';
export { SseParser, type SseMessage } from './sse/sse-parser.ts';
export type * from './api-types.ts';
export type { components, paths } from './generated/openapi.ts';
