import type { RunError, RunErrorCode } from '@agent-runtime/core';

/** Ends a run as `failed` with a stable code, from anywhere inside the agent loop. */
export class RunFailure extends Error {
  readonly runError: RunError;

  constructor(code: RunErrorCode, message: string, step: number | null) {
    super(message);
    this.runError = { code, message, step };
  }
}
