import { z } from 'zod';

/** A run's wait for an outside system's POST to a callback URL (docs/callbacks.md), as callers of its tenant see it. */
export const waitpointSchema = z
  .object({
    id: z.string(),
    runId: z.string(),
    step: z.number().int(),
    callId: z.string(),
    tool: z.string().describe('The callback tool the call named'),
    status: z
      .enum(['pending', 'completed', 'expired'])
      .describe('`completed` once its URL was POSTed to; `expired` when its time ran out first'),
    expiresAt: z.iso.datetime({ offset: true }),
    createdAt: z.iso.datetime({ offset: true }),
    resolvedAt: z.iso.datetime({ offset: true }).nullable(),
  })
  .meta({ id: 'Waitpoint' });

/** A waitpoint of a run; its URL is in the run's `callback.waiting` event. */
export type Waitpoint = z.infer<typeof waitpointSchema>;

/** What `GET /v1/callbacks/{token}` says about a link, changing nothing. */
export const callbackLinkSchema = z
  .object({
    kind: z.enum(['callback', 'approval']),
    status: z
      .enum(['pending', 'completed', 'expired', 'decided'])
      .describe('`pending`: a POST would be taken (an approval link: its approval still waits)'),
    decision: z.enum(['approve', 'reject']).optional().describe('What a POST to an approval link decides'),
    expiresAt: z.iso.datetime({ offset: true }),
  })
  .meta({ id: 'CallbackLink' });

/** What a POST to a link did. */
export const callbackPostResultSchema = z
  .object({
    kind: z.enum(['callback', 'approval']),
    runId: z.string(),
    waitpointId: z.string().optional(),
    approvalId: z.string().optional(),
    decision: z.enum(['approve', 'reject']).optional(),
  })
  .meta({ id: 'CallbackPostResult' });
