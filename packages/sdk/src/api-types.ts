// Names for the shapes of the API, all taken from the generated document types: nothing here is
// written by hand, so a change of the API shows up here when the types are regenerated.
import type { components, paths } from './generated/openapi.ts';

type Schemas = components['schemas'];

/** The JSON request body of an operation. */
type JsonBody<Path extends keyof paths, Method extends keyof paths[Path]> = paths[Path][Method] extends {
  requestBody: { content: { 'application/json': infer Body } };
}
  ? Body
  : never;

/** The query parameters of an operation. */
type Query<Path extends keyof paths, Method extends keyof paths[Path]> = paths[Path][Method] extends {
  parameters: { query?: infer Parameters };
}
  ? NonNullable<Parameters>
  : never;

/** A list operation's filters: its query without the page cursor, which the client manages. */
type ListQuery<Path extends keyof paths> = Omit<Query<Path, 'get' & keyof paths[Path]>, 'cursor'>;

/** A tenant: the isolation boundary every object belongs to. */
export type Tenant = Schemas['Tenant'];
/** A tenant's own limits; null fields follow the deployment's defaults. */
export type TenantLimits = Schemas['TenantLimits'];
/** An agent: a named capability of the tenant. */
export type Agent = Schemas['Agent'];
/** An immutable, numbered spec of an agent. */
export type AgentVersion = Schemas['AgentVersion'];
/** A tool an agent version may call, with the JSON Schema its inputs are checked against. */
export type AgentTool = Schemas['AgentTool'];
/** One execution of an agent version. */
export type Run = Schemas['Run'];
/** Where a run is in its lifecycle. */
export type RunStatus = Run['status'];
/** Why a run failed, timed out or was cancelled. */
export type RunError = Schemas['RunError'];
/** A stable code of why a run failed (docs/events.md). */
export type RunErrorCode = Schemas['RunErrorCode'];
/** Tokens and cost a run used. */
export type RunUsage = Schemas['RunUsage'];
/** A tool call waiting for a human decision. */
export type PendingApproval = Schemas['PendingApproval'];
/** An artifact's metadata (its bytes are downloaded separately). */
export type Artifact = Schemas['Artifact'];
/** An API key's metadata; never the key. */
export type ApiKey = Schemas['ApiKey'];
/** A new API key: its metadata and, this once, the key itself. */
export type CreatedApiKey = Schemas['CreatedApiKey'];
/** A tenant secret's metadata; the value is write-only. */
export type Secret = Schemas['Secret'];
/** One entry of the tenant's audit log. */
export type AuditEvent = Schemas['AuditEvent'];
/** The tenant's tokens and cost in a period, grouped by agent, day or model (`GET /v1/usage`). */
export type UsageReport = Schemas['UsageReport'];
/** One group of a usage report. */
export type UsageGroup = Schemas['UsageGroup'];
/** A conversation: its messages and the adapter state that carries between its runs (turns). */
export type Thread = Schemas['Thread'];
/** A thread's state, read from its runs: `busy` while one is queued or running, `waiting` for an approval. */
export type ThreadStatus = Thread['status'];
/** Where a fork branched off: the source thread and its last message the fork holds. */
export type ThreadOrigin = Schemas['ThreadOrigin'];
/** One message of a thread: its place (`seq`), the run whose turn added it, and the message. */
export type ThreadMessage = Schemas['ThreadMessage'];
/** A message of a conversation: a user's, an assistant's (with its tool calls) or a tool's result. */
export type ConversationMessage = Schemas['ConversationMessage'];
/** Any JSON value. */
export type JsonValue = Schemas['JsonValue'];
/** An RFC 9457 problem document, as every error answer carries it. */
export type Problem = Schemas['Problem'];
/** A stable code of why the API refused a request (docs/events.md, "API error codes"). */
export type ApiErrorCode = Schemas['ApiErrorCode'];

