import { afterAll, beforeAll, describe } from 'vitest';
import { describeAgentCommands } from './agents-suite.ts';
import type { CliContext } from './cli-context.ts';
import { CliUser } from './cli-process.ts';
import { startCliStack } from './cli-stack.ts';
import { describeLogin } from './login-suite.ts';
import { describePseudoTerminal } from './pseudo-terminal-suite.ts';
import { describeRunCommands } from './runs-suite.ts';
import { describeThreadCommands } from './threads-suite.ts';

/**
 * The `agent-runtime` executable against the one-command runtime (PGlite, its own Temporal dev
 * server) as a process, as a user runs it on a laptop: through pipes, as scripts do, and
 * through a real pseudo-terminal (tmux), as a person does.
 */
describe('the CLI against the embedded runtime', () => {
  let context: CliContext | undefined;
  beforeAll(async () => {
    const stack = await startCliStack();
    const user = await CliUser.create();
    context = { stack, user };
    const login = await user.run(['login', '--url', stack.url, '--api-key', stack.apiKey]);
    if (login.code !== 0) throw new Error(`login failed: ${login.stderr}`);
  });
  afterAll(async () => {
    await context?.stack.stop();
    await context?.user.remove();
  });
  const current = () => {
    if (!context) throw new Error('the runtime did not start');
    return context;
  };
  describeLogin(current);
  describeAgentCommands(current);
  describeRunCommands(current);
  describeThreadCommands(current);
  describePseudoTerminal(current);
});
