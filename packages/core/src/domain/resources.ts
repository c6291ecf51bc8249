import { z } from 'zod';
import { runErrorCodeSchema } from '../errors/run-error-code-schema.ts';
import { agentSpecSchema } from './agent-spec.ts';
import { tenantRetentionSchema } from './retention.ts';
import { runStatuses } from './run-status.ts';

/**
 * Any JSON value. Registered under a name, itself rather than a copy (its recursion refers to
 * this very instance): the OpenAPI document can only reference a recursive schema that is a
 * component of its own.
 */
export const jsonValueSchema = z.json().register(z.globalRegistry, { id: 'JsonValue' });

/** String → string labels a client attaches to an object. */
export const metadataSchema = z
  .record(z.string().min(1).max(64), z.string().max(512))
  .refine((value) => Object.keys(value).length <= 32, 'at most 32 metadata keys')
  .meta({ maxProperties: 32 });

const timestamp = z.iso.datetime({ offset: true });

/** A tenant: the isolation boundary. */
/**
 * A tenant's own limits; each null field follows the deployment's default
 * (`AR_TENANT_RATE_LIMIT`, `AR_TENANT_RATE_BURST`, `AR_TENANT_MAX_CONCURRENT_RUNS`).
 */
export const tenantLimitsSchema = z
  .object({
    rateLimitPerMinute: z
      .number()
      .int()
      .min(0)
      .max(1_000_000)
      .nullable()
      .describe('Sustained API requests per minute; 0 means unlimited, null the default'),
    rateLimitBurst: z
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .nullable()
      .describe('Requests that may arrive at once on top of the sustained rate; null means the default'),
    maxConcurrentRuns: z
      .number()
      .int()
      .min(0)
      .max(1_000_000)
      .nullable()
      .describe(
        'Runs using workers (admitted and queued, or running) at once; runs waiting for an approval do not count. 0 means unlimited, null the default',
      ),
    monthlyCostUsd: z
      .number()
      .min(0)
      .max(1_000_000_000)
      .nullable()
      .describe(
        'USD of model calls the tenant may spend per calendar month (UTC); once spent, new runs answer 402 `tenant_budget_exceeded` and running ones stop before their next step. Null: no budget',
      ),
    monthlyTokens: z
      .number()
      .int()
      .min(0)
      .max(1_000_000_000_000)
      .nullable()
      .describe(
        'Tokens the tenant may use per calendar month (UTC); once used, new runs answer 402 `tenant_budget_exceeded` and running ones stop before their next step. Null: no budget',
      ),
  })
  .meta({ id: 'TenantLimits' });

export const tenantSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    limits: tenantLimitsSchema,
    retention: tenantRetentionSchema,
    createdAt: timestamp,
  })
  .meta({ id: 'Tenant' });

/** A named capability inside a tenant. */
export const agentSchema = z
  .object({
    id: z.uuid(),
    tenantId: z.uuid(),
    name: z.string(),
    description: z.string().nullable(),
    latestVersion: z.number().int().nullable(),
    archivedAt: timestamp.nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'Agent' });

/** An immutable, numbered spec of an agent. */
export const agentVersionSchema = z
  .object({
    agentId: z.uuid(),
    tenantId: z.uuid(),
    version: z.number().int().min(1),
    spec: agentSpecSchema,
    specHash: z.string().describe('sha256 of the canonical spec JSON'),
    createdAt: timestamp,
  })
  .meta({ id: 'AgentVersion' });

/** Why a run failed. */
export const runErrorSchema = z
  .object({
    code: runErrorCodeSchema,
    message: z.string(),
    step: z.number().int().nullable(),
  })
  .meta({ id: 'RunError' });

/** Resources a run consumed. */
export const runUsageSchema = z
  .object({
    steps: z.number().int(),
    modelCalls: z.number().int(),
    toolCalls: z.number().int(),
    inputTokens: z.number().int().describe('Input tokens of every model call, cached ones included'),
    outputTokens: z.number().int(),
    totalTokens: z.number().int().optional().describe('As the providers count them (input + output, or more)'),
    cachedInputTokens: z.number().int().optional().describe('Input tokens providers read from their prompt cache'),
    costUsd: z.number().describe('USD, summed over the model calls whose spec sets `model.pricing` (0 when none does)'),
  })
  .meta({ id: 'RunUsage' });