/** A stored run event: one of the catalog's types, each with its own `data`. */
export type RunEvent = Schemas['RunEvent'];
/** The type of a stored run event. */
export type RunEventType = RunEvent['type'];
/** The stored run event of type `Type`, e.g. `RunEventOf<'tool.completed'>`. */
export type RunEventOf<Type extends RunEventType> = Extract<RunEvent, { type: Type }>;
/**
 * A piece of a running model step's text, as `runs.follow` yields it: the API's
 * `ModelDeltaEvent` with `type: 'model.delta'`, so that it switches with the stored events.
 * Ephemeral: never stored, never replayed; the complete text is in the step's `model.completed`.
 */
export type ModelDelta = Schemas['ModelDeltaEvent'] & { readonly type: 'model.delta' };
/** What following a run yields: its stored events and its model text deltas. */
export type RunStreamEvent = RunEvent | ModelDelta;

/** The body of `POST /v1/tenants`. */
export type CreateTenantRequest = JsonBody<'/v1/tenants', 'post'>;
/** The body of `PATCH /v1/tenants/{tenantId}`. */
export type UpdateTenantRequest = JsonBody<'/v1/tenants/{tenantId}', 'patch'>;
/** The body of `POST /v1/tenants/{tenantId}/api-keys`. */
export type IssueTenantApiKeyRequest = JsonBody<'/v1/tenants/{tenantId}/api-keys', 'post'>;
/** The body of `POST /v1/agents`. */
export type CreateAgentRequest = JsonBody<'/v1/agents', 'post'>;
/** The body of `PATCH /v1/agents/{agentId}`. */
export type UpdateAgentRequest = JsonBody<'/v1/agents/{agentId}', 'patch'>;
/** An agent version's spec, as `POST /v1/agents/{agentId}/versions` takes it. */
export type AgentSpecInput = JsonBody<'/v1/agents/{agentId}/versions', 'post'>['spec'];
/** The body of `POST /v1/runs`. */
export type CreateRunRequest = JsonBody<'/v1/runs', 'post'>;
/** The body of `POST /v1/runs/{runId}/approvals/{approvalId}`. */
export type ApprovalDecisionRequest = JsonBody<'/v1/runs/{runId}/approvals/{approvalId}', 'post'>;
/** The answer of `POST /v1/runs/{runId}/approvals/{approvalId}`. */
export type ApprovalDecision =
  paths['/v1/runs/{runId}/approvals/{approvalId}']['post']['responses'][200]['content']['application/json'];
/** The answer of `POST /v1/runs/{runId}/messages`. */
export type SentMessage = paths['/v1/runs/{runId}/messages']['post']['responses'][202]['content']['application/json'];
/** The body of `POST /v1/runs/{runId}/replay`. */
export type ReplayRunRequest = JsonBody<'/v1/runs/{runId}/replay', 'post'>;
/** The body of `POST /v1/threads`. */
export type CreateThreadRequest = JsonBody<'/v1/threads', 'post'>;
/** The body of `PATCH /v1/threads/{threadId}`: a merge patch of its metadata (null removes a key). */
export type UpdateThreadRequest = JsonBody<'/v1/threads/{threadId}', 'patch'>;
/** The body of `POST /v1/threads/{threadId}/runs`: a run's body plus the double-texting strategy. */
export type StartThreadRunRequest = JsonBody<'/v1/threads/{threadId}/runs', 'post'>;
/** What happens when a run is started on a thread that already has one in flight (docs/threads.md). */
export type MultitaskStrategy = NonNullable<StartThreadRunRequest['multitaskStrategy']>;
/** The body of `POST /v1/threads/{threadId}/fork`. */
export type ForkThreadRequest = JsonBody<'/v1/threads/{threadId}/fork', 'post'>;
/** The body of `POST /v1/api-keys`. */
export type CreateApiKeyRequest = JsonBody<'/v1/api-keys', 'post'>;
/** The body of `POST /v1/secrets`. */
export type CreateSecretRequest = JsonBody<'/v1/secrets', 'post'>;
/** The body of `PUT /v1/secrets/{name}`. */
export type ReplaceSecretRequest = JsonBody<'/v1/secrets/{name}', 'put'>;

