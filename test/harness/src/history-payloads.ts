import type { Payload } from '@temporalio/common';

function isPayload(value: object): value is Payload {
  return 'data' in value && value.data instanceof Uint8Array && 'metadata' in value;
}

/** Every payload anywhere in a workflow history (inputs, results, failures, memos…). */
export function payloadsOf(history: unknown): Payload[] {
  const found: Payload[] = [];
  const visit = (value: unknown) => {
    if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return;
    if (isPayload(value)) {
      found.push(value);
      return;
    }
    for (const nested of Object.values(value)) visit(nested);
  };
  visit(history);
  return found;
}

/** The `encoding` metadata of a payload, as text. */
export function encodingOf(payload: Payload): string {
  const encoding = payload.metadata?.['encoding'];
  return encoding ? new TextDecoder().decode(encoding) : '';
}