/** How a run treats a user message that arrives while a step is in flight. */
export const messagePolicies = ['reject', 'enqueue', 'interrupt'] as const;
export type MessagePolicy = (typeof messagePolicies)[number];

/** A tool call waiting for a human decision. */
export const pendingApprovalSchema = z
  .object({
    id: z.string(),
    step: z.number().int(),
    callId: z.string(),
    tool: z.string(),
    input: jsonValueSchema,
    requestedAt: timestamp,
    expiresAt: timestamp.nullable(),
  })
  .meta({ id: 'PendingApproval' });

/** Why a queued run has not started (see `docs/limits.md`). */
export const runQueueReasons = ['starting', 'thread', 'concurrent_runs', 'waiting_runs', 'admission_pending'] as const;

/** Where a queued run stands in its tenant's queue, and what holds it there. */
export const runQueueSchema = z
  .object({
    position: z
      .number()
      .int()
      .min(0)
      .describe('1 for the run the tenant admits next, 2 after it, …; 0 once admitted (its workflow is starting)'),
    reason: z
      .enum(runQueueReasons)
      .describe(
        '`starting`: admitted, its workflow is starting. `thread`: an earlier run of its thread has not ended; it runs after it. `concurrent_runs`: the runs using workers are at the concurrent-run limit, or older runs take the free slots first. `waiting_runs`: as many runs are waiting for approvals as the waiting cap allows; admission pauses until fewer wait. `admission_pending`: a slot is free for it; the next admission (within 15 s) takes it.',
      ),
    limit: z
      .number()
      .int()
      .nullable()
      .describe(
        'The value of the limit named by `reason` (`maxConcurrentRuns` or the waiting cap); null for the other reasons',
      ),
  })
  .meta({ id: 'RunQueue' });

/** What a replay re-runs: the finished run it was made from, and the first step it runs anew. */
export const runReplayOfSchema = z
  .object({
    runId: z.uuid().describe('The run replayed'),
    fromStep: z
      .number()
      .int()
      .min(1)
      .describe("The first step run anew; the steps before it answered from the replayed run's records"),
  })
  .meta({ id: 'RunReplayOf' });

/** One execution of one agent version. */
export const runSchema = z
  .object({
    id: z.uuid(),
    tenantId: z.uuid(),
    agentId: z.uuid(),
    agentVersion: z.number().int(),
    status: z.enum(runStatuses),
    input: jsonValueSchema,
    output: jsonValueSchema.nullable(),
    error: runErrorSchema.nullable(),
    usage: runUsageSchema,
    metadata: z.record(z.string(), z.string()),
    messagePolicy: z.enum(messagePolicies),
    pendingApprovals: z.array(pendingApprovalSchema),
    createdAt: timestamp,
    startedAt: timestamp.nullable(),
    endedAt: timestamp.nullable(),
    threadId: z.uuid().nullable().describe('The thread the run is a turn of; null for a run without one'),
    queue: runQueueSchema.optional().describe('Why the run is still queued; absent unless `status` is `queued`'),
    replayOf: runReplayOfSchema
      .optional()
      .describe('A replay (`POST /v1/runs/{id}/replay`): what it replays; absent on every other run'),
    webhookUrl: z
      .string()
      .optional()
      .describe("The run's one-off webhook endpoint (docs/webhooks.md); absent when it names none"),
  })
  .meta({ id: 'Run' });

/** A page of a list endpoint. `nextCursor` is null on the last page. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

export type Tenant = z.infer<typeof tenantSchema>;
export type TenantLimits = z.infer<typeof tenantLimitsSchema>;
export type Agent = z.infer<typeof agentSchema>;
export type AgentVersion = z.infer<typeof agentVersionSchema>;
export type Run = z.infer<typeof runSchema>;
export type RunError = z.infer<typeof runErrorSchema>;
export type RunUsage = z.infer<typeof runUsageSchema>;
export type PendingApproval = z.infer<typeof pendingApprovalSchema>;
export type RunQueue = z.infer<typeof runQueueSchema>;
export type RunReplayOf = z.infer<typeof runReplayOfSchema>;
/** A JSON value. */
export type JsonValue = z.infer<typeof jsonValueSchema>;
