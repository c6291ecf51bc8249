import { Role, type Message, type Part } from '@a2a-js/sdk';

/** A text part. */
export function textPart(text: string): Part {
  return { content: { $case: 'text', value: text }, metadata: undefined, filename: '', mediaType: 'text/plain' };
}

/** A structured-data part (JSON). */
export function dataPart(data: unknown): Part {
  return { content: { $case: 'data', value: data }, metadata: undefined, filename: '', mediaType: 'application/json' };
}

/** A message from the agent (the runtime speaking for the run) within a task. */
export function agentMessage(fields: {
  readonly messageId: string;
  readonly taskId: string;
  readonly contextId: string;
  readonly parts: Part[];
}): Message {
  return { ...fields, role: Role.ROLE_AGENT, metadata: undefined, extensions: [], referenceTaskIds: [] };
}

/** The parts a run's input or output becomes: text as text, `{ text }` as its text, other JSON as data. */
export function partsOfValue(value: unknown): Part[] {
  if (typeof value === 'string') return [textPart(value)];
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const fields = Object.keys(value);
    if (fields.length === 1 && 'text' in value && typeof value.text === 'string') return [textPart(value.text)];
    if ('message' in value && typeof value.message === 'string' && fields.length === 1) {
      return [textPart(value.message)];
    }
  }
  return [dataPart(value)];
}
