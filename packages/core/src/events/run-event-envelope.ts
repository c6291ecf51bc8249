import { z } from 'zod';

/** When an event was recorded. */
export const eventTimestampSchema = z.iso.datetime({ offset: true });

/** The step of an event that belongs to no step (the run's own events). */
export const noStepSchema = z.null().describe('Always null: the event belongs to the run, not to a step');

/** The model step an event belongs to, from 1. */
export const stepNumberSchema = z.number().int().min(1).describe('The model step the event belongs to, from 1');

/**
 * One stored event of one `type`, as the API returns it: the envelope every event shares
 * (`runId`, `seq`, `type`, `step`, `data`, `createdAt`) around the type's own payload. `id`
 * names the OpenAPI component (`RunStartedEvent`).
 */
export function storedRunEventSchema<Type extends string, Step extends z.ZodType, Data extends z.ZodType>(definition: {
  readonly type: Type;
  readonly id: string;
  readonly description: string;
  readonly step: Step;
  readonly data: Data;
}) {
  return z
    .strictObject({
      runId: z.uuid(),
      seq: z.number().int().min(1).describe("Position in the run's log: 1, 2, 3, … with no gaps"),
      type: z.literal(definition.type),
      step: definition.step,
      data: definition.data,
      createdAt: eventTimestampSchema,
    })
    .meta({ id: definition.id, description: definition.description });
}
