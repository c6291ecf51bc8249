import type { RunStatus } from '@agent-runtime/sdk';

/**
 * The CLI's exit codes, which scripts can rely on (docs/cli.md). A command that waits for a
 * run (`runs start --follow|--wait`, `runs tail`, `chat`) exits by the run's terminal state.
 */
export const ExitCode = {
  /** Done; a followed run succeeded. */
  ok: 0,
  /** The command failed: the API refused it, could not be reached, or a file could not be read. */
  error: 1,
  /** The command line is wrong: an unknown command or option, a missing argument. */
  usage: 2,
  /** The followed run ended `failed`. */
  runFailed: 3,
  /** The followed run ended `cancelled`. */
  runCancelled: 4,
  /** The followed run ended `timed_out`. */
  runTimedOut: 5,
  /** Not logged in, or the credential was refused (401): run `agent-runtime login`. */
  unauthenticated: 6,
  /** Interrupted (Ctrl-C): the run, if any, goes on. */
  interrupted: 130,
} as const;

/** One of the {@link ExitCode} values. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** The exit code of a run that ended in `status`. */
export function exitCodeOfRun(status: RunStatus): ExitCodeValue {
  switch (status) {
    case 'succeeded':
      return ExitCode.ok;
    case 'failed':
      return ExitCode.runFailed;
    case 'cancelled':
      return ExitCode.runCancelled;
    case 'timed_out':
      return ExitCode.runTimedOut;
    case 'queued':
    case 'running':
    case 'waiting':
      return ExitCode.error;
  }
}
