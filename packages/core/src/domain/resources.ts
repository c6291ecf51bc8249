import { z } from 'zod';
import { agentSpecSchema } from './agent-spec.ts';
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
      .describe('Runs in progress (admitted, running or waiting) at once; 0 means unlimited, null the default'),
  })
  .meta({ id: 'TenantLimits' });

export const tenantSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    limits: tenantLimitsSchema,
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
    code: z.string(),
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
  })
  .meta({ id: 'Run' });

/** One append-only record of what happened in a run, ordered by `seq` (1, 2, 3, … no gaps). */
export const runEventSchema = z
  .object({
    runId: z.uuid(),
    seq: z.number().int().min(1),
    type: z.string(),
    step: z.number().int().nullable(),
    data: jsonValueSchema,
    createdAt: timestamp,
  })
  .meta({ id: 'RunEvent' });

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
export type RunEvent = z.infer<typeof runEventSchema>;
export type PendingApproval = z.infer<typeof pendingApprovalSchema>;
/** A JSON value. */
export type JsonValue = z.infer<typeof jsonValueSchema>;
