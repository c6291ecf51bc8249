import type { RunError, RunErrorCode } from '@agent-runtime/core';

/**
 * Ends a run as `cancelled` with `run_interrupted`, at a step boundary: a newer run of its
 * thread takes over (double texting's `interrupt`).
 */
export class RunInterrupted extends Error {
  /** The last step the run took. */
  readonly step: number;

  constructor(step: number) {
    super('a newer run of its thread interrupted the run');
    this.step = step;
  }
}

/** Ends a run as `failed` with a stable code, from anywhere inside the agent loop. */
export class RunFailure extends Error {
  readonly runError: RunError;

  constructor(code: RunErrorCode, message: string, step: number | null) {
    super(message);
    this.runError = { code, message, step };
  }
}
