import { AppError } from '@agent-runtime/core';
import type { RunStreamPosition } from '../../live/stream-position.ts';

/** A `Last-Event-ID` this surface sent: a stream position and, for a stored event's later events, `#n`. */
export function eventIdOf(id: string | undefined): { position: RunStreamPosition; sub: number } | undefined {
  const match = id === undefined ? null : /^(\d{1,9})(?::(\d{1,9}):(\d{1,9}):(\d{1,9}))?(?:#(\d{1,3}))?$/.exec(id);
  if (!match) return undefined;
  const [, seq = '0', step, attempt, index, sub = '0'] = match;
  const position: RunStreamPosition =
    step === undefined
      ? { seq: Number(seq) }
      : { seq: Number(seq), delta: { step: Number(step), attempt: Number(attempt), index: Number(index) } };
  return { position, sub: Number(sub) };
}

/** The `n` of an event id's `#n` (0 without one): which of one stored event's events it is. */
export function subOf(eventId: string): number {
  const at = eventId.indexOf('#');
  return at < 0 ? 0 : Number(eventId.slice(at + 1));
}

/** LangGraph's input as our run's: a graph's input as it is; another agent's last user message. */
export function runInputOf(graphAgent: boolean, input: unknown): unknown {
  if (graphAgent) return input ?? null;
  const messages = (input as { messages?: unknown } | null | undefined)?.messages;
  if (Array.isArray(messages)) {
    const last = messages.at(-1) as { content?: unknown } | string | undefined;
    const content = typeof last === 'string' ? last : last?.content;
    if (typeof content === 'string') return content;
    if (Array.isArray(content)) {
      return content.map((part: { text?: unknown }) => (typeof part.text === 'string' ? part.text : '')).join('');
    }
  }
  return input ?? null;
}

/** A `command.resume` as decisions on the approvals a run waits for. */
export function verdictsOf(resume: unknown, approvalIds: readonly string[]) {
  const decisionOf = (value: unknown): { decision: 'approve' | 'reject'; comment?: string } => {
    if (value === true || value === 'approve' || value === 'yes') return { decision: 'approve' };
    if (value === false || value === 'reject' || value === 'no') return { decision: 'reject' };
    const object = value as { decision?: unknown; comment?: unknown } | null;
    if (object && (object.decision === 'approve' || object.decision === 'reject')) {
      return { decision: object.decision, ...(typeof object.comment === 'string' ? { comment: object.comment } : {}) };
    }
    throw new AppError('validation_failed', 'command.resume: true/false, "approve"/"reject" or { decision, comment }', {
      errors: [{ path: 'command.resume', message: 'true/false, "approve"/"reject" or { decision, comment }' }],
    });
  };
  const byId = resume as Record<string, unknown> | null;
  const keyed = byId !== null && typeof byId === 'object' && approvalIds.some((id) => Object.hasOwn(byId, id));
  return approvalIds.map((approvalId) => ({ approvalId, ...decisionOf(keyed ? byId[approvalId] : resume) }));
}
