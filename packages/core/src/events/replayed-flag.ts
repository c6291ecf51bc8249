import { z } from 'zod';

/**
 * Marks an event of a replay's step before its `fromStep`: the step was answered from the
 * replayed run's records (its recorded reply, its recorded tool results), so no model was
 * asked and no tool ran. Absent on every step that ran.
 */
export const replayedFlagSchema = z
  .literal(true)
  .optional()
  .describe("A replay's step answered from the replayed run's records: nothing was called");
