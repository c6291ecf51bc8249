import { z } from 'zod';

const timestamp = z.iso.datetime({ offset: true });

/** How `GET /v1/usage` groups the tenant's steps. */
export const usageGroupings = ['agent', 'day', 'model'] as const;
export type UsageGrouping = (typeof usageGroupings)[number];

/** Longest period one usage query covers, in days. */
export const maxUsageRangeDays = 366;

/** Tokens and cost summed over the decision steps of a group (or of the whole period). */
export const usageTotalsSchema = z
  .object({
    steps: z.number().int().describe('Decision steps that ran (model calls, agent steps); replayed steps ran nothing'),
    runs: z.number().int().describe('Runs those steps belong to'),
    inputTokens: z.number().int(),
    outputTokens: z.number().int(),
    totalTokens: z.number().int().describe('As the providers count them; input + output where they do not say'),
    cachedInputTokens: z.number().int(),
    costUsd: z.number().describe("USD by the specs' `model.pricing`; steps of models without pricing add 0"),
  })
  .meta({ id: 'UsageTotals' });

/** One group of a usage report: its key and what its steps used. */
export const usageGroupSchema = usageTotalsSchema
  .extend({
    key: z.string().describe('The group: an agent id, a day (`YYYY-MM-DD`, UTC) or `provider/model`'),
    agentId: z.uuid().optional().describe('groupBy=agent'),
    agentName: z.string().nullable().optional().describe('groupBy=agent; null for a deleted agent'),
    day: z.iso.date().optional().describe('groupBy=day: the UTC day'),
    provider: z
      .string()
      .nullable()
      .optional()
      .describe("groupBy=model: the spec's model provider; null for agents that call their own models"),
    model: z.string().nullable().optional().describe("groupBy=model: the spec's model id; null as for provider"),
  })
  .meta({ id: 'UsageGroup' });

/** `GET /v1/usage`: a tenant's usage in a period, grouped, one page of groups at a time. */
export const usageReportSchema = z
  .object({
    groupBy: z.enum(usageGroupings),
    since: timestamp.describe('Steps recorded at or after this time'),
    until: timestamp.describe('Steps recorded before this time'),
    items: z.array(usageGroupSchema).describe('Groups in key order'),
    nextCursor: z.string().nullable(),
    total: usageTotalsSchema.describe('Over the whole period, every page'),
  })
  .meta({ id: 'UsageReport' });

export type UsageTotals = z.infer<typeof usageTotalsSchema>;
export type UsageGroup = z.infer<typeof usageGroupSchema>;
export type UsageReport = z.infer<typeof usageReportSchema>;
