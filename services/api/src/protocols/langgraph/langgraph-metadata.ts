import { AppError } from '@agent-runtime/core';

/**
 * LangGraph's metadata (any JSON values) as our string labels: strings as they are, other
 * values as their JSON; at most 32 keys of 64 characters, values of 512, as on `/v1`.
 */
export function labelsOf(metadata: Record<string, unknown> | null | undefined): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata ?? {})) {
    if (value === undefined || value === null) continue;
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    if (key.length === 0 || key.length > 64 || text.length > 512) {
      throw new AppError('validation_failed', 'metadata keys are 1-64 characters, values at most 512', {
        errors: [{ path: `metadata.${key}`, message: 'keys are 1-64 characters, values at most 512' }],
      });
    }
    labels[key] = text;
  }
  if (Object.keys(labels).length > 32) {
    throw new AppError('validation_failed', 'at most 32 metadata keys', {
      errors: [{ path: 'metadata', message: 'at most 32 metadata keys' }],
    });
  }
  return labels;
}
