import type { AgentRuntimeClientOptions } from './client-options.ts';
import { Transport } from './http/transport.ts';
import { AgentsResource } from './resources/agents.ts';
import { ApiDocumentResource } from './resources/api-document.ts';
import { ApiKeysResource } from './resources/api-keys.ts';
import { ApprovalsResource } from './resources/approvals.ts';
import { ArtifactsResource } from './resources/artifacts.ts';
import { AuditResource } from './resources/audit.ts';
import { UsageResource } from './resources/usage.ts';
import { EventsResource } from './resources/events.ts';
import { MessagesResource } from './resources/messages.ts';
import { RunsResource } from './resources/runs.ts';
import { SchedulesResource } from './resources/schedules.ts';
import { SecretsResource } from './resources/secrets.ts';
import { TenantsResource } from './resources/tenants.ts';
import { ThreadsResource } from './resources/threads.ts';
import { VersionsResource } from './resources/versions.ts';
import { WebhooksResource } from './resources/webhooks.ts';

/**
 * The Agent Runtime API, typed: one property per resource. Works in Node 24 and in browsers
 * (fetch, streams and AbortSignal only). Every call takes an `AbortSignal`; refusals throw an
 * {@link ApiError} subclass carrying the problem's `code`; 429 and 503 are retried as
 * `Retry-After` says (bounded by `retry`).
 *
 * @example
 * const client = new AgentRuntimeClient({ baseUrl: 'http://127.0.0.1:3000', apiKey: process.env.AR_API_KEY });
 * const { run } = await client.runs.create({ agentId, input: 'What is 6 * 7?' });
 * const ended = await client.runs.wait(run.id);
 */
export class AgentRuntimeClient {
  /** Tenants and their first keys (platform admins). */
  readonly tenants: TenantsResource;
  /** Agents of the caller's tenant. */
  readonly agents: AgentsResource;
  /** Agents' immutable versions and their tools. */
  readonly versions: VersionsResource;
  /** Runs: create, list, get, wait, follow, cancel, replay. */
  readonly runs: RunsResource;
  /** A run's recorded events, paged or live. */
  readonly events: EventsResource;
  /** Decisions on tool calls waiting for approval. */
  readonly approvals: ApprovalsResource;
  /** User messages into running runs. */
  readonly messages: MessagesResource;
  /** A run's artifacts. */
  readonly artifacts: ArtifactsResource;
  /** The tenant's API keys (tenant admins). */
  readonly apiKeys: ApiKeysResource;
  /** Schedules of runs: list, read, pause, unpause, trigger. */
  readonly schedules: SchedulesResource;
  /** The tenant's secrets, write-only values (tenant admins). */
  readonly secrets: SecretsResource;
  /** The tenant's audit log (tenant admins). */
  readonly audit: AuditResource;
  /** The tenant's tokens and cost, grouped by agent, day or model. */
  readonly usage: UsageResource;
  /** The API's OpenAPI document: which operations this deployment serves. */
  readonly apiDocument: ApiDocumentResource;
  /** Threads: multi-turn conversations, their messages, runs and live events; fork. */
  readonly threads: ThreadsResource;
  /** The tenant's webhook endpoints and their deliveries (changes: tenant admins). */
  readonly webhooks: WebhooksResource;

  /** @throws TypeError when neither `apiKey` nor `token` is given */
  constructor(options: AgentRuntimeClientOptions) {
    const transport = new Transport(options);
    this.tenants = new TenantsResource(transport);
    this.agents = new AgentsResource(transport);
    this.versions = new VersionsResource(transport);
    this.runs = new RunsResource(transport);
    this.events = new EventsResource(transport);
    this.approvals = new ApprovalsResource(transport);
    this.messages = new MessagesResource(transport);
    this.artifacts = new ArtifactsResource(transport);
    this.apiKeys = new ApiKeysResource(transport);
    this.schedules = new SchedulesResource(transport);
    this.secrets = new SecretsResource(transport);
    this.audit = new AuditResource(transport);
    this.usage = new UsageResource(transport);
    this.apiDocument = new ApiDocumentResource(transport);
    this.threads = new ThreadsResource(transport);
    this.webhooks = new WebhooksResource(transport);
  }
}
