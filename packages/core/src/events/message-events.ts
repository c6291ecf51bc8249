import { z } from 'zod';
import { stepNumberSchema, storedRunEventSchema } from './run-event-envelope.ts';

/** `message.received`: a user message reached the conversation. */
export const messageReceivedEventSchema = storedRunEventSchema({
  type: 'message.received',
  id: 'MessageReceivedEvent',
  description:
    'A user message (`POST /v1/runs/{id}/messages`) reached the conversation, before the step that reads it.',
  step: stepNumberSchema,
  data: z.strictObject({
    messageId: z.string(),
    content: z.string(),
    sentBy: z.string().describe("The sending credential's subject"),
    interrupted: z.boolean().describe('Whether this message interrupted the step in flight (policy `interrupt`)'),
  }),
});
