import { z } from 'zod';
import { cronExpressionProblem, isKnownTimeZone } from './cron-expression.ts';
import { jsonValueSchema, metadataSchema } from './resources.ts';
import { multitaskStrategies } from './thread.ts';

const timestamp = z.iso.datetime({ offset: true });

/**
 * What a fire does while the schedule's previous fire has not finished (its run has not
 * ended): `skip` it; `buffer_one` (run it after, keeping at most one waiting); `allow_all`
 * (run both); `cancel_other` (cancel the earlier run, then run).
 */
export const scheduleOverlapPolicies = ['skip', 'buffer_one', 'allow_all', 'cancel_other'] as const;
export type ScheduleOverlapPolicy = (typeof scheduleOverlapPolicies)[number];

/** Why a schedule paused itself: its agent was archived or deleted. */
export const schedulePauseReasons = ['agent_archived', 'agent_deleted'] as const;
export type SchedulePauseReason = (typeof schedulePauseReasons)[number];

/** Metadata keys every scheduled run carries besides the schedule's own. */
export const scheduledRunMetadataKeys = { scheduleId: 'schedule.id', firedAt: 'schedule.firedAt' } as const;

/** Longest an interval or a jitter may be (seconds): a year. */
const maxSeconds = 31_536_000;

const cronSchema = z
  .string()
  .min(1)
  .max(200)
  .superRefine((expression, context) => {
    const problem = cronExpressionProblem(expression);
    if (problem) context.addIssue({ code: 'custom', message: problem });
  });

const intervalSchema = z
  .strictObject({
    everySeconds: z.number().int().min(1).max(maxSeconds).describe('Fires every this many seconds'),
    offsetSeconds: z
      .number()
      .int()
      .min(0)
      .max(maxSeconds)
      .default(0)
      .describe('Shifts the fires from the multiples of `everySeconds` since the Unix epoch'),
  })
  .refine((interval) => interval.offsetSeconds < interval.everySeconds, {
    message: 'offsetSeconds must be less than everySeconds',
    path: ['offsetSeconds'],
  })
  .meta({ id: 'ScheduleInterval' });

/** When a schedule fires: the union of its cron expressions' and intervals' times, within its dates. */
export const scheduleSpecSchema = z
  .strictObject({
    cron: z
      .array(cronSchema)
      .max(10)
      .default([])
      .describe('Cron expressions (5 fields, or a macro such as `@daily`), read in `timeZone`'),
    intervals: z.array(intervalSchema).max(10).default([]),
    timeZone: z
      .string()
      .max(64)
      .default('UTC')
      .refine(isKnownTimeZone, 'not an IANA time zone name')
      .describe('IANA time zone the cron expressions are read in'),
    startAt: timestamp.optional().describe('No fire before this time'),
    endAt: timestamp.optional().describe('No fire after this time'),
    jitterSeconds: z
      .number()
      .int()
      .min(0)
      .max(maxSeconds)
      .default(0)
      .describe('Each fire is delayed by a random time up to this, to spread load'),
  })
  .refine((spec) => spec.cron.length + spec.intervals.length > 0, {
    message: 'give at least one cron expression or interval',
    path: ['cron'],
  })
  .refine((spec) => !spec.startAt || !spec.endAt || Date.parse(spec.startAt) < Date.parse(spec.endAt), {
    message: 'endAt must be after startAt',
    path: ['endAt'],
  })
  .meta({ id: 'ScheduleSpec' });
export type ScheduleSpec = z.output<typeof scheduleSpecSchema>;

/** What the run of each fire is: agent, version, input and metadata, and optionally its thread. */
const scheduledRunFields = {
  agentId: z.uuid(),
  version: z
    .number()
    .int()
    .min(1)
    .max(2_147_483_647)
    .nullable()
    .default(null)
    .describe("The version each fire runs; null: the agent's latest at the fire"),
  input: jsonValueSchema.describe("Each run's input"),
  metadata: metadataSchema
    .refine(
      (value) => Object.keys(value).length <= 30,
      'at most 30 metadata keys (runs add schedule.id and schedule.firedAt)',
    )
    .default({}),
  threadId: z.uuid().nullable().default(null).describe('Each run is the next turn of this thread; null: no thread'),
  multitaskStrategy: z
    .enum(multitaskStrategies)
    .default('enqueue')
    .describe("On a thread: what a fire's run does to a run of the thread that has not ended (see threads)"),
};

const policyFields = {
  overlap: z.enum(scheduleOverlapPolicies).default('skip'),
  catchupWindowSeconds: z
    .number()
    .int()
    .min(10)
    .max(maxSeconds)
    .default(60)
    .describe('After downtime, missed fires newer than this are still made; older ones are dropped'),
};

/** A new schedule, as `POST /v1/schedules` takes it. */
export const newScheduleSchema = z
  .strictObject({
    ...scheduledRunFields,
    spec: scheduleSpecSchema,
    ...policyFields,
    paused: z.boolean().default(false).describe('Created paused'),
    note: z.string().max(500).optional().describe('Why it is created paused, or anything'),
  })
  .meta({ id: 'NewSchedule' });
export type NewSchedule = z.output<typeof newScheduleSchema>;

/** A change of a schedule (`PATCH`): the fields given replace the schedule's. */
export const scheduleChangeSchema = z
  .strictObject({
    version: scheduledRunFields.version.unwrap().optional(),
    input: jsonValueSchema.optional(),
    metadata: scheduledRunFields.metadata.unwrap().optional(),
    threadId: z.uuid().nullable().optional(),
    multitaskStrategy: z.enum(multitaskStrategies).optional(),
    spec: scheduleSpecSchema.optional(),
    overlap: z.enum(scheduleOverlapPolicies).optional(),
    catchupWindowSeconds: policyFields.catchupWindowSeconds.unwrap().optional(),
  })
  .meta({ id: 'ScheduleChange' });
export type ScheduleChange = z.output<typeof scheduleChangeSchema>;

/** A schedule: what it runs, when, and whether it is paused. */
export const scheduleSchema = z
  .object({
    id: z.uuid().describe('Also the id of its Temporal schedule'),
    tenantId: z.uuid(),
    agentId: z.uuid(),
    version: z.number().int().nullable(),
    input: jsonValueSchema,
    metadata: z.record(z.string(), z.string()),
    threadId: z.uuid().nullable(),
    multitaskStrategy: z.enum(multitaskStrategies),
    spec: scheduleSpecSchema,
    overlap: z.enum(scheduleOverlapPolicies),
    catchupWindowSeconds: z.number().int(),
    paused: z.boolean(),
    note: z.string().nullable().describe('The note of the last pause or unpause'),
    pausedReason: z
      .enum(schedulePauseReasons)
      .nullable()
      .describe('Why the schedule paused itself; null when it runs or a caller paused it'),
    nextFireTimes: z
      .array(timestamp)
      .optional()
      .describe('The next fire times, from Temporal (a single schedule read; lists leave it out)'),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'Schedule' });
export type Schedule = z.infer<typeof scheduleSchema>;
