import { spawn, type ChildProcess } from 'node:child_process';

/** An example agent's Python server (examples/*-agent/server.py), started by a test. */
export interface PythonAgentServer {
  readonly child: ChildProcess;
  /** Base URL it listens on (`http://127.0.0.1:<port>`). */
  readonly url: string;
  /** The last lines it wrote to stderr, for failure messages. */
  stderr(): string;
  /** SIGTERM; resolves once it is gone. */
  stop(): Promise<void>;
}

/** Options of {@link startPythonAgentServer}. */
export interface PythonAgentServerOptions {
  /** The venv's interpreter. */
  readonly python: string;
  /** What the interpreter runs: the server script (and, before it, any wrapper). */
  readonly args: readonly string[];
  /** The process's whole environment (nothing is inherited). */
  readonly env: NodeJS.ProcessEnv;
  /** @default 30 s; CrewAI imports for a while on a busy machine */
  readonly timeoutMs?: number;
}

const stderrTailChars = 16_000;

/**
 * Starts an example agent's server with `--port 0`; resolves once it prints
 * `listening on http://…` (the examples' contract), rejects if it exits or stays silent.
 */
export function startPythonAgentServer(options: PythonAgentServerOptions): Promise<PythonAgentServer> {
  const child = spawn(options.python, [...options.args, '--port', '0'], {
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-stderrTailChars);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the agent server did not start:\n${stderr}`));
    }, options.timeoutMs ?? 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the agent server exited ${code}:\n${stderr}`));
    });
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const match = /listening on (http:\/\/\S+)/.exec(stdout);
      if (!match?.[1]) return;
      clearTimeout(timer);
      resolve({ child, url: match[1], stderr: () => stderr, stop });
    });
  });
}
