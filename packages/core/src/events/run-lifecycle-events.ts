import { z } from 'zod';
import { runErrorSchema, runReplayOfSchema, runUsageSchema } from '../domain/resources.ts';
import { noStepSchema, storedRunEventSchema } from './run-event-envelope.ts';

/** `run.started`: the run moved to `running` (written once, by the first `startRun`). */
export const runStartedEventSchema = storedRunEventSchema({
  type: 'run.started',
  id: 'RunStartedEvent',
  description: 'The run moved to `running`: its first event.',
  step: noStepSchema,
  data: z.strictObject({
    agentId: z.uuid(),
    agentVersion: z.number().int().min(1),
    replayOf: runReplayOfSchema.optional().describe('A replay: the run it replays and the step it re-runs from'),
  }),
});

/** `run.succeeded`: the run's final event when the agent gave its final answer. */
export const runSucceededEventSchema = storedRunEventSchema({
  type: 'run.succeeded',
  id: 'RunSucceededEvent',
  description: "The run ended `succeeded`: its last event, with the run's output and usage.",
  step: noStepSchema,
  data: z.strictObject({
    output: z.unknown().describe("The run's output (any JSON)"),
    usage: runUsageSchema,
  }),
});

const failureData = z.strictObject({ error: runErrorSchema, usage: runUsageSchema });

/** `run.failed`: the run's final event when it failed. */
export const runFailedEventSchema = storedRunEventSchema({
  type: 'run.failed',
  id: 'RunFailedEvent',
  description: 'The run ended `failed`: its last event, with the error and usage.',
  step: noStepSchema,
  data: failureData,
});

/** `run.timed_out`: the run's final event when it passed its deadline. */
export const runTimedOutEventSchema = storedRunEventSchema({
  type: 'run.timed_out',
  id: 'RunTimedOutEvent',
  description: 'The run ended `timed_out` (`run_timed_out`): its last event, with the error and usage.',
  step: noStepSchema,
  data: failureData,
});

/** `run.cancelled`: the run's final event when it was cancelled. */
export const runCancelledEventSchema = storedRunEventSchema({
  type: 'run.cancelled',
  id: 'RunCancelledEvent',
  description:
    'The run ended `cancelled`: its last event, with the error and usage; empty when it was cancelled before it started.',
  step: noStepSchema,
  data: z.union([failureData, z.strictObject({}).describe('Cancelled while queued: the run never started')]),
});
