/**
 * `@agent-runtime/cli`: the `agent-runtime` command, built on `@agent-runtime/sdk`. Its bin is
 * `src/bin.ts`; `runCli` runs a command line in-process (the benchmark does). See docs/cli.md.
 */
export { runCli, type CliInvocation } from './program.ts';
export { readCliEnvironment, type CliEnvironment } from './config/cli-environment.ts';
export { ExitCode, exitCodeOfRun, type ExitCodeValue } from './errors/exit-codes.ts';
export type { CliStreams } from './cli-context.ts';
