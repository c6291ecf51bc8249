import { ApiError, ConnectionError, type ApiErrorCode } from '@agent-runtime/sdk';
import { CliError } from './cli-error.ts';
import { ExitCode, type ExitCodeValue } from './exit-codes.ts';

/** What a person sees of a failure, and the exit code. */
export interface DescribedError {
  readonly message: string;
  readonly hint: string | undefined;
  readonly exitCode: ExitCodeValue;
  /** For `--json`: the problem's code and request id, where the API answered. */
  readonly code: string | undefined;
  readonly requestId: string | undefined;
}

/** What to do about an API error code; codes with nothing useful to add are left out. */
const hints: Partial<Record<ApiErrorCode, string>> = {
  unauthenticated: 'log in again: agent-runtime login (or check AGENT_RUNTIME_API_KEY)',
  forbidden: "the credential's roles do not allow this; ask a tenant admin for a key with the role",
  not_found: 'check the id or name (agent-runtime agents ls, agent-runtime runs ls)',
  run_finished: 'the run has ended already: agent-runtime runs get <run>',
  rate_limited: 'the tenant is over its limits; try again later',
  dependency_unavailable: 'the API cannot reach a service it needs; try again shortly',
  approval_not_pending: 'the approval was decided already or expired: agent-runtime runs get <run>',
  idempotency_key_conflict: 'that idempotency key was used with another body; use a new key',
  internal: 'a defect of the runtime: give the request id to its operators',
};

/** Turns anything a command threw into a message, a hint and an exit code. */
export function describeError(error: unknown): DescribedError {
  if (error instanceof CliError) {
    return {
      message: error.message,
      hint: error.hint,
      exitCode: error.exitCode,
      code: undefined,
      requestId: undefined,
    };
  }
  if (error instanceof ApiError) {
    const fields = error.errors.map((field) => `\n  ${field.path || '(body)'}: ${field.message}`).join('');
    return {
      message: `${error.title} (${error.code}): ${error.detail}${fields}`,
      hint: hints[error.code],
      exitCode: error.code === 'unauthenticated' ? ExitCode.unauthenticated : ExitCode.error,
      code: error.code,
      requestId: error.requestId,
    };
  }
  if (error instanceof ConnectionError) {
    return {
      message: `cannot reach the API: ${error.message}`,
      hint: 'is the runtime running (./scripts/start.sh)? check the profile URL: agent-runtime whoami',
      exitCode: ExitCode.error,
      code: undefined,
      requestId: undefined,
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { message, hint: undefined, exitCode: ExitCode.error, code: undefined, requestId: undefined };
}
