import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { ArtifactSource } from '../domain/artifact.ts';
import type { MessagePolicy } from '../domain/resources.ts';
import type { RunStatus } from '../domain/run-status.ts';

/** A `jsonb` column: read as a parsed value, written as a JSON string. */
type Jsonb<T> = ColumnType<T, string, string>;
type CreatedAt = ColumnType<Date, Date | undefined, never>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface TenantsTable {
  id: string;
  name: string;
  created_at: CreatedAt;
  /** Requests per minute of this tenant; null: `AR_TENANT_RATE_LIMIT`. 0: unlimited. */
  rate_limit_per_minute: ColumnType<number | null, number | null | undefined, number | null>;
  /** Requests this tenant may send at once; null: `AR_TENANT_RATE_BURST`. */
  rate_limit_burst: ColumnType<number | null, number | null | undefined, number | null>;
  /** Runs of this tenant in progress at once; null: `AR_TENANT_MAX_CONCURRENT_RUNS`. 0: unlimited. */
  max_concurrent_runs: ColumnType<number | null, number | null | undefined, number | null>;
  /** Days ended runs are kept (0016); null: `AR_RETENTION_RUNS_DAYS`. 0: for ever. */
  retention_runs_days: ColumnType<number | null, number | null | undefined, number | null>;
  /** Days idle threads are kept; null: `AR_RETENTION_THREADS_DAYS`. 0: for ever. */
  retention_threads_days: ColumnType<number | null, number | null | undefined, number | null>;
  /** Days artifacts are kept; null: `AR_RETENTION_ARTIFACTS_DAYS`. 0: for ever. */
  retention_artifacts_days: ColumnType<number | null, number | null | undefined, number | null>;
  /** Days an ended run's payload blobs are kept; null: `AR_RETENTION_PAYLOADS_DAYS`. 0: for ever. */
  retention_payloads_days: ColumnType<number | null, number | null | undefined, number | null>;
  /** USD this tenant may spend on model calls per calendar month (0020); null: no budget. */
  monthly_cost_usd: ColumnType<number | null, number | null | undefined, number | null>;
  /** Tokens this tenant may use per calendar month; null: no budget. A bigint: read it with `Number`. */
  monthly_tokens: ColumnType<string | number | bigint | null, number | null | undefined, number | null>;
}

export interface ApiKeysTable {
  id: string;
  tenant_id: string;
  name: string;
  /** Public lookup part of the key (`ar_<prefix>_…`); the rest is only stored hashed. */
  prefix: string;
  /** sha256 (hex) of the whole key. */
  key_hash: string;
  roles: string[];
  created_at: CreatedAt;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
  /** Subject of the principal that created the key; null for keys seeded at first start. */
  created_by: string | null;
  /** When the key stops authenticating; null: never. */
  expires_at: Timestamp | null;
}

