import type { Message } from '@a2a-js/sdk';
import { RequestMalformedError } from '@a2a-js/sdk/errors';
import type { JsonValue, PendingApproval } from '@agent-runtime/core';
import { z } from 'zod';

/** A client's message as text and data: its text parts joined, its data parts in order. */
function contentOf(message: Message): { text: string; data: unknown[] } {
  const texts: string[] = [];
  const data: unknown[] = [];
  for (const part of message.parts) {
    const content = part.content;
    if (content?.$case === 'text') texts.push(content.value);
    else if (content?.$case === 'data') data.push(content.value);
    else throw new RequestMalformedError('only text and data parts are supported; send files as /v1 artifacts');
  }
  return { text: texts.join('\n'), data };
}

/**
 * The run input a message becomes: its text (the user message), the data of a message that
 * holds one data part and no text, or `{ message, data }` when it holds both.
 */
export function runInputOfMessage(message: Message): JsonValue {
  const { text, data } = contentOf(message);
  if (text === '' && data.length === 0) throw new RequestMalformedError('the message has no text or data part');
  if (data.length === 0) return text;
  if (text === '' && data.length === 1) return data[0] as JsonValue;
  return { message: text, data } as JsonValue;
}

/** A decision as a data part: `{ decision, approvalId?, comment? }`. */
const decisionData = z.looseObject({
  decision: z.enum(['approve', 'reject']),
  approvalId: z.string().max(200).optional(),
  comment: z.string().max(10_000).optional(),
});

const approveWords = new Set(['approve', 'approved', 'yes', 'y', 'ok', 'allow']);
const rejectWords = new Set(['reject', 'rejected', 'no', 'n', 'deny', 'denied']);

/** A decision on one pending approval. */
export interface ApprovalAnswer {
  readonly approvalId: string;
  readonly decision: 'approve' | 'reject';
  readonly comment?: string | undefined;
}

/**
 * The decisions a message sent to a task waiting for approvals makes: a data part
 * `{ decision, approvalId?, comment? }` (one approval, or every pending one without an id),
 * else text starting with approve/yes or reject/no (the rest is the comment) for every
 * pending approval. Anything else is refused with the question repeated.
 */
export function approvalAnswersOf(message: Message, pending: readonly PendingApproval[]): ApprovalAnswer[] {
  const { text, data } = contentOf(message);
  const pendingIds = pending.map((approval) => approval.id);
  const decided = data.map((item) => decisionData.safeParse(item)).filter((parsed) => parsed.success);
  if (decided.length > 0) {
    return decided.flatMap(({ data: { decision, approvalId, comment } }) => {
      if (approvalId !== undefined && !pendingIds.includes(approvalId)) {
        throw new RequestMalformedError(
          `approval "${approvalId}" is not pending; pending: ${pendingIds.join(', ') || 'none'}`,
        );
      }
      return (approvalId === undefined ? pendingIds : [approvalId]).map((id) => ({
        approvalId: id,
        decision,
        comment,
      }));
    });
  }
  const [first = '', ...rest] = text.trim().split(/\s+/);
  const word = first.toLowerCase().replace(/[.,:;!]+$/, '');
  const decision = approveWords.has(word) ? 'approve' : rejectWords.has(word) ? 'reject' : undefined;
  if (decision === undefined) {
    throw new RequestMalformedError(
      `the task waits for approval of ${pendingIds.join(', ')}: answer "approve" or "reject" (text), or a data part { "decision": "approve" | "reject", "approvalId"?: "…" }`,
    );
  }
  const comment = rest.join(' ') || undefined;
  return pendingIds.map((approvalId) => ({ approvalId, decision, comment }));
}