/** Filters and page size of `GET /v1/tenants`. */
export type ListTenantsQuery = ListQuery<'/v1/tenants'>;
/** Filters and page size of `GET /v1/agents`. */
export type ListAgentsQuery = ListQuery<'/v1/agents'>;
/** Page size of `GET /v1/agents/{agentId}/versions`. */
export type ListVersionsQuery = ListQuery<'/v1/agents/{agentId}/versions'>;
/** Page size of `GET /v1/agents/{agentId}/versions/{version}/tools`. */
export type ListToolsQuery = ListQuery<'/v1/agents/{agentId}/versions/{version}/tools'>;
/** Filters and page size of `GET /v1/runs`. */
export type ListRunsQuery = ListQuery<'/v1/runs'>;
/** Where to start and the page size of `GET /v1/runs/{runId}/events`. */
export type ListEventsQuery = Query<'/v1/runs/{runId}/events', 'get'>;
/** Page size of `GET /v1/runs/{runId}/artifacts`. */
export type ListArtifactsQuery = ListQuery<'/v1/runs/{runId}/artifacts'>;
/** Filters and page size of `GET /v1/threads`, as the API reads them (`metadata` as `key=value` strings). */
export type ListThreadsQuery = ListQuery<'/v1/threads'>;
/** Order and page size of `GET /v1/threads/{threadId}/messages`. */
export type ListThreadMessagesQuery = ListQuery<'/v1/threads/{threadId}/messages'>;
/** Filters and page size of `GET /v1/threads/{threadId}/runs`. */
export type ListThreadRunsQuery = ListQuery<'/v1/threads/{threadId}/runs'>;
/** Where to start (`<runId>/<seq>`) and the page size of `GET /v1/threads/{threadId}/events`. */
export type ListThreadEventsQuery = Query<'/v1/threads/{threadId}/events', 'get'>;
/** Page size of `GET /v1/api-keys`. */
export type ListApiKeysQuery = ListQuery<'/v1/api-keys'>;
/** Page size of `GET /v1/secrets`. */
export type ListSecretsQuery = ListQuery<'/v1/secrets'>;
/** Filters and page size of `GET /v1/audit`. */
export type ListAuditQuery = ListQuery<'/v1/audit'>;
/** Grouping, period, page size and cursor of `GET /v1/usage`. */
export type UsageQuery = Query<'/v1/usage', 'get'>;
/** The filters of `GET /v1/schedules`. */
export type ListSchedulesQuery = ListQuery<'/v1/schedules'>;
/** A schedule: runs of an agent started at the times its spec says. */
export type Schedule = Schemas['Schedule'];
/** Page size of `GET /v1/webhooks`. */
export type ListWebhooksQuery = ListQuery<'/v1/webhooks'>;
/** Status filter and page size of `GET /v1/webhooks/{webhookId}/deliveries`. */
export type ListWebhookDeliveriesQuery = ListQuery<'/v1/webhooks/{webhookId}/deliveries'>;
/** A webhook endpoint of the tenant (never its secret). */
export type Webhook = Schemas['Webhook'];
/** A new webhook endpoint: its URL and the event types it is sent. */
export type NewWebhook = JsonBody<'/v1/webhooks', 'post'>;
/** The fields of a webhook endpoint to replace. */
export type WebhookChange = JsonBody<'/v1/webhooks/{webhookId}', 'patch'>;
/** A webhook endpoint with its signing secret, answered once (on creation or rotation). */
export type WebhookWithSecret = Schemas['WebhookWithSecret'];
/** An event type a webhook endpoint may be sent. */
export type WebhookEventType = Webhook['eventTypes'][number];
/** One delivery of an event to an endpoint, with its attempts. */
export type WebhookDelivery = Schemas['WebhookDelivery'];
/** One send of a delivery: status code, duration, error. */
export type WebhookDeliveryAttempt = Schemas['WebhookDeliveryAttempt'];
