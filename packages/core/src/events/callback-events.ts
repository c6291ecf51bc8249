import { z } from 'zod';
import { eventTimestampSchema, stepNumberSchema, storedRunEventSchema } from './run-event-envelope.ts';

/** `callback.waiting`: a callback tool's call waits for a POST to its URL; the run is `waiting`. */
export const callbackWaitingEventSchema = storedRunEventSchema({
  type: 'callback.waiting',
  id: 'CallbackWaitingEvent',
  description:
    "A callback tool's call waits for an outside system to `POST` JSON to `url` (single use, no API key: the token in it is the credential); the run is `waiting`.",
  step: stepNumberSchema,
  data: z.strictObject({
    waitpointId: z.string(),
    callId: z.string(),
    tool: z.string(),
    input: z.unknown().describe("The call's arguments (a JSON object)"),
    url: z
      .string()
      .describe('`POST` the result here; absolute when `AR_PUBLIC_URL` is set, else the path `/v1/callbacks/{token}`'),
    expiresAt: eventTimestampSchema.describe('When the URL expires and the call with it'),
  }),
});

/** `callback.resolved`: a waitpoint was completed by its POST, or expired. */
export const callbackResolvedEventSchema = storedRunEventSchema({
  type: 'callback.resolved',
  id: 'CallbackResolvedEvent',
  description:
    "A waitpoint was completed by a POST to its URL (the posted JSON is the call's output, in `tool.completed`), or expired.",
  step: stepNumberSchema,
  data: z.strictObject({
    waitpointId: z.string(),
    callId: z.string(),
    outcome: z.enum(['completed', 'expired']),
  }),
});