export interface AgentsTable {
  id: string;
  tenant_id: string;
  name: string;
  description: string | null;
  latest_version: number | null;
  archived_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface AgentVersionsTable {
  agent_id: string;
  tenant_id: string;
  version: number;
  spec: Jsonb<unknown>;
  spec_hash: string;
  /** The MCP tools the version's servers listed at its creation (migration 0008). */
  mcp_tools: ColumnType<unknown, string | undefined, never>;
  created_at: CreatedAt;
}

export interface RunsTable {
  id: string;
  tenant_id: string;
  agent_id: string;
  agent_version: number;
  status: RunStatus;
  input: Jsonb<unknown>;
  output: Jsonb<unknown> | null;
  error: Jsonb<unknown> | null;
  usage: Jsonb<unknown>;
  metadata: Jsonb<Record<string, string>>;
  idempotency_key: string | null;
  request_hash: string | null;
  pending_approvals: ColumnType<unknown, string | undefined, string>;
  message_policy: ColumnType<MessagePolicy, MessagePolicy | undefined, MessagePolicy>;
  last_event_seq: Generated<number>;
  /** When the run got one of its tenant's concurrent-run slots; null while it waits for one. */
  admitted_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** The run this one replays (`POST /v1/runs/{id}/replay`); null for every other run. */
  replay_of_run_id: ColumnType<string | null, string | null | undefined, never>;
  /** The step the replay re-runs from: the steps before it answer from the source's records. */
  replay_from_step: ColumnType<number | null, number | null | undefined, never>;
  created_at: CreatedAt;
  started_at: Timestamp | null;
  ended_at: Timestamp | null;
  /** The thread the run is a turn of (0013); null for a run without one. */
  thread_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** What the run's adapter ended its turn with, handed to the thread's next turn. */
  turn_state: ColumnType<unknown, string | null | undefined, string | null>;
  /** When a newer run of its thread rolled this turn back: its messages never join the thread. */
  thread_discarded_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** When retention deleted the run's claim-check payload blobs (0016); null while they are kept. */
  payloads_pruned_at: ColumnType<Date | null, never, Date | null>;
  /** The run's one-off webhook endpoint (0018), signed with its tenant's run secret; null for none. */
  webhook_url: ColumnType<string | null | undefined, string | null | undefined, never>;
}

export interface RunEventsTable {
  run_id: string;
  seq: number;
  tenant_id: string;
  type: string;
  step: number | null;
  data: Jsonb<unknown>;
  /** Makes a retried write of the same event a no-op. */
  dedupe_key: string;
  created_at: CreatedAt;
}

export interface ToolCallsTable {
  /** The run's tenant (0011); part of the key with `idempotency_key`. */
  tenant_id: string;
  /** `runId:step:callId`: one row per tool call, whatever the retries. */
  idempotency_key: string;
  run_id: string;
  step: number;
  call_id: string;
  tool: string;
  status: 'started' | 'completed';
  attempts: number;
  result: Jsonb<unknown> | null;
  started_at: CreatedAt;
  completed_at: Timestamp | null;
}

/** The recorded reply of a run's decision step (0010): a retried attempt returns it. */
export interface ModelStepRepliesTable {
  /** The run's tenant (0011). */
  tenant_id: string;
  run_id: string;
  /** Keeps counting across continue-as-new: one row per step of a run. */
  step: number;
  reply: Jsonb<unknown>;
  recorded_at: CreatedAt;
}

export interface ArtifactsTable {
  id: string;
  tenant_id: string;
  run_id: string;
  name: string;
  content_type: string;
  /** `bigint`: node-postgres reads it as a string, PGlite as a number. */
  size_bytes: ColumnType<string | number | bigint, number, never>;
  /** sha256 of the bytes, lowercase hex. */
  sha256: string;
  /** Where the bytes are in the blob store. */
  blob_key: string;
  source: ArtifactSource;
  step: number | null;
  tool_call_id: string | null;
  /** Makes a retried write of the same artifact a no-op; null for API uploads. */
  dedupe_key: string | null;
  created_at: CreatedAt;
}

export interface AuditEventsTable {
  id: string;
  tenant_id: string;
  occurred_at: CreatedAt;
  /** Who acted: `api-key:<id>`, an OIDC subject, or a system component. */
  actor_subject: string;
  actor_kind: 'api_key' | 'user' | 'system';
  /** `<target type>.<past-tense verb>`, e.g. `run.cancelled`. */
  action: string;
  target_type: string;
  target_id: string;
  request_id: string | null;
  /** What else matters about the change; never a secret. */
  details: Jsonb<Record<string, unknown>>;
}

export interface SecretsTable {
  id: string;
  tenant_id: string;
  /** Unique per tenant; bound into both seals, so ciphertexts cannot move between names. */
  name: string;
  description: string | null;
  /** Id of the master key that wrapped `wrapped_data_key`. */
  key_id: string;
  /** The secret's data key, AES-256-GCM-sealed under the master key (IV ‖ tag ‖ ciphertext). */
  wrapped_data_key: Uint8Array;
  /** The value, AES-256-GCM-sealed under the data key (IV ‖ tag ‖ ciphertext). */
  ciphertext: Uint8Array;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

/** A LangGraph checkpoint (0009): one super-step's state of a graph on a thread. */
export interface LanggraphCheckpointsTable {
  /** The thread's tenant (0011); part of the key. */
  tenant_id: string;
  /** The run's id, for the runtime's LangGraph agents. */
  thread_id: string;
  checkpoint_ns: string;
  checkpoint_id: string;
  parent_checkpoint_id: string | null;
  /** The serializer's type tag of `checkpoint` and `metadata`. */
  type: string;
  checkpoint: Uint8Array;
  metadata: Uint8Array;
  created_at: CreatedAt;
}

/** A write a task of a LangGraph super-step made after a checkpoint (0009). */
export interface LanggraphCheckpointWritesTable {
  /** The thread's tenant (0011); part of the key. */
  tenant_id: string;
  thread_id: string;
  checkpoint_ns: string;
  checkpoint_id: string;
  task_id: string;
  idx: number;
  channel: string;
  type: string;
  value: Uint8Array;
  task_path: string;
}

/** A conversation runs continue turn by turn (0013). */
export interface ThreadsTable {
  id: string;
  tenant_id: string;
  metadata: Jsonb<Record<string, string>>;
  /** For a fork: the adapter state of the turn it was forked after; null otherwise. */
  agent_state: ColumnType<unknown, string | null | undefined, string | null>;
  /** `{ threadId, seq }` of the message this thread was forked after; null for a new thread. */
  forked_from: ColumnType<unknown, string | null | undefined, never>;
  /** `{ throughSeq, text }`: a model's summary of the messages up to `throughSeq`; null before one. */
  summary: ColumnType<unknown, string | null | undefined, string | null>;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

/** A message's body, shared by every thread holding it (0013). */
export interface ConversationMessagesTable {
  id: string;
  tenant_id: string;
  message: Jsonb<unknown>;
  created_at: CreatedAt;
}

/** A thread's reference to a message, in order (0013). */
export interface ThreadMessagesTable {
  thread_id: string;
  seq: number;
  tenant_id: string;
  message_id: string;
  /** The run whose turn wrote the message. */
  run_id: string | null;
  /** The message's place in that turn, from 0. */
  position: number;
  created_at: CreatedAt;
}

/**
 * A memory store item (0014). The `embedding` column (pgvector) exists only where the
 * extension does, so it is not declared here: the memory repository reads and writes it in
 * SQL of its own, after checking that it is there.
 */
export interface MemoryItemsTable {
  tenant_id: string;
  /** The namespace's labels, each followed by U+001F; in the C collation. */
  namespace_path: string;
  key: string;
  value: Jsonb<Record<string, unknown>>;
  /** The value fields embedded for semantic search; null: none. */
  index_fields: string[] | null;
  /** `<provider>:<model id>` of the embedding; null without one. */
  embedding_model: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  /** Null: lives until deleted. */
  expires_at: Timestamp | null;
}

/** A timetable that starts runs (0017); its Temporal schedule has the same id. */
export interface SchedulesTable {
  id: string;
  tenant_id: string;
  agent_id: string;
  /** Null: the agent's latest version at each fire. */
  version: number | null;
  input: Jsonb<unknown>;
  metadata: Jsonb<Record<string, string>>;
  thread_id: string | null;
  multitask_strategy: string | null;
  /** The `ScheduleSpec` as the API took it. */
  spec: Jsonb<unknown>;
  overlap: string;
  catchup_window_seconds: number;
  paused: boolean;
  note: string | null;
  paused_reason: string | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

/** A run waiting for an outside system's POST to its callback URL (0019). */
export interface WaitpointsTable {
  id: string;
  tenant_id: string;
  run_id: string;
  step: number;
  call_id: string;
  tool: string;
  status: 'pending' | 'completed' | 'expired';
  expires_at: Timestamp;
  /** The posted JSON, once completed. */
  payload: Jsonb<unknown> | null;
  created_at: CreatedAt;
  resolved_at: Timestamp | null;
}

/** What one decision step used (0020): the usage ledger, one row per step that ran. */
export interface StepUsageTable {
  tenant_id: string;
  run_id: string;
  step: number;
  agent_id: string;
  /** The spec's model provider and model id; null for adapters that call their own models. */
  provider: string | null;
  model: string | null;
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  cached_input_tokens: number;
  cost_usd: number;
  recorded_at: CreatedAt;
}

/** A tenant's tokens and cost per calendar month (UTC), kept equal to its `step_usage` rows. */
export interface TenantMonthlyUsageTable {
  tenant_id: string;
  /** The month's first day. */
  month: ColumnType<Date, string, string>;
  /** A bigint: read it with `Number`. */
  total_tokens: ColumnType<string | number | bigint, number, number>;
  cost_usd: number;
}

export interface WebhooksTable {
  id: string;
  tenant_id: string;
  url: string;
  description: string | null;
  enabled: boolean;
  event_types: string[];
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

/** A sealed signing secret: of a webhook, or (`webhook_id` null) of the tenant's runs' `webhookUrl`. */
export interface WebhookSecretsTable {
  id: string;
  tenant_id: string;
  webhook_id: string | null;
  key_id: string;
  wrapped_data_key: Uint8Array;
  ciphertext: Uint8Array;
  created_at: CreatedAt;
  /** Null: the current secret; else the time a rotated secret stops signing. */
  expires_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface WebhookDeliveriesTable {
  id: string;
  tenant_id: string;
  webhook_id: string | null;
  run_id: string;
  event_seq: number;
  event_type: string;
  url: string;
  payload: Jsonb<unknown>;
  status: ColumnType<'pending' | 'succeeded' | 'failed', 'pending' | undefined, 'pending' | 'succeeded' | 'failed'>;
  generation: Generated<number>;
  started_generation: Generated<number>;
  attempt_count: Generated<number>;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface WebhookDeliveryAttemptsTable {
  delivery_id: string;
  attempt: number;
  tenant_id: string;
  started_at: Date;
  duration_ms: number;
  status_code: number | null;
  response_body: string | null;
  error: string | null;
}

/** The database as Kysely sees it. */
export interface Database {
  tenants: TenantsTable;
  api_keys: ApiKeysTable;
  agents: AgentsTable;
  agent_versions: AgentVersionsTable;
  runs: RunsTable;
  run_events: RunEventsTable;
  tool_calls: ToolCallsTable;
  model_step_replies: ModelStepRepliesTable;
  artifacts: ArtifactsTable;
  audit_events: AuditEventsTable;
  secrets: SecretsTable;
  langgraph_checkpoints: LanggraphCheckpointsTable;
  langgraph_checkpoint_writes: LanggraphCheckpointWritesTable;
  threads: ThreadsTable;
  conversation_messages: ConversationMessagesTable;
  thread_messages: ThreadMessagesTable;
  memory_items: MemoryItemsTable;
  schedules: SchedulesTable;
  waitpoints: WaitpointsTable;
  step_usage: StepUsageTable;
  tenant_monthly_usage: TenantMonthlyUsageTable;
  webhooks: WebhooksTable;
  webhook_secrets: WebhookSecretsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_delivery_attempts: WebhookDeliveryAttemptsTable;
}

export type TenantRow = Selectable<TenantsTable>;
export type AgentRow = Selectable<AgentsTable>;
export type AgentVersionRow = Selectable<AgentVersionsTable>;
export type RunRow = Selectable<RunsTable>;
export type ThreadRow = Selectable<ThreadsTable>;
export type ApiKeyRow = Selectable<ApiKeysTable>;
export type AuditEventRow = Selectable<AuditEventsTable>;
export type RunEventRow = Selectable<RunEventsTable>;
export type NewRun = Insertable<RunsTable>;
export type ArtifactRow = Selectable<ArtifactsTable>;
export type SecretRow = Selectable<SecretsTable>;
export type WaitpointRow = Selectable<WaitpointsTable>;
