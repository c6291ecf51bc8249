import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { inject } from 'vitest';
import { repoRoot } from './repo-root.ts';
import { appendTestLog, testLogFd } from './test-logs.ts';

/** Entry point of the one-command runtime. */
export const embeddedMain = path.join(repoRoot, 'services/embedded/src/main.ts');

/**
 * Starts the one-command runtime in the repository's root with `env` (its data directory,
 * ports and bootstrap key) and waits until `${url}/readyz` answers; its stderr goes to the test
 * run's log file.
 * @throws when it exits first or is not ready within 90 s
 */
export async function startEmbeddedProcess(url: string, env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const log = testLogFd();
  const child = spawn(process.execPath, [embeddedMain], { cwd: repoRoot, env, stdio: ['ignore', 'ignore', log] });
  appendTestLog(`--- embedded runtime started (pid ${child.pid}) at ${url}`);
  for (let waited = 0; ; waited += 200) {
    if (child.exitCode !== null) {
      throw new Error(`runtime exited with ${child.exitCode}; its stderr is in ${inject('testLogFile')}`);
    }
    const ready = await fetch(`${url}/readyz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return child;
    if (waited > 90_000) throw new Error(`runtime did not become ready; its stderr is in ${inject('testLogFile')}`);
    await delay(200);
  }
}

/** Sends `signal` to the process, if it still runs, and resolves with its exit code once it is gone. */
export async function stopProcess(child: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGTERM') {
  if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? null;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill(signal);
  return exited;
}

/**
 * Calls the API at `url()` with `apiKey`, a JSON body if given, and answers the parsed JSON.
 * `url` is read at each call: tests learn their port in `beforeAll`.
 * @throws when the answer is not 2xx, with its status and body
 */
export function jsonApi(url: () => string, apiKey: string) {
  return async (method: string, route: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${url()}${route}`, {
      method,
      headers: { authorization: `Bearer ${apiKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (!response.ok) throw new Error(`${method} ${route} → ${response.status} ${await response.text()}`);
    return response.json();
  };
}
