import { z } from 'zod';
import type { ModelTextDelta } from '../bus/model-delta.ts';

/** The SSE event name of model text deltas. */
export const modelDeltaEventType = 'model.delta';

/**
 * `model.delta`: a piece of a model step's text while the step runs. Only on the SSE stream
 * (`event: model.delta`, `id: <seq>:<step>:<attempt>:<index>`): never stored in the database,
 * never in the JSON list; a stream resumed from a delta's id sends the rest of the step's text,
 * and the step's deltas join into the text of its `model.completed`. Its SSE `data` is this
 * object (no envelope).
 */
export const modelDeltaEventSchema = z
  .strictObject({
    runId: z.uuid(),
    step: z.number().int().min(1).describe('The model step the text belongs to'),
    attempt: z
      .number()
      .int()
      .min(1)
      .describe("The step's attempt: a retried step streams again from the start, so drop an earlier attempt's text"),
    index: z.number().int().min(0).describe("0, 1, 2, … within the step's attempt"),
    text: z.string().describe('The text since the previous delta'),
  })
  .meta({
    id: 'ModelDeltaEvent',
    description:
      "SSE only (`event: model.delta`, `id: <seq>:<step>:<attempt>:<index>`): a piece of a running model step's text, never stored; a step's deltas join into its `model.completed` text.",
  });

// The bus carries exactly what the stream sends: a change to one must change the other.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const deltaShapesAgree: Same<
  z.infer<typeof modelDeltaEventSchema>,
  { -readonly [K in keyof ModelTextDelta]: ModelTextDelta[K] }
> = true;
void deltaShapesAgree;
