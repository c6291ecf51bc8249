import { z } from 'zod';
import { eventTimestampSchema, stepNumberSchema, storedRunEventSchema } from './run-event-envelope.ts';

/** `approval.requested`: a tool call waits for a human decision; the run is `waiting`. */
export const approvalRequestedEventSchema = storedRunEventSchema({
  type: 'approval.requested',
  id: 'ApprovalRequestedEvent',
  description:
    'A tool call waits for a human decision (`POST /v1/runs/{id}/approvals/{approvalId}`); the run is `waiting`.',
  step: stepNumberSchema,
  data: z.strictObject({
    approvalId: z.string(),
    callId: z.string(),
    tool: z.string(),
    input: z.unknown().describe("The call's arguments (a JSON object)"),
    expiresAt: eventTimestampSchema.nullable().describe('When the request expires; null: never'),
    links: z
      .strictObject({
        approve: z.string().describe('`POST` here (optional JSON body `{ "comment": "…" }`) to approve'),
        reject: z.string().describe('`POST` here to reject'),
        expiresAt: eventTimestampSchema.describe('When the links expire'),
      })
      .optional()
      .describe(
        'Single-use links that decide the approval without an API key (docs/callbacks.md), for a chat or e-mail button; absent on events from before links existed',
      ),
  }),
});

/** `approval.decided`: a pending approval was approved, rejected, or expired. */
export const approvalDecidedEventSchema = storedRunEventSchema({
  type: 'approval.decided',
  id: 'ApprovalDecidedEvent',
  description: 'A pending approval was decided, or expired (`decidedBy: deadline`).',
  step: stepNumberSchema,
  data: z.strictObject({
    approvalId: z.string(),
    decision: z.enum(['approve', 'reject', 'expire']),
    comment: z.string().nullable(),
    decidedBy: z.string().describe("The deciding credential's subject, or `deadline`"),
  }),
});
