import { readCliEnvironment } from './config/cli-environment.ts';
import { ExitCode } from './errors/exit-codes.ts';
import { runCli } from './program.ts';

/**
 * The composition root of the `agent-runtime` process: reads the environment once, runs the
 * command on the process's streams, and exits with its code. Ctrl-C outside a prompt exits
 * 130 at once; a run being followed goes on in the runtime.
 */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  // A reader that went away (`| head`) ends the command quietly, as other CLIs do.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(ExitCode.ok);
    throw error;
  });
  process.once('SIGINT', () => {
    process.stderr.write('\ninterrupted (a run goes on: agent-runtime runs tail <run>)\n');
    process.exit(ExitCode.interrupted);
  });
  const code = await runCli(argv, {
    environment: readCliEnvironment(),
    streams: { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr },
  });
  // Let stdout drain (a pipe may be slow), then end, whatever handles (a keep-alive socket) remain.
  process.stdout.write('', () => process.exit(code));
}
