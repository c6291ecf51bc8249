import type { RunError } from '../domain/resources.ts';
import { isRunErrorCode } from './run-error-codes.ts';

/**
 * A run's stored error as the API returns it. Runs that ended before the catalog existed
 * may hold a code it lacks (a tool's own code, a JavaScript error's name): such a code reads
 * as `activity_failed` with the code kept in the message, so that every answer's code is
 * catalogued and old runs still read.
 */
export function storedRunErrorOf(stored: unknown): RunError | null {
  if (stored === null || stored === undefined) return null;
  const error = stored as { code: string; message: string; step: number | null };
  if (isRunErrorCode(error.code)) return error as RunError;
  return { ...error, code: 'activity_failed', message: `${error.code}: ${error.message}` };
}
